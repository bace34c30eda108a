from django.core.management.base import BaseCommand, CommandError

from ledger.anchor import anchor


class Command(BaseCommand):
    help = "Sign a checkpoint of the current ledger now (what the periodic task does)."

    def handle(self, *args, **options):
        cp = anchor()
        if cp is None:
            raise CommandError("anchoring refused; see the ledger alerts")
        self.stdout.write(cp.note)
