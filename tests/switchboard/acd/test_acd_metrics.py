"""Contact-centre metrics as DESIGN.md defines them, on hand-made call records."""

import pytest

from sportello.switchboard.acd.metrics import (
    AgentRecord,
    CallRecord,
    Outcome,
    Tally,
    abandon_rate,
    agent_occupancy,
    occupancy,
    service_level,
    tally,
    tally_by_queue,
)

ANSWERED, ABANDONED, EXITED = Outcome.ANSWERED, Outcome.ABANDONED, Outcome.EXITED


def record(outcome, wait, talk=0.0, wrap=0.0, queue="jobs", callback=False):
    return CallRecord(queue, 0.0, outcome, wait, talk, wrap, callback)


CALLS = [
    record(ANSWERED, 0.0, talk=100, wrap=20),
    record(ANSWERED, 20.0, talk=200, wrap=20),  # within T: "within 20 s" includes 20 s
    record(ANSWERED, 20.5, talk=300, wrap=20, callback=True),
    record(ABANDONED, 4.9),  # short abandoned
    record(ABANDONED, 5.0),  # not short: short means under 5 s
    record(ABANDONED, 60.0),
    record(EXITED, 600.0),  # timed out to voicemail
]


def test_it_counts_each_outcome():
    total = tally(CALLS)

    assert (total.offered, total.answered, total.abandoned, total.exited) == (7, 3, 3, 1)
    assert (total.answered_within, total.short_abandoned, total.callbacks) == (2, 1, 1)


def test_service_level_leaves_short_abandons_out_of_the_denominator():
    assert tally(CALLS).service_level == pytest.approx(2 / (7 - 1))


def test_asa_averages_the_wait_of_answered_calls_only():
    assert tally(CALLS).asa == pytest.approx((0 + 20 + 20.5) / 3)


def test_aht_includes_wrap_up():
    assert tally(CALLS).aht == pytest.approx((120 + 220 + 320) / 3)


def test_abandon_rate_leaves_short_abandons_out():
    assert tally(CALLS).abandon_rate == pytest.approx((3 - 1) / (7 - 1))


def test_the_threshold_is_per_queue():
    queues = tally_by_queue([*CALLS, record(ANSWERED, 25.0, queue="spid")], {"spid": 30})

    assert queues["spid"].service_level == 1.0
    assert queues["jobs"].threshold == 20.0


def test_ratios_over_nothing_are_none_not_zero():
    empty = Tally()

    assert (empty.service_level, empty.asa, empty.aht, empty.abandon_rate) == (None,) * 4
    assert service_level(0, 2, 2) is None
    assert abandon_rate(2, 2, 2) is None
    assert occupancy(0.0, 100.0, 100.0) is None


def test_occupancy_is_busy_time_over_available_logged_in_time():
    agents = [AgentRecord("a", 3600, 600, 2400), AgentRecord("b", 1800, 0, 900)]

    assert agent_occupancy(agents) == pytest.approx((2400 + 900) / (3600 - 600 + 1800))


def test_tallies_merge_by_adding_counts():
    first, second = tally(CALLS[:3]), tally(CALLS[3:])

    first.merge(second)

    assert first == tally(CALLS)
    with pytest.raises(ValueError, match="thresholds"):
        first.merge(Tally(threshold=30))
