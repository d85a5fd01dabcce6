"""A snapshot of the switchboard configuration, read from the database for the engine.

The engine reloads it periodically; a call keeps the flow version it started with.
"""

import datetime
import ipaddress
from dataclasses import dataclass, field

from django.utils import timezone

from sportello.switchboard.acd import AgentProfile, ExitAction, OverflowRule, QueueConfig
from sportello.switchboard.hours import Window
from sportello.switchboard.models import (
    Agent,
    AgentSkill,
    Holiday,
    OpeningHours,
    Queue,
    ServiceNumber,
    Trunk,
)

EXIT_ACTIONS = {
    Queue.ExitAction.CALLBACK: ExitAction.CALLBACK_OFFER,
    Queue.ExitAction.VOICEMAIL: ExitAction.VOICEMAIL,
    Queue.ExitAction.MESSAGE: ExitAction.MESSAGE,
}


@dataclass(frozen=True)
class TrunkInfo:
    id: int
    name: str
    host: str
    port: int
    transport: str
    username: str
    password: str
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    caller_id: str

    def allows(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self.networks)


@dataclass(frozen=True)
class NumberInfo:
    id: int
    number: str
    trunk_id: int
    flow_version_id: int | None
    definition: dict
    windows: tuple[Window, ...]


@dataclass(frozen=True)
class QueueInfo:
    id: int
    code: str
    skill: str
    language: str
    acd: QueueConfig
    ring_seconds: int
    wrap_up_seconds: int
    record_calls: bool
    retention_days: int
    exit_action: str


@dataclass(frozen=True)
class AgentInfo:
    id: int
    user_id: int
    sip_username: str
    ha1: str
    device: str
    mobile_number: str
    max_missed: int
    skills: dict[str, int]  # skill code -> level (1 = best)
    languages: frozenset[str]

    def profile(self) -> AgentProfile:
        return AgentProfile(self.id, dict(self.skills), self.languages)


@dataclass
class EngineConfig:
    trunks: list[TrunkInfo] = field(default_factory=list)
    numbers: dict[str, NumberInfo] = field(default_factory=dict)
    queues: dict[tuple[str, str], QueueInfo] = field(default_factory=dict)
    queues_by_id: dict[int, QueueInfo] = field(default_factory=dict)
    agents: dict[str, AgentInfo] = field(default_factory=dict)
    agents_by_id: dict[int, AgentInfo] = field(default_factory=dict)
    holidays: frozenset[datetime.date] = frozenset()

    def trunk_for_source(self, address: str) -> TrunkInfo | None:
        return next((t for t in self.trunks if t.allows(address)), None)

    def number(self, dialled: str) -> NumberInfo | None:
        digits = dialled.lstrip("+")
        return self.numbers.get(digits) or self.numbers.get(digits.removeprefix("39"))


def _queue_info(queue: Queue) -> QueueInfo:
    action = EXIT_ACTIONS[queue.exit_action]
    acd = QueueConfig(
        id=queue.id,
        skill=queue.skill.code,
        language=queue.language,
        overflow=(OverflowRule(float(queue.overflow_after_seconds), queue.skill.code, 9),),
        max_wait=float(queue.max_wait_seconds) or None,
        max_length=queue.max_length,
        full_action=action,
        timeout_action=action,
        announce_every=float(queue.announce_every_seconds) or None,
        wrap_up=float(queue.wrap_up_seconds),
    )
    return QueueInfo(
        queue.id, queue.code, queue.skill.code, queue.language, acd, queue.ring_seconds,
        queue.wrap_up_seconds, queue.record_calls, queue.recording_retention_days, queue.exit_action,
    )  # fmt: skip


def load() -> EngineConfig:
    """Read the configuration (synchronous ORM; call it in a thread from the engine)."""
    config = EngineConfig()
    for t in Trunk.objects.filter(active=True):
        nets = []
        for line in t.source_networks():
            try:
                nets.append(ipaddress.ip_network(line, strict=False))
            except ValueError:
                continue
        config.trunks.append(
            TrunkInfo(
                t.id,
                t.name,
                t.host,
                t.port,
                t.transport,
                t.username,
                t.password,
                tuple(nets),
                t.outbound_caller_id,
            )
        )
    hours_by_flow: dict[int, list[Window]] = {}
    for h in OpeningHours.objects.all():
        hours_by_flow.setdefault(h.flow_id, []).append(Window(h.weekday, h.opens, h.closes))
    for n in ServiceNumber.objects.select_related("flow"):
        version = n.flow.current_version()
        config.numbers[n.number.lstrip("+")] = NumberInfo(
            n.id, n.number, n.trunk_id, version.id if version else None,
            version.definition if version else {}, tuple(hours_by_flow.get(n.flow_id, ())),
        )  # fmt: skip
    for q in Queue.objects.select_related("skill"):
        info = _queue_info(q)
        config.queues[(info.skill, info.language)] = info
        config.queues_by_id[info.id] = info
    skills: dict[int, dict[str, int]] = {}
    for s in AgentSkill.objects.filter(serving=True).select_related("skill"):
        skills.setdefault(s.agent_id, {})[s.skill.code] = s.level
    for a in Agent.objects.all():
        info = AgentInfo(
            a.id,
            a.user_id,
            a.sip_username,
            a.sip_ha1,
            a.device,
            a.mobile_number,
            a.max_missed,
            skills.get(a.id, {}),
            frozenset(a.languages or ["it"]),
        )
        config.agents[a.sip_username] = info
        config.agents_by_id[a.id] = info
    today = timezone.localdate()
    config.holidays = frozenset(
        Holiday.objects.filter(date__gte=today - datetime.timedelta(days=1),
                               date__lte=today + datetime.timedelta(days=400))
        .values_list("date", flat=True)
    )  # fmt: skip
    return config


def serving_skills(agent_id: int) -> dict[str, int]:
    """The skills an agent answers today (skill code -> level), read afresh."""
    rows = AgentSkill.objects.filter(agent_id=agent_id, serving=True)
    return dict(rows.values_list("skill__code", "level"))
