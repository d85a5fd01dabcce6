"""Erlang C against published figures and an independent textbook formula."""

import math

import pytest

from sportello.switchboard.acd import erlang
from sportello.switchboard.acd.erlang import ErlangInputError


def factorial_erlang_c(agents, traffic):
    """Erlang C straight from its definition, with factorials (fine for small n)."""
    top = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
    bottom = sum(traffic**k / math.factorial(k) for k in range(agents)) + top
    return top / bottom


def log_space_erlang_c(agents, traffic):
    """The same definition summed in log space, for thousands of agents."""
    logs = [k * math.log(traffic) - math.lgamma(k + 1) for k in range(agents)]
    log_top = (
        agents * math.log(traffic) - math.lgamma(agents + 1) + math.log(agents / (agents - traffic))
    )
    peak = max(*logs, log_top)
    bottom = sum(math.exp(value - peak) for value in logs) + math.exp(log_top - peak)
    return math.exp(log_top - peak) / bottom


# The widely reproduced worked example: 100 calls in 30 minutes, 180 s average
# handling time = 10 Erlangs; target 80 % of calls answered within 20 s.
PUBLISHED_WAIT_PROBABILITY = {11: 0.6821, 12: 0.4494, 13: 0.2853, 14: 0.1741, 15: 0.1020}


@pytest.mark.parametrize(("agents", "published"), PUBLISHED_WAIT_PROBABILITY.items())
def test_it_matches_the_published_probability_of_waiting(agents, published):
    assert erlang.probability_of_waiting(agents, 10.0) == pytest.approx(published, abs=5e-5)


def test_it_matches_the_published_staffing_of_the_worked_example():
    result = erlang.staffing(calls=100, interval=1800, aht=180, threshold=20, target=0.8)

    assert result.traffic == pytest.approx(10.0)
    assert result.agents == 14
    assert result.service_level == pytest.approx(0.8884, abs=5e-5)
    assert result.asa == pytest.approx(7.84, abs=0.005)
    assert result.occupancy == pytest.approx(10 / 14)


@pytest.mark.parametrize("traffic", [0.3, 1.0, 2.5, 7.9, 14.2, 22.0])
def test_it_agrees_with_the_factorial_formula(traffic):
    for agents in range(math.floor(traffic) + 1, 35):
        expected = factorial_erlang_c(agents, traffic)
        assert erlang.probability_of_waiting(agents, traffic) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(("agents", "traffic"), [(1100, 1000.0), (1520, 1500.0), (5200, 5000.0)])
def test_it_stays_accurate_for_thousands_of_agents(agents, traffic):
    waiting = erlang.probability_of_waiting(agents, traffic)

    assert 0 < waiting < 1
    assert waiting == pytest.approx(log_space_erlang_c(agents, traffic), rel=1e-8)


def test_service_level_and_asa_follow_from_the_probability_of_waiting():
    waiting = erlang.probability_of_waiting(12, 10.0)

    assert erlang.service_level(12, 10.0, 180, 20) == pytest.approx(
        1 - waiting * math.exp(-2 * 20 / 180)
    )
    assert erlang.average_speed_of_answer(12, 10.0, 180) == pytest.approx(waiting * 180 / 2)
    assert erlang.service_level(12, 10.0, 180, 0) == pytest.approx(1 - waiting)


def test_agents_for_service_level_is_the_fewest_that_reach_the_target():
    for traffic in (3.3, 10.0, 48.0, 480.0):
        agents = erlang.agents_for_service_level(traffic, 240, 15, 0.9)

        assert erlang.service_level(agents, traffic, 240, 15) >= 0.9
        fewer = agents - 1
        assert fewer <= traffic or erlang.service_level(fewer, traffic, 240, 15) < 0.9


def test_agents_for_asa_is_the_fewest_that_reach_the_target():
    agents = erlang.agents_for_asa(10.0, 180, target_asa=10)

    assert agents == 14
    assert erlang.average_speed_of_answer(14, 10.0, 180) <= 10
    assert erlang.average_speed_of_answer(13, 10.0, 180) > 10


def test_shrinkage_turns_agents_into_scheduled_staff():
    assert erlang.scheduled_staff(14, 0.3) == 20
    assert erlang.scheduled_staff(10, 0.2) == 13  # 12.5 people do not exist
    assert erlang.scheduled_staff(8, 0.2) == 10
    assert erlang.scheduled_staff(8, 0.0) == 8
    assert erlang.staffing(100, 1800, 180, shrinkage=0.3).scheduled == 20


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: erlang.traffic(0, 180), "arrival_rate"),
        (lambda: erlang.traffic(0.1, -3), "aht"),
        (lambda: erlang.traffic(float("nan"), 180), "arrival_rate"),
        (lambda: erlang.probability_of_waiting(10, 10.0), "100 %"),
        (lambda: erlang.probability_of_waiting(9, 10.0), "occupancy"),
        (lambda: erlang.probability_of_waiting(0, 0.5), "agents"),
        (lambda: erlang.probability_of_waiting(2.5, 1.0), "agents"),
        (lambda: erlang.service_level(12, 10.0, 180, -1), "threshold"),
        (lambda: erlang.agents_for_service_level(10.0, 180, 20, 1.0), "target"),
        (lambda: erlang.agents_for_asa(10.0, 180, 0), "target_asa"),
        (lambda: erlang.scheduled_staff(10, 1.0), "shrinkage"),
        (lambda: erlang.staffing(0, 1800, 180), "calls"),
    ],
)
def test_it_rejects_inputs_without_an_answer_with_a_clear_message(call, words):
    with pytest.raises(ErlangInputError, match=words):
        call()


def test_input_errors_are_value_errors_for_callers_that_catch_those():
    assert issubclass(ErlangInputError, ValueError)
