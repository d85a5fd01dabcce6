"""Hand-built switchboard history for report tests: every figure is known in advance."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from django.utils import timezone

from sportello.switchboard.models import (
    Agent,
    AgentStateChange,
    Call,
    Queue,
    QueueEntry,
    Skill,
)
from tests.factories import UserFactory

_numbers = itertools.count(1)


def at(text: str) -> datetime:
    """A local (Europe/Rome) time from 'YYYY-MM-DD HH:MM[:SS]'."""
    fmt = "%Y-%m-%d %H:%M:%S" if text.count(":") == 2 else "%Y-%m-%d %H:%M"
    return datetime.strptime(text, fmt).replace(tzinfo=timezone.get_current_timezone())


def make_queue(code: str = "lavoro-it", threshold: int = 20, language: str = "it") -> Queue:
    skill, _ = Skill.objects.get_or_create(code=code, defaults={"name": code})
    return Queue.objects.create(
        code=code, name=code, skill=skill, language=language, service_level_seconds=threshold
    )


def make_agent(name: str = "", user=None) -> Agent:
    user = user or UserFactory()
    return Agent.objects.create(user=user, sip_username=name or f"agent{next(_numbers)}")


def make_call(started: datetime, **fields) -> Call:
    return Call.objects.create(
        sip_call_id=f"call-{next(_numbers)}",
        caller_number="+390165000000",
        called_number="800000000",
        started_at=started,
        ended_at=fields.pop("ended_at", started + timedelta(minutes=5)),
        **fields,
    )


def make_entry(
    queue: Queue,
    entered: datetime,
    wait: float,
    outcome: str = QueueEntry.Outcome.ANSWERED,
    agent: Agent | None = None,
    talk: float | None = None,
    wrap: float | None = None,
    hold: float = 0.0,
    wrap_up_code: str = "",
) -> QueueEntry:
    call = make_call(entered - timedelta(seconds=10), wrap_up_code=wrap_up_code, agent=agent)
    return QueueEntry.objects.create(
        call=call,
        queue=queue,
        entered_at=entered,
        left_at=entered + timedelta(seconds=wait),
        outcome=outcome,
        agent=agent,
        talk_seconds=talk,
        hold_seconds=hold,
        wrap_up_seconds=wrap,
    )


def state(agent: Agent, name: str, moment: datetime) -> AgentStateChange:
    return AgentStateChange.objects.create(agent=agent, state=name, at=moment)
