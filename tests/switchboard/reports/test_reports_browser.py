"""Report, wallboard, Erlang and help pages in real Chromium, checked with axe-core."""

import pytest
from django.test import Client
from django.utils import timezone

from sportello.accounts.roles import Role
from sportello.switchboard.models import AgentSkill, QueueEntry
from tests.factories import login_staff, make_staff
from tests.switchboard.reports.helpers import make_agent, make_entry, make_queue

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server) -> None:  # noqa: F811
    client = Client()
    login_staff(client, make_staff(Role.SUPERVISOR))
    host = live_server.url.split("//")[1].split(":")[0]
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    page.context.add_cookies([cookie | {"domain": host, "path": "/"}])


def test_supervisor_pages_are_accessible_and_the_chart_draws(page, live_server, assert_accessible):  # noqa: F811
    q, anna = make_queue("lavoro-it"), make_agent("anna")
    AgentSkill.objects.create(agent=anna, skill=q.skill)
    today = timezone.localtime().replace(hour=9, minute=0)
    make_entry(q, today, 10, agent=anna, talk=100, wrap=20)
    make_entry(q, today, 3, "abandoned")
    _log_in(page, live_server)

    page.goto(f"{live_server.url}/en/switchboard/reports/")
    page.wait_for_function(
        "window.Chart && Chart.getChart(document.getElementById('report-chart'))"
    )
    assert page.locator(".report-chart:not([hidden])").count() == 1
    assert_accessible(page)

    page.goto(f"{live_server.url}/en/switchboard/wallboard/")
    page.get_by_role("heading", name="lavoro-it").wait_for()
    assert page.get_by_role("button", name="Full screen").is_visible()
    assert_accessible(page)
    waiting = page.locator('[data-queue="lavoro-it"] [data-field="waiting"]')
    assert waiting.text_content() == "0"
    entry = make_entry(q, timezone.now(), 0)
    QueueEntry.objects.filter(pk=entry.pk).update(left_at=None, outcome="")
    # this live server has no WebSockets: the page says so and re-reads every 5 seconds
    page.locator("[data-feed-status]:text-matches('^Connection lost')").wait_for()
    page.locator('[data-queue="lavoro-it"] [data-field="waiting"]:text-is("1")').wait_for()

    page.goto(f"{live_server.url}/en/switchboard/reports/erlang/?calls=100&aht=180"
              "&interval_minutes=15&threshold=20&target_sl=80&shrinkage=30")  # fmt: skip
    page.get_by_role("heading", name="Agents needed").wait_for()
    assert_accessible(page)
    page.goto(f"{live_server.url}/en/switchboard/reports/erlang/?calls=100&aht=0"
              "&interval_minutes=15&threshold=20&target_sl=80&shrinkage=30")  # fmt: skip
    page.locator("#form-errors").wait_for()
    assert_accessible(page)

    for path in ["reports/help/", "reports/forecast/", "reports/schedules/"]:
        page.goto(f"{live_server.url}/en/switchboard/{path}")
        assert_accessible(page)
