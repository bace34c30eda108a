"""Donation ingestion and the receipt page under load: gunicorn on PostgreSQL, with database-level baselines.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/don_bench_api REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/api_donations.py [--quick] [--bulk N]

Recreates the named database (its name must start with don_ or bench_),
migrates it, and reuses bench/api.py's set-up (a designated platform with an
API key, 50 active campaigns) and gunicorn launcher (DEBUG off, throttles
lifted). Prints one line per figure:

1. POST /api/platform/v1/donations/batch/, 1,000 donations per request:
   donations/s end to end (client processes on the same machine), p50/p95 per
   request. Target: at least 10,000/s.
2. the same ingestion without HTTP: donations.actions.record_donations,
   1,000 per call, one process (the database-level batch rate), beside
   ledger.append_many of 1,000 entries (bench/ledger.py's figure 3) and its
   plain COPY baseline.
3. GET /receipts/?no=&code= for distinct receipts, gunicorn with 2 workers,
   at 2, 4 and 8 concurrent clients: pages/s, p50/p95/p99 and errors. Target: p95 under 100 ms, no errors. Baseline: a
   trivial page (/ledger/key) through the same server.
4. (with --bulk N) record_donations_bulk, the seed_demo --donations path:
   donations/s at N, and the time 10,000,000 would take at that rate.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import signal
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness  # noqa: E402

harness.fix_path()


def database_url():
    url = os.environ.get("DATABASE_URL", "")
    parts = urlparse(url)
    if parts.scheme not in ("postgres", "postgresql") or not parts.path.lstrip("/").startswith(("don_", "bench_")):
        sys.exit("DATABASE_URL must name a PostgreSQL database whose name starts with don_ or bench_, e.g.\n"
                 "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/don_bench_api")
    return url


def donation_bodies(numbers, clients, per_client, size=1000):
    from datetime import datetime

    now = datetime.now().astimezone().isoformat()
    out = []
    for c in range(clients):
        reqs = []
        for r in range(per_client):
            items = [{"external_id": f"d{c}-{r}-{i}", "filing_number": numbers[i % len(numbers)],
                      "amount_fen": 100 + (i * 7919) % 100_000, "donated_at": now, "channel": "wechat_pay",
                      "anonymous": i % 5 == 0, "donor_ref": f"donor-{c}-{r}-{i}"} for i in range(size)]
            reqs.append(("/api/platform/v1/donations/batch/", json.dumps({"items": items}).encode()))
        out.append(reqs)
    return out


def server_cpu(pid):
    """CPU seconds used so far by gunicorn (the master and its workers): contention-proof cost figures."""
    tick = os.sysconf("SC_CLK_TCK")

    def cpu(p):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0
        return int(fields[11]) + int(fields[12])  # utime, stime

    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return (cpu(pid) + sum(cpu(c) for c in children)) / tick


def _page_client(args):
    """GET each path over one keep-alive connection; latencies and the count of non-200 answers."""
    port, paths = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies, errors = [], 0
    for path in paths:
        t0 = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        latencies.append(time.perf_counter() - t0)
        errors += response.status != 200
    conn.close()
    return latencies, errors


def page_load(port, paths_per_client):
    with multiprocessing.get_context("fork").Pool(len(paths_per_client)) as pool:
        t0 = time.perf_counter()
        results = pool.map(_page_client, [(port, paths) for paths in paths_per_client])
        seconds = time.perf_counter() - t0
    latencies = [x for lat, _e in results for x in lat]
    return seconds, latencies, sum(e for _l, e in results)


def action_rate(platform, numbers, batches):
    """record_donations without HTTP, 1,000 per call; returns donations/s and the receipts it issued."""
    from donations.actions import record_donations

    bodies = donation_bodies(numbers, 1, batches + 1)[0]
    receipts = []
    for n, (_path, body) in enumerate(bodies):
        if n == 1:
            t0 = time.perf_counter()  # the first batch warms caches and connections; it is not timed
        items = json.loads(body)["items"]
        for item in items:
            item["external_id"] = "a" + item["external_id"]
        outcome = record_donations(platform, items)
        assert outcome.accepted == len(items), outcome.results[:3]
        receipts += [(r["result"]["receipt_no"], r["result"]["verification_code"]) for r in outcome.results]
    return batches * 1000 / (time.perf_counter() - t0), receipts[:batches * 1000]


def bulk_rate(platform, numbers, count):
    from datetime import timedelta

    from django.utils import timezone

    from donations.actions import record_donations_bulk
    from fundraising.models import Campaign

    campaigns = list(Campaign.objects.filter(filing_number__in=numbers).select_related("organization"))
    now = timezone.now() - timedelta(seconds=1)
    rows = ({"external_id": f"bulk-{i}", "campaign": campaigns[i % len(campaigns)], "amount_fen": 100 + i % 5000,
             "donated_at": now, "channel": "alipay", "anonymous": False, "donor_ref": f"bulk-donor-{i}"}
            for i in range(count))
    t0 = time.perf_counter()
    written, _kept = record_donations_bulk(platform, rows)
    return written / (time.perf_counter() - t0)


def collectstatic():
    """Pages need the static files' manifest when DEBUG is off, as in production."""
    import secrets
    import subprocess

    os.environ["STATIC_ROOT"] = str(Path(os.environ["VAR_DIR"]) / "static")
    env = dict(os.environ, DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50))
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=harness.ROOT, env=env,
                   check=True)


def main():
    from bench import api as platform_bench

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small counts (smoke test, well under a minute)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers for ingestion (default 2)")
    parser.add_argument("--clients", type=int, default=3, help="client processes for ingestion (default 3)")
    parser.add_argument("--requests", type=int, default=10, help="batch requests per client (default 10)")
    parser.add_argument("--bulk", type=int, default=0, metavar="N", help="also time record_donations_bulk at N")
    args = parser.parse_args()
    q = args.quick
    batch_each = 2 if q else args.requests
    pages_each, page_clients, receipts_wanted = (50, [4], 2) if q else (300, [2, 4, 8], 10)

    url = database_url()
    os.environ.setdefault("VAR_DIR", "/tmp/var-donations-bench")
    os.environ["RECEIPT_LOOKUP_RATE"] = "100000000/min"  # one client address drives the load
    Path(os.environ["VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    harness.progress(f"recreating {url.rsplit('/', 1)[-1]} and migrating")
    harness.recreate_database(url)
    harness.setup_django()
    harness.migrate()
    print(f"machine: {harness.system_info()}", flush=True)
    key, numbers = platform_bench.seed()
    from django.db import connection

    from fundraising.models import Platform

    platform = Platform.objects.get(code="bench-gongyi")
    connection.close()  # the clients fork: no shared database connection

    proc, port = platform_bench.start_gunicorn(url, args.workers)
    try:
        harness.progress(f"donation batches: {args.clients} clients x {batch_each} requests of 1,000")
        cpu0 = server_cpu(proc.pid)
        seconds, lat, items = platform_bench.run_load(
            port, key, donation_bodies(numbers, args.clients, batch_each), args.clients)
        cpu = server_cpu(proc.pid) - cpu0
        api_rate = items / seconds
        print(f"1. API donation batch, 1,000 per request, {args.clients} clients, gunicorn {args.workers} workers: "
              f"{api_rate:,.0f} donations/s   p50 {harness.ms(harness.percentile(lat, 50))}   "
              f"p95 {harness.ms(harness.percentile(lat, 95))} per request   ({items:,} donations)   "
              f"gunicorn CPU {cpu / items * 1e6:,.0f} ms per 1,000 donations   "
              f"target >= 10,000/s: {harness.verdict(api_rate >= 10_000)}", flush=True)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)

    harness.progress("record_donations without HTTP, then append_many")
    rate, receipts = action_rate(platform, numbers, receipts_wanted)
    chained, copied = platform_bench.ledger_batch_rate(20 if q else 100)
    print(f"2. database level: record_donations, 1,000 per call, 1 process: {rate:,.0f} donations/s   "
          f"ledger.append_many, 1,000 per transaction: {chained:,.0f} entries/s   baseline plain COPY: "
          f"{copied:,.0f} rows/s   HTTP path keeps {api_rate / rate:.0%} of the action rate", flush=True)

    from ledger.tasks import anchor_ledger

    anchor_ledger.apply()
    connection.close()
    collectstatic()
    proc, port = platform_bench.start_gunicorn(url, 2)
    try:
        paths = [f"/receipts/?{urlencode({'no': no, 'code': code})}" for no, code in receipts]
        page_load(port, [paths[:20]])  # warm both workers' caches and connections
        for clients in page_clients:
            per_client = [[paths[(c * 7919 + i) % len(paths)] for i in range(pages_each)] for c in range(clients)]
            harness.progress(f"receipt pages: {clients} clients x {pages_each} requests")
            cpu0 = server_cpu(proc.pid)
            seconds, lat, errors = page_load(port, per_client)
            cpu = (server_cpu(proc.pid) - cpu0) / len(lat)
            _s, base, base_errors = page_load(port, [["/ledger/key"] * pages_each for _ in range(clients)])
            p95 = harness.percentile(lat, 95)
            print(f"3. receipt page, {clients} clients, gunicorn 2 workers: {len(lat) / seconds:,.0f} pages/s   "
                  f"p50 {harness.ms(harness.percentile(lat, 50))}   p95 {harness.ms(p95)}   "
                  f"p99 {harness.ms(harness.percentile(lat, 99))}   gunicorn CPU {harness.ms(cpu)} per page   "
                  f"errors {errors}   baseline /ledger/key p95 "
                  f"{harness.ms(harness.percentile(base, 95))} (errors {base_errors})   target p95 < 100 ms, no "
                  f"errors: {harness.verdict(p95 < 0.1 and errors == 0)}", flush=True)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)

    if args.bulk:
        harness.progress(f"record_donations_bulk: {args.bulk:,} donations")
        rate = bulk_rate(platform, numbers, args.bulk)
        print(f"4. record_donations_bulk (seed_demo --donations), {args.bulk:,} donations: {rate:,.0f} donations/s   "
              f"10,000,000 at this rate: {10_000_000 / rate / 60:,.0f} min", flush=True)

    from donations.models import Donation

    expected = args.clients * batch_each * 1000 + (receipts_wanted + 1) * 1000 + args.bulk
    if Donation.objects.count() != expected:
        sys.exit(f"stored {Donation.objects.count()} donations, expected {expected}")


if __name__ == "__main__":
    main()
