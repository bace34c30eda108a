"""Ledger benchmarks against PostgreSQL (DESIGN.md "Performance targets").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ledger .venv/bin/python bench/ledger.py [--quick]

Recreates the database named in DATABASE_URL (it must start with bench_),
migrates it, and prints one line per figure, each beside a baseline measured
in the same run on the same database. Progress goes to stderr.
"""

import argparse
import io
import multiprocessing
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness  # noqa: E402
from bench.harness import mb, ms, percentile, progress, verdict  # noqa: E402

harness.fix_path()

COLUMNS = "seq, prev, entry_hash, leaf, kind, subject, actor, time"


def plain_rows(start, count):
    """Rows shaped like ledger entries (a real leaf's size), for the plain-table baselines."""
    from datetime import UTC, datetime

    from ledger import chain

    now = datetime.now(UTC)
    rows = []
    for i in range(start, start + count):
        kind, subject, actor, data = harness.donation_item(i)
        head, middle = chain._fragments(kind, subject, actor, data)
        prev, entry_hash = os.urandom(32).hex(), os.urandom(32).hex()
        leaf = chain.build_leaf(head, middle, prev, i, chain.format_time(now))
        rows.append((i, prev, entry_hash, leaf, kind, subject, actor, now))
    return rows


def raw_connection():
    """A bare psycopg2 connection in autocommit: the database's own ceiling, no Django in the way."""
    from django.db import connection

    raw = connection.get_new_connection(connection.get_connection_params())
    raw.autocommit = True
    return raw


# 1-2. One-row commits from concurrent clients ----------------------------------------

def create_plain_table():
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE bench_plain (LIKE ledger_entry INCLUDING ALL)")


def _plain_insert(client):
    """One bare INSERT per commit into the plain table: what the database itself costs."""
    raw = raw_connection()
    cur = raw.cursor()
    template = plain_rows(0, 1)[0]
    sql = f"INSERT INTO bench_plain ({COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    seqs = iter(range(client * 1_000_000, (client + 1) * 1_000_000))

    def once():
        cur.execute(sql, (next(seqs), os.urandom(32).hex(), os.urandom(32).hex()) + template[3:])

    return once


def _ledger_append(client):
    """One state change's ledger entry per transaction, through the one door."""
    from django.db import transaction

    import ledger

    numbers = iter(range(client * 1_000_000, (client + 1) * 1_000_000))

    def once():
        item = harness.donation_item(next(numbers))
        with transaction.atomic():
            ledger.append(*item)

    return once


def _client(make, client, barrier, duration, results):
    from django.db import connections

    try:
        once = make(client)
        for _ in range(3):  # connect and warm up before the clock starts
            once()
        latencies = []
        barrier.wait(timeout=60)
        started = time.perf_counter()
        deadline = started + duration
        while (t0 := time.perf_counter()) < deadline:
            once()
            latencies.append(time.perf_counter() - t0)
        results.put((latencies, time.perf_counter() - started, None))
    except Exception as exc:  # reported by the parent; a silent child would skew the figure
        barrier.abort()  # release the others rather than leave them waiting for this one
        results.put(([], 0, repr(exc)))
    finally:
        connections.close_all()


_runs = iter(range(1, 1000))


def concurrent(make, clients, duration):
    """Operations/s and latencies of `clients` processes, each with its own connection."""
    from django.db import connections

    first = next(_runs) * 100  # client numbers (and so the rows they write) never repeat across runs
    connections.close_all()  # children must not share the parent's socket
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(clients), ctx.Queue()
    procs = [ctx.Process(target=_client, args=(make, first + c, barrier, duration, results))
             for c in range(clients)]
    for p in procs:
        p.start()
    gathered = [results.get() for _ in procs]
    for p in procs:
        p.join()
    errors = sorted((err for _, _, err in gathered if err), key=lambda e: "BrokenBarrier" in e)
    if errors:
        sys.exit(f"client failed: {errors[0]}")
    latencies = [x for lat, _, _ in gathered for x in lat]
    return len(latencies) / max(elapsed for _, elapsed, _ in gathered), latencies


# 3. Batches of 1,000 ---------------------------------------------------------------

def batch_rates(batches, size, first):
    """(append_many entries/s, plain COPY rows/s), 1,000 rows to a transaction, the two interleaved
    batch by batch so that load from elsewhere on the machine weighs on both alike."""
    from django.db import transaction

    import ledger

    # Baseline: as many rows, already built and serialised, COPY'd by a bare
    # connection into a plain table of the same shape: the database's own cost.
    raw = raw_connection()
    raw.autocommit = False
    spent = copy_spent = 0.0
    with raw.cursor() as cur:
        for b in range(batches):
            items = [harness.donation_item(first + b * size + i) for i in range(size)]
            t0 = time.perf_counter()
            with transaction.atomic():
                ledger.append_many(items)
            spent += time.perf_counter() - t0

            text = "".join(f"{seq}\t{prev}\t{entry_hash}\t{leaf}\t{kind}\t{subject}\t{actor}\t{now.isoformat()}\n"
                           for seq, prev, entry_hash, leaf, kind, subject, actor, now
                           in plain_rows(900_000_000 + b * size, size))
            t0 = time.perf_counter()
            cur.copy_expert(f"COPY bench_plain ({COLUMNS}) FROM STDIN", io.StringIO(text))
            raw.commit()
            copy_spent += time.perf_counter() - t0
    raw.close()
    return batches * size / spent, batches * size / copy_spent


# Bulk load and anchoring ----------------------------------------------------------

def tail_size():
    from ledger.models import Entry

    tail = Entry.objects.order_by("-seq").values_list("seq", flat=True).first()
    return 0 if tail is None else tail + 1


def bulk_load(target, anchor_every=None, batch=10_000):
    """Grow the ledger to `target` entries with append_many, anchoring every `anchor_every` and at the end."""
    from django.db import transaction

    import ledger
    from ledger import anchor

    size = tail_size()
    next_anchor = size + anchor_every if anchor_every else None
    started = time.perf_counter()
    while size < target:
        n = min(batch, target - size)
        with transaction.atomic():
            ledger.append_many([harness.donation_item(100_000_000 + size + i) for i in range(n)])
        size += n
        if next_anchor is not None and (size >= next_anchor or size == target):
            anchor.anchor()
            next_anchor = size + anchor_every
            progress(f"  {size:,} entries ({size / (time.perf_counter() - started):,.0f}/s incl. anchoring)")
    return size


# 4. Proofs ---------------------------------------------------------------------------

def proof_latencies(size, samples):
    """Latencies and query counts of inclusion and consistency proofs, and of a primary-key SELECT."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ledger import merkle, proofs
    from ledger.models import Entry
    from ledger.tiles import TileStore

    rng = random.Random(1)
    incl = [(rng.randrange(s), s) for s in (rng.randint(1, size) for _ in range(samples))]
    cons = [(rng.randint(1, s), s) for s in (rng.randint(1, size) for _ in range(samples))]
    pks = [rng.randrange(size) for _ in range(samples)]

    def timed(fn, args):
        out = []
        for a in args:
            t0 = time.perf_counter()
            fn(*a) if isinstance(a, tuple) else fn(a)
            out.append(time.perf_counter() - t0)
        return out

    def select(seq):
        return Entry.objects.filter(seq=seq).values_list("seq", "leaf", "entry_hash").first()

    t_pk = timed(select, pks)
    t_incl = timed(proofs.inclusion, incl)
    t_cons = timed(proofs.consistency, cons)

    # Query counts and correctness, apart from the timings so the capture costs nothing there.
    q_incl, q_cons = [], []
    check = TileStore()
    for seq, n in incl[:200]:
        with CaptureQueriesContext(connection) as ctx:
            root, path = proofs.inclusion(seq, n)
        q_incl.append(len(ctx.captured_queries))
        leaf = Entry.objects.get(seq=seq).leaf.encode("utf-8")
        merkle.verify_inclusion(merkle.leaf_hash(leaf), seq, n, path, root)
    for old, n in cons[:200]:
        with CaptureQueriesContext(connection) as ctx:
            path = proofs.consistency(old, n)
        q_cons.append(len(ctx.captured_queries))
        merkle.verify_consistency(old, n, path, check.root(old), check.root(n))
    return t_pk, (t_incl, q_incl), (t_cons, q_cons)


# 5. Anchoring new entries ------------------------------------------------------------

PAGE = 5000  # rows per query, as anchoring and verification read them (ledger.anchor.CHUNK)


def plain_read(start, end):
    """Rows start <= seq < end, read in pages, and nothing else done with them."""
    from django.db import connection

    count = 0
    for a in range(start, end, PAGE):
        with connection.cursor() as cur:
            cur.execute("SELECT seq, prev, entry_hash, leaf FROM ledger_entry WHERE seq >= %s AND seq < %s "
                        "ORDER BY seq", [a, min(a + PAGE, end)])
            count += len(cur.fetchall())
    return count


def anchor_new(count):
    """Seconds to anchor `count` new entries, and to merely read those rows (the baseline)."""
    from ledger import anchor
    from ledger.note import TILE_WIDTH
    from ledger.tiles import full_tile_counts

    before = tail_size()
    bulk_load(before + count)  # not anchored: that is what is timed below
    start = full_tile_counts().get(0, 0) * TILE_WIDTH  # where anchoring starts reading
    t0 = time.perf_counter()
    read = plain_read(start, before + count)
    read_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    cp = anchor.anchor()
    anchor_seconds = time.perf_counter() - t0
    if cp is None or cp.size != before + count:
        sys.exit(f"anchoring failed: {cp}")
    return before, anchor_seconds, read, read_seconds


# 6. verify_ledger ----------------------------------------------------------------------

def _rss(field):
    """VmRSS (now) or VmHWM (peak since the last reset) of this process, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def _verify_child(results):
    """In a fresh process, so its memory is verification's own."""
    import tracemalloc

    harness.setup_django()
    from ledger.verify import verify_ledger

    rss_start = _rss("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # restart VmHWM (peak RSS) from here
    t0 = time.perf_counter()
    report = verify_ledger()
    seconds = time.perf_counter() - t0
    rss_peak = _rss("VmHWM")
    # ru_maxrss also counts what the process had before exec (Linux carries the
    # spawning process's high-water mark over), so VmHWM above is the figure.
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()  # a second pass: tracing slows Python down, so it is not timed
    verify_ledger()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    results.put({"entries": report.entries, "checkpoints": report.checkpoints, "tiles": report.tiles,
                 "problems": report.problems[:3], "seconds": seconds, "rss_start": rss_start,
                 "rss_peak": rss_peak, "maxrss": maxrss, "peak": peak})


def verify_run():
    from django.db import connections

    connections.close_all()
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    p = ctx.Process(target=_verify_child, args=(results,))
    p.start()
    out = results.get()
    p.join()
    if out["problems"]:
        sys.exit(f"verify_ledger found problems: {out['problems']}")
    t0 = time.perf_counter()
    count = plain_read(0, out["entries"])
    out["read_rate"] = count / (time.perf_counter() - t0)
    return out


def checkpoint():
    """Flush what earlier work left dirty, so that commit timings do not share the disk with it."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cur:
            cur.execute("CHECKPOINT")
    except DatabaseError as exc:  # needs a superuser or pg_checkpoint; the figures are noisier without
        progress(f"CHECKPOINT refused ({exc}); commit timings may share the disk with earlier writes")


def apply_sql(path):
    """Run a file of SQL after migrating: to measure a proposed schema change before writing its migration."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(Path(path).read_text())


# Main ---------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, well under a minute (smoke test)")
    parser.add_argument("--entries", type=int, help="ledger size for proofs and verification (default 1,000,000)")
    parser.add_argument("--schema-sql", metavar="FILE",
                        help="SQL run after migrating, to measure a proposed schema change (see bench/sql/)")
    args = parser.parse_args()
    q = args.quick
    seconds = 2.0 if q else 5.0
    rounds = 1 if q else 3
    clients = 16
    batches = 20 if q else 200
    entries = args.entries or (60_000 if q else 1_000_000)
    new_entries = 5_000 if q else 100_000
    samples = 300 if q else 3000

    url = harness.database_url()
    progress(f"recreating {url.rsplit('/', 1)[-1]} and migrating")
    harness.recreate_database(url)
    harness.setup_django()
    harness.migrate()
    if args.schema_sql:
        apply_sql(args.schema_sql)
    lines = [f"machine: {harness.system_info()}"]
    if args.schema_sql:
        lines[0] += f"; schema changed by {args.schema_sql}"
    print(lines[0], flush=True)

    def say(line):
        lines.append(line)
        print(line, flush=True)

    create_plain_table()
    checkpoint()
    # Baseline and appends alternate in short windows, so that load from
    # elsewhere on the machine weighs on both alike; medians are reported.
    plains, rates, ratios, plain_lat, lat = [], [], [], [], []
    for r in range(rounds):
        progress(f"round {r + 1}/{rounds}: plain INSERT commits, 1 client, then single appends, {clients} clients, "
                 f"{seconds:.0f} s each")
        plain, plain_lat_r = concurrent(_plain_insert, 1, seconds)
        rate, lat_r = concurrent(_ledger_append, clients, seconds)
        plains.append(plain)
        rates.append(rate)
        ratios.append(rate / plain)
        plain_lat += plain_lat_r
        lat += lat_r
    plain16, _ = concurrent(_plain_insert, clients, seconds)
    plain, rate, ratio = statistics.median(plains), statistics.median(rates), statistics.median(ratios)
    spread = f" (rounds {min(ratios):.2f}-{max(ratios):.2f})" if rounds > 1 else ""
    say(f"1. baseline plain one-row INSERT commit, 1 client: {plain:,.0f}/s   p50 {ms(percentile(plain_lat, 50))}   "
        f"(bare psycopg2, autocommit, into a copy of ledger_entry with its indexes; {clients} clients: "
        f"{plain16:,.0f}/s)")
    say(f"2. single append, {clients} clients: {rate:,.0f}/s   p50 {ms(percentile(lat, 50))}   "
        f"p99 {ms(percentile(lat, 99))}   baseline plain INSERT commit, 1 client: {plain:,.0f}/s   "
        f"ratio {ratio:.2f}{spread} (target >= 0.60) {verdict(ratio >= 0.60)}")

    progress(f"append_many, {batches} batches of 1,000")
    chained, copied = batch_rates(batches, 1000, first=50_000_000)
    say(f"3. append_many, batches of 1,000: {chained:,.0f} entries/s   baseline plain COPY of 1,000 prepared rows "
        f"per commit: {copied:,.0f} rows/s   (target >= 100,000/s) {verdict(chained >= 100_000)}")

    from ledger import anchor

    anchor.anchor()
    small_verify = verify_run()

    progress(f"bulk loading to {entries:,} entries")
    size = bulk_load(entries, anchor_every=max(entries // 4, 1))
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE ledger_entry, ledger_tile, ledger_checkpoint")  # as autovacuum would by now

    progress(f"proofs at {size:,} entries, {samples:,} samples each")
    t_pk, (t_incl, q_incl), (t_cons, q_cons) = proof_latencies(size, samples)
    base = f"baseline primary-key SELECT p50 {ms(percentile(t_pk, 50))} p95 {ms(percentile(t_pk, 95))}"
    for n, name, t, qs in (("4a", "inclusion", t_incl, q_incl), ("4b", "consistency", t_cons, q_cons)):
        p95 = percentile(t, 95)
        say(f"{n}. {name} proof at {size:,} entries: p50 {ms(percentile(t, 50))} p95 {ms(p95)}   "
            f"SQL queries max {max(qs)} mean {sum(qs) / len(qs):.1f}   {base}   (target < 2 ms) {verdict(p95 < 0.002)}")

    progress(f"anchoring {new_entries:,} new entries")
    before, anchor_seconds, read, read_seconds = anchor_new(new_entries)
    say(f"5. anchor {new_entries:,} new entries on top of {before:,}: {anchor_seconds:.2f} s   "
        f"baseline read of those {read:,} rows: {read_seconds:.2f} s   (target < 1 s) {verdict(anchor_seconds < 1)}")

    progress("verify_ledger")
    big_verify = verify_run()
    rates = [v["entries"] / v["seconds"] for v in (small_verify, big_verify)]
    # Flat: a ledger several times larger may not need noticeably more memory.
    flat = big_verify["peak"] <= small_verify["peak"] * 1.25 + 1e6
    say("6. verify_ledger: " + "   ".join(
        f"{v['entries']:,} entries {r:,.0f}/s, tracemalloc peak {mb(v['peak'])}, RSS peak {mb(v['rss_peak'])} "
        f"(started at {mb(v['rss_start'])}; ru_maxrss {mb(v['maxrss'])})"
        for v, r in zip((small_verify, big_verify), rates))
        + f"   baseline plain paged read: {big_verify['read_rate']:,.0f} rows/s"
        + f"   (target >= 200,000/s, flat memory) {verdict(min(rates) >= 200_000 and flat)}")
    progress(f"done; load average {harness.load_average():.2f}")


if __name__ == "__main__":
    main()
