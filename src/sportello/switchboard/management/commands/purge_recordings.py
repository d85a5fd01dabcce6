from django.core.management.base import BaseCommand

from sportello.switchboard.retention import purge_recordings


class Command(BaseCommand):
    help = "Delete call recordings past their retention date (run daily from cron or a timer)."

    def handle(self, *args, **options):
        count = purge_recordings()
        self.stdout.write(f"{count} recordings deleted")
