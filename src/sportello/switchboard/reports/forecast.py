"""Arrivals per 15-minute interval for the coming weeks, from a weekday × interval profile.

Each future interval gets the mean of the calls offered in the same weekday and time over
the last N whole weeks, the agents Erlang C says it needs (AHT from the same history) and,
beside them, the mean agents logged in at that weekday and time over those weeks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from sportello.switchboard.acd import erlang
from sportello.switchboard.reports import agents, queues
from sportello.switchboard.reports.filters import Filters
from sportello.switchboard.reports.forms import local_midnight
from sportello.switchboard.reports.intervals import INTERVAL, Granularity

Slot = tuple[int, int, int]  # weekday, hour, minute


@dataclass(frozen=True)
class ForecastRow:
    start: datetime
    calls: float
    required: erlang.Staffing | None
    logged_in: float


def _slot(moment: datetime) -> Slot:
    return moment.weekday(), moment.hour, moment.minute


def history(today: date, weeks: int, queue_ids: tuple[int, ...]) -> Filters:
    end = local_midnight(today - timedelta(days=today.weekday()))  # this Monday
    return Filters(end - timedelta(weeks=weeks), end, Granularity.INTERVAL, queue_ids=queue_ids)


def forecast(
    today: date,
    weeks: int = 4,
    ahead: int = 1,
    queue_ids: tuple[int, ...] = (),
    threshold: float = 20.0,
    target: float = 0.8,
) -> list[ForecastRow]:
    past = history(today, weeks, queue_ids)
    rows = queues.queue_rows(past)
    calls: dict[Slot, float] = defaultdict(float)
    for row in rows:
        calls[_slot(row.start)] += row.tally.offered / weeks
    aht = queues.total(rows).aht
    staffed: dict[Slot, float] = defaultdict(float)
    for (start, _agent), time in agents.agent_time(past).items():
        staffed[_slot(start)] += time.logged_in / INTERVAL.total_seconds() / weeks
    result, local = [], timezone.get_current_timezone()
    day = today
    for _ in range(ahead * 7):
        for slot in sorted(s for s in calls if s[0] == day.weekday()):
            start = datetime(day.year, day.month, day.day, *slot[1:], tzinfo=local)
            required = (
                erlang.staffing(calls[slot], INTERVAL.total_seconds(), aht, threshold, target)
                if aht
                else None
            )
            result.append(ForecastRow(start, calls[slot], required, staffed.get(slot, 0.0)))
        day += timedelta(days=1)
    return result
