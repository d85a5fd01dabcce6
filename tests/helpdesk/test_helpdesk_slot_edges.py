"""Free slots at the edges: days the clocks change, leave and bookings off the grid, extras."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from sportello.helpdesk import booking
from sportello.helpdesk.availability import Request, free_slots, parse_key
from sportello.helpdesk.choices import Channel, ExceptionKind, Skill
from sportello.helpdesk.models import AvailabilityException, Booking, Holiday, OpeningHours
from tests.helpdesk.factories import PlaceFactory, at, make_mediator

pytestmark = pytest.mark.django_db

SPRING_FORWARD = date(2027, 3, 28)  # Europe/Rome: 02:00 CET becomes 03:00 CEST
FALL_BACK = date(2027, 10, 31)  # Europe/Rome: 03:00 CEST becomes 02:00 CET


def _search(request, day, days=1):
    """The search as seen a week before `day`, whatever today is."""
    return free_slots(request, day, days, now=at(day - timedelta(days=7), 12))


def _times(slots):
    return [timezone.localtime(s.start).strftime("%H:%M") for s in slots]


def _book(mediator, place, start, minutes=30, **fields):
    return Booking.objects.create(
        mediator=mediator,
        place=place,
        start=start,
        end=start + timedelta(minutes=minutes),
        need="spid",
        language="it",
        channel="in_person",
        name="X",
        **fields,
    )


@pytest.fixture
def open_all_night(place):
    OpeningHours.objects.filter(place=place).update(opens=time(0), closes=time(23, 59))
    return place


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (SPRING_FORWARD - timedelta(days=1), 8),
        (SPRING_FORWARD, 7),
        (FALL_BACK - timedelta(days=1), 7),
        (FALL_BACK, 8),
    ],
)
def test_it_gives_each_slot_the_offset_of_its_own_day(mediator, in_person, day, utc_hour):
    slots = _search(in_person, day)
    assert _times(slots) == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    assert slots[0].start.astimezone(UTC) == datetime(
        day.year, day.month, day.day, utc_hour, tzinfo=UTC
    )


def test_a_booking_on_the_day_the_clocks_change_takes_its_own_slot(mediator, place, in_person):
    _book(mediator, place, at(SPRING_FORWARD, 10))
    times = _times(_search(in_person, SPRING_FORWARD))
    assert "10:00" not in times and {"09:30", "10:30"} <= set(times)


def test_a_night_window_loses_the_hour_that_does_not_exist(open_all_night, in_person):
    make_mediator(open_all_night, starts=time(1), ends=time(4))
    assert _times(_search(in_person, SPRING_FORWARD)) == ["01:00", "01:30", "03:00", "03:30"]


def test_the_hour_that_repeats_is_offered_once_and_keys_stay_unique(open_all_night, in_person):
    make_mediator(open_all_night, starts=time(1), ends=time(4))
    slots = _search(in_person, FALL_BACK)
    assert _times(slots) == ["01:00", "01:30", "02:00", "02:30", "03:00", "03:30"]
    assert len({s.key for s in slots}) == len(slots)
    assert all(parse_key(s.key)[0].timestamp() == s.start.timestamp() for s in slots)


def test_leave_that_covers_part_of_a_slot_removes_the_whole_slot(mediator, in_person, day):
    AvailabilityException.objects.create(
        mediator=mediator, kind=ExceptionKind.LEAVE, date=day, starts=time(9, 15), ends=time(9, 45)
    )
    assert _times(_search(in_person, day)) == ["10:00", "10:30", "11:00", "11:30"]


def test_leave_and_bookings_of_the_same_mediator_add_up(mediator, place, in_person, day):
    _book(mediator, place, at(day, 11))
    _book(mediator, place, at(day, 9, 30))
    AvailabilityException.objects.create(
        mediator=mediator, kind=ExceptionKind.LEAVE, date=day, starts=time(9), ends=time(9, 45)
    )
    assert _times(_search(in_person, day)) == ["10:00", "10:30", "11:30"]


def test_leave_of_one_mediator_leaves_the_others_slots(place, day, by_phone):
    away, here = make_mediator(place), make_mediator(place)
    AvailabilityException.objects.create(
        mediator=away, kind=ExceptionKind.LEAVE, date=day, starts=time(9), ends=time(12)
    )
    slots = _search(by_phone, day)
    assert len(slots) == 6
    assert all(s.candidates == [(here.pk, place.pk)] for s in slots)


def test_a_booking_off_the_grid_or_longer_than_a_slot_blocks_every_slot_it_touches(
    mediator, place, in_person, day
):
    _book(mediator, place, at(day, 9, 15))
    _book(mediator, place, at(day, 10, 30), minutes=60)
    assert _times(_search(in_person, day)) == ["10:00", "11:30"]


def test_a_booking_on_another_day_or_cancelled_blocks_nothing(mediator, place, in_person, day):
    _book(mediator, place, at(day + timedelta(days=1), 9))
    _book(mediator, place, at(day, 9), status="cancelled")
    assert _times(_search(in_person, day))[0] == "09:00"


def test_an_extra_slot_is_cut_to_opening_hours_and_skipped_on_a_holiday(
    mediator, place, in_person, day
):
    for offset in (0, 1):
        AvailabilityException.objects.create(
            mediator=mediator,
            kind=ExceptionKind.EXTRA,
            date=day + timedelta(days=offset),
            starts=time(16),
            ends=time(18),
            place=place,
        )
    Holiday.objects.create(place=place, date=day + timedelta(days=1))
    slots = _search(in_person, day, days=2)
    assert _times(slots)[-2:] == ["16:00", "16:30"]
    assert {timezone.localtime(s.start).date() for s in slots} == {day}


def test_an_extra_slot_at_a_closed_down_place_is_not_offered(mediator, day, by_phone):
    closed = PlaceFactory(active=False)
    AvailabilityException.objects.create(
        mediator=mediator,
        kind=ExceptionKind.EXTRA,
        date=day,
        starts=time(14),
        ends=time(15),
        place=closed,
    )
    assert "14:00" not in _times(_search(by_phone, day))


def test_a_window_off_the_half_hour_keeps_its_grid_after_the_lead_time(place):
    today = timezone.localdate()
    make_mediator(place, starts=time(9, 15), ends=time(12))
    request = Request(Skill.SPID, "it", Channel.IN_PERSON, place.pk)
    slots = free_slots(request, today, 1, now=at(today, 9, 5))
    assert _times(slots) == ["10:15", "10:45", "11:15"]


@pytest.mark.parametrize(("late", "first"), [(0, "11:00"), (500_000, "11:30")])
def test_the_lead_time_counts_to_the_microsecond(mediator, in_person, late, first):
    today = timezone.localdate()
    now = at(today, 10) + timedelta(microseconds=late)
    assert _times(free_slots(in_person, today, 1, now=now))[0] == first


def test_no_days_means_no_slots(mediator, in_person, day):
    assert free_slots(in_person, day, 0) == []


def test_a_mediator_already_busy_at_an_overlapping_time_is_not_booked_twice(
    mediator, place, in_person, day
):
    _book(mediator, place, at(day, 9, 15))
    contact = booking.Contact("Maria Bianchi", "", "maria@example.org")
    assert booking._take(mediator.pk, place.pk, at(day, 9), in_person, contact, None) is None
    assert Booking.objects.filter(mediator=mediator).count() == 1
