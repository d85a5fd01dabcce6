"""Load demo data: offices, bodies, staff of every role, citizens in five languages."""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from sportello.accounts import demo

# Each product app may ship a `demo.py` with `seed(stdout)`; they run in this order.
DEMO_MODULES = ["sportello.hiring.demo", "sportello.switchboard.demo", "sportello.helpdesk.demo"]


class Command(BaseCommand):
    help = "Create demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the logins.")

    def handle(self, *args, quiet: bool = False, **options) -> None:
        with transaction.atomic():
            demo.seed()
            for name in DEMO_MODULES:
                try:
                    module = importlib.import_module(name)
                except ModuleNotFoundError:
                    continue
                module.seed()
        if not quiet:
            self.stdout.write(demo.logins_text())
