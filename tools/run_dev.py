"""`make run`: the web server and a Celery worker with embedded beat, until Ctrl-C.

Both children run in this process group's care: on Ctrl-C (or SIGTERM) both
are stopped, and if either dies the other is stopped too.
"""

import os
import signal
import subprocess
import sys
import time

HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")


def main():
    py = sys.executable
    env = dict(os.environ)
    children = [
        subprocess.Popen([py, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"], env=env),
        subprocess.Popen([py, "-m", "celery", "-A", "charity_portal", "worker", "--beat", "--loglevel=INFO",
                          "--concurrency=1", "--pool=solo"], env=env),
    ]

    def stop(*_):
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.time() + 10
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                child.kill()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    time.sleep(2)
    interval = env.get("LEDGER_ANCHOR_INTERVAL", "60")
    print(f"\n  Charitable China portal: http://{HOST}:{PORT}/   (ledger anchored every {interval} s; Ctrl-C stops)\n",
          flush=True)
    while all(child.poll() is None for child in children):
        time.sleep(0.5)
    stop()


if __name__ == "__main__":
    main()
