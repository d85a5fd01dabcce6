"""Agent time from AgentStateChange rows: each state lasts until the agent's next change.

Occupancy = (talk + hold + wrap-up) ÷ (logged-in − paused) time. A state still running at the
end of the range (or now) is cut there; the state an agent was in when the range starts comes
from their last change before it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from sportello.switchboard.acd.metrics import occupancy
from sportello.switchboard.models import Agent, AgentStateChange
from sportello.switchboard.reports.filters import Filters
from sportello.switchboard.reports.intervals import (
    INTERVAL,
    EpochSeconds,
    Granularity,
    interval_start,
)

QUARTER = int(INTERVAL.total_seconds())

State = AgentStateChange.State
BUSY = {State.ON_CALL, State.WRAP_UP}


@dataclass(slots=True)
class AgentTime:
    logged_in: float = 0.0
    paused: float = 0.0
    busy: float = 0.0

    @property
    def occupancy(self) -> float | None:
        return occupancy(self.busy, self.logged_in, self.paused)

    def add(self, state: str, seconds: float) -> None:
        if state == State.OFFLINE:
            return
        self.logged_in += seconds
        if state == State.PAUSED:
            self.paused += seconds
        elif state in BUSY:
            self.busy += seconds


def _changes(filters: Filters) -> Iterator[tuple[int, str, float]]:
    """(agent, state, since as epoch seconds) for every change in range, led by each agent's
    state when the range starts."""
    agents = Agent.objects.all()
    if filters.agent_id is not None:
        agents = agents.filter(pk=filters.agent_id)
    before = AgentStateChange.objects.filter(agent=OuterRef("pk"), at__lt=filters.start)
    opening = agents.annotate(state=Subquery(before.order_by("-at").values("state")[:1]))
    start = filters.start.timestamp()
    for agent_id, state in opening.values_list("pk", "state"):
        if state and state != State.OFFLINE:
            yield agent_id, state, start
    changes = AgentStateChange.objects.filter(at__gte=filters.start, at__lt=filters.end)
    if filters.agent_id is not None:
        changes = changes.filter(agent_id=filters.agent_id)
    rows = changes.order_by("agent_id", "at").values_list("agent_id", "state", EpochSeconds("at"))
    yield from rows.iterator(chunk_size=5000)


def spans(filters: Filters) -> Iterator[tuple[int, str, float, float]]:
    """(agent, state, from, to) in epoch seconds, ``to`` cut at the range end (or now)."""
    stop = min(filters.end, timezone.now()).timestamp()
    current: dict[int, tuple[str, float]] = {}
    for agent_id, state, since in sorted(_changes(filters), key=lambda c: (c[0], c[2])):
        if agent_id in current:
            prev_state, prev_since = current[agent_id]
            yield agent_id, prev_state, prev_since, since
        current[agent_id] = (state, since)
    for agent_id, (state, since) in current.items():
        if since < stop:
            yield agent_id, state, since, stop


def bucket_of(moment: datetime, granularity: Granularity) -> datetime:
    """Python twin of the SQL buckets in ``intervals``, in local time."""
    local = interval_start(moment)
    if granularity is Granularity.INTERVAL:
        return local
    local = local.replace(minute=0)
    if granularity is Granularity.HOUR:
        return local
    tz = timezone.get_current_timezone()
    day = datetime(local.year, local.month, local.day, tzinfo=tz)
    if granularity is Granularity.DAY:
        return day
    if granularity is Granularity.WEEK:
        monday = day.date() - timedelta(days=day.weekday())
        return datetime(monday.year, monday.month, monday.day, tzinfo=tz)
    return datetime(local.year, local.month, 1, tzinfo=tz)


def _quarter_seconds(start: float, end: float) -> Iterator[tuple[int, float]]:
    """Cut a span at 15-minute boundaries, as (interval number since the epoch, seconds).

    In epoch seconds a local 15-minute boundary is a multiple of 900 (time zones are offset
    by whole hours), and every coarser bucket is a union of intervals."""
    while start < end:
        number = int(start // QUARTER)
        cut = min((number + 1) * QUARTER, end)
        yield number, cut - start
        start = cut


def agent_time(
    filters: Filters, by_agent: bool = False
) -> dict[tuple[datetime, int | None], AgentTime]:
    """Agent time per (bucket, agent) — agent None when not ``by_agent``."""
    per_quarter: dict[tuple[int, int | None], AgentTime] = defaultdict(AgentTime)
    for agent_id, state, since, until in spans(filters):
        if state == State.OFFLINE:
            continue
        who = agent_id if by_agent else None
        for number, seconds in _quarter_seconds(since, until):
            per_quarter[(number, who)].add(state, seconds)
    buckets: dict[int, datetime] = {}
    totals: dict[tuple[datetime, int | None], AgentTime] = defaultdict(AgentTime)
    for (number, who), time in per_quarter.items():
        if number not in buckets:
            moment = datetime.fromtimestamp(number * QUARTER, tz=UTC)
            buckets[number] = bucket_of(moment, filters.granularity)
        total = totals[(buckets[number], who)]
        total.logged_in += time.logged_in
        total.paused += time.paused
        total.busy += time.busy
    return totals
