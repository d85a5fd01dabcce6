"""Booking rules: the system picks a mediator, refuses bad times, and mails a calendar file."""

from datetime import UTC

import pytest
from django.utils import timezone

from sportello.audit.models import AuditEvent
from sportello.helpdesk import booking
from sportello.helpdesk.availability import Request
from sportello.helpdesk.choices import Channel, Skill
from sportello.helpdesk.models import Booking, Reminder
from tests.helpdesk.factories import at, key, make_mediator

pytestmark = pytest.mark.django_db

CONTACT = booking.Contact("Maria Bianchi", "+393331234567", "maria@example.org")


def test_it_books_a_free_slot_with_a_mediator_who_speaks_the_language(place, day, mailbox):
    make_mediator(place, languages=["it"])
    french = make_mediator(place, languages=["fr", "it"])
    request = Request(Skill.SPID, "fr", Channel.IN_PERSON, place.pk)
    made = booking.book(request, key(day, 9, place=place), CONTACT)
    assert made.mediator == french
    assert made.start == at(day, 9) and made.end == at(day, 9, 30)
    assert AuditEvent.objects.filter(
        action="helpdesk.booking.created", object_id=str(made.pk)
    ).exists()


def test_it_spreads_bookings_over_the_least_busy_mediator(place, day, mailbox, by_phone):
    first, second = make_mediator(place), make_mediator(place)
    a = booking.book(by_phone, key(day, 9), CONTACT)
    b = booking.book(by_phone, key(day, 10), CONTACT)
    assert {a.mediator, b.mediator} == {first, second}


def test_the_confirmation_email_carries_an_ics_and_the_address_in_words(
    mediator, place, day, in_person, mailbox
):
    booking.book(in_person, key(day, 9, place=place), CONTACT)
    message = mailbox[-1]
    assert message.to == ["maria@example.org"]
    assert place.address in message.body and place.directions in message.body
    assert "/help/cancel/" in message.body and "/help/change/" in message.body
    name, content, mimetype = message.attachments[0]
    assert name == "appointment.ics" and mimetype == "text/calendar"
    assert "BEGIN:VEVENT" in content
    assert at(day, 9).astimezone(UTC).strftime("DTSTART:%Y%m%dT%H%M%SZ") in content


def test_the_confirmation_is_in_the_citizens_language(mediator, place, day, mailbox):
    request = Request(Skill.SPID, "en", Channel.PHONE)
    made = booking.book(request, key(day, 9), CONTACT)
    assert made.language == "en"
    assert "By phone" in mailbox[-1].body


def test_it_refuses_a_slot_in_the_past(mediator, place, in_person):
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    with pytest.raises(booking.SlotUnavailable, match="past"):
        booking.book(in_person, key(yesterday, 9, place=place), CONTACT)
    assert not Booking.objects.exists()


@pytest.mark.parametrize("hour,minute", [(7, 0), (13, 0), (9, 15), (20, 0)])
def test_it_refuses_a_slot_out_of_hours(mediator, place, day, in_person, hour, minute):
    with pytest.raises(booking.SlotUnavailable, match="not available"):
        booking.book(in_person, key(day, hour, minute, place=place), CONTACT)
    assert not Booking.objects.exists()


def test_the_same_slot_cannot_be_booked_twice(mediator, place, day, in_person, mailbox):
    booking.book(in_person, key(day, 9, place=place), CONTACT)
    with pytest.raises(booking.SlotUnavailable):
        booking.book(in_person, key(day, 9, place=place), CONTACT)
    assert Booking.objects.count() == 1


def test_reminders_are_scheduled_the_day_before_and_two_hours_before(
    mediator, place, day, in_person, mailbox
):
    made = booking.book(in_person, key(day, 9, place=place), CONTACT)
    due = sorted((r.hours_before, r.due_at) for r in made.reminders.all())
    assert due == [(2, at(day, 7)), (24, at(day, 9) - timezone.timedelta(hours=24))]
    assert {r.kind for r in made.reminders.all()} == {Reminder.Kind.EMAIL}  # no SMS gateway set


def test_cancel_frees_the_slot_and_drops_the_reminders(mediator, place, day, in_person, mailbox):
    made = booking.book(in_person, key(day, 9, place=place), CONTACT)
    assert booking.cancel(made)
    assert not booking.cancel(made)
    assert set(made.reminders.values_list("status", flat=True)) == {"cancelled"}
    again = booking.book(in_person, key(day, 9, place=place), CONTACT)
    assert again.pk != made.pk


def test_reschedule_moves_the_appointment(mediator, place, day, in_person, mailbox):
    made = booking.book(in_person, key(day, 9, place=place), CONTACT)
    moved = booking.reschedule(made, key(day, 11, place=place))
    made.refresh_from_db()
    assert made.status == "cancelled" and moved.start == at(day, 11)
    assert moved.name == CONTACT.name and moved.email == CONTACT.email


def test_bookings_for_phone_finds_a_callers_bookings_in_any_format(
    mediator, day, by_phone, mailbox
):
    made = booking.book(by_phone, key(day, 9), booking.Contact("Ada", "+390165123456", ""))
    assert booking.bookings_for_phone("0165 123456") == [made]
    assert booking.bookings_for_phone("+39 0165-123-456") == [made]
    assert booking.bookings_for_phone("0165 999999") == []
    assert booking.bookings_for_phone("not a number") == []
