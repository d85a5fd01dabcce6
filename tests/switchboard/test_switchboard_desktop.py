"""The agent desktop and live-view pages: roles, wrap-up codes, a supervisor's state change."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone

from sportello.accounts.roles import Role
from sportello.audit.models import AuditEvent
from sportello.switchboard.engine.browser import COMMANDS
from sportello.switchboard.models import Agent, Call, Queue, QueueEntry, Skill, WrapUpCode
from tests.factories import login_staff, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture
def agent():
    user = make_staff(Role.AGENT)
    return Agent.objects.create(user=user, sip_username="desk1", languages=["it"])


@pytest.fixture
def answered_call(agent):
    skill = Skill.objects.create(code="jobs", name="Jobs")
    queue = Queue.objects.create(code="jobs-it", name="Jobs", skill=skill, language="it")
    WrapUpCode.objects.create(queue=queue, code="info", label="Information given")
    now = timezone.now()
    call = Call.objects.create(sip_call_id="x", caller_number="0165123", called_number="800",
                               started_at=now, answered_at=now, ended_at=now, agent=agent)  # fmt: skip
    QueueEntry.objects.create(call=call, queue=queue, entered_at=now, agent=agent)
    return call


def test_the_desktop_is_for_verified_agents(client, agent):
    assert client.get("/en/switchboard/desktop/").status_code == 302
    login_staff(client, make_staff(Role.OPERATOR))
    assert client.get("/en/switchboard/desktop/").status_code == 403
    login_staff(client, agent.user)
    page = client.get("/en/switchboard/desktop/")
    assert page.status_code == 200
    assert b"desktop.js" in page.content and b'id="desktop-strings"' in page.content
    assert b"Alt</kbd>+<kbd>A" in page.content


def test_an_agent_saves_a_wrap_up_code_of_the_call_queue(client, agent, answered_call):
    login_staff(client, agent.user)
    bad = client.post("/en/switchboard/desktop/wrap-up/", {"call": answered_call.pk, "code": "x"})
    assert bad.status_code == 400
    ok = client.post("/en/switchboard/desktop/wrap-up/", {"call": answered_call.pk, "code": "info"})
    assert ok.json()["ok"]
    answered_call.refresh_from_db()
    assert answered_call.wrap_up_code == "info"
    page = client.get("/en/switchboard/desktop/")
    assert b"Information given" in page.content and page.context["calls_today"] == 1


def test_an_outcome_is_needed_only_where_the_queue_requires_one(client, agent, answered_call):
    login_staff(client, agent.user)
    url = "/en/switchboard/desktop/wrap-up/"
    assert client.post(url, {"call": answered_call.pk, "code": ""}).json()["ok"]
    WrapUpCode.objects.filter(code="info").update(required=True)
    refused = client.post(url, {"call": answered_call.pk, "code": ""})
    assert refused.status_code == 400 and "Choose an outcome" in refused.json()["error"]
    page = client.get("/en/switchboard/desktop/").content.decode()
    assert 'id="wrap-none"' in page and 'data-required="1"' in page


def test_another_agent_cannot_wrap_up_the_call(client, agent, answered_call):
    other = make_staff(Role.AGENT)
    Agent.objects.create(user=other, sip_username="desk2")
    login_staff(client, other)
    response = client.post(
        "/en/switchboard/desktop/wrap-up/", {"call": answered_call.pk, "code": "info"}
    )
    assert response.status_code == 404


def test_a_supervisor_sees_agents_and_forces_a_state_audited(client, agent, answered_call):
    login_staff(client, agent.user)
    assert client.get("/en/switchboard/live/").status_code == 403
    supervisor = make_staff(Role.SUPERVISOR)
    login_staff(client, supervisor)
    page = client.get("/en/switchboard/live/")
    assert page.status_code == 200 and str(agent).encode() in page.content
    assert client.get("/en/switchboard/live/?part=1").content.count(b"<table") == 2
    response = client.post("/en/switchboard/live/state/", {"agent": agent.pk, "state": "paused"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="switchboard.agent_state_forced")
    assert event.actor == supervisor and event.details == {"state": "paused"}
    command = async_to_sync(get_channel_layer().receive)(COMMANDS)
    assert command == {
        "type": "state",
        "agent": agent.pk,
        "state": "paused",
        "reason": "supervisor",
    }
