from django.core.management.base import BaseCommand

from sportello.core import jobs


class Command(BaseCommand):
    help = (
        "Hand the periodic jobs that are due (reminders, scheduled reports, retention purges) "
        "to the task worker. Run every few minutes from cron; `serve` runs it by itself."
    )

    def handle(self, *args, **options) -> None:
        names = jobs.enqueue_due()
        self.stdout.write("enqueued: " + (", ".join(names) if names else "nothing due"))
