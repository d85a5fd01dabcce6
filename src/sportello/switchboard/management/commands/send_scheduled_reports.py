from django.core.management.base import BaseCommand

from sportello.switchboard.reports import tasks


class Command(BaseCommand):
    help = "E-mail the switchboard reports that are due today (run daily from cron or a timer)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="hand the work to the task worker"
        )

    def handle(self, *args, enqueue: bool = False, **options) -> None:
        if enqueue:
            tasks.send_scheduled_reports.enqueue()
            self.stdout.write("enqueued")
        else:
            self.stdout.write(f"sent {tasks.send_scheduled_reports.call()}")
