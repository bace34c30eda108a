import time
import tracemalloc

from django.core.management.base import BaseCommand, CommandError

from ledger.verify import verify_ledger


class Command(BaseCommand):
    help = "Recompute every entry hash, the prev chain, the Merkle tree, every checkpoint and tile."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        tracemalloc.start()
        started = time.perf_counter()
        report = verify_ledger(using=database)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rate = report.entries / elapsed if elapsed > 0 else 0
        self.stdout.write(f"entries: {report.entries}  checkpoints: {report.checkpoints}  tiles: {report.tiles}  "
                          f"{elapsed:.2f} s  {rate:,.0f} entries/s  peak Python memory {peak / 1e6:.1f} MB")
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"FAIL {problem}")
            raise CommandError(f"ledger verification failed at {report.problems[0]}")
        self.stdout.write(self.style.SUCCESS("ledger verified"))
