"""Discrete-event simulator that drives the ACD core with simulated calls.

Poisson arrivals per queue, exponential or log-normal handle times, optional
exponential caller patience (abandonment), wrap-up from the queue
configuration, an optional ring time before an agent answers. The simulator
feeds the same ``Acd`` the switchboard engine uses, carries out its commands,
and measures the outcome with ``metrics``.

Each queue draws its arrivals, talk times and patience from its own random
stream, and a caller's talk time and patience are drawn when it arrives: two
scenarios with the same seed and traffic see the same callers whatever the
staffing (common random numbers), and ``antithetic=True`` replays the mirror
image of those callers (every uniform draw u becomes 1 − u) so that the mean
of a run and its antithetic twin has a smaller variance.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from heapq import heappop, heappush

from .core import Acd
from .metrics import DEFAULT_THRESHOLD, AgentRecord, CallRecord, Outcome, Tally
from .model import (
    AcdSettings,
    AgentProfile,
    AgentState,
    AgentStateChanged,
    CancelOffer,
    ExitQueue,
    OfferCall,
    PlayPosition,
    QueueConfig,
)

_ARRIVAL, _ABANDON, _ANSWER, _END, _TICK = range(5)
_WAITING, _RINGING, _CONNECTED = range(3)
_BUSY = (AgentState.ON_CALL, AgentState.WRAP_UP)


@dataclass(frozen=True, slots=True)
class HandleTime:
    """Talk time: exponential with ``mean``, or log-normal with that mean and
    ``sigma`` (standard deviation of the logarithm)."""

    mean: float
    sigma: float | None = None

    def __post_init__(self) -> None:
        if not self.mean > 0 or (self.sigma is not None and not self.sigma > 0):
            raise ValueError(f"talk time needs a positive mean and sigma, got {self}")

    def sampler(self, rng: random.Random) -> Callable[[], float]:
        if self.sigma is None:
            rate = 1.0 / self.mean
            return lambda: rng.expovariate(rate)
        mu, sigma = math.log(self.mean) - self.sigma**2 / 2, self.sigma
        return lambda: rng.lognormvariate(mu, sigma)


@dataclass(frozen=True, slots=True)
class Traffic:
    """Calls offered to one queue; ``patience``: mean seconds a caller waits
    before hanging up (exponential), ``None``: callers never hang up."""

    queue: QueueConfig
    calls_per_hour: float
    handle: HandleTime
    patience: float | None = None
    priority: int = 0

    def __post_init__(self) -> None:
        if not self.calls_per_hour > 0 or (self.patience is not None and not self.patience > 0):
            raise ValueError(f"queue {self.queue.id!r}: calls and patience must be positive")


@dataclass(frozen=True, slots=True)
class Scenario:
    traffic: tuple[Traffic, ...]
    agents: tuple[AgentProfile, ...]
    calls: int
    seed: int = 0
    ring_time: float = 0.0
    settings: AcdSettings = field(default_factory=AcdSettings)
    threshold: float = DEFAULT_THRESHOLD
    keep_records: bool = True
    warmup: float = 0.0  # calls arriving earlier are left out of records and tallies
    antithetic: bool = False


@dataclass(slots=True)
class SimResult:
    records: list[CallRecord]  # empty unless Scenario.keep_records
    tallies: dict[Hashable, Tally]
    agents: list[AgentRecord]
    duration: float
    pushes: int
    pops: int
    announcements: int


class _Antithetic(random.Random):
    def random(self) -> float:
        u = super().random()
        return 1.0 - u if u else 0.0


class _Stream:
    """The random draws of one queue's callers."""

    __slots__ = ("gap", "talk", "patience")

    def __init__(self, scenario: Scenario, index: int) -> None:
        traffic = scenario.traffic[index]
        kind = _Antithetic if scenario.antithetic else random.Random
        arrivals, talk, patience = (kind(f"{scenario.seed}/{index}/{use}") for use in range(3))
        rate = traffic.calls_per_hour / 3600.0
        self.gap = lambda: arrivals.expovariate(rate)
        self.talk = traffic.handle.sampler(talk)
        self.patience: Callable[[], float] | None = None
        if traffic.patience is not None:
            mean = traffic.patience
            self.patience = lambda: patience.expovariate(1.0 / mean)


class _Call:
    __slots__ = ("traffic", "arrived", "state", "answered_at", "talk", "token")

    def __init__(self, traffic: int, arrived: float) -> None:
        self.traffic = traffic
        self.arrived = arrived
        self.state = _WAITING
        self.answered_at = 0.0
        self.talk = 0.0
        self.token = 0


class _AgentClock:
    __slots__ = ("since", "state", "logged_in", "paused", "busy")

    def __init__(self) -> None:
        self.since = 0.0
        self.state = AgentState.OFFLINE
        self.logged_in = self.paused = self.busy = 0.0

    def change(self, now: float, new: AgentState) -> None:
        spent, old = now - self.since, self.state
        if old is not AgentState.OFFLINE:
            self.logged_in += spent
            if old is AgentState.PAUSED:
                self.paused += spent
            elif old in _BUSY:
                self.busy += spent
        self.since, self.state = now, new


def simulate(scenario: Scenario) -> SimResult:
    return _Simulation(scenario).run()


class _Simulation:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.acd = Acd([traffic.queue for traffic in scenario.traffic], scenario.settings)
        self.streams = [_Stream(scenario, index) for index in range(len(scenario.traffic))]
        self.wraps = [traffic.queue.wrap_up for traffic in scenario.traffic]
        self.calls: dict[int, _Call] = {}
        self.clocks = {agent.id: _AgentClock() for agent in scenario.agents}
        self.tallies = {t.queue.id: Tally(scenario.threshold) for t in scenario.traffic}
        self.records: list[CallRecord] = []
        self.events: list[tuple] = []
        self.seq = self.pushes = self.pops = self.announcements = 0
        self.arrivals = 0
        self.tick_at = math.inf
        self.now = 0.0
        self.handlers = {
            OfferCall: self._offered,
            CancelOffer: self._cancelled,
            ExitQueue: self._exited,
            PlayPosition: self._announced,
        }

    def run(self) -> SimResult:
        for agent in self.scenario.agents:
            self._apply(self.acd.agent_login(0.0, agent))
        for index, stream in enumerate(self.streams):
            self._push(stream.gap(), _ARRIVAL, index)
        events, acd, calls = self.events, self.acd, self.calls
        while events:
            now, _, kind, subject, token = heappop(events)
            self.pops += 1
            if kind == _ARRIVAL:
                if self.arrivals == self.scenario.calls:
                    continue  # another queue brought the last call
                self.now = now
                self._arrive(now, subject)
            elif kind == _END:
                self.now = now
                self._end(now, subject)
            elif kind == _ABANDON:
                call = calls.get(subject)
                if call is None or call.state == _CONNECTED:
                    continue  # the caller was answered or left already
                self.now = now
                self._record(call, Outcome.ABANDONED, subject)
                self._apply(acd.call_abandoned(now, subject))
            elif kind == _ANSWER:
                call = calls.get(subject)
                if call is None or call.state != _RINGING or call.token != token:
                    continue  # the offer was withdrawn
                self.now = now
                self._answer(now, subject, call)
            else:
                if now >= self.tick_at:
                    self.tick_at = math.inf
                due = acd.next_due()
                if due is not None and due <= now:
                    self.now = now
                    self._apply(acd.tick(now))
            due = acd.next_due()
            if due is not None and due < self.tick_at:
                self.tick_at = due
                self._push(due, _TICK, None)
        return self._result()

    def _push(self, when: float, kind: int, subject: object, token: int = 0) -> None:
        self.seq += 1
        self.pushes += 1
        heappush(self.events, (when, self.seq, kind, subject, token))

    def _arrive(self, now: float, index: int) -> None:
        self.arrivals += 1
        call_id = self.arrivals
        traffic, stream = self.scenario.traffic[index], self.streams[index]
        self.calls[call_id] = call = _Call(index, now)
        call.talk = stream.talk()
        if stream.patience is not None:
            self._push(now + stream.patience(), _ABANDON, call_id)
        if self.arrivals < self.scenario.calls:
            self._push(now + stream.gap(), _ARRIVAL, index)
        self._apply(self.acd.call_arrived(now, call_id, traffic.queue.id, traffic.priority))

    def _answer(self, now: float, call_id: int, call: _Call) -> None:
        call.state = _CONNECTED
        call.answered_at = now
        self._push(now + call.talk, _END, call_id)
        self._apply(self.acd.offer_accepted(now, call_id))

    def _end(self, now: float, call_id: int) -> None:
        call = self.calls[call_id]
        self._record(call, Outcome.ANSWERED, call_id)
        self._apply(self.acd.call_ended(now, call_id))

    def _record(self, call: _Call, outcome: Outcome, call_id: int) -> None:
        del self.calls[call_id]
        scenario = self.scenario
        if call.arrived < scenario.warmup:
            return
        queue = scenario.traffic[call.traffic].queue.id
        if outcome is Outcome.ANSWERED:
            wait, talk, wrap = call.answered_at - call.arrived, call.talk, self.wraps[call.traffic]
        else:
            wait, talk, wrap = self.now - call.arrived, 0.0, 0.0
        self.tallies[queue].count(outcome, wait, talk, wrap)
        if scenario.keep_records:
            self.records.append(CallRecord(queue, call.arrived, outcome, wait, talk, wrap))

    def _apply(self, commands: list) -> None:
        for command in commands:
            if type(command) is AgentStateChanged:  # the commonest: inlined
                self.clocks[command.agent].change(self.now, command.new)
            else:
                self.handlers[type(command)](command)

    def _offered(self, command: OfferCall) -> None:
        call = self.calls[command.call]
        call.state = _RINGING
        call.token += 1
        ring_time = self.scenario.ring_time
        if ring_time > 0:
            self._push(self.now + ring_time, _ANSWER, command.call, call.token)
        else:
            self._answer(self.now, command.call, call)

    def _cancelled(self, command: CancelOffer) -> None:
        call = self.calls.get(command.call)
        if call is not None:
            call.state = _WAITING

    def _exited(self, command: ExitQueue) -> None:
        self._record(self.calls[command.call], Outcome.EXITED, command.call)

    def _announced(self, command: PlayPosition) -> None:
        self.announcements += 1

    def _result(self) -> SimResult:
        agents = []
        for agent_id, clock in self.clocks.items():
            clock.change(self.now, AgentState.OFFLINE)
            agents.append(AgentRecord(agent_id, clock.logged_in, clock.paused, clock.busy))
        return SimResult(
            self.records,
            self.tallies,
            agents,
            self.now,
            self.pushes,
            self.pops,
            self.announcements,
        )
