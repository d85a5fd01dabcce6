"""Erlang C staffing maths (M/M/N queue: Poisson arrivals, exponential
handle times, callers who never hang up, first come first served).

Traffic ``A`` = arrival rate × AHT, in Erlangs. Rates are per second and
times in seconds throughout. The probability of waiting comes from the Erlang
B recursion B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)), which stays within
[0, 1] and so works for thousands of agents where factorials overflow, then
C = N·B / (N − A·(1 − B)).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


class ErlangInputError(ValueError):
    """Inputs for which Erlang C has no answer; the message says which and why."""


def traffic(arrival_rate: float, aht: float) -> float:
    """Offered traffic in Erlangs for ``arrival_rate`` calls/s of ``aht`` seconds."""
    _positive(arrival_rate=arrival_rate, aht=aht)
    return arrival_rate * aht


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability of ``agents`` servers offered ``traffic`` Erlangs."""
    _agents_count(agents)
    _positive(traffic=traffic)
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def probability_of_waiting(agents: int, traffic: float) -> float:
    """Erlang C: the share of calls that find every agent busy."""
    _stable(agents, traffic)
    return _erlang_c(agents, traffic, erlang_b(agents, traffic))


def service_level(agents: int, traffic: float, aht: float, threshold: float) -> float:
    """Share of calls answered within ``threshold`` seconds."""
    _positive(aht=aht)
    _not_negative(threshold=threshold)
    waiting = probability_of_waiting(agents, traffic)
    return 1.0 - waiting * math.exp(-(agents - traffic) * threshold / aht)


def average_speed_of_answer(agents: int, traffic: float, aht: float) -> float:
    """Mean wait over all calls (those answered at once count as 0 s)."""
    _positive(aht=aht)
    return probability_of_waiting(agents, traffic) * aht / (agents - traffic)


def occupancy(agents: int, traffic: float) -> float:
    _stable(agents, traffic)
    return traffic / agents


def agents_for_service_level(traffic: float, aht: float, threshold: float, target: float) -> int:
    """Fewest agents whose service level within ``threshold`` s reaches ``target`` (0..1)."""
    _positive(traffic=traffic, aht=aht)
    _not_negative(threshold=threshold)
    if not 0 < target < 1:
        raise ErlangInputError(f"target service level must be between 0 and 1, got {target}")
    return _search(
        traffic, lambda n, c: 1 - c * math.exp(-(n - traffic) * threshold / aht) >= target
    )


def agents_for_asa(traffic: float, aht: float, target_asa: float) -> int:
    """Fewest agents whose ASA is at most ``target_asa`` seconds."""
    _positive(traffic=traffic, aht=aht, target_asa=target_asa)
    return _search(traffic, lambda n, c: c * aht / (n - traffic) <= target_asa)


def scheduled_staff(agents: int, shrinkage: float) -> int:
    """Staff to schedule so that ``agents`` remain after ``shrinkage`` (0 ≤ s < 1:
    the share of paid time lost to breaks, training, absence)."""
    _agents_count(agents)
    if not 0 <= shrinkage < 1:
        raise ErlangInputError(f"shrinkage must be at least 0 and below 1, got {shrinkage}")
    # the epsilon keeps 10 / (1 - 0.2) = 12.500000000000002 from becoming 13
    return math.ceil(agents / (1 - shrinkage) - 1e-9)


@dataclass(frozen=True, slots=True)
class Staffing:
    """Required staff for one interval, with the figures it would achieve."""

    traffic: float
    agents: int
    scheduled: int
    probability_of_waiting: float
    service_level: float
    asa: float
    occupancy: float


def staffing(
    calls: float,
    interval: float,
    aht: float,
    threshold: float = 20.0,
    target: float = 0.8,
    shrinkage: float = 0.0,
) -> Staffing:
    """Agents needed for ``calls`` offered over ``interval`` seconds to meet SL ``target``."""
    _positive(calls=calls, interval=interval)
    load = traffic(calls / interval, aht)
    agents = agents_for_service_level(load, aht, threshold, target)
    return Staffing(
        traffic=load,
        agents=agents,
        scheduled=scheduled_staff(agents, shrinkage),
        probability_of_waiting=probability_of_waiting(agents, load),
        service_level=service_level(agents, load, aht, threshold),
        asa=average_speed_of_answer(agents, load, aht),
        occupancy=occupancy(agents, load),
    )


def _erlang_c(agents: int, traffic: float, blocking: float) -> float:
    return agents * blocking / (agents - traffic * (1 - blocking))


def _search(traffic: float, good_enough: Callable[[int, float], bool]) -> int:
    """Walk N up from the first stable staffing, updating Erlang B in O(1) a step."""
    agents = math.floor(traffic) + 1
    blocking = erlang_b(agents, traffic)
    while not good_enough(agents, _erlang_c(agents, traffic, blocking)):
        agents += 1
        blocking = traffic * blocking / (agents + traffic * blocking)
    return agents


def _stable(agents: int, traffic: float) -> None:
    _agents_count(agents)
    _positive(traffic=traffic)
    if agents <= traffic:
        raise ErlangInputError(
            f"{agents} agents cannot carry {traffic:g} Erlangs: occupancy would be "
            f"{traffic / agents:.0%}, and a queue only settles below 100 %"
        )


def _agents_count(agents: int) -> None:
    if isinstance(agents, bool) or not isinstance(agents, int) or agents < 1:
        raise ErlangInputError(f"agents must be a whole number of at least 1, got {agents!r}")


def _positive(**values: float) -> None:
    for name, value in values.items():
        if not value > 0 or math.isinf(value):
            raise ErlangInputError(f"{name} must be a positive number, got {value!r}")


def _not_negative(**values: float) -> None:
    for name, value in values.items():
        if not value >= 0 or math.isinf(value):
            raise ErlangInputError(f"{name} must be zero or more, got {value!r}")
