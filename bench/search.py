"""Charity search at scale: p50/p95 server time per query class, beside a plain ILIKE scan.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/registry_bench .venv/bin/python bench/search.py
    ... bench/search.py --organizations 1000000   # (re)create the database with that many charities
    ... bench/search.py --quick                   # 20,000 charities, fewer queries: a smoke test

Without --organizations it uses the charities already in the database (and
creates 1,000,000 if there are none). Seeding goes through `seed_demo`, i.e.
the batch registration action and the ledger. Server time is one request to
/organizations/?q=... through Django (view, search, capped count, first page,
template), measured in-process; the baseline is what a page would need
without the indexes: `name ILIKE '%q%'` counted and its first 20 rows, in the
same run on the same data. Query strings are substrings of real names (and
codes) drawn with a fixed seed, so runs are comparable.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_MS = 50


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--organizations", type=int, help="recreate the database with N charities")
    parser.add_argument("--queries", type=int, default=200, help="queries per class (default 200)")
    parser.add_argument("--baseline-queries", type=int, default=20, help="baseline scans per class (default 20)")
    parser.add_argument("--quick", action="store_true", help="20,000 charities, 40 queries per class")
    parser.add_argument("--prewarm", action="store_true",
                        help="load the table and its indexes into shared buffers first (pg_prewarm)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/registry_bench")
    if args.quick:
        args.organizations = args.organizations or 20_000
        args.queries, args.baseline_queries = 40, 5
    os.environ.setdefault("VAR_DIR", "/tmp/var-bench-search")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charity_portal.settings")
    if args.organizations:
        recreate(url, args.organizations)

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False  # no query log growing in memory

    from organizations.models import Organization

    total = Organization.objects.count()
    if not total:
        recreate(url, 1_000_000)
        total = Organization.objects.count()
    with connection.cursor() as cursor:
        # A settled database, as autovacuum keeps it: statistics for the planner, and the visibility map
        # that lets a walk along the search key index skip the table (a freshly loaded one has neither).
        cursor.execute("VACUUM ANALYZE organizations_organization")
        cursor.execute("VACUUM ANALYZE organizations_servicefield")
        cursor.execute("SELECT version(), current_setting('shared_buffers')")
        version, buffers = cursor.fetchone()
        version = version.split(" on ")[0]
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('organizations_organization'))")
        size = cursor.fetchone()[0]
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_prewarm'")
        if args.prewarm and cursor.fetchone():
            # A running registry has its table and search indexes in memory; a benchmark starts cold.
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            cursor.execute("SELECT sum(pg_prewarm(c.oid)) FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid "
                           "WHERE i.indrelid = 'organizations_organization'::regclass")
            cursor.execute("SELECT pg_prewarm('organizations_organization')")
    print(f"charities: {total:,}   {version}, shared_buffers {buffers}, table and indexes {size}"
          f"{', prewarmed' if args.prewarm else ''}   queries per class: {args.queries}, baseline scans: "
          f"{args.baseline_queries}")
    classes = query_classes(args.queries)
    for label, params_list in classes:
        timed = [page_time(params) for params in params_list[:5]]  # warm caches
        timed = [page_time(params) for params in params_list]
        base = [baseline_time(params) for params in params_list[: args.baseline_queries]]
        p50, p95 = percentile(timed, 50), percentile(timed, 95)
        b50, b95 = percentile(base, 50), percentile(base, 95)
        verdict = "met" if p95 < TARGET_MS else "MISSED"
        example = params_list[0].get("q", "")
        print(f"{label:<34} e.g. {example!r:<22} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms   "
              f"baseline ILIKE scan: p50 {b50:7.1f} ms  p95 {b95:7.1f} ms   ratio {b50 / max(p50, 0.01):6.1f}x   "
              f"target p95 < {TARGET_MS} ms: {verdict}")


def recreate(url, count):
    name = urlparse(url).path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    env = dict(os.environ)
    print(f"recreating {name} with {count:,} charities ...", flush=True)
    subprocess.run(["psql", admin, "-q", "-c", f'DROP DATABASE IF EXISTS "{name}"', "-c",
                    f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' "
                    "TEMPLATE template0"], check=True)
    py = sys.executable
    subprocess.run([py, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    started = time.perf_counter()
    subprocess.run([py, "manage.py", "seed_demo", "--organizations", str(count)], cwd=ROOT, env=env, check=True)
    print(f"seeded {count:,} charities (batch registration with ledger entries) in "
          f"{time.perf_counter() - started:,.0f} s", flush=True)


def query_classes(n):
    from django.db import connection

    from organizations.normalize import has_cjk

    rng = random.Random(2260)
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM organizations_organization")
        top = cursor.fetchone()[0]
        ids = [rng.randrange(1, top + 1) for _ in range(n * 3)]
        cursor.execute("SELECT name, uscc, province_code, org_type FROM organizations_organization "
                       "WHERE id = ANY(%s)", [ids])
        rows = cursor.fetchall()
    rng.shuffle(rows)

    def substring(name, k):
        for _ in range(20):
            start = rng.randrange(0, max(1, len(name) - k + 1))
            piece = name[start:start + k]
            if len(piece) == k and all(has_cjk(c) for c in piece):
                return piece
        return None

    def take(k):
        out = []
        for name, *_ in rows:
            piece = substring(name, k)
            if piece:
                out.append({"q": piece})
            if len(out) == n:
                return out
        return out

    fields = ["education", "poverty_relief", "elderly", "children", "health", "community"]
    return [
        ("2-character Chinese", take(2)),
        ("3-character Chinese", take(3)),
        ("6-character Chinese", take(6)),
        ("credit-code prefix (8 characters)", [{"q": uscc[:8]} for _, uscc, _, _ in rows[:n]]),
        ("filtered (2 chars + province, type, field)",
         [{"q": (substring(name, 2) or name[:2]), "province": province, "type": org_type,
           "field": rng.choice(fields)} for name, _, province, org_type in rows[:n]]),
    ]


_client = None


def page_time(params):
    global _client
    from django.test import Client

    _client = _client or Client(HTTP_HOST="127.0.0.1")
    started = time.perf_counter()
    response = _client.get("/organizations/?" + urlencode(params))
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"/organizations/?{urlencode(params)} answered {response.status_code}")
    return elapsed


def baseline_time(params):
    from django.db import connection, transaction

    pattern = "%" + params["q"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    where, args = "(name ILIKE %s OR name_en ILIKE %s OR uscc ILIKE %s)", [pattern] * 3
    for key, column in (("province", "province_code"), ("type", "org_type")):
        if params.get(key):
            where += f" AND {column} = %s"
            args.append(params[key])
    # The scan may use PostgreSQL's default two parallel workers, which the portal's sessions turn off.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 2")
        started = time.perf_counter()
        cursor.execute(f"SELECT count(*) FROM organizations_organization WHERE {where}", args)
        cursor.fetchone()
        cursor.execute(f"SELECT uscc, name FROM organizations_organization WHERE {where} ORDER BY name LIMIT 20",
                       args)
        cursor.fetchall()
        return (time.perf_counter() - started) * 1000


def percentile(values, p):
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


if __name__ == "__main__":
    main()
