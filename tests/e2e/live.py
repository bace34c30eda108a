"""A real portal in subprocesses, on a fresh database, for browser journeys.

`LivePortal` starts what `make run` starts, but isolated for one test session:

* a fresh database: SQLite in a temporary VAR_DIR, or, when DATABASE_URL is
  set, a new PostgreSQL database `<dbname>_e2e_<random>` (UTF-8, C.UTF-8
  locale) on the same server, dropped at the end;
* `manage.py migrate`, `seed_demo` and `anchor_ledger`, each in a subprocess,
  so the first checkpoint exists before the first page is opened;
* `manage.py runserver 127.0.0.1:<free port> --noreload`, awaited until it answers;
* optionally (`worker=True`) a Celery worker with embedded beat
  (`celery -A charity_portal worker --beat --pool=solo`) with
  LEDGER_ANCHOR_INTERVAL=1, so the real worker anchors new entries within
  about a second. Its broker is Redis when REDIS_URL is set, on a database
  number of its own (E2E_REDIS_URL to choose it; otherwise the highest empty
  one is claimed and flushed at the end), else kombu's filesystem transport
  in the temporary VAR_DIR.

Every subprocess is killed (its whole process group) at `stop()`.

What a test gets (tests/e2e/conftest.py offers the fixtures `live_portal`,
`live_portal_with_worker`, `browser` and `page`):

    portal.base_url              "http://127.0.0.1:<port>"
    portal.url("/ledger/")       base_url + path
    portal.manage(*args)         run a management command against that database;
                                 returns CompletedProcess (stdout/stderr as text),
                                 raises on a non-zero exit unless check=False
    portal.shell(code)           `manage.py shell -c code`, returns its stdout
    portal.sql(statement, params=())
                                 execute SQL directly as the database owner with
                                 the append-only triggers off (to play an attacker
                                 with database access); returns the rows of a
                                 SELECT/RETURNING, else []. Triggers are back on
                                 when it returns.
    portal.checkpoint_size()     size of /ledger/checkpoint (None before the first)
    portal.wait_for_checkpoint(n, timeout)
                                 poll /ledger/checkpoint until it covers n entries
    portal.vendor                "sqlite" or "postgresql"
    portal.var_dir, portal.env   the stack's VAR_DIR and environment
    portal.log_tail()            last lines of the server (and worker) logs
    portal.register_charity(name)
                                 register a new foundation through the registry's
                                 action (manage.py shell); returns its ledger seq

Sessions share one portal per fixture, so a test that changes data should
restore it (or only add to it): tampering with a leaf breaks the ledger for
every later test until the row is put back.
"""

import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ledger.triggers import APPEND_ONLY_TABLES, create_sql, drop_sql

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LivePortal:
    def __init__(self, worker=False, seed_args=(), anchor_interval=1, startup_timeout=60):
        self.worker = worker
        self.seed_args = list(seed_args)
        self.anchor_interval = anchor_interval
        self.startup_timeout = startup_timeout
        self.processes = {}
        self.var_dir = None
        self.pg = None  # (connection kwargs, database name) when on PostgreSQL
        self.redis_url = None
        self.base_url = None
        self.env = None

    # Lifecycle ---------------------------------------------------------------------

    def start(self):
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self):
        self.var_dir = Path(tempfile.mkdtemp(prefix="portal-e2e-"))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "LEDGER_SIGNING_KEY"))}
        env.update({
            "VAR_DIR": str(self.var_dir),
            "DJANGO_SETTINGS_MODULE": "charity_portal.settings",
            "DEBUG": "true",
            "LEDGER_GENERATE_DEV_KEY": "true",
            "LEDGER_ANCHOR_INTERVAL": str(self.anchor_interval),
            "PYTHONUNBUFFERED": "1",
        })
        env.pop("CELERY_FS_DIR", None)
        if os.environ.get("DATABASE_URL"):
            env["DATABASE_URL"] = self._create_pg_database(os.environ["DATABASE_URL"])
        if os.environ.get("REDIS_URL"):
            self.redis_url = self._claim_redis_db()
            env["REDIS_URL"] = self.redis_url
        self.env = env

        self.manage("migrate", "--noinput", "-v", "0", timeout=300)
        self.manage("seed_demo", *self.seed_args, timeout=300)
        self.manage("anchor_ledger", timeout=120)

        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self._spawn("server", [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"])
        if self.worker:
            self._spawn("worker", [PYTHON, "-m", "celery", "-A", "charity_portal", "worker", "--beat",
                                   "--pool=solo", "--concurrency=1", "-l", "INFO"])
        self._wait_until_answering()

    def stop(self):
        for name, (proc, log) in list(self.processes.items()):
            if proc.poll() is None:
                # Celery's warm shutdown takes seconds; nothing is left to finish here, so shut it down cold.
                sig = signal.SIGQUIT if name == "worker" else signal.SIGTERM
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    pass
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    try:
                        os.killpg(proc.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    proc.wait(timeout=10)
            log.close()
            del self.processes[name]
        if self.redis_url:
            self._release_redis_db()
        if self.pg:
            self._drop_pg_database()
        if self.var_dir and self.var_dir.exists():
            shutil.rmtree(self.var_dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _spawn(self, name, argv):
        log = open(self.var_dir / f"{name}.log", "wb")
        # A process group of its own, so stop() ends the child and anything it forked.
        proc = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.processes[name] = (proc, log)

    def _wait_until_answering(self):
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            for name, (proc, _) in self.processes.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url("/ledger/key"), timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        raise RuntimeError(f"portal did not answer within {self.startup_timeout} s:\n{self.log_tail()}")

    # Helpers for tests ---------------------------------------------------------------

    def url(self, path):
        return self.base_url + path

    def manage(self, *args, check=True, timeout=120):
        result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True,
                                text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
                               f"{result.stdout}\n{result.stderr}")
        return result

    def shell(self, code, timeout=120):
        return self.manage("shell", "-c", code, timeout=timeout).stdout

    @property
    def vendor(self):
        return "postgresql" if self.pg else "sqlite"

    def sql(self, statement, params=()):
        """Run one statement as the owner, append-only triggers off; rows of a query, else []."""
        if self.pg:
            import psycopg2

            kwargs, name = self.pg
            conn = psycopg2.connect(dbname=name, **kwargs)
            try:
                with conn, conn.cursor() as cursor:
                    for table in APPEND_ONLY_TABLES:
                        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
                    cursor.execute(statement, params or None)
                    rows = cursor.fetchall() if cursor.description else []
                    for table in APPEND_ONLY_TABLES:
                        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
                return rows
            finally:
                conn.close()
        conn = sqlite3.connect(self.var_dir / "portal.sqlite3", timeout=30, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            for stmt in drop_sql("sqlite"):
                conn.execute(stmt)
            cursor = conn.execute(statement.replace("%s", "?"), params)
            rows = cursor.fetchall()
            for stmt in create_sql("sqlite"):
                conn.execute(stmt)
            conn.execute("COMMIT")
            return rows
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    def register_charity(self, name="北京测试验证基金会", actor="staff/e2e_clerk"):
        """A new foundation with a fresh random credit code, through the action; returns its entry's seq."""
        code = f"""
import secrets
from organizations import uscc
from organizations.actions import register_organization
from ledger.models import Entry
code = uscc.complete("53110000" + str(secrets.randbelow(9 * 10**8) + 10**8))
org = register_organization({actor!r}, uscc=code, name={name!r}, org_type="foundation",
                            registration_authority="北京市民政局", region_code="110000")
print(Entry.objects.filter(subject=org.subject).values_list("seq", flat=True).get())
"""
        return int(self.shell(code).strip().splitlines()[-1])

    def checkpoint_size(self):
        try:
            with urllib.request.urlopen(self.url("/ledger/checkpoint"), timeout=5) as response:
                return int(response.read().decode("utf-8").split("\n")[1])
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise

    def wait_for_checkpoint(self, size, timeout=30):
        """Poll until the latest checkpoint covers `size` entries; return its size."""
        deadline = time.monotonic() + timeout
        while True:
            current = self.checkpoint_size()
            if current is not None and current >= size:
                return current
            if time.monotonic() > deadline:
                raise TimeoutError(f"no checkpoint covering {size} entries within {timeout} s "
                                   f"(latest: {current}):\n{self.log_tail()}")
            time.sleep(0.2)

    def log_tail(self, lines=40):
        out = []
        for name in ("server", "worker"):
            path = self.var_dir / f"{name}.log" if self.var_dir else None
            if path and path.exists():
                text = path.read_text(errors="replace").splitlines()[-lines:]
                out.append(f"--- {name} log ---\n" + "\n".join(text))
        return "\n".join(out)

    # PostgreSQL ------------------------------------------------------------------------

    def _create_pg_database(self, url):
        import dj_database_url
        import psycopg2

        cfg = dj_database_url.parse(url)
        kwargs = {k: v for k, v in {"host": cfg.get("HOST"), "port": cfg.get("PORT"), "user": cfg.get("USER"),
                                     "password": cfg.get("PASSWORD")}.items() if v}
        name = f"{cfg['NAME']}_e2e_{secrets.token_hex(4)}"
        conn = psycopg2.connect(dbname="postgres", **kwargs)
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                # pg_trgm needs a UTF-8 locale to index Chinese text.
                cursor.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0 '
                               f"LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'")
        finally:
            conn.close()
        self.pg = (kwargs, name)
        parts = urlsplit(url)
        return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))

    def _drop_pg_database(self):
        import psycopg2

        kwargs, name = self.pg
        conn = psycopg2.connect(dbname="postgres", **kwargs)
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            conn.close()
        self.pg = None

    # Redis ---------------------------------------------------------------------------------

    def _claim_redis_db(self):
        import redis

        chosen = os.environ.get("E2E_REDIS_URL")
        if chosen:
            self._redis_claimed = False
            return chosen
        base = urlsplit(os.environ["REDIS_URL"])
        own = int(base.path.strip("/") or 0)
        for db in range(15, -1, -1):
            if db == own:
                continue
            url = urlunsplit((base.scheme, base.netloc, f"/{db}", "", ""))
            client = redis.Redis.from_url(url)
            # An empty database claimed atomically; another session scanning sees it non-empty.
            if client.dbsize() == 0 and client.set("portal-e2e:claimed", str(os.getpid()), nx=True):
                if client.dbsize() == 1:
                    self._redis_claimed = True
                    return url
                client.delete("portal-e2e:claimed")
        raise RuntimeError("no empty Redis database to claim; set E2E_REDIS_URL")

    def _release_redis_db(self):
        if getattr(self, "_redis_claimed", False):
            import redis

            redis.Redis.from_url(self.redis_url).flushdb()
        self.redis_url = None
