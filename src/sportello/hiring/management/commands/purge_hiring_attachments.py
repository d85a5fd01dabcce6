from django.core.management.base import BaseCommand, CommandError, CommandParser

from sportello.hiring.services.retention import purge_attachments, retention_days


class Command(BaseCommand):
    help = (
        "Delete the attachments of applications (and review requests) to calls that closed "
        "more than HIRING_ATTACHMENT_RETENTION_DAYS ago; each deletion is audit-logged. "
        "Run daily from cron or a timer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="this period instead of the setting"
        )

    def handle(self, *args, days: int | None = None, **options) -> None:
        if days is not None and days < 0:
            raise CommandError("--days cannot be negative: nothing was deleted.")
        count = purge_attachments(days)
        period = retention_days() if days is None else days
        self.stdout.write(f"{count} attachments deleted (calls closed more than {period} days ago)")
