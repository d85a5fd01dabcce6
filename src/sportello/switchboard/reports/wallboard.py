"""Live figures per queue for the wallboard: who waits, agents by state, today's metrics.

Agents are counted in a queue when they hold its skill. Each figure has a status (ok,
warning, alert) from the queue's own service-level time T, so colour never carries it alone."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

from django.db.models import Count, Min, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from sportello.switchboard.models import AgentSkill, AgentStateChange, Queue, QueueEntry
from sportello.switchboard.reports import queues as queue_report
from sportello.switchboard.reports.filters import Filters, GroupBy
from sportello.switchboard.reports.forms import local_midnight
from sportello.switchboard.reports.intervals import Granularity

SL_TARGET, SL_WARNING = 0.8, 0.6
State = AgentStateChange.State


def _status(level: str) -> dict:
    labels = {"ok": _("On target"), "warning": _("Warning"), "alert": _("Alert")}
    return {"level": level, "label": labels[level]}


def wait_status(seconds: float, threshold: float) -> dict:
    if seconds <= threshold:
        return _status("ok")
    return _status("warning" if seconds <= 3 * threshold else "alert")


def sl_status(level: float | None) -> dict:
    if level is None or level >= SL_TARGET:
        return _status("ok")
    return _status("warning" if level >= SL_WARNING else "alert")


def _agent_states() -> dict[int, Counter]:
    """Agents per state for each skill, from each agent's latest state change."""
    latest = AgentStateChange.objects.filter(agent=OuterRef("agent_id")).order_by("-at")
    rows = AgentSkill.objects.annotate(state=Subquery(latest.values("state")[:1]))
    by_skill: dict[int, Counter] = defaultdict(Counter)
    for skill_id, state in rows.values_list("skill_id", "state"):
        by_skill[skill_id][state or State.OFFLINE] += 1
    return by_skill


def snapshot(queue_set) -> list[dict]:
    now = timezone.now()
    today = local_midnight(timezone.localdate())
    waiting = {
        row["queue_id"]: row
        for row in QueueEntry.objects.filter(
            left_at__isnull=True, entered_at__gte=now - timedelta(days=1)
        )
        .values("queue_id")
        .annotate(n=Count("pk"), oldest=Min("entered_at"))
    }
    ids = tuple(q.pk for q in queue_set)
    filters = Filters(today, today + timedelta(days=1), Granularity.DAY, GroupBy.QUEUE, ids or (0,))
    tallies = {row.group: row.tally for row in queue_report.queue_rows(filters)}
    states = _agent_states()
    return [
        _queue(q, waiting.get(q.pk), tallies.get(q.code), states[q.skill_id], now)
        for q in queue_set
    ]


def _queue(queue: Queue, waiting: dict | None, tally, states: Counter, now) -> dict:
    longest = (now - waiting["oldest"]).total_seconds() if waiting else 0.0
    sl = tally.service_level if tally else None
    return {
        "code": queue.code,
        "name": queue.name,
        "threshold": queue.service_level_seconds,
        "waiting": waiting["n"] if waiting else 0,
        "longest_wait": round(longest),
        "wait_status": wait_status(longest, queue.service_level_seconds),
        "agents": {state: states.get(state, 0) for state in State.values if state != State.OFFLINE},
        "offered": tally.offered if tally else 0,
        "answered": tally.answered if tally else 0,
        "abandoned": tally.abandoned if tally else 0,
        "service_level": None if sl is None else round(sl * 100, 1),
        "sl_status": sl_status(sl),
        "asa": None if not tally or tally.asa is None else round(tally.asa),
        "aht": None if not tally or tally.aht is None else round(tally.aht),
    }
