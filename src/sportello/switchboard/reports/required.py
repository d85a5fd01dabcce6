"""Required (Erlang C) beside actual agents, per 15-minute or hourly bucket.

Required agents come from the bucket's offered calls and AHT for an 80 % service level within
the queue's T (20 s when several queues with different T are shown together)."""

from __future__ import annotations

from dataclasses import replace

from sportello.switchboard.acd import erlang
from sportello.switchboard.acd.metrics import DEFAULT_THRESHOLD
from sportello.switchboard.models import Queue
from sportello.switchboard.reports.filters import Filters, GroupBy
from sportello.switchboard.reports.intervals import INTERVAL, Granularity
from sportello.switchboard.reports.queues import Row

SECONDS = {Granularity.INTERVAL: INTERVAL.total_seconds(), Granularity.HOUR: 3600.0}
TARGET = 0.8


def _thresholds(filters: Filters) -> tuple[dict[str, float], float]:
    per_queue = dict(Queue.objects.values_list("code", "service_level_seconds"))
    if len(filters.queue_ids) == 1:
        return per_queue, float(Queue.objects.get(pk=filters.queue_ids[0]).service_level_seconds)
    return per_queue, DEFAULT_THRESHOLD


def with_required(filters: Filters, rows: list[Row]) -> list[Row]:
    seconds = SECONDS.get(filters.granularity)
    if seconds is None:
        return rows
    per_queue, default = _thresholds(filters)
    by_queue = filters.group_by is GroupBy.QUEUE
    result = []
    for row in rows:
        threshold = per_queue.get(row.group, default) if by_queue else default
        aht = row.tally.aht
        needed = None
        if aht and row.tally.offered:
            needed = erlang.staffing(row.tally.offered, seconds, aht, threshold, TARGET).agents
        result.append(replace(row, required=needed))
    return result
