"""Contact-centre metrics, one definition used everywhere (docs: DESIGN.md).

Ratios are pure functions of counts and sums, so the simulator and the
reports (which sum in SQL) compute them the same way. A ratio over an empty
denominator is ``None`` (a report shows a dash, not 0 % or 100 %).

- Offered counts every call presented to a queue, including one refused
  because the queue was full.
- Short abandoned: abandoned after waiting less than ``SHORT_ABANDON`` seconds;
  excluded from service level and abandon rate (numerator and denominator).
- Answered within T: waited at most T seconds.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

SHORT_ABANDON = 5.0
DEFAULT_THRESHOLD = 20.0


class Outcome(StrEnum):
    ANSWERED = "answered"
    ABANDONED = "abandoned"
    EXITED = "exited"  # queue full or timed out: overflowed to voicemail, message, callback offer


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One offered call. ``wait``: seconds in queue until answered, abandoned or
    exited. ``talk`` (talk + hold) and ``wrap`` are 0 unless answered."""

    queue: Hashable
    arrived_at: float
    outcome: Outcome
    wait: float
    talk: float = 0.0
    wrap: float = 0.0
    callback: bool = False


@dataclass(frozen=True, slots=True)
class AgentRecord:
    """Seconds one agent spent logged in, paused (part of logged in) and busy
    (talk + hold + wrap-up)."""

    agent: Hashable
    logged_in: float
    paused: float
    busy: float


def service_level(answered_within: int, offered: int, short_abandoned: int) -> float | None:
    """SL(T) = answered within T ÷ (offered − short abandoned)."""
    return _ratio(answered_within, offered - short_abandoned)


def average_speed_of_answer(answered_wait: float, answered: int) -> float | None:
    """ASA = total queue wait of answered calls ÷ answered."""
    return _ratio(answered_wait, answered)


def average_handle_time(handle_time: float, handled: int) -> float | None:
    """AHT = (talk + hold + wrap-up) ÷ handled."""
    return _ratio(handle_time, handled)


def abandon_rate(abandoned: int, offered: int, short_abandoned: int) -> float | None:
    """(abandoned − short abandoned) ÷ (offered − short abandoned)."""
    return _ratio(abandoned - short_abandoned, offered - short_abandoned)


def occupancy(busy: float, logged_in: float, paused: float) -> float | None:
    """(talk + hold + wrap-up) ÷ (logged-in − paused) time."""
    return _ratio(busy, logged_in - paused)


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


@dataclass(slots=True)
class Tally:
    """Counts and sums over calls of one queue (or interval) for threshold T."""

    threshold: float = DEFAULT_THRESHOLD
    offered: int = 0
    answered: int = 0
    answered_within: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    exited: int = 0
    callbacks: int = 0
    answered_wait: float = 0.0
    handle_time: float = 0.0

    def add(self, record: CallRecord) -> None:
        self.count(record.outcome, record.wait, record.talk, record.wrap, record.callback)

    def count(
        self, outcome: Outcome, wait: float, talk: float, wrap: float, callback: bool = False
    ) -> None:
        """Add one call given as the fields of a ``CallRecord``."""
        self.offered += 1
        self.callbacks += callback
        if outcome is Outcome.ANSWERED:
            self.answered += 1
            self.answered_within += wait <= self.threshold
            self.answered_wait += wait
            self.handle_time += talk + wrap
        elif outcome is Outcome.ABANDONED:
            self.abandoned += 1
            self.short_abandoned += wait < SHORT_ABANDON
        else:
            self.exited += 1

    def merge(self, other: Tally) -> None:
        if other.threshold != self.threshold:
            raise ValueError("cannot merge tallies with different thresholds")
        for name in _SUMS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def service_level(self) -> float | None:
        return service_level(self.answered_within, self.offered, self.short_abandoned)

    @property
    def asa(self) -> float | None:
        return average_speed_of_answer(self.answered_wait, self.answered)

    @property
    def aht(self) -> float | None:
        return average_handle_time(self.handle_time, self.answered)

    @property
    def abandon_rate(self) -> float | None:
        return abandon_rate(self.abandoned, self.offered, self.short_abandoned)


_SUMS = tuple(name for name in Tally.__dataclass_fields__ if name != "threshold")


def tally(records: Iterable[CallRecord], threshold: float = DEFAULT_THRESHOLD) -> Tally:
    total = Tally(threshold)
    for record in records:
        total.add(record)
    return total


def tally_by_queue(
    records: Iterable[CallRecord],
    thresholds: Mapping[Hashable, float] | None = None,
) -> dict[Hashable, Tally]:
    """One tally per queue; a queue's T from ``thresholds`` (default 20 s)."""
    thresholds = thresholds or {}
    tallies: dict[Hashable, Tally] = {}
    for record in records:
        queue_tally = tallies.get(record.queue)
        if queue_tally is None:
            threshold = thresholds.get(record.queue, DEFAULT_THRESHOLD)
            queue_tally = tallies[record.queue] = Tally(threshold)
        queue_tally.add(record)
    return tallies


def agent_occupancy(agents: Iterable[AgentRecord]) -> float | None:
    busy = logged_in = paused = 0.0
    for agent in agents:
        busy += agent.busy
        logged_in += agent.logged_in
        paused += agent.paused
    return occupancy(busy, logged_in, paused)
