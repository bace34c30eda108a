from django.core.management.base import BaseCommand

from organizations.demo import seed


class Command(BaseCommand):
    help = "Load deterministic demo data (every write through actions and the ledger)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do nothing if charities exist already")

    def handle(self, *args, if_empty, **options):
        from organizations.models import Organization

        if if_empty and Organization.objects.exists():
            self.stdout.write("demo data already present")
            return
        count = seed()
        self.stdout.write(f"demo data: {count} charities registered")
