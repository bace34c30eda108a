from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ledger.keys import write_new_key


class Command(BaseCommand):
    help = "Create a new Ed25519 signing key for the ledger and print its verifier key."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=None, help="where to write (default LEDGER_SIGNING_KEY_PATH)")
        parser.add_argument("--if-missing", action="store_true", help="do nothing if the key file exists")

    def handle(self, *args, path, if_missing, **options):
        path = path or settings.LEDGER_SIGNING_KEY_PATH
        if path.exists():
            if if_missing:
                return
            raise CommandError(f"{path} exists; refusing to overwrite a signing key")
        signer = write_new_key(path, settings.LEDGER_ORIGIN)
        self.stdout.write(f"private key written to {path} (mode 600)")
        self.stdout.write(f"verifier key: {signer.verifier.text}")
