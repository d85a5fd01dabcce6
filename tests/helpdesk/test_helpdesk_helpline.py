"""Out of hours the helpline books a call-back appointment for the caller's number."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sportello.helpdesk import reminders
from sportello.helpdesk.availability import free_slots
from sportello.helpdesk.booking import SlotUnavailable
from sportello.helpdesk.helpline import book_callback
from sportello.helpdesk.models import Booking, Reminder
from tests.helpdesk import twilio_server
from tests.helpdesk.factories import make_mediator

pytestmark = pytest.mark.django_db


def _first_free(by_phone):
    return free_slots(by_phone, timezone.localdate(), 14)[0].start


def test_it_books_the_first_free_phone_slot_at_the_callers_number(mediator, by_phone):
    expected = _first_free(by_phone)
    made = book_callback("333 123 4567", "it", "spid")
    assert made.start == expected and made.channel == "phone" and made.mediator == mediator
    assert made.phone == "+393331234567" and made.language == "it" and made.need == "spid"
    assert "+393331234567" in made.name


def test_a_slot_taken_first_leaves_the_next_one(mediator, by_phone):
    first = book_callback("333 123 4567", "it", "spid")
    second = book_callback("+39 333 765 4321", "it", "spid")
    assert second.start > first.start and second.mediator == mediator


@pytest.mark.parametrize(
    ("number", "language", "need", "message"),
    [
        ("not a number", "en", "spid", "cannot be called back"),
        ("12", "en", "spid", "cannot be called back"),
        ("333 123 4567", "xx", "spid", "in that language"),
        ("333 123 4567", "en", "astrology", "what you need"),
    ],
)
def test_bad_input_is_refused_and_books_nothing(mediator, number, language, need, message):
    # The reason is in the caller's language: English here, to read it.
    with pytest.raises(SlotUnavailable) as refused:
        book_callback(number, language, need)
    assert message in str(refused.value.message)
    assert not Booking.objects.exists()


def test_with_no_mediator_for_the_language_it_says_so(place):
    make_mediator(place, languages=["fr"])
    with pytest.raises(SlotUnavailable, match="next two weeks"):
        book_callback("333 123 4567", "en", "spid")
    assert not Booking.objects.exists()


gateway = twilio_server.gateway


def test_the_caller_gets_the_confirmation_by_sms_at_once(
    mediator, by_phone, gateway, django_capture_on_commit_callbacks
):
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        made = book_callback("333 123 4567", "en", "spid")
    after = timezone.now()
    assert len(gateway.received) == 1
    sent = gateway.received[0]
    assert sent["To"] == "+393331234567"
    assert "appointment booked" in sent["Body"] and "+393331234567" in sent["Body"]
    confirmation = made.reminders.get(hours_before=reminders.CONFIRMATION)
    assert confirmation.status == Reminder.Status.SENT and confirmation.provider_id
    # The later reminders still ahead of the appointment wait (which depends on the time of day).
    pending = set(
        made.reminders.filter(hours_before__gt=0, status=Reminder.Status.PENDING).values_list(
            "hours_before", flat=True
        )
    )
    assert ahead(made, after) <= pending <= ahead(made, before)


def ahead(booking, now) -> set[int]:
    """The reminder offsets whose time is still to come at ``now``."""
    return {h for h in reminders.offsets() if booking.start - timedelta(hours=h) > now}


def test_a_failed_confirmation_sms_is_retried_later(mediator, by_phone, settings):
    settings.SMS_API_URL = "http://127.0.0.1:9/"  # nothing listens: the gateway is down
    made = book_callback("333 123 4567", "en", "spid")
    assert reminders.send_due()["retry"] >= 1
    confirmation = made.reminders.get(hours_before=reminders.CONFIRMATION)
    assert confirmation.status == Reminder.Status.PENDING and confirmation.attempts == 1
    assert confirmation.last_error


def test_without_an_sms_gateway_no_confirmation_is_queued(mediator, by_phone, settings):
    settings.SMS_API_URL = ""
    made = book_callback("333 123 4567", "en", "spid")
    assert not made.reminders.exists()
