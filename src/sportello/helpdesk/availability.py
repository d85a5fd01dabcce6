"""Free appointment slots: weekly availability ∩ opening hours − holidays − leave + extras − bookings.

A handful of queries load the rows that matter as plain numbers (on PostgreSQL the bookings come
as one row of epoch-second arrays per mediator, so few Python objects are made). The walk then
works in POSIX seconds: each local wall-clock time of a searched day becomes an instant once (memoised, so a day
when the clocks change is right), and each mediator's bookings and leave are one sorted list of
busy intervals, checked by bisection. No datetime is built per slot, only per slot offered.
"""

import math
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import accumulate

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import BigIntegerField, Func
from django.utils import timezone

from sportello.helpdesk.choices import Channel, ExceptionKind
from sportello.helpdesk.models import (
    Availability,
    AvailabilityException,
    Booking,
    Holiday,
    Mediator,
    OpeningHours,
)
from sportello.helpdesk.models.bookings import ACTIVE

Window = tuple[int, int, int]  # place, from, to (seconds since local midnight)
# Busy intervals in POSIX seconds, by start: their starts, and the latest end of each prefix (so a
# slot is free when the intervals that start before it ends all end by the time it starts).
Busy = tuple[list[int], list[int]]
NOT_BUSY: Busy = ([], [])
Intervals = tuple[list[int], list[int]]  # starts and ends, sorted by start (POSIX seconds)


def slot_minutes() -> int:
    return getattr(settings, "HELPDESK_SLOT_MINUTES", 30)


def lead_minutes() -> int:
    """How soon the first bookable slot may start."""
    return getattr(settings, "HELPDESK_LEAD_MINUTES", 60)


@dataclass(frozen=True)
class Request:
    need: str
    language: str
    channel: str
    place_id: int | None = None  # only in person


@dataclass
class Slot:
    start: datetime
    place_id: int | None  # None for phone and video: the citizen does not come
    candidates: list[tuple[int, int]] = field(default_factory=list)  # (mediator, place)

    @property
    def key(self) -> str:
        return f"{timezone.localtime(self.start):%Y-%m-%dT%H:%M}|{self.place_id or ''}"


class EpochSeconds(Func):
    """An aware datetime column as whole seconds since 1970 UTC: far cheaper to load."""

    output_field = BigIntegerField()
    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS bigint)"

    def get_db_converters(self, connection):
        return []  # already an int: skip a call per row

    def as_sqlite(self, compiler, connection, **extra):
        extra["template"] = (
            "CAST(ROUND((julianday(%(expressions)s) - 2440587.5) * 86400.0) AS integer)"
        )
        return self.as_sql(compiler, connection, **extra)


def matching_mediator_ids(request: Request) -> list[int]:
    rows = Mediator.objects.filter(active=True, user__is_active=True).values_list(
        "pk", "skills", "languages"
    )
    return [
        pk
        for pk, skills, languages in rows
        if request.need in skills and request.language in languages
    ]


class _WallClock:
    """Wall-clock times of the days searched, as POSIX seconds in the current time zone."""

    def __init__(self, first: date, zone: tzinfo):
        self.first, self.zone = first, zone
        self._instants: dict[tuple[int, int], int] = {}

    def instant(self, offset: int, seconds: int) -> int:
        """`seconds` after local midnight on the `offset`-th day; zoneinfo resolves the offset."""
        found = self._instants.get((offset, seconds))
        if found is None:
            at = time(seconds // 3600, seconds // 60 % 60, seconds % 60)
            moment = datetime.combine(self.first + timedelta(days=offset), at, tzinfo=self.zone)
            found = self._instants[(offset, seconds)] = int(moment.timestamp())
        return found

    def moment(self, instant: int) -> datetime:
        return datetime.fromtimestamp(instant, self.zone)


class _Calendar:
    """The rows that matter for some mediators over `days` days, as numbers indexed for the walk."""

    def __init__(self, mediator_ids: list[int], clock: _WallClock, days: int):
        self.clock, self.days = clock, days
        self.first, self.last = clock.first, clock.first + timedelta(days=days - 1)
        self.hours = _opening_hours()
        self.weekly = self._weekly(mediator_ids)
        self.extra, leave = self._exceptions(mediator_ids)
        self.holidays = {
            (place_id, (day - self.first).days)
            for place_id, day in Holiday.objects.filter(
                date__range=(self.first, self.last)
            ).values_list("place_id", "date")
        }
        booked = _booked(mediator_ids, clock, days)
        self.busy = {
            mediator_id: _busy(*booked.get(mediator_id, ([], [])), leave.get(mediator_id, []))
            for mediator_id in {*booked, *leave}
        }

    def _weekly(self, mediator_ids: list[int]) -> dict[tuple[int, int], list[Window]]:
        """(mediator, weekday): weekly windows cut to opening hours, computed once."""
        weekly: dict[tuple[int, int], list[Window]] = defaultdict(list)
        rows = Availability.objects.filter(mediator_id__in=mediator_ids).values_list(
            "mediator_id", "weekday", "place_id", "starts", "ends"
        )
        for mediator_id, weekday, place_id, starts, ends in rows:
            weekly[(mediator_id, weekday)] += self._open(place_id, weekday, starts, ends)
        return weekly

    def _exceptions(self, mediator_ids: list[int]):
        """(mediator, day offset): extra windows; mediator: leave as busy intervals."""
        extra: dict[tuple[int, int], list[Window]] = defaultdict(list)
        leave: dict[int, list[tuple[int, int]]] = defaultdict(list)
        rows = AvailabilityException.objects.filter(
            mediator_id__in=mediator_ids, date__range=(self.first, self.last)
        ).values_list("mediator_id", "kind", "date", "place_id", "starts", "ends")
        for mediator_id, kind, day, place_id, starts, ends in rows:
            offset = (day - self.first).days
            if kind == ExceptionKind.LEAVE:
                lo, hi = _seconds(starts), _seconds(ends)
                leave[mediator_id].append(
                    (self.clock.instant(offset, lo), self.clock.instant(offset, hi))
                )
            elif place_id:
                extra[(mediator_id, offset)] += self._open(place_id, day.weekday(), starts, ends)
        return extra, leave

    def _open(self, place_id: int, weekday: int, starts: time, ends: time) -> list[Window]:
        """The parts of a window when the place is open (none if it is closed down)."""
        lo, hi = _seconds(starts), _seconds(ends)
        return [
            (place_id, max(lo, opens), min(hi, closes))
            for opens, closes in self.hours.get((place_id, weekday), ())
            if max(lo, opens) < min(hi, closes)
        ]

    def windows(self, mediator_id: int, offset: int) -> list[Window]:
        weekday = (self.first.weekday() + offset) % 7
        return [
            window
            for window in (
                *self.weekly.get((mediator_id, weekday), ()),
                *self.extra.get((mediator_id, offset), ()),
            )
            if (window[0], offset) not in self.holidays
        ]


def free_slots(request: Request, first: date, days: int, now: datetime | None = None) -> list[Slot]:
    """Bookable slots from `first` for `days` days, earliest first."""
    mediator_ids = matching_mediator_ids(request)
    if not mediator_ids or days < 1:
        return []
    clock = _WallClock(first, timezone.get_current_timezone())
    calendar = _Calendar(mediator_ids, clock, days)
    earliest = math.ceil((now or timezone.now()).timestamp()) + lead_minutes() * 60
    found = _candidates(request, mediator_ids, calendar, earliest)
    slots = []
    for (start, where), candidates in sorted(found.items(), key=lambda i: (i[0][0], i[0][1] or 0)):
        moment = clock.moment(start)
        if not moment.fold:  # the hour repeated when the clocks go back is offered once
            slots.append(Slot(moment, where, candidates))
    return slots


def _candidates(
    request: Request, mediator_ids: list[int], calendar: _Calendar, earliest: int
) -> dict[tuple[int, int | None], list[tuple[int, int]]]:
    """(mediator, place) free at each (instant, place the citizen goes to)."""
    step = slot_minutes() * 60
    in_person = request.channel == Channel.IN_PERSON
    instant = calendar.clock.instant
    found: dict[tuple[int, int | None], list[tuple[int, int]]] = defaultdict(list)
    for mediator_id in mediator_ids:
        busy = calendar.busy.get(mediator_id, NOT_BUSY)
        for offset in range(calendar.days):
            for place_id, lo, hi in calendar.windows(mediator_id, offset):
                if request.place_id is not None and place_id != request.place_id:
                    continue
                where, candidate = place_id if in_person else None, (mediator_id, place_id)
                lo, hi = instant(offset, lo), instant(offset, hi)
                for start in _free_starts(lo, hi, step, earliest, busy):
                    found[(start, where)].append(candidate)
    return found


def _free_starts(lo: int, hi: int, step: int, earliest: int, busy: Busy) -> list[int]:
    """Starts of the slots from `lo` every `step` that end by `hi`, begin no earlier than
    `earliest` and overlap no busy interval."""
    if lo < earliest:
        lo -= (lo - earliest) // step * step  # the first start on the window's grid not too soon
    starts, reach = busy
    return [
        start
        for start in range(lo, hi - step + 1, step)
        if (before := bisect_left(starts, start + step)) == 0 or reach[before - 1] <= start
    ]


def _booked(mediator_ids: list[int], clock: _WallClock, days: int) -> dict[int, Intervals]:
    """mediator: starts and ends of the active bookings that touch the days, by start."""
    since = clock.moment(clock.instant(0, 0))
    until = clock.moment(clock.instant(days, 0))
    bookings = Booking.objects.filter(
        ACTIVE,
        mediator_id__in=mediator_ids,
        # Bounded on both sides so the (start, mediator) index is used; none lasts a day.
        start__gte=since - timedelta(days=1),
        start__lt=until,
        end__gt=since,
    )
    columns = ("mediator_id", EpochSeconds("start"), EpochSeconds("end"))
    if connection.vendor == "postgresql":
        # One row of two integer arrays per mediator: far fewer Python objects than a row each.
        per_mediator = (
            bookings.values("mediator_id")
            .annotate(
                starts=ArrayAgg(columns[1], order_by="start"),
                ends=ArrayAgg(columns[2], order_by="start"),
            )
            .order_by()
            .values_list("mediator_id", "starts", "ends")
        )
        return {mediator_id: (starts, ends) for mediator_id, starts, ends in per_mediator}
    booked: dict[int, Intervals] = defaultdict(lambda: ([], []))
    for mediator_id, start, end in bookings.order_by("start").values_list(*columns):
        booked[mediator_id][0].append(start)
        booked[mediator_id][1].append(end)
    return booked


def _busy(starts: list[int], ends: list[int], leave: list[tuple[int, int]]) -> Busy:
    """Bookings (sorted by start) and leave as one Busy."""
    if leave:
        pairs = sorted([*zip(starts, ends, strict=True), *leave])
        starts, ends = [s for s, _e in pairs], [e for _s, e in pairs]
    return starts, list(accumulate(ends, max))


def _opening_hours() -> dict[tuple[int, int], list[tuple[int, int]]]:
    """(place, weekday): opening hours of the places in service."""
    hours: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    rows = OpeningHours.objects.filter(place__active=True).values_list(
        "place_id", "weekday", "opens", "closes"
    )
    for place_id, weekday, opens, closes in rows:
        hours[(place_id, weekday)].append((_seconds(opens), _seconds(closes)))
    return hours


def _seconds(at: time) -> int:
    return at.hour * 3600 + at.minute * 60 + at.second


def parse_key(key: str) -> tuple[datetime, int | None] | None:
    """The inverse of Slot.key; None for anything malformed."""
    try:
        when, _sep, place = key.partition("|")
        day, _t, at = when.partition("T")
        start = _aware(date.fromisoformat(day), time.fromisoformat(at))
        return start, int(place) if place else None
    except (ValueError, TypeError):
        return None


def find_slot(request: Request, start: datetime, place_id: int | None) -> Slot | None:
    day = timezone.localtime(start).date()
    for slot in free_slots(request, day, 1):
        if slot.start == start and slot.place_id == place_id:
            return slot
    return None


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))
