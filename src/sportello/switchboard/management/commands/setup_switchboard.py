from django.core.management.base import BaseCommand

from sportello.switchboard import prompts, setup


class Command(BaseCommand):
    help = "Create the default switchboard configuration and generate missing voice prompts."

    def add_arguments(self, parser):
        parser.add_argument("--no-prompts", action="store_true", help="Skip prompt generation.")

    def handle(self, *args, no_prompts: bool = False, **options) -> None:
        setup.ensure_default_configuration()
        if not no_prompts:
            made = prompts.ensure_defaults()
            self.stdout.write(f"Generated {made} prompt files.")
