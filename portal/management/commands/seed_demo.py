from importlib import import_module

from django.core.management.base import BaseCommand

# Each app's demo module has seed(command, options) and runs in this order,
# since later apps build on earlier ones (campaigns need charities, ...).
# A module may also define add_arguments(parser) for options of its own
# (organizations.demo adds --organizations N).
DEMO_MODULES = ["organizations.demo", "fundraising.demo", "donations.demo", "sanctions.demo"]


class Command(BaseCommand):
    help = "Load deterministic demo data (every write through actions and the ledger)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do nothing if the ledger has entries already")
        for name in DEMO_MODULES:
            module = import_module(name)
            if hasattr(module, "add_arguments"):
                module.add_arguments(parser)

    def handle(self, *args, **options):
        from ledger.models import Entry

        if options["if_empty"] and Entry.objects.exists():
            self.stdout.write("demo data already present")
            return
        for name in DEMO_MODULES:
            import_module(name).seed(self, options)
