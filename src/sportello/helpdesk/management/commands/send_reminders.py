import signal
import time

from django.core.management.base import BaseCommand

from sportello.helpdesk import tasks


class Command(BaseCommand):
    help = "Send help-desk reminders that are due and expire waiting-list offers (run every few minutes)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=int, default=0, help="repeat every N seconds until stopped"
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="hand the work to the task worker"
        )

    def handle(self, *args, every: int = 0, enqueue: bool = False, **options) -> None:
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        while True:
            if enqueue:
                tasks.send_due_reminders.enqueue()
                self.stdout.write("enqueued")
            else:
                self.stdout.write(str(tasks.send_due_reminders.call()))
            if not every or stopping:
                return
            for _ in range(every):
                if stopping:
                    return
                time.sleep(1)
