"""History as an Asterisk queue_log, for tools that already read one.

Lines are ``epoch|callid|queuename|agent|event|data1|data2|data3`` (Asterisk's "Queue Logs"
documentation). The call id is Sportello's call UUID and the agent ``PJSIP/<SIP user name>``.
We keep no queue positions, so position and original position are written as 1. A refused
call (queue full) has no Asterisk event and is left out, as are entries that ended in a
transfer or an engine restart; a caller still waiting has only ENTERQUEUE.
Lines are in time order within each day of the range."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from sportello.switchboard.models import AgentStateChange, Call, QueueEntry
from sportello.switchboard.reports.filters import Filters
from sportello.switchboard.reports.queues import entries

Outcome = QueueEntry.Outcome
State = AgentStateChange.State
Event = tuple[float, str, str, str, str, tuple[str, ...]]


_LOGGED = {Outcome.ANSWERED, Outcome.ABANDONED, Outcome.TIMED_OUT, Outcome.CALLBACK}


def _member(sip_username: str | None) -> str:
    return f"PJSIP/{sip_username}" if sip_username else "NONE"


def _entry_events(entry: QueueEntry) -> Iterator[Event]:
    if entry.left_at is not None and entry.outcome not in _LOGGED:
        return  # no Asterisk event tells these apart: leave the whole entry out
    call, queue = str(entry.call_id), entry.queue.code
    entered = entry.entered_at.timestamp()
    yield entered, call, queue, "NONE", "ENTERQUEUE", ("", entry.call.caller_number)
    if entry.left_at is None:
        return
    left, wait = entry.left_at.timestamp(), str(round(entry.wait_seconds or 0))
    agent = _member(entry.agent.sip_username if entry.agent else None)
    if entry.outcome == Outcome.ANSWERED:
        talk = (entry.talk_seconds or 0) + entry.hold_seconds
        yield left, call, queue, agent, "CONNECT", (wait, call, "0")
        by_agent = entry.call.end_reason == Call.EndReason.AGENT_HANGUP
        event = "COMPLETEAGENT" if by_agent else "COMPLETECALLER"
        yield left + talk, call, queue, agent, event, (wait, str(round(talk)), "1")
    elif entry.outcome == Outcome.ABANDONED:
        yield left, call, queue, "NONE", "ABANDON", ("1", "1", wait)
    elif entry.outcome == Outcome.TIMED_OUT:
        yield left, call, queue, "NONE", "EXITWITHTIMEOUT", ("1", "1", wait)
    elif entry.outcome == Outcome.CALLBACK:
        yield left, call, queue, "NONE", "EXITWITHKEY", ("1", "1", "1", wait)


def _agent_events(start: datetime, end: datetime, agent_id: int | None) -> Iterator[Event]:
    changes = AgentStateChange.objects.filter(at__gte=start, at__lt=end)
    if agent_id is not None:
        changes = changes.filter(agent_id=agent_id)
    changes = changes.order_by("agent_id", "at").values_list(
        "agent_id", "agent__sip_username", "state", "reason", "at", "call_id"
    )
    previous: tuple | None = None
    for change in changes.iterator(chunk_size=5000):
        agent_id, name, state, reason, moment, call_id = change
        same_agent = previous is not None and previous[0] == agent_id
        member, epoch = _member(name), moment.timestamp()
        if state == State.PAUSED:
            yield epoch, "NONE", "NONE", member, "PAUSE", (reason,)
        elif same_agent and previous[2] == State.PAUSED:
            yield epoch, "NONE", "NONE", member, "UNPAUSE", (previous[3],)
        if same_agent and previous[2] == State.RINGING and state != State.ON_CALL:
            ring_ms = str(round((moment - previous[4]).total_seconds() * 1000))
            yield epoch, str(previous[5] or "NONE"), "NONE", member, "RINGNOANSWER", (ring_ms,)
        previous = change


def _format(event: Event) -> str:
    epoch, call, queue, agent, name, data = event
    return "|".join([str(int(epoch)), call, queue, agent, name, *data]) + "\n"


def lines(filters: Filters) -> Iterator[str]:
    """The log, one day at a time so memory stays bounded whatever the range."""
    day = filters.start
    while day < filters.end:
        until = min(day + timedelta(days=1), filters.end)
        part = Filters(day, until, queue_ids=filters.queue_ids, agent_id=filters.agent_id)
        rows = entries(part).select_related("call", "queue", "agent")
        events = [e for entry in rows.iterator(chunk_size=2000) for e in _entry_events(entry)]
        if not filters.queue_ids:
            events.extend(_agent_events(day, until, filters.agent_id))
        for event in sorted(events, key=lambda e: e[0]):
            yield _format(event)
        day = until
