"""Erlang C calculator, wallboard JSON, forecast, help page, scheduled e-mails."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from sportello.accounts.roles import Role
from sportello.switchboard.acd import erlang
from sportello.switchboard.models import (
    AgentSkill,
    AgentStateChange,
    Queue,
    QueueEntry,
    ReportSchedule,
)
from sportello.switchboard.reports import forecast, schedule
from tests.factories import login_staff, make_staff
from tests.switchboard.reports.helpers import at, make_agent, make_entry, make_queue, state

pytestmark = pytest.mark.django_db
ERLANG = "/en/switchboard/reports/erlang/"
BASE = {"calls": 100, "interval_minutes": 15, "aht": 180, "threshold": 20, "target_sl": 80,
        "shrinkage": 30}  # fmt: skip


@pytest.fixture
def supervisor(client):
    login_staff(client, make_staff(Role.SUPERVISOR))
    return client


def test_erlang_page_gives_the_agents_acd_erlang_gives(supervisor):
    response = supervisor.get(ERLANG, BASE)
    assert response.status_code == 200
    expected = erlang.staffing(100, 900, 180, 20, 0.8, 0.3)
    answer = response.context["answer"]
    assert (answer.agents, answer.scheduled) == (expected.agents, expected.scheduled)
    assert f'data-result="agents">{expected.agents}<' in response.text
    assert answer.service_level >= 0.8


def test_erlang_page_can_target_an_asa_or_evaluate_given_agents(supervisor):
    by_asa = supervisor.get(ERLANG, BASE | {"target_asa": 10}).context["answer"]
    assert by_asa.agents == erlang.agents_for_asa(20.0, 180, 10)
    given = supervisor.get(ERLANG, BASE | {"agents": 25}).context["answer"]
    assert given.agents == 25 and given.given_agents
    assert given.occupancy == pytest.approx(20 / 25)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"agents": 20}, "occupancy would be 100 %"),
        ({"agents": 10}, "10 agents cannot carry 20.0 Erlangs"),
        ({"aht": 0}, "Ensure this value is greater than or equal to 0.001."),
        ({"calls": -5}, "Ensure this value is greater than or equal to 0.001."),
        ({"target_sl": 100}, "Ensure this value is less than or equal to 99.9."),
        ({"shrinkage": 100}, "Ensure this value is less than or equal to 99.9."),
        ({"aht": "abc"}, "Enter a number."),
    ],
)
def test_erlang_page_explains_bad_input(supervisor, change, message):
    response = supervisor.get(ERLANG, BASE | change)
    assert response.status_code == 400
    assert message in response.text
    assert response.context["answer"] is None


def test_wallboard_json_has_live_and_today_figures_with_status_text(supervisor):
    q = make_queue("lavoro-it", threshold=100)
    anna, bruno = make_agent("anna"), make_agent("bruno")
    for agent in (anna, bruno):
        AgentSkill.objects.create(agent=agent, skill=q.skill)
    state(anna, AgentStateChange.State.AVAILABLE, timezone.now())
    state(bruno, AgentStateChange.State.PAUSED, timezone.now())
    now = timezone.now()
    make_entry(q, now - timezone.timedelta(seconds=30), 10, agent=anna, talk=60, wrap=10)
    waiting = make_entry(q, now - timezone.timedelta(seconds=150), 0)  # T < 150 s ≤ 3T
    QueueEntry.objects.filter(pk=waiting.pk).update(left_at=None, outcome="")
    data = supervisor.get("/en/switchboard/wallboard/data/").json()
    [board] = data["queues"]
    assert board["waiting"] == 1 and board["longest_wait"] >= 150
    assert board["wait_status"] == {"level": "warning", "label": "Warning"}
    assert board["agents"]["available"] == 1 and board["agents"]["paused"] == 1
    assert (board["offered"], board["answered"], board["service_level"]) == (2, 1, 50.0)
    assert board["sl_status"]["level"] == "alert"
    page = supervisor.get("/en/switchboard/wallboard/").text
    assert 'data-source="/en/switchboard/wallboard/data/"' in page
    assert "<script>" not in page


@pytest.mark.parametrize(
    ("target", "level"), [(50, "ok"), (60, "warning"), (70, "warning"), (71, "alert")]
)
def test_service_level_status_follows_the_queue_target(supervisor, target, level):
    q = make_queue("lavoro-it", threshold=20)
    Queue.objects.filter(pk=q.pk).update(service_level_target=target)
    anna = make_agent("anna")
    now = timezone.now()
    make_entry(q, now - timezone.timedelta(seconds=90), 10, agent=anna, talk=60, wrap=10)
    make_entry(q, now - timezone.timedelta(seconds=50), 30, agent=anna, talk=60, wrap=10)
    [board] = supervisor.get("/en/switchboard/wallboard/data/").json()["queues"]
    assert board["service_level"] == 50.0 and board["sl_target"] == target
    assert board["sl_status"]["level"] == level


def test_forecast_averages_the_same_weekday_and_interval(settings):
    q, anna = make_queue(), make_agent("anna")
    today = at("2026-03-25 12:00").date()  # a Wednesday
    for monday in ["2026-03-02", "2026-03-09", "2026-03-16"]:  # 3 of the last 4 weeks
        for i in range(4):
            make_entry(q, at(f"{monday} 09:0{i}"), 10, agent=anna, talk=170, wrap=10)
    state(anna, AgentStateChange.State.AVAILABLE, at("2026-03-16 09:00"))
    state(anna, AgentStateChange.State.OFFLINE, at("2026-03-16 09:15"))
    rows = forecast.forecast(today, weeks=4, ahead=1)
    [row] = rows
    assert row.start == at("2026-03-30 09:00")
    assert row.calls == pytest.approx(3)  # 12 calls over 4 weeks
    assert row.required.agents == erlang.staffing(3, 900, 180).agents
    assert row.logged_in == pytest.approx(0.25)


def test_forecast_and_help_pages_render(supervisor):
    assert supervisor.get("/en/switchboard/reports/forecast/", {"weeks": 0}).status_code == 400
    assert "No history" in supervisor.get("/en/switchboard/reports/forecast/").text
    text = supervisor.get("/en/switchboard/reports/help/").text
    assert "Answered within T seconds ÷ (offered − short abandoned)" in text
    assert "(talk + hold + wrap-up) ÷ (logged-in − paused) time" in text


def test_schedule_periods():
    monday, first = at("2026-03-02 08:00").date(), at("2026-04-01 08:00").date()
    assert schedule.period("daily", monday) == (at("2026-03-01 0:00").date(),) * 2
    assert schedule.period("weekly", monday)[0] == at("2026-02-23 0:00").date()
    assert schedule.period("weekly", first) is None
    assert schedule.period("monthly", first) == (
        at("2026-03-01 0:00").date(),
        at("2026-03-31 0:00").date(),
    )


def test_a_supervisor_schedules_a_report_with_valid_addresses(supervisor):
    url = "/en/switchboard/reports/schedules/"
    form = {"name": "Daily", "frequency": "daily", "granularity": "hour", "group_by": "queue",
            "recipients": "capo@example.org\nnot-an-address", "active": "on"}  # fmt: skip
    response = supervisor.post(url, form)
    assert "“not-an-address” is not an e-mail address." in response.text
    assert not ReportSchedule.objects.exists()
    assert supervisor.post(url, form | {"recipients": "capo@example.org"}).status_code == 302
    assert ReportSchedule.objects.get().recipient_list() == ["capo@example.org"]


def test_the_command_mails_due_reports_once_a_day():
    q = make_queue()
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    make_entry(q, at(f"{yesterday} 09:00"), 10)
    ReportSchedule.objects.create(name="Daily", recipients="a@example.org\nb@example.org")
    ReportSchedule.objects.create(name="Off", recipients="c@example.org", active=False)
    call_command("send_scheduled_reports")
    call_command("send_scheduled_reports")  # already sent today
    [message] = mail.outbox
    assert message.to == ["a@example.org", "b@example.org"]
    assert "Offered: 1" in message.body
    name, content, _type = message.attachments[0]
    assert name.endswith(".csv") and content.splitlines()[1].split(",")[1:3] == ["lavoro-it", "1"]
    assert ReportSchedule.objects.get(name="Daily").last_sent_on == timezone.localdate()
