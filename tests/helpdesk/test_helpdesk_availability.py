"""Free slots: weekly availability ∩ opening hours, minus holidays, leave and bookings."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from sportello.helpdesk.availability import Request, free_slots, parse_key
from sportello.helpdesk.choices import Channel, ExceptionKind, Skill
from sportello.helpdesk.models import AvailabilityException, Booking, Holiday, OpeningHours
from tests.helpdesk.factories import PlaceFactory, at, make_mediator

pytestmark = pytest.mark.django_db


def _times(slots, day):
    return [
        timezone.localtime(s.start).strftime("%H:%M")
        for s in slots
        if timezone.localtime(s.start).date() == day
    ]


def test_it_offers_half_hour_slots_inside_the_mediators_window(mediator, in_person, day):
    slots = free_slots(in_person, day, 1)
    assert _times(slots, day) == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    assert all(s.candidates == [(mediator.pk, in_person.place_id)] for s in slots)


def test_it_cuts_the_window_to_the_opening_hours(place, day, in_person):
    make_mediator(place, starts=time(7), ends=time(9, 30))
    assert _times(free_slots(in_person, day, 1), day) == ["08:30", "09:00"]


def test_it_offers_nothing_on_a_holiday(mediator, place, in_person, day):
    Holiday.objects.create(place=place, date=day, name="Festa")
    assert free_slots(in_person, day, 1) == []


def test_it_offers_nothing_when_the_place_is_closed_that_day(db, day):
    place = PlaceFactory(hours=False)
    OpeningHours.objects.create(
        place=place, weekday=(day.weekday() + 1) % 7, opens=time(8), closes=time(18)
    )
    make_mediator(place)
    assert free_slots(Request(Skill.SPID, "it", Channel.IN_PERSON, place.pk), day, 1) == []


def test_leave_removes_slots_and_an_extra_slot_adds_them(mediator, place, in_person, day):
    AvailabilityException.objects.create(
        mediator=mediator, kind=ExceptionKind.LEAVE, date=day, starts=time(9), ends=time(11)
    )
    AvailabilityException.objects.create(
        mediator=mediator,
        kind=ExceptionKind.EXTRA,
        date=day,
        starts=time(15),
        ends=time(16),
        place=place,
    )
    assert _times(free_slots(in_person, day, 1), day) == ["11:00", "11:30", "15:00", "15:30"]


def test_booked_slots_are_not_offered_but_cancelled_ones_are(mediator, place, in_person, day):
    common = dict(
        mediator=mediator, place=place, need="spid", language="it", channel="in_person", name="X"
    )
    Booking.objects.create(start=at(day, 9), end=at(day, 9, 30), **common)
    Booking.objects.create(start=at(day, 10), end=at(day, 10, 30), status="cancelled", **common)
    times = _times(free_slots(in_person, day, 1), day)
    assert "09:00" not in times and "10:00" in times


def test_it_matches_skill_and_language(mediator, day):
    assert free_slots(Request(Skill.JOBS, "it", Channel.PHONE), day, 1) == []
    assert free_slots(Request(Skill.SPID, "fr", Channel.PHONE), day, 1) == []
    assert free_slots(Request(Skill.CIE, "en", Channel.PHONE), day, 1) != []


def test_phone_slots_merge_the_mediators_of_every_place(db, day):
    first, second = make_mediator(), make_mediator()
    slots = free_slots(Request(Skill.SPID, "it", Channel.PHONE), day, 1)
    assert slots[0].place_id is None
    assert {m for m, _p in slots[0].candidates} == {first.pk, second.pk}


def test_it_never_offers_past_or_too_soon_slots(mediator, in_person):
    today = timezone.localdate()
    now = at(today, 10, 10)
    slots = free_slots(in_person, today, 1, now=now)
    assert all(s.start >= now + timedelta(minutes=60) for s in slots)
    assert _times(slots, today) == ["11:30"]


@pytest.mark.parametrize(
    "bad", ["", "nonsense", "2026-13-01T09:00|", "2026-01-01T9h|1", "2026-01-01T09:00|x"]
)
def test_malformed_slot_keys_are_rejected(bad):
    assert parse_key(bad) is None
