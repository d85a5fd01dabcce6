"""Live figures for the wallboard: per queue who waits, agents by state (paused ones by reason)
and today's metrics; per agent the state, time in it and calls handled today.

Agents are counted in a queue when they hold its skill. Each figure has a status (ok,
warning, alert) from the queue's own service-level time T, so colour never carries it alone."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

from django.db.models import Count, Min, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from sportello.switchboard.models import (
    Agent,
    AgentSkill,
    AgentStateChange,
    PauseReason,
    Queue,
    QueueEntry,
)
from sportello.switchboard.reports import queues as queue_report
from sportello.switchboard.reports.filters import Filters, GroupBy
from sportello.switchboard.reports.forms import local_midnight
from sportello.switchboard.reports.intervals import Granularity

# Service level up to this many points below the queue's target is a warning, not an alert.
SL_WARNING_POINTS = 20
State = AgentStateChange.State


def _status(level: str) -> dict:
    labels = {"ok": _("On target"), "warning": _("Warning"), "alert": _("Alert")}
    return {"level": level, "label": labels[level]}


def wait_status(seconds: float, threshold: float) -> dict:
    if seconds <= threshold:
        return _status("ok")
    return _status("warning" if seconds <= 3 * threshold else "alert")


def next_wait_change(seconds: float, threshold: float) -> float | None:
    """Seconds until the longest wait crosses into the next status (None: it cannot)."""
    for limit in (threshold, 3 * threshold):
        if seconds <= limit:
            return limit - seconds
    return None


def sl_status(level: float | None, target_percent: int = 80) -> dict:
    target = target_percent / 100
    if level is None or level >= target:
        return _status("ok")
    return _status("warning" if level >= target - SL_WARNING_POINTS / 100 else "alert")


def _latest(field: str, agent: str = "agent_id") -> Subquery:
    """A field of the agent's latest state change, for annotating rows that refer to agents."""
    latest = AgentStateChange.objects.filter(agent=OuterRef(agent)).order_by("-at")
    return Subquery(latest.values(field)[:1])


def _agent_states() -> dict[int, Counter]:
    """(state, pause reason) counts per skill, from each agent's latest state change."""
    rows = AgentSkill.objects.annotate(state=_latest("state"), reason=_latest("reason"))
    by_skill: dict[int, Counter] = defaultdict(Counter)
    for skill_id, state, reason in rows.values_list("skill_id", "state", "reason"):
        state = state or State.OFFLINE
        by_skill[skill_id][(state, reason if state == State.PAUSED else "")] += 1
    return by_skill


def pause_labels() -> dict[str, str]:
    labels = dict(PauseReason.objects.values_list("code", "label"))
    return {"": _("No reason given"), "supervisor": _("Set by a supervisor")} | labels


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
    states, reasons = _agent_states(), pause_labels()
    return [
        _queue(q, waiting.get(q.pk), tallies.get(q.code), states[q.skill_id], now)
        | {"paused_by_reason": _by_reason(states[q.skill_id], reasons)}
        for q in queue_set
    ]


def _by_reason(states: Counter, labels: dict[str, str]) -> list[dict]:
    paused = [(labels.get(reason, reason), n) for (state, reason), n in states.items()
              if state == State.PAUSED]  # fmt: skip
    return [{"reason": label, "agents": n} for label, n in sorted(paused)]


def _queue(queue: Queue, waiting: dict | None, tally, states: Counter, now) -> dict:
    longest = (now - waiting["oldest"]).total_seconds() if waiting else 0.0
    sl = tally.service_level if tally else None
    by_state: Counter = Counter()
    for (state, _reason), n in states.items():
        by_state[state] += n
    return {
        "code": queue.code,
        "name": queue.name,
        "threshold": queue.service_level_seconds,
        "waiting": waiting["n"] if waiting else 0,
        "longest_wait": round(longest),
        "wait_status": wait_status(longest, queue.service_level_seconds),
        "next_status_change": (
            next_wait_change(longest, queue.service_level_seconds) if waiting else None
        ),
        "agents": {state: by_state[state] for state in State.values if state != State.OFFLINE},
        "offered": tally.offered if tally else 0,
        "answered": tally.answered if tally else 0,
        "abandoned": tally.abandoned if tally else 0,
        "service_level": None if sl is None else round(sl * 100, 1),
        "sl_target": queue.service_level_target,
        "sl_status": sl_status(sl, queue.service_level_target),
        "asa": None if not tally or tally.asa is None else round(tally.asa),
        "aht": None if not tally or tally.aht is None else round(tally.aht),
    }


def agents(queue_set) -> list[dict]:
    """Logged-in agents holding a skill of these queues: state, seconds in it, handled today.

    Handled counts the calls they answered today in these queues (as the reports do)."""
    now = timezone.now()
    today = local_midnight(timezone.localdate())
    skills = {q.skill_id for q in queue_set}
    rows = list(
        Agent.objects.filter(skills__in=skills)
        .distinct()
        .annotate(
            state=_latest("state", "pk"), reason=_latest("reason", "pk"), since=_latest("at", "pk")
        )
        .exclude(state__isnull=True)
        .exclude(state=State.OFFLINE)
        .select_related("user")
        .order_by("user__display_name", "pk")
    )
    handled = dict(
        QueueEntry.objects.filter(
            agent__in=[agent.pk for agent in rows],
            queue__in=[q.pk for q in queue_set],
            outcome=QueueEntry.Outcome.ANSWERED,
            entered_at__gte=today,
        )
        .values("agent_id")
        .annotate(n=Count("pk"))
        .values_list("agent_id", "n")
    )
    states, reasons = dict(State.choices), pause_labels()
    return [
        {
            "id": agent.pk,
            "name": str(agent),
            "state": agent.state,
            "label": _state_label(agent.state, agent.reason, states, reasons),
            "in_state": max(0, round((now - agent.since).total_seconds())),
            "handled": handled.get(agent.pk, 0),
        }
        for agent in rows
    ]


def _state_label(state: str, reason: str, states: dict, reasons: dict[str, str]) -> str:
    """The state's name, with the reason of a pause (other changes' reasons are internal)."""
    label = states.get(state, state)
    if state != State.PAUSED or not reason:
        return label
    return f"{label} ({reasons.get(reason, reason)})"
