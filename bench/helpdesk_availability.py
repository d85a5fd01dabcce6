"""Benchmark: help-desk availability search and a booking race, on PostgreSQL.

A month of availability across 50 mediators and 10 places with 5,000 existing bookings:
p95 of `free_slots` over the month, and the ratio to one indexed SQL query that reads the same
booking rows in the same run. Then 50 threads book one slot at once: exactly one must win.

Run against a scratch PostgreSQL database (create it first; the script migrates it and replaces
its help-desk rows):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdeskbench \\
      .venv/bin/python bench/helpdesk_availability.py [searches]
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import threading
import time
from datetime import datetime, timedelta
from datetime import time as clock

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")
os.environ.setdefault("EMAIL_URL", "locmem:")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from sportello.accounts.models import Office, User  # noqa: E402
from sportello.helpdesk import booking  # noqa: E402
from sportello.helpdesk.availability import Request, free_slots  # noqa: E402
from sportello.helpdesk.choices import Skill  # noqa: E402
from sportello.helpdesk.models import (  # noqa: E402
    Availability,
    Booking,
    Mediator,
    OpeningHours,
    Place,
    Reminder,
    WaitingListEntry,
)

PLACES, MEDIATORS, BOOKINGS, DAYS, RACERS = 10, 50, 5_000, 30, 50
LANGS = ["it", "fr", "ca", "es", "en"]
WINDOWS = [(clock(9), clock(13)), (clock(14), clock(17, 30))]


def reset() -> None:
    Reminder.objects.all().delete()
    WaitingListEntry.objects.all().delete()
    Booking.objects.all().delete()
    Mediator.objects.all().delete()
    Place.objects.all().delete()
    User.objects.filter(email__endswith="@bench.invalid").delete()


def build(rng: random.Random) -> tuple[list[Mediator], datetime]:
    office, _ = Office.objects.get_or_create(code="bench-helpdesk", defaults={"name": "Bench"})
    places = [
        Place.objects.create(office=office, name=f"Place {i}", address=f"Via {i}")
        for i in range(PLACES)
    ]
    OpeningHours.objects.bulk_create(
        OpeningHours(place=p, weekday=d, opens=clock(8, 30), closes=clock(18))
        for p in places
        for d in range(6)
    )
    mediators = []
    for i in range(MEDIATORS):
        user = User.objects.create(email=f"m{i}@bench.invalid", password="!")
        languages = ["it", LANGS[1 + i % 4]]
        skills = [s.value for s in Skill if s != Skill.JOBS]
        mediators.append(Mediator.objects.create(user=user, languages=languages, skills=skills))
    Availability.objects.bulk_create(
        Availability(mediator=m, place=places[i % PLACES], weekday=d, starts=a, ends=b)
        for i, m in enumerate(mediators)
        for d in range(5)
        for a, b in WINDOWS
    )
    first = timezone.localdate() + timedelta(days=1)
    grid = [
        (m, timezone.make_aware(datetime.combine(first + timedelta(days=d), clock(h, mm))))
        for m in mediators
        for d in range(DAYS)
        if (first + timedelta(days=d)).weekday() < 5
        for h in (9, 10, 11, 12, 14, 15, 16)
        for mm in (0, 30)
    ]
    chosen = rng.sample(grid, BOOKINGS)
    Booking.objects.bulk_create(
        Booking(
            mediator=m,
            place=places[mediators.index(m) % PLACES],
            start=s,
            end=s + timedelta(minutes=30),
            need="spid",
            language="it",
            channel="phone",
            name="B",
        )
        for m, s in chosen
    )
    return mediators, timezone.make_aware(datetime.combine(first, clock.min))


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18]


def time_search(first, searches: int) -> tuple[list[float], int]:
    request = Request(Skill.SPID, "it", "phone")
    samples, found = [], 0
    for _ in range(searches):
        t0 = time.perf_counter()
        found = len(free_slots(request, first.date(), DAYS))
        samples.append(time.perf_counter() - t0)
    return samples, found


def time_sql(first, mediator_ids: list[int], searches: int) -> tuple[list[float], int]:
    sql = (
        "SELECT mediator_id, start FROM helpdesk_booking WHERE start >= %s AND start < %s "
        "AND mediator_id = ANY(%s) AND status <> 'cancelled'"
    )
    samples, rows = [], 0
    with connection.cursor() as cursor:
        for _ in range(searches):
            t0 = time.perf_counter()
            cursor.execute(sql, [first, first + timedelta(days=DAYS), mediator_ids])
            rows = len(cursor.fetchall())
            samples.append(time.perf_counter() - t0)
    return samples, rows


def race(first) -> list[object]:
    """50 threads book the one slot that only one mediator (Catalan, job applications) has."""
    user = User.objects.create(email="racer@bench.invalid", password="!")
    place = Place.objects.first()
    only = Mediator.objects.create(user=user, languages=["ca"], skills=[Skill.JOBS])
    day = first.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    Availability.objects.create(
        mediator=only, place=place, weekday=day.weekday(), starts=clock(9), ends=clock(9, 30)
    )
    request = Request(Skill.JOBS, "ca", "phone")
    slot = f"{day:%Y-%m-%d}T09:00|"
    barrier, results, lock = threading.Barrier(RACERS), [], threading.Lock()

    def run(n: int) -> None:
        barrier.wait()
        try:
            outcome: object = booking.book(request, slot, booking.Contact(f"R{n}", "", "")).pk
        except Exception as exc:  # noqa: BLE001  (the count of failures is the result)
            outcome = exc
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def main() -> None:
    searches = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    if connection.vendor != "postgresql":
        sys.exit("run against PostgreSQL: set DATABASE_URL")
    call_command("migrate", verbosity=0)
    reset()
    with connection.cursor() as cursor:  # what autovacuum does on a live database: the space of
        cursor.execute("VACUUM helpdesk_booking")  # the last run's rows is reused...
    mediators, first = build(random.Random(42))
    with connection.cursor() as cursor:  # ...and the planner has statistics
        cursor.execute("ANALYZE helpdesk_booking, helpdesk_availability, helpdesk_mediator")
    ids = [m.pk for m in mediators]
    time_search(first, 3)  # warm up
    search, slots = time_search(first, searches)
    sql, rows = time_sql(first, ids, searches)
    print(f"mediators={MEDIATORS} places={PLACES} bookings={Booking.objects.count()} days={DAYS}")
    print(
        f"availability search: {slots} free slots, p50 {statistics.median(search) * 1000:.1f} ms, "
        f"p95 {p95(search) * 1000:.1f} ms over {searches} runs"
    )
    print(
        f"one indexed SQL query ({rows} booking rows): p50 {statistics.median(sql) * 1000:.2f} ms, "
        f"p95 {p95(sql) * 1000:.2f} ms"
    )
    print(f"ratio search/SQL at p95: {p95(search) / p95(sql):.1f}x")
    results = race(first)
    winners = [r for r in results if isinstance(r, int)]
    kinds = sorted({type(r).__name__ for r in results if not isinstance(r, int)})
    print(
        f"race: {RACERS} concurrent bookings of one slot -> {len(winners)} succeeded, "
        f"{len(results) - len(winners)} refused ({', '.join(kinds)})"
    )
    if len(winners) != 1:
        sys.exit("FAIL: the slot was booked more than once or not at all")


if __name__ == "__main__":
    main()
