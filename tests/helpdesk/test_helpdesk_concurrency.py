"""Double booking is impossible, also when many requests race for one slot (real PostgreSQL)."""

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from sportello.helpdesk import booking
from sportello.helpdesk.availability import Request
from sportello.helpdesk.models import Booking
from tests.helpdesk.factories import PlaceFactory, at, day_after_tomorrow, key, make_mediator

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 20


def _race(request: Request, slot: str) -> list[object]:
    barrier = threading.Barrier(RACERS)
    results: list[object] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        try:
            barrier.wait()
            made = booking.book(
                request, slot, booking.Contact(f"Racer {n}", f"+39333123{n:04d}", "")
            )
            outcome: object = made.pk
        except Exception as exc:  # anything but SlotUnavailable fails the assertions below
            outcome = exc
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks and concurrent writers)")


def test_twenty_threads_racing_for_one_slot_of_one_mediator_make_one_booking(postgres):
    place = PlaceFactory()
    make_mediator(place)
    day = day_after_tomorrow()
    results = _race(Request("spid", "it", "in_person", place.pk), key(day, 9, place=place))
    winners = [r for r in results if isinstance(r, int)]
    assert len(results) == RACERS and len(winners) == 1
    assert all(isinstance(r, booking.SlotUnavailable) for r in results if r not in winners)
    assert Booking.objects.filter(start=at(day, 9)).count() == 1


def test_with_two_mediators_the_race_fills_exactly_two_bookings(postgres):
    place = PlaceFactory()
    first, second = make_mediator(place), make_mediator(place)
    day = day_after_tomorrow()
    results = _race(Request("spid", "it", "phone"), key(day, 10))
    assert len([r for r in results if isinstance(r, int)]) == 2
    made = Booking.objects.filter(start=at(day, 10))
    assert sorted(made.values_list("mediator_id", flat=True)) == sorted([first.pk, second.pk])


def test_the_database_refuses_a_second_active_booking_of_the_same_slot():
    place = PlaceFactory()
    mediator = make_mediator(place)
    start = at(day_after_tomorrow(), 9)
    row = dict(
        mediator=mediator,
        place=place,
        start=start,
        end=start,
        need="spid",
        language="it",
        channel="phone",
        name="X",
    )
    Booking.objects.create(status="cancelled", **row)
    Booking.objects.create(**row)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(**row)
    assert Booking.objects.count() == 2
