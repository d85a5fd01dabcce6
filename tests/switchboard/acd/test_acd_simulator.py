"""The simulator, driving the real ACD core, against queueing theory.

Single queue, one skill, exponential talk times, callers who never hang up:
an M/M/c first-come-first-served queue, for which Erlang C is exact.

Near 95 % occupancy the mean wait of a simulation converges slowly (runs of
millions of calls for ±5 %), so the comparison uses a control variate, a
textbook variance reduction: from the same callers (arrival times, talk
times) compute the waits of a single agent c times as fast, by Lindley's
recursion. That queue is M/M/1 with a known mean wait and service level, its
waits move with the simulated ones, and

    estimate = simulated − β · (control − known mean of control)

is unbiased for the simulated system's mean for any fixed β; β is fitted
across seeds, which leaves a bias far below the tolerance. The raw figures
are printed alongside (`pytest -s`).
"""

import math
import statistics
from heapq import heappop, heappush

import pytest

from sportello.switchboard.acd import AcdSettings, AgentProfile, OverflowRule, QueueConfig, erlang
from sportello.switchboard.acd.metrics import Outcome, agent_occupancy, tally
from sportello.switchboard.acd.simulator import HandleTime, Scenario, Traffic, simulate

AHT = 180.0
T = 20.0
SEEDS = range(6)


def mmc(occupancy, calls, seed, agents, **options):
    traffic = occupancy * agents
    queue = QueueConfig("jobs", "jobs")
    staff = tuple(AgentProfile(n, {"jobs": 1}) for n in range(agents))
    load = Traffic(queue, traffic / AHT * 3600, HandleTime(AHT))
    settings = AcdSettings(ring_timeout=None)
    return Scenario((load,), staff, calls, seed=seed, settings=settings, **options)


def by_arrival(result):
    return sorted(result.records, key=lambda record: record.arrived_at)


def fast_single_agent_waits(records, agents):
    """Lindley's recursion for one agent ``agents`` times as fast, same callers."""
    wait, waits, previous = 0.0, [], None
    for record in records:
        if previous is not None:
            gap = record.arrived_at - previous.arrived_at
            wait = max(0.0, wait + previous.talk / agents - gap)
        waits.append(wait)
        previous = record
    return waits


def fcfs_waits(records, agents):
    """Kiefer–Wolfowitz: waits of first-come-first-served identical agents."""
    free_at, waits = [0.0] * agents, []
    for record in records:
        start = max(record.arrived_at, heappop(free_at))
        waits.append(start - record.arrived_at)
        heappush(free_at, start + record.talk)
    return waits


def controlled(pairs, control_mean):
    """Control-variate estimate: mean(sim) − β (mean(control) − known), β fitted on batches."""
    simulated, control = zip(*pairs, strict=True)
    beta = statistics.covariance(control, simulated) / statistics.variance(control)
    return statistics.fmean(simulated) - beta * (statistics.fmean(control) - control_mean)


def batches(pairs, count):
    size = len(pairs) // count
    return [pairs[n * size : (n + 1) * size] for n in range(count)]


def test_it_reproduces_first_come_first_served_waits_call_by_call():
    records = by_arrival(simulate(mmc(0.9, 20_000, seed=3, agents=20)))

    expected = fcfs_waits(records, 20)

    assert sum(wait > 0 for wait in expected) > 5_000  # the queue was busy
    assert all(r.outcome is Outcome.ANSWERED for r in records)
    assert max(abs(r.wait - w) for r, w in zip(records, expected, strict=True)) < 1e-6


def single_queue(agents, calls, handle, patience=None, seed=1, **options):
    queue = QueueConfig("jobs", "jobs")
    staff = tuple(AgentProfile(n, {"jobs": 1}) for n in range(agents))
    load = Traffic(queue, 360, handle, patience=patience)
    settings = AcdSettings(ring_timeout=None)
    return Scenario((load,), staff, calls, seed=seed, settings=settings, **options)


def test_it_draws_poisson_arrivals_and_exponential_talk_times():
    records = by_arrival(simulate(single_queue(40, 50_000, HandleTime(180))))
    gaps = [b.arrived_at - a.arrived_at for a, b in zip(records, records[1:], strict=False)]
    talk = [r.talk for r in records]

    assert statistics.fmean(gaps) == pytest.approx(10.0, rel=0.02)  # 360 calls an hour
    assert statistics.stdev(gaps) / statistics.fmean(gaps) == pytest.approx(1.0, abs=0.03)
    assert statistics.fmean(talk) == pytest.approx(180, rel=0.02)
    assert statistics.stdev(talk) / statistics.fmean(talk) == pytest.approx(1.0, abs=0.03)


def test_it_draws_log_normal_talk_times_with_the_configured_mean():
    records = simulate(single_queue(40, 50_000, HandleTime(180, sigma=0.5))).records
    talk = [r.talk for r in records]

    assert statistics.fmean(talk) == pytest.approx(180, rel=0.02)
    expected_cv = math.sqrt(math.exp(0.5**2) - 1)
    assert statistics.stdev(talk) / statistics.fmean(talk) == pytest.approx(expected_cv, rel=0.05)


def test_callers_nobody_answers_hang_up_after_their_patience():
    result = simulate(single_queue(0, 20_000, HandleTime(180), patience=60))
    total = result.tallies["jobs"]

    assert total.abandoned == total.offered == 20_000
    assert total.asa is None
    assert total.answered_wait == 0
    assert statistics.fmean(r.wait for r in result.records) == pytest.approx(60, rel=0.03)
    assert total.short_abandoned / total.offered == pytest.approx(1 - math.exp(-5 / 60), abs=0.01)
    assert total.abandon_rate == 1.0


def test_the_same_seed_brings_the_same_callers_whatever_the_staffing():
    few = by_arrival(simulate(single_queue(3, 5_000, HandleTime(180))))
    many = by_arrival(simulate(single_queue(8, 5_000, HandleTime(180))))
    again = by_arrival(simulate(single_queue(3, 5_000, HandleTime(180))))

    assert [(r.arrived_at, r.talk) for r in few] == [(r.arrived_at, r.talk) for r in many]
    assert statistics.fmean(r.wait for r in few) > statistics.fmean(r.wait for r in many)
    assert few == again


def test_antithetic_callers_mirror_the_random_draws():
    plain = by_arrival(simulate(single_queue(40, 2_000, HandleTime(180))))
    mirror = by_arrival(simulate(single_queue(40, 2_000, HandleTime(180), antithetic=True)))

    # exponential draws -m·ln(1-u) and -m·ln(u): a long talk mirrors a short one
    first, twin = plain[0].talk, mirror[0].talk
    assert math.exp(-first / 180) + math.exp(-twin / 180) == pytest.approx(1.0)
    assert statistics.correlation([r.talk for r in plain], [r.talk for r in mirror]) < -0.5


def test_a_mix_of_queues_conserves_calls_and_counts_wrap_up_and_ring_time():
    general = QueueConfig("general", "general", max_length=3, wrap_up=30)
    spid = QueueConfig("spid", "spid", overflow=(OverflowRule(20, "general", 1),), max_wait=300)
    traffic = (
        Traffic(general, 100, HandleTime(150), patience=120),
        Traffic(spid, 40, HandleTime(300, sigma=0.6), patience=200),
    )
    agents = tuple(AgentProfile(n, {"general": 1, "spid": 1 + n % 2}) for n in range(6))
    scenario = Scenario(traffic, agents, 20_000, ring_time=3.0, keep_records=False)

    result = simulate(scenario)
    totals = result.tallies

    assert sum(t.offered for t in totals.values()) == 20_000
    for total in totals.values():
        assert total.offered == total.answered + total.abandoned + total.exited
        assert total.answered > 0 and total.abandoned > 0
    assert totals["general"].exited > 0  # the queue was full
    assert totals["general"].aht == pytest.approx(150 + 30, rel=0.05)
    assert min(t.answered_wait / t.answered for t in totals.values()) >= 3.0  # ringing
    assert 0.5 < agent_occupancy(result.agents) < 1


@pytest.mark.parametrize("occupancy", [0.70, 0.85, 0.95])
def test_simulated_service_level_and_asa_match_erlang_c(occupancy):
    agents, calls, warmup = 5, 40_000, 200 * AHT
    traffic, rate, fast_rate = occupancy * agents, occupancy * agents / AHT, agents / AHT
    known_sl = erlang.service_level(agents, traffic, AHT, T)
    known_asa = erlang.average_speed_of_answer(agents, traffic, AHT)
    control_sl = 1 - occupancy * math.exp(-(fast_rate - rate) * T)  # M/M/1
    control_asa = occupancy / (fast_rate - rate)

    sl_pairs, asa_pairs, raw, occupancies = [], [], [], []
    for seed in SEEDS:
        result = simulate(mmc(occupancy, calls, seed, agents))
        occupancies.append(agent_occupancy(result.agents))
        records = by_arrival(result)
        fast = fast_single_agent_waits(records, agents)
        kept = [(r, w) for r, w in zip(records, fast, strict=True) if r.arrived_at >= warmup]
        raw.append(tally(r for r, _ in kept))
        print(
            f"occupancy {occupancy:.0%} seed {seed}: SL {raw[-1].service_level:.2%} "
            f"ASA {raw[-1].asa:.1f} s"
        )
        for batch in batches(kept, 10):
            measured = tally(r for r, _ in batch)
            sl_pairs.append((measured.service_level, statistics.fmean(w <= T for _, w in batch)))
            asa_pairs.append((measured.asa, statistics.fmean(w for _, w in batch)))

    estimated_sl = controlled(sl_pairs, control_sl)
    estimated_asa = controlled(asa_pairs, control_asa)
    print(
        f"occupancy {occupancy:.0%}, {agents} agents, {len(SEEDS)} × {calls:,} calls: "
        f"Erlang C SL {known_sl:.2%} ASA {known_asa:.2f} s | "
        f"simulated SL {statistics.fmean(t.service_level for t in raw):.2%} "
        f"ASA {statistics.fmean(t.asa for t in raw):.2f} s | "
        f"with control variate SL {estimated_sl:.2%} ASA {estimated_asa:.2f} s | "
        f"control's mean wait {statistics.fmean(w for _, w in asa_pairs):.2f} s "
        f"(known {control_asa:.2f} s) | occupancy {statistics.fmean(occupancies):.2%}"
    )
    assert abs(statistics.fmean(occupancies) - occupancy) <= 0.01
    assert abs(estimated_sl - known_sl) <= 0.02
    assert abs(estimated_asa - known_asa) <= 0.05 * known_asa
