"""Report work for the task worker."""

from django.utils import timezone
from django_tasks import task

from sportello.switchboard.reports import schedule


@task(queue_name="email")
def send_scheduled_reports() -> int:
    """Periodic: run by `manage.py send_scheduled_reports` once a day (or more often)."""
    today = timezone.localdate()
    return sum(1 for item in schedule.due(today) if schedule.send(item, today))
