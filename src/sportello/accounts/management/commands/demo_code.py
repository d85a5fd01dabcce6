from django.core.management.base import BaseCommand

from sportello.accounts import demo


class Command(BaseCommand):
    help = "Print the current two-step code shared by all demo staff accounts."

    def handle(self, *args, **options) -> None:
        self.stdout.write(demo.current_code())
