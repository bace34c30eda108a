"""What every benchmark script needs: its own database, Django, timing and output.

Kept apart from the figures so a second script (e.g. the API benchmark) can
reuse it. Progress goes to stderr, so stdout holds only the figures.
"""

import hashlib
import os
import secrets
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent


def fix_path():
    # Run as `python bench/ledger.py`, Python puts bench/ first on sys.path,
    # where this file's sibling would shadow the `ledger` package.
    bench_dir = str(ROOT / "bench")
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != bench_dir]
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


_STARTED = time.monotonic()


def progress(message):
    print(f"[{time.monotonic() - _STARTED:7.1f} s] {message}", file=sys.stderr, flush=True)


def load_average():
    """The 1-minute load average: other work on the machine skews every figure."""
    return os.getloadavg()[0]


def database_url():
    """DATABASE_URL, refusing anything but a PostgreSQL database named bench_*."""
    url = os.environ.get("DATABASE_URL", "")
    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql", "pgsql") or not name.startswith("bench_"):
        sys.exit("DATABASE_URL must name a PostgreSQL database whose name starts with bench_, e.g.\n"
                 "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ledger")
    return url


def recreate_database(url):
    """Drop and create the benchmark database (UTF-8), connecting to `postgres` to do it."""
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    cfg = dj_database_url.parse(url)
    name = cfg["NAME"]
    admin = psycopg2.connect(dbname="postgres", user=cfg["USER"] or None, password=cfg["PASSWORD"] or None,
                             host=cfg["HOST"] or None, port=cfg["PORT"] or None)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cur.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0 "
                            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'").format(sql.Identifier(name)))
    admin.close()


def setup_django():
    os.environ.setdefault("VAR_DIR", "/tmp/var-bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charity_portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Production settings: with DEBUG on, Django records every query, which
    # costs time inside the measured sections and memory over a long run.
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("LEDGER_GENERATE_DEV_KEY", "true")  # a throwaway key under VAR_DIR signs the checkpoints
    fix_path()
    import django

    django.setup()


def migrate():
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# Data -------------------------------------------------------------------------

def donation(i):
    """A realistic `donation.recorded` payload: about 300 bytes of canonical JSON, no personal data."""
    return {
        "amount_fen": 1000 + (i * 7919) % 500000,
        "campaign_filing_no": f"53110000MJ00{i % 97:04d}3X-2025-{i % 10000:05d}",
        "charity_credit_code": "53110000MJ0012893X",
        "donor_commitment": hashlib.sha256(i.to_bytes(8, "big")).hexdigest(),
        "platform_code": "P-0007",
        "purpose": "乡村儿童营养餐",
        "receipt_no": f"R-20250612-{i:010d}",
    }


def donation_item(i):
    return ("donation.recorded", f"donation/R-20250612-{i:010d}", "platform/P-0007", donation(i))


# Numbers ----------------------------------------------------------------------

def percentile(values, q):
    """Nearest-rank percentile, q in [0, 100]."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def per_second(count, seconds):
    return f"{count / seconds:,.0f}/s" if seconds > 0 else "n/a"


def ms(seconds):
    return f"{seconds * 1000:.2f} ms"


def mb(nbytes):
    return f"{nbytes / 1e6:.1f} MB"


def verdict(ok):
    return "ok" if ok else "MISSED"


def system_info():
    """CPU model, cores, RAM, PostgreSQL and Python versions, for the record."""
    import platform

    from django.db import connection

    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem_kb = 0
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    return (f"{model}, {os.cpu_count()} cores, {mem_kb / 1024 / 1024:.0f} GiB RAM; "
            f"PostgreSQL {pg}; Python {platform.python_version()}; load average {load_average():.2f}")
