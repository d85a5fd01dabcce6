"""15-minute buckets at their boundaries, roll-ups, and occupancy from agent states."""

from datetime import timedelta

import pytest

from sportello.switchboard.models import AgentStateChange
from sportello.switchboard.reports import agents, queues, report
from sportello.switchboard.reports.filters import Filters, GroupBy, RangeError
from sportello.switchboard.reports.intervals import Granularity
from tests.switchboard.reports.helpers import at, make_agent, make_entry, make_queue, state

pytestmark = pytest.mark.django_db
State = AgentStateChange.State


def _starts(granularity, start="2026-03-01 00:00", end="2026-04-01 00:00"):
    rows = queues.queue_rows(Filters(at(start), at(end), granularity))
    return [(row.start, row.tally.offered) for row in rows]


def test_entries_fall_in_the_interval_that_starts_at_or_before_them():
    q = make_queue()
    for moment in ["09:14:59", "09:15:00", "09:29:59.5", "09:30:00", "23:59:59"]:
        hms = moment.split(".")[0]
        entered = at(f"2026-03-02 {hms}")
        if "." in moment:
            entered += timedelta(milliseconds=500)
        make_entry(q, entered, 10)
    assert _starts(Granularity.INTERVAL) == [
        (at("2026-03-02 09:00"), 1),
        (at("2026-03-02 09:15"), 2),
        (at("2026-03-02 09:30"), 1),
        (at("2026-03-02 23:45"), 1),
    ]


def test_intervals_roll_up_to_hour_day_week_and_month():
    q = make_queue()
    for moment in ["2026-03-02 09:05", "2026-03-02 09:50", "2026-03-02 10:00",
                   "2026-03-08 23:59", "2026-03-09 00:00", "2026-03-31 23:59"]:  # fmt: skip
        make_entry(q, at(moment), 10)
    assert _starts(Granularity.HOUR)[:2] == [
        (at("2026-03-02 09:00"), 2),
        (at("2026-03-02 10:00"), 1),
    ]
    assert _starts(Granularity.DAY)[0] == (at("2026-03-02 00:00"), 3)
    # weeks start on Monday: Sunday the 8th belongs to the week of Monday the 2nd
    assert _starts(Granularity.WEEK) == [
        (at("2026-03-02 00:00"), 4),
        (at("2026-03-09 00:00"), 1),
        (at("2026-03-30 00:00"), 1),
    ]
    assert _starts(Granularity.MONTH) == [(at("2026-03-01 00:00"), 6)]


def test_the_range_end_is_exclusive():
    q = make_queue()
    make_entry(q, at("2026-03-02 00:00"), 10)
    assert _starts(Granularity.DAY, "2026-03-01 00:00", "2026-03-02 00:00") == []


@pytest.mark.parametrize(
    ("start", "end"),
    [("2026-03-02 00:00", "2026-03-01 00:00"), ("2025-01-01 00:00", "2026-03-01 00:00")],
)
def test_inverted_and_overlong_ranges_are_refused(start, end):
    with pytest.raises(RangeError):
        Filters(at(start), at(end))


def test_occupancy_is_busy_over_logged_in_less_paused_time():
    anna = make_agent("anna")
    state(anna, State.AVAILABLE, at("2026-03-02 08:50"))  # before the range: carried in
    state(anna, State.ON_CALL, at("2026-03-02 09:10"))
    state(anna, State.WRAP_UP, at("2026-03-02 09:20"))
    state(anna, State.PAUSED, at("2026-03-02 09:25"))
    state(anna, State.AVAILABLE, at("2026-03-02 09:35"))
    state(anna, State.OFFLINE, at("2026-03-02 09:45"))
    filters = Filters(at("2026-03-02 09:00"), at("2026-03-02 10:00"), Granularity.INTERVAL)
    times = agents.agent_time(filters)
    first = times[(at("2026-03-02 09:00"), None)]
    assert (first.logged_in, first.busy, first.paused) == (900, 300, 0)
    second = times[(at("2026-03-02 09:15"), None)]
    assert (second.logged_in, second.busy, second.paused) == (900, 600, 300)
    assert second.occupancy == pytest.approx(1.0)
    hourly = agents.agent_time(
        Filters(at("2026-03-02 09:00"), at("2026-03-02 10:00"), Granularity.HOUR)
    )
    whole = hourly[(at("2026-03-02 09:00"), None)]
    assert whole.occupancy == pytest.approx(900 / (2700 - 600))


def test_report_rows_carry_occupancy_when_all_queues_are_shown():
    q, anna = make_queue(), make_agent("anna")
    make_entry(q, at("2026-03-02 09:05"), 10, agent=anna, talk=100, wrap=20)
    state(anna, State.AVAILABLE, at("2026-03-02 09:00"))
    state(anna, State.ON_CALL, at("2026-03-02 09:05"))
    state(anna, State.AVAILABLE, at("2026-03-02 09:10"))
    state(anna, State.OFFLINE, at("2026-03-02 09:15"))
    filters = Filters(
        at("2026-03-02 00:00"), at("2026-03-03 00:00"), Granularity.HOUR, GroupBy.AGENT
    )
    built = report.build(filters)
    assert [(r.group, r.occupancy) for r in built.rows] == [("anna", pytest.approx(1 / 3))]
    assert built.occupancy == pytest.approx(1 / 3)


def test_each_interval_shows_agents_required_beside_agents_logged_in():
    from sportello.switchboard.acd import erlang

    q, anna = make_queue(threshold=30), make_agent("anna")
    for minute in range(4):
        make_entry(q, at(f"2026-03-02 09:0{minute}"), 10, agent=anna, talk=170, wrap=10)
    state(anna, State.AVAILABLE, at("2026-03-02 09:00"))
    state(anna, State.OFFLINE, at("2026-03-02 09:30"))
    day = (at("2026-03-02 00:00"), at("2026-03-03 00:00"))
    [row] = report.build(Filters(*day, Granularity.INTERVAL)).rows
    assert row.required == erlang.staffing(4, 900, 180, threshold=20).agents
    assert row.logged_in == pytest.approx(1.0)
    [one_queue] = report.build(Filters(*day, Granularity.INTERVAL, queue_ids=(q.pk,))).rows
    assert one_queue.required == erlang.staffing(4, 900, 180, threshold=30).agents
    [daily] = report.build(Filters(*day, Granularity.DAY)).rows
    assert daily.required is None
