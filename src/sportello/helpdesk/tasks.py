"""Work the task worker does for the help desk (`manage.py db_worker`)."""

from django_tasks import task

from sportello.helpdesk import media, notify, reminders, waitlist
from sportello.helpdesk.models import Booking, Tutorial, WaitingListEntry


@task(queue_name="email")
def send_confirmation(booking_id: int) -> None:
    booking = Booking.objects.select_related("place").filter(pk=booking_id).first()
    if booking is not None and booking.email:
        notify.send_confirmation(booking)


@task(queue_name="email")
def send_waitlist_offer(entry_id: int) -> None:
    entry = WaitingListEntry.objects.filter(pk=entry_id).first()
    if entry is not None and entry.email:
        notify.send_waitlist_offer(entry)


@task()
def send_due_reminders() -> dict:
    """Periodic: run by `manage.py send_reminders` (cron/systemd timer) every few minutes."""
    counts = reminders.send_due()
    counts["offers_expired"] = waitlist.expire_offers()
    return counts


@task(queue_name="media")
def transcode_tutorial(tutorial_id: int) -> str:
    tutorial = Tutorial.objects.get(pk=tutorial_id)
    media.process(tutorial)
    return tutorial.status
