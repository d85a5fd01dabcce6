"""Free appointment slots: weekly availability ∩ opening hours − holidays − leave + extras − bookings.

Everything is loaded in a handful of queries and computed in memory, so a month across many
mediators stays one pass over plain tuples.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
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


Window = tuple[int, time, time]  # place, from, to


def matching_mediators(request: Request) -> list[Mediator]:
    return [
        m
        for m in Mediator.objects.filter(active=True, user__is_active=True)
        if request.need in m.skills and request.language in m.languages
    ]


class _Calendar:
    """The rows that matter for some mediators over a date range, indexed for lookups."""

    def __init__(self, mediator_ids: list[int], first: date, last: date):
        self.weekly: dict[tuple[int, int], list[Window]] = defaultdict(list)
        for a in Availability.objects.filter(mediator_id__in=mediator_ids, place__active=True):
            self.weekly[(a.mediator_id, a.weekday)].append((a.place_id, a.starts, a.ends))
        self.leave: dict[tuple[int, date], list[tuple[time, time]]] = defaultdict(list)
        self.extra: dict[tuple[int, date], list[Window]] = defaultdict(list)
        exceptions = AvailabilityException.objects.filter(
            mediator_id__in=mediator_ids, date__range=(first, last)
        )
        for e in exceptions:
            if e.kind == ExceptionKind.LEAVE:
                self.leave[(e.mediator_id, e.date)].append((e.starts, e.ends))
            elif e.place_id:
                self.extra[(e.mediator_id, e.date)].append((e.place_id, e.starts, e.ends))
        self.hours: dict[tuple[int, int], list[tuple[time, time]]] = defaultdict(list)
        for h in OpeningHours.objects.all():
            self.hours[(h.place_id, h.weekday)].append((h.opens, h.closes))
        self.holidays = set(
            Holiday.objects.filter(date__range=(first, last)).values_list("place_id", "date")
        )
        start = _aware(first, time.min)
        end = _aware(last + timedelta(days=1), time.min)
        # Local wall-clock starts, so the slot walk compares naive times without converting.
        self.taken = {
            (mediator_id, timezone.localtime(start).replace(tzinfo=None))
            for mediator_id, start in Booking.objects.filter(
                ACTIVE, mediator_id__in=mediator_ids, start__gte=start
            )
            .filter(start__lt=end)
            .values_list("mediator_id", "start")
        }

    def windows(self, mediator_id: int, day: date) -> Iterable[Window]:
        weekly = self.weekly.get((mediator_id, day.weekday()), [])
        for place_id, starts, ends in [*weekly, *self.extra.get((mediator_id, day), [])]:
            if (place_id, day) in self.holidays:
                continue
            for opens, closes in self.hours.get((place_id, day.weekday()), []):
                lo, hi = max(starts, opens), min(ends, closes)
                if lo < hi:
                    yield place_id, lo, hi

    def on_leave(self, mediator_id: int, day: date, starts: time, ends: time) -> bool:
        return any(lo < ends and starts < hi for lo, hi in self.leave.get((mediator_id, day), []))


def free_slots(request: Request, first: date, days: int, now: datetime | None = None) -> list[Slot]:
    """Bookable slots from `first` for `days` days, earliest first."""
    mediators = matching_mediators(request)
    if not mediators:
        return []
    last = first + timedelta(days=days - 1)
    calendar = _Calendar([m.pk for m in mediators], first, last)
    earliest = timezone.localtime(now or timezone.now()).replace(tzinfo=None) + timedelta(
        minutes=lead_minutes()
    )
    step = timedelta(minutes=slot_minutes())
    zone = timezone.get_current_timezone()
    in_person = request.channel == Channel.IN_PERSON
    slots: dict[tuple[datetime, int | None], Slot] = {}  # by (local wall time, place)
    for offset in range(days):
        day = first + timedelta(days=offset)
        for mediator in mediators:
            leave = calendar.leave.get((mediator.pk, day))
            for place_id, lo, hi in calendar.windows(mediator.pk, day):
                if request.place_id is not None and place_id != request.place_id:
                    continue
                # Walk in local wall-clock time; zoneinfo resolves the offset of each slot.
                wall, end = datetime.combine(day, lo), datetime.combine(day, hi)
                while wall + step <= end:
                    if (
                        wall >= earliest
                        and (mediator.pk, wall) not in calendar.taken
                        and not (
                            leave
                            and calendar.on_leave(
                                mediator.pk, day, wall.time(), (wall + step).time()
                            )
                        )
                    ):
                        key = (wall, place_id if in_person else None)
                        slot = slots.get(key)
                        if slot is None:
                            slot = slots[key] = Slot(wall.replace(tzinfo=zone), key[1])
                        slot.candidates.append((mediator.pk, place_id))
                    wall += step
    return sorted(slots.values(), key=lambda s: (s.start, s.place_id or 0))


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
