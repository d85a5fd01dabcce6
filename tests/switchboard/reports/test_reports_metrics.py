"""Each DESIGN.md metric from hand-built queue entries with known answers."""

import pytest

from sportello.switchboard.models import QueueEntry
from sportello.switchboard.reports import queues
from sportello.switchboard.reports.filters import Filters, GroupBy
from sportello.switchboard.reports.intervals import Granularity
from tests.switchboard.reports.helpers import at, make_agent, make_entry, make_queue

pytestmark = pytest.mark.django_db
Outcome = QueueEntry.Outcome


@pytest.fixture
def history():
    """Queue A (T = 20 s) and B (T = 60 s), all in the 09:00-09:15 interval of 2026-03-02."""
    a, b = make_queue("a", 20), make_queue("b", 60, language="fr")
    anna = make_agent("anna")
    t = at("2026-03-02 09:00")
    make_entry(a, t, 10, agent=anna, talk=100, wrap=20, hold=10, wrap_up_code="info")
    make_entry(a, t, 20, agent=anna, talk=200, wrap=30, wrap_up_code="info")  # T exactly: within
    make_entry(a, t, 40, agent=anna, talk=60, wrap=0, wrap_up_code="booked")  # late
    make_entry(a, t, 3, Outcome.ABANDONED)  # short abandoned
    make_entry(a, t, 5, Outcome.ABANDONED)  # 5 s exactly: not short
    make_entry(a, t, 600, Outcome.TIMED_OUT)
    make_entry(a, t, 30, Outcome.CALLBACK)
    make_entry(b, t, 50, agent=anna, talk=90, wrap=30)  # within B's 60 s
    make_entry(b, t, 70, agent=anna, talk=90, wrap=30)  # late for B
    make_entry(b, t, 1, Outcome.FULL)
    return a, b


def _report(group_by=GroupBy.NONE, **kwargs):
    filters = Filters(
        at("2026-03-02 00:00"), at("2026-03-03 00:00"), Granularity.DAY, group_by, **kwargs
    )
    return queues.queue_rows(filters)


def test_counts_and_ratios_for_one_queue(history):
    a, _b = history
    [row] = _report(queue_ids=(a.pk,))
    t = row.tally
    assert (t.offered, t.answered, t.answered_within) == (7, 3, 2)
    assert (t.abandoned, t.short_abandoned, t.exited, t.callbacks) == (2, 1, 1, 1)
    assert t.service_level == pytest.approx(2 / 6)  # (offered − short abandoned) = 6
    assert t.asa == pytest.approx((10 + 20 + 40) / 3)
    assert t.aht == pytest.approx((100 + 10 + 20 + 200 + 30 + 60) / 3)
    assert t.abandon_rate == pytest.approx(1 / 6)  # acd.metrics: short abandoned left out


def test_service_level_uses_each_queues_own_threshold(history):
    rows = {row.group: row.tally for row in _report(GroupBy.QUEUE)}
    assert (rows["a"].answered_within, rows["b"].answered_within) == (2, 1)
    assert rows["b"].service_level == pytest.approx(1 / 3)
    everything = queues.total(list(_report()))
    assert (everything.offered, everything.answered_within) == (10, 3)


def test_groups_by_language_agent_and_wrap_up_code(history):
    by_language = {row.group: row.tally.offered for row in _report(GroupBy.LANGUAGE)}
    assert by_language == {"it": 7, "fr": 3}
    by_agent = {row.group: row.tally.answered for row in _report(GroupBy.AGENT)}
    assert by_agent == {"anna": 5, "": 0}
    by_code = {row.group: row.tally.answered for row in _report(GroupBy.WRAP_UP)}
    assert by_code == {"info": 2, "booked": 1, "": 2}


def test_an_empty_range_has_no_rows_and_ratios_are_none():
    make_queue("a")
    assert _report() == []
    assert queues.total([]).service_level is None
