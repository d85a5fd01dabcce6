"""Callbacks and their outcomes; where in the IVR callers hang up before reaching a queue."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count

from sportello.switchboard.models import Call, CallbackRequest
from sportello.switchboard.reports.filters import Filters


def callback_outcomes(filters: Filters) -> list[tuple[str, int]]:
    """(status, count) of callbacks requested in the range, most frequent first."""
    rows = CallbackRequest.objects.filter(
        requested_at__gte=filters.start, requested_at__lt=filters.end
    )
    if filters.queue_ids:
        rows = rows.filter(queue_id__in=filters.queue_ids)
    counts = rows.values("status").annotate(n=Count("pk")).order_by("-n", "status")
    labels = dict(CallbackRequest.Status.choices)
    return [(str(labels.get(row["status"], row["status"])), row["n"]) for row in counts]


def ivr_exits(filters: Filters, limit: int = 20) -> list[tuple[str, int]]:
    """(last IVR step, count) of ended inbound calls that never entered a queue."""
    calls = Call.objects.filter(
        started_at__gte=filters.start,
        started_at__lt=filters.end,
        ended_at__isnull=False,
        direction=Call.Direction.INBOUND,
        queue_entries__isnull=True,
    )
    steps: Counter[str] = Counter()
    for path in calls.values_list("ivr_path", flat=True).iterator(chunk_size=5000):
        steps[str(path[-1]) if path else ""] += 1
    return steps.most_common(limit)
