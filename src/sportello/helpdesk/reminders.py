"""Reminders the day before and two hours before (configurable), by e-mail and SMS.

Rows are created when a booking is made; the worker sends those that are due and retries
failures with a growing delay. Failed rows stay visible to the coordinator.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sportello.helpdesk import notify, sms
from sportello.helpdesk.choices import BookingStatus
from sportello.helpdesk.models import Booking, Reminder

MAX_ATTEMPTS = 5
# A row this many hours before is the booking confirmation by SMS, sent at once (phone bookings
# have no e-mail to carry it); it is retried and shown to the coordinator like any reminder.
CONFIRMATION = 0
FIRST_RETRY = timedelta(minutes=5)


def offsets() -> list[int]:
    """Hours before the appointment at which reminders go out."""
    return list(getattr(settings, "HELPDESK_REMINDER_HOURS", [24, 2]))


def schedule(booking: Booking, now: datetime | None = None) -> list[Reminder]:
    now = now or timezone.now()
    kinds = []
    if booking.email:
        kinds.append(Reminder.Kind.EMAIL)
    if booking.phone and sms.configured():
        kinds.append(Reminder.Kind.SMS)
    rows = []
    for hours in offsets():
        due = booking.start - timedelta(hours=hours)
        if due <= now:
            continue
        for kind in kinds:
            rows.append(
                Reminder(
                    booking=booking, kind=kind, hours_before=hours, due_at=due, next_attempt_at=due
                )
            )
    return Reminder.objects.bulk_create(rows)


def confirm_by_sms(booking: Booking, now: datetime | None = None) -> Reminder | None:
    """Queue the SMS confirmation of a booking and have the worker send it now."""
    if not (booking.phone and sms.configured()):
        return None
    from sportello.helpdesk import tasks

    now = now or timezone.now()
    row = Reminder.objects.create(
        booking=booking, kind=Reminder.Kind.SMS, hours_before=CONFIRMATION, due_at=now,
        next_attempt_at=now,
    )  # fmt: skip
    transaction.on_commit(tasks.send_due_reminders.enqueue)
    return row


def send_due(now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Send every reminder whose time has come; returns how many were sent, retried, dropped."""
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "failed": 0, "dropped": 0}
    with transaction.atomic():
        due = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(status=Reminder.Status.PENDING, next_attempt_at__lte=now)
            .select_related("booking__place")[:limit]
        )
        for reminder in due:
            counts[_send_one(reminder, now)] += 1
    return counts


def _send_one(reminder: Reminder, now: datetime) -> str:
    booking = reminder.booking
    if booking.status != BookingStatus.BOOKED or booking.start <= now:
        reminder.status = Reminder.Status.CANCELLED
        reminder.save(update_fields=["status"])
        return "dropped"
    reminder.attempts += 1
    try:
        if reminder.kind == Reminder.Kind.SMS:
            reminder.provider_id = sms.send(booking.phone, _sms_text(reminder)).provider_id
        else:
            notify.send_reminder_email(booking)
    except (sms.SmsError, OSError) as exc:
        reminder.last_error = str(exc)[:300]
        if reminder.attempts >= MAX_ATTEMPTS:
            reminder.status = Reminder.Status.FAILED
            outcome = "failed"
        else:
            reminder.next_attempt_at = now + FIRST_RETRY * 2 ** (reminder.attempts - 1)
            outcome = "retry"
    else:
        reminder.status = Reminder.Status.SENT
        reminder.sent_at = now
        reminder.last_error = ""
        outcome = "sent"
    reminder.save()
    return outcome


def _sms_text(reminder: Reminder) -> str:
    if reminder.hours_before == CONFIRMATION:
        return notify.confirmation_sms(reminder.booking)
    return notify.reminder_sms(reminder.booking)


def problems():
    """Reminders that failed or are being retried, for the coordinator."""
    return (
        Reminder.objects.filter(attempts__gt=0)
        .exclude(status=Reminder.Status.SENT)
        .select_related("booking")
        .order_by("-next_attempt_at")
    )
