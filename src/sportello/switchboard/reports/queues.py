"""Queue figures per time bucket (and group), summed by the database from QueueEntry rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan, LessThanOrEqual

from sportello.switchboard.acd.metrics import SHORT_ABANDON, Tally
from sportello.switchboard.models import QueueEntry
from sportello.switchboard.reports.filters import Filters, GroupBy
from sportello.switchboard.reports.intervals import ElapsedSeconds, bucket_annotations, bucket_start

Outcome = QueueEntry.Outcome

GROUP_FIELDS = {
    GroupBy.NONE: None,
    GroupBy.QUEUE: "queue__code",
    GroupBy.LANGUAGE: "queue__language",
    GroupBy.AGENT: "agent__sip_username",
    GroupBy.WRAP_UP: "call__wrap_up_code",
}


@dataclass(frozen=True, slots=True)
class Row:
    """One bucket (and group): the tally of DESIGN.md metrics, and occupancy when known."""

    start: datetime
    group: str
    tally: Tally
    occupancy: float | None = None
    logged_in: float | None = None  # mean agents logged in over the bucket
    required: int | None = None  # agents Erlang C asks for (interval and hour only)


def entries(filters: Filters) -> QuerySet[QueueEntry]:
    rows = QueueEntry.objects.filter(entered_at__gte=filters.start, entered_at__lt=filters.end)
    if filters.queue_ids:
        rows = rows.filter(queue_id__in=filters.queue_ids)
    if filters.agent_id is not None:
        rows = rows.filter(agent_id=filters.agent_id)
    return rows


def _sums() -> dict:
    wait = ElapsedSeconds("left_at", "entered_at")
    answered = Q(outcome=Outcome.ANSWERED)
    abandoned = Q(outcome=Outcome.ABANDONED)
    handle = Coalesce("talk_seconds", 0.0) + F("hold_seconds") + Coalesce("wrap_up_seconds", 0.0)
    return {
        "offered": Count("pk"),
        "answered": Count("pk", filter=answered),
        "answered_within": Count(
            "pk", filter=answered & Q(LessThanOrEqual(wait, F("queue__service_level_seconds")))
        ),
        "abandoned": Count("pk", filter=abandoned),
        "short_abandoned": Count("pk", filter=abandoned & Q(LessThan(wait, SHORT_ABANDON))),
        "exited": Count("pk", filter=Q(outcome__in=[Outcome.TIMED_OUT, Outcome.FULL])),
        "callbacks": Count("pk", filter=Q(outcome=Outcome.CALLBACK)),
        "answered_wait": Coalesce(Sum(wait, filter=answered), Value(0.0)),
        "handle_time": Coalesce(Sum(handle, filter=answered), Value(0.0)),
    }


def queue_rows(filters: Filters) -> list[Row]:
    """Rows in time order, then group order; buckets with no offered call are absent."""
    buckets = bucket_annotations("entered_at", filters.granularity)
    group = GROUP_FIELDS[filters.group_by]
    keys = [*buckets, *([group] if group else [])]
    query = entries(filters).annotate(**buckets).values(*keys).annotate(**_sums()).order_by(*keys)
    return [
        Row(
            start=bucket_start(row), group=str(row[group] or "") if group else "", tally=_tally(row)
        )
        for row in query
    ]


SUMS = tuple(_sums())


def _tally(row: dict) -> Tally:
    return Tally(**{name: row[name] for name in SUMS})


def total(rows: list[Row]) -> Tally:
    """All rows summed (the report's bottom line)."""
    summed = Tally()
    for row in rows:
        summed.merge(row.tally)
    return summed
