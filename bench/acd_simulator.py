"""Benchmark: the ACD simulator over 1,000,000 calls, against a bare heapq event loop.

Run: .venv/bin/python bench/acd_simulator.py [calls]
"""

from __future__ import annotations

import random
import sys
import time
from heapq import heappop, heappush

from sportello.switchboard.acd import AcdSettings, AgentProfile, ExitAction, OverflowRule
from sportello.switchboard.acd import QueueConfig as Q
from sportello.switchboard.acd.metrics import agent_occupancy
from sportello.switchboard.acd.simulator import HandleTime, Scenario, Traffic, simulate


def scenario(calls: int) -> Scenario:
    """40 agents, four queues in two languages, overflow, wrap-up, abandonment."""
    queues = [
        Q(
            "jobs-it",
            "jobs",
            "it",
            1,
            (OverflowRule(30, "jobs", 2),),
            announce_every=45,
            wrap_up=15,
        ),
        Q("jobs-fr", "jobs", "fr", overflow=(OverflowRule(45, "general", 1),), wrap_up=15),
        Q("spid-it", "spid", "it", 2, (OverflowRule(20, "spid", 3),), max_wait=600, wrap_up=10),
        Q("general", "general", "it", max_length=30, full_action=ExitAction.CALLBACK_OFFER),
    ]
    load = [(120, 240.0), (30, 200.0), (220, 300.0), (90, 120.0)]  # calls/hour, mean talk
    traffic = tuple(
        Traffic(queue, per_hour, HandleTime(talk, sigma=0.8), patience=300.0)
        for queue, (per_hour, talk) in zip(queues, load, strict=True)
    )
    agents = []
    for n in range(40):
        skills = {"jobs": 1 + n % 2, "general": 1} if n < 16 else {"spid": 1 + n % 3}
        if n % 5 == 0:
            skills["general"] = 2
        languages = frozenset({"it", "fr"} if n % 3 == 0 else {"it"})
        agents.append(AgentProfile(f"agent-{n}", skills, languages))
    return Scenario(
        traffic,
        tuple(agents),
        calls=calls,
        seed=7,
        ring_time=2.0,
        settings=AcdSettings(ring_timeout=20.0),
        keep_records=False,
    )


def bare_heap_loop(pops: int, pending: int) -> float:
    """Seconds for ``pops`` pop-and-push rounds on a heap of ``pending`` event tuples."""
    rng = random.Random(1)
    heap: list[tuple] = []
    for seq in range(pending):
        heappush(heap, (rng.random(), seq, 0, None, 0))
    started = time.perf_counter()
    seq = pending
    for _ in range(pops):
        now, _, kind, subject, token = heappop(heap)
        seq += 1
        heappush(heap, (now + rng.random(), seq, kind, subject, token))
    return time.perf_counter() - started


def main(calls: int) -> None:
    config = scenario(calls)
    started, cpu_started = time.perf_counter(), time.process_time()
    result = simulate(config)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(
        f"simulated {calls:,} calls in {elapsed:.1f} s ({cpu:.1f} s CPU): "
        f"{calls / elapsed:,.0f} calls/s"
    )
    print(f"  simulated time {result.duration / 3600:,.0f} h, {result.pops:,} events popped")
    for queue, tally in result.tallies.items():
        print(
            f"  {queue:8} offered {tally.offered:>8,} SL20 {tally.service_level:6.1%} "
            f"ASA {tally.asa:6.1f} s  AHT {tally.aht:6.1f} s  "
            f"abandon {tally.abandon_rate:5.1%}  exited {tally.exited:,}"
        )
    print(f"  occupancy {agent_occupancy(result.agents):.1%}")
    reference = bare_heap_loop(result.pushes, 2 * len(config.agents))
    print(f"bare heapq event loop, {result.pushes:,} push+pop: {reference:.2f} s")
    print(f"ratio simulator / bare loop: {elapsed / reference:.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
