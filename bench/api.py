"""Platform API throughput through gunicorn on PostgreSQL, beside the database-level batch append rate.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fund_bench_api REDIS_URL=redis://127.0.0.1:6379/4 \\
        .venv/bin/python bench/api.py [--quick]

Recreates the named database (its name must start with fund_ or bench_),
migrates it, creates a designated platform with an API key and 50 active
campaigns, starts gunicorn (DEBUG off, throttle lifted) and drives it from
client processes with keep-alive connections. Prints one line per figure:

1. POST /api/platform/v1/campaigns/<filing number>/progress/ (one report per
   request): items/s, p50/p95 per request;
2. POST /api/platform/v1/progress/batch/ (1,000 reports per request):
   items/s, p50/p95 per request;
3. the database-level rate of `ledger.append_many` in batches of 1,000
   (bench/ledger.py's figure 3, same run, same database) with its plain COPY
   baseline, and how much of it the HTTP batch path keeps.

The client processes share the machine's cores with gunicorn and
PostgreSQL, so these are end-to-end figures on one box, not server capacity.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness  # noqa: E402  (database, Django set-up, percentiles)

harness.fix_path()

ROOT = harness.ROOT
CAMPAIGNS = 50


def database_url():
    url = os.environ.get("DATABASE_URL", "")
    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql") or not name.startswith(("fund_", "bench_")):
        sys.exit("DATABASE_URL must name a PostgreSQL database whose name starts with fund_ or bench_, e.g.\n"
                 "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/fund_bench_api")
    return url


def seed():
    """A designated platform, a qualified charity, CAMPAIGNS active campaigns; returns (key, filing numbers)."""
    from datetime import date

    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from fundraising.actions import campaigns, keys
    from fundraising.actions.platforms import import_designated
    from organizations import actions as org_actions
    from organizations import uscc

    staff = User.objects.create_user("bench-admin")
    for group in ("ministry_reviewer", "registry_clerk"):
        staff.groups.add(Group.objects.get(name=group))
    staff = User.objects.get(pk=staff.pk)
    platform = import_designated(code="bench-gongyi", name="压测公益", operator_name="压测网络科技有限公司",
                                 operator_uscc=uscc.complete("91110000BENCH0001"), site_url="https://bench.example.cn/",
                                 commitments="遵守慈善法", applied_on=date(2020, 1, 1), batch=9,
                                 designated_on=date(2020, 6, 1), reason="压测数据")
    org = org_actions.register_organization(
        "system", uscc=uscc.complete("53110000BENCH0001"), name="压测慈善基金会", org_type="foundation",
        registration_authority="民政部", region_code="110000", founded_on=date(2010, 1, 1),
        recognized_on=date(2017, 1, 1))
    org = org_actions.grant_qualification("system", org, granted_on=date(2018, 1, 1))
    today = timezone.localdate()
    numbers = [campaigns.file_campaign(staff, org, title=f"压测项目{i}", purpose="压测", target_fen=10**9,
                                       starts_on=today, ends_on=today + timedelta(days=365), region_code="110000",
                                       platforms=[platform]).filing_number for i in range(CAMPAIGNS)]
    _key, plain = keys.issue_api_key(staff, platform, "bench")
    return plain, numbers


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url, workers):
    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50),
               ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="false", PLATFORM_API_RATE="100000000/min",
               LOG_LEVEL="WARNING", DB_CONN_MAX_AGE="600")
    log = open(Path(os.environ["VAR_DIR"]) / "gunicorn.log", "w")
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "charity_portal.wsgi", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--worker-class", "sync", "--keep-alive", "30", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/platform/v1/me")
            if conn.getresponse().status in (200, 401):
                return proc, port
        except OSError:
            time.sleep(0.3)
    proc.kill()
    sys.exit("gunicorn did not start; see gunicorn.log in VAR_DIR")


def _client(args):
    """One client process: send the prepared bodies over one keep-alive connection; return latencies."""
    port, key, requests, expect_items = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    latencies, accepted = [], 0
    for path, body in requests:
        t0 = time.perf_counter()
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        latencies.append(time.perf_counter() - t0)
        if response.status not in (200, 201):
            raise RuntimeError(f"{path}: HTTP {response.status} {payload[:300]!r}")
        result = json.loads(payload)
        accepted += result.get("accepted", 1 if result.get("status") == "accepted" else 0)
    conn.close()
    if accepted != expect_items:
        raise RuntimeError(f"accepted {accepted} of {expect_items} items")
    return latencies


def run_load(port, key, per_client, clients):
    """per_client: a list (one per client) of [(path, body bytes)]; returns (seconds, latencies)."""
    items = [sum(len(json.loads(b).get("items", [None])) for _p, b in reqs) for reqs in per_client]
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        t0 = time.perf_counter()
        results = pool.map(_client, [(port, key, reqs, n) for reqs, n in zip(per_client, items)])
        seconds = time.perf_counter() - t0
    return seconds, [x for lat in results for x in lat], sum(items)


def single_bodies(numbers, clients, per_client, today):
    out = []
    for c in range(clients):
        reqs = []
        for i in range(per_client):
            number = numbers[(c * per_client + i) % len(numbers)]
            body = {"external_id": f"s{c}-{i}", "period_end": today, "raised_fen": 1000 + i, "spent_fen": i,
                    "donations_count": i, "summary": "压测进展"}
            reqs.append((f"/api/platform/v1/campaigns/{number}/progress/", json.dumps(body).encode()))
        out.append(reqs)
    return out


def batch_bodies(numbers, clients, per_client, today, size=1000):
    out = []
    for c in range(clients):
        reqs = []
        for r in range(per_client):
            items = [{"external_id": f"b{c}-{r}-{i}", "filing_number": numbers[i % len(numbers)],
                      "period_end": today, "raised_fen": 1000 + i, "spent_fen": i, "donations_count": i,
                      "summary": "压测进展"} for i in range(size)]
            reqs.append(("/api/platform/v1/progress/batch/", json.dumps({"items": items}).encode()))
        out.append(reqs)
    return out


def ledger_batch_rate(batches):
    """bench/ledger.py's figure 3 (append_many, 1,000 per transaction) and its COPY baseline."""
    from django.db import connection

    from bench import ledger as bench_ledger

    with connection.cursor() as cur:  # the baseline's table, made by bench/ledger.py's figure 1 there
        cur.execute("CREATE TABLE IF NOT EXISTS bench_plain (LIKE ledger_entry INCLUDING ALL)")
    return bench_ledger.batch_rates(batches, 1000, first=70_000_000)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small request counts (smoke test, well under a minute)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    args = parser.parse_args()
    q = args.quick
    single_clients, single_each = (4, 50) if q else (8, 400)
    batch_clients, batch_each = (2, 2) if q else (2, 20)

    url = database_url()
    os.environ.setdefault("VAR_DIR", "/tmp/var-fundraising-bench")
    Path(os.environ["VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    harness.progress(f"recreating {url.rsplit('/', 1)[-1]} and migrating")
    harness.recreate_database(url)
    harness.setup_django()
    harness.migrate()
    print(f"machine: {harness.system_info()}", flush=True)
    key, numbers = seed()
    from django.db import connection
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    connection.close()  # the clients fork: no shared database connection

    proc, port = start_gunicorn(url, args.workers)
    try:
        harness.progress(f"single reports: {single_clients} clients x {single_each} requests")
        seconds, lat, items = run_load(port, key, single_bodies(numbers, single_clients, single_each, today),
                                       single_clients)
        print(f"1. API campaign progress, 1 report per request, {single_clients} clients, gunicorn {args.workers} "
              f"workers: {items / seconds:,.0f} items/s   p50 {harness.ms(harness.percentile(lat, 50))}   "
              f"p95 {harness.ms(harness.percentile(lat, 95))} per request   ({items:,} reports)", flush=True)

        harness.progress(f"batches: {batch_clients} clients x {batch_each} requests of 1,000")
        seconds, lat, items = run_load(port, key, batch_bodies(numbers, batch_clients, batch_each, today),
                                       batch_clients)
        api_rate = items / seconds
        print(f"2. API progress batch, 1,000 reports per request, {batch_clients} clients, gunicorn {args.workers} "
              f"workers: {api_rate:,.0f} items/s   p50 {harness.ms(harness.percentile(lat, 50))}   "
              f"p95 {harness.ms(harness.percentile(lat, 95))} per request   ({items:,} reports)", flush=True)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)

    harness.progress("database-level append_many, batches of 1,000")
    chained, copied = ledger_batch_rate(20 if q else 100)
    print(f"3. database-level append_many, batches of 1,000 (bench/ledger.py): {chained:,.0f} entries/s   "
          f"baseline plain COPY: {copied:,.0f} rows/s   HTTP batch path keeps {api_rate / chained:.0%} of the "
          f"append rate", flush=True)

    from fundraising.models import ProgressReport

    expected = single_clients * single_each + batch_clients * batch_each * 1000
    stored = ProgressReport.objects.count()
    if stored != expected:
        sys.exit(f"stored {stored} progress reports, expected {expected}")


if __name__ == "__main__":
    main()
