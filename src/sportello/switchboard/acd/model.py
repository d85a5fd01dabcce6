"""Configuration, states and commands of the ACD core.

Skill levels run from 1 (best) upwards: level 1 is an expert, level 3 someone
who can help when the experts are busy. Priorities run the other way: a higher
number is served first.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

CallId = Hashable
AgentId = Hashable
QueueId = Hashable

#: pause reason given to an agent who missed ``AcdSettings.max_misses`` offers in a row
MISSED = "missed"


class AcdStateError(ValueError):
    """An event that does not fit the current state (unknown id, wrong state).

    The core changes nothing when it raises this; a driver racing the core
    (an agent answering an offer the core just cancelled) catches it.
    """


class AgentState(StrEnum):
    OFFLINE = "offline"
    AVAILABLE = "available"
    RINGING = "ringing"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    PAUSED = "paused"


class ExitAction(StrEnum):
    """What the driver does with a caller who leaves the queue without an agent."""

    CALLBACK_OFFER = "callback_offer"
    VOICEMAIL = "voicemail"
    MESSAGE = "message"


class ExitReason(StrEnum):
    QUEUE_FULL = "queue_full"
    MAX_WAIT = "max_wait"


class CancelReason(StrEnum):
    CALLER_ABANDONED = "caller_abandoned"
    RING_TIMEOUT = "ring_timeout"
    AGENT_LOGOUT = "agent_logout"
    AGENT_PAUSED = "agent_paused"


@dataclass(frozen=True, slots=True)
class OverflowRule:
    """After ``after`` seconds of waiting a call may also go to agents who have
    ``skill`` at a level of ``max_level`` or better, speaking the queue's language."""

    after: float
    skill: str
    max_level: int


@dataclass(frozen=True, slots=True)
class QueueConfig:
    """One queue: a service (skill) in one language (``None``: any language).

    From the start a call may go to agents with ``skill`` at ``max_level`` or
    better; each ``OverflowRule`` widens that set once the call has waited long
    enough. ``max_length`` counts callers on the line (not callbacks); callbacks
    are not subject to ``max_wait`` either.
    """

    id: QueueId
    skill: str
    language: str | None = None
    max_level: int = 1
    overflow: tuple[OverflowRule, ...] = ()
    max_wait: float | None = None
    max_length: int | None = None
    full_action: ExitAction = ExitAction.MESSAGE
    timeout_action: ExitAction = ExitAction.VOICEMAIL
    announce_every: float | None = None
    wrap_up: float = 0.0
    expected_handle_time: float = 180.0

    def __post_init__(self) -> None:
        for rule in self.rules():
            if rule.max_level < 1 or rule.after < 0:
                raise ValueError(f"queue {self.id!r}: bad routing rule {rule}")
        for name in ("max_wait", "announce_every"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"queue {self.id!r}: {name} must be positive")
        if self.max_length is not None and self.max_length < 0:
            raise ValueError(f"queue {self.id!r}: max_length must not be negative")
        if self.wrap_up < 0 or self.expected_handle_time <= 0:
            raise ValueError(f"queue {self.id!r}: bad wrap_up or expected_handle_time")

    def rules(self) -> tuple[OverflowRule, ...]:
        """The base rule then the overflow rules, by time of activation."""
        base = OverflowRule(0.0, self.skill, self.max_level)
        return (base, *sorted(self.overflow, key=lambda rule: rule.after))


@dataclass(frozen=True, slots=True)
class AgentProfile:
    """Who the agent is for routing: ``skills`` maps skill → level (1 best).
    The agent serves a queue with a language only if it lists that language."""

    id: AgentId
    skills: Mapping[str, int]
    languages: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        for skill, level in self.skills.items():
            if not isinstance(level, int) or level < 1:
                raise ValueError(f"agent {self.id!r}: level of {skill!r} must be an int >= 1")


@dataclass(frozen=True, slots=True)
class AcdSettings:
    """``ring_timeout``: seconds before the core itself gives up on an offer
    (``None``: the driver reports ``ring_no_answer``). ``max_misses``: missed
    offers in a row that pause the agent with reason ``MISSED``.
    ``aht_weight``: weight of the newest handle time in the queue's moving average."""

    ring_timeout: float | None = 20.0
    max_misses: int = 2
    aht_weight: float = 0.05


# Commands: decisions for the driver to carry out. The core never performs them.


@dataclass(frozen=True, slots=True)
class OfferCall:
    """Ring ``agent``; for a callback the driver dials the citizen once the agent answers."""

    call: CallId
    agent: AgentId
    queue: QueueId
    callback: bool = False


@dataclass(frozen=True, slots=True)
class CancelOffer:
    """Stop ringing ``agent``; sent only when the core withdraws the offer itself."""

    call: CallId
    agent: AgentId
    reason: CancelReason


@dataclass(frozen=True, slots=True)
class PlayPosition:
    """``estimated_wait`` is ``None`` when no agent serves the queue."""

    call: CallId
    position: int
    estimated_wait: float | None


@dataclass(frozen=True, slots=True)
class ExitQueue:
    call: CallId
    reason: ExitReason
    action: ExitAction


@dataclass(frozen=True, slots=True)
class AgentStateChanged:
    agent: AgentId
    old: AgentState
    new: AgentState
    reason: str


Command = OfferCall | CancelOffer | PlayPosition | ExitQueue | AgentStateChanged
