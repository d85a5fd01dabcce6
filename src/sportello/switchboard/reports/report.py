"""A whole report: rows per bucket and group, the totals, occupancy, callbacks and IVR exits."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sportello.switchboard.acd.metrics import Tally
from sportello.switchboard.models import Agent
from sportello.switchboard.reports import agents, outcomes, queues, required
from sportello.switchboard.reports.filters import Filters, GroupBy
from sportello.switchboard.reports.queues import Row


@dataclass
class Report:
    filters: Filters
    rows: list[Row]
    total: Tally
    occupancy: float | None
    callbacks: list[tuple[str, int]] = field(default_factory=list)
    ivr_exits: list[tuple[str, int]] = field(default_factory=list)


def build(filters: Filters, details: bool = True) -> Report:
    rows = required.with_required(filters, queues.queue_rows(filters))
    occupancy = None
    if filters.group_by in (GroupBy.NONE, GroupBy.AGENT) and not filters.queue_ids:
        # agent time is not split by queue: it only makes sense for all queues together
        rows, occupancy = _with_occupancy(filters, rows)
    return Report(
        filters=filters,
        rows=rows,
        total=queues.total(rows),
        occupancy=occupancy,
        callbacks=outcomes.callback_outcomes(filters) if details else [],
        ivr_exits=outcomes.ivr_exits(filters) if details else [],
    )


def _agent_figures(row: Row, time: agents.AgentTime | None, seconds: float | None) -> Row:
    if time is None:
        return row
    logged_in = time.logged_in / seconds if seconds else None
    return replace(row, occupancy=time.occupancy, logged_in=logged_in)


def _with_occupancy(filters: Filters, rows: list[Row]) -> tuple[list[Row], float | None]:
    by_agent = filters.group_by is GroupBy.AGENT
    times = agents.agent_time(filters, by_agent=by_agent)
    names = dict(Agent.objects.values_list("pk", "sip_username")) if by_agent else {}
    keyed = {
        (bucket, names.get(agent, "") if by_agent else ""): t
        for (bucket, agent), t in times.items()
    }
    overall = agents.AgentTime()
    for agent_time in times.values():
        overall.logged_in += agent_time.logged_in
        overall.paused += agent_time.paused
        overall.busy += agent_time.busy
    seconds = required.SECONDS.get(filters.granularity)
    rows = [_agent_figures(row, keyed.get((row.start, row.group)), seconds) for row in rows]
    return rows, overall.occupancy
