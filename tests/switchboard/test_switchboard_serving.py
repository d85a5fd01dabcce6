"""Agents who may choose pick the services they answer today, before they log in."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from sportello.accounts.roles import Role
from sportello.audit.models import AuditEvent
from sportello.switchboard import serving
from sportello.switchboard.engine import config
from sportello.switchboard.engine.browser import COMMANDS
from sportello.switchboard.models import Agent, AgentSkill, AgentStateChange, Skill
from tests.factories import login_staff, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture
def agent():
    agent = Agent.objects.create(
        user=make_staff(Role.AGENT), sip_username="desk1", languages=["it"], chooses_queues=True
    )
    for code in ("jobs", "helpdesk"):
        skill = Skill.objects.create(code=code, name=code.title())
        AgentSkill.objects.create(agent=agent, skill=skill)
    return agent


def skill_id(code):
    return Skill.objects.get(code=code).pk


def serving_codes(agent):
    return set(config.serving_skills(agent.pk))


def test_the_chosen_services_route_the_next_login_and_are_audited(agent):
    serving.choose(agent, {skill_id("helpdesk")}, by=agent.user)
    assert serving_codes(agent) == {"helpdesk"}
    assert config.load().agents_by_id[agent.pk].skills == {"helpdesk": 1}
    event = AuditEvent.objects.get(action="switchboard.services_chosen")
    assert event.details == {"skills": ["helpdesk"]}


@pytest.mark.parametrize(
    ("change", "chosen", "message"),
    [
        ("not allowed", {"jobs"}, "Your supervisor sets the services you answer."),
        ("logged in", {"jobs"}, "Log out of the queues first"),
        (None, set(), "Choose at least one service."),
        (None, {"other"}, "Choose services from the list."),
    ],
)
def test_a_refused_choice_changes_nothing(agent, change, chosen, message):
    Skill.objects.create(code="other", name="Other")
    if change == "not allowed":
        Agent.objects.filter(pk=agent.pk).update(chooses_queues=False)
        agent.refresh_from_db()
    if change == "logged in":
        AgentStateChange.objects.create(agent=agent, state="available", at=timezone.now())
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        serving.choose(agent, {skill_id(code) for code in chosen}, by=agent.user)
    assert serving_codes(agent) == {"jobs", "helpdesk"}
    assert not AuditEvent.objects.filter(action="switchboard.services_chosen").exists()


def test_the_desktop_form_saves_and_tells_the_engine(client, agent):
    login_staff(client, agent.user)
    page = client.get("/en/switchboard/desktop/").content.decode()
    assert "Services I answer today" in page and 'name="skill"' in page
    response = client.post(
        "/en/switchboard/desktop/services/", {"skill": [skill_id("jobs")]}, follow=True
    )
    assert "from your next login" in response.content.decode()
    assert serving_codes(agent) == {"jobs"}
    command = async_to_sync(get_channel_layer().receive)(COMMANDS)
    assert command == {"type": "skills", "agent": agent.pk}


def test_a_tampered_form_is_refused(client, agent):
    login_staff(client, agent.user)
    response = client.post("/en/switchboard/desktop/services/", {"skill": ["x"]}, follow=True)
    assert "Choose services from the list." in response.content.decode()
    assert serving_codes(agent) == {"jobs", "helpdesk"}


def test_agents_who_may_not_choose_see_no_form(client, agent):
    Agent.objects.filter(pk=agent.pk).update(chooses_queues=False)
    login_staff(client, agent.user)
    assert "Services I answer today" not in client.get("/en/switchboard/desktop/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_engine_takes_the_new_services_for_the_next_login(agent):
    from types import SimpleNamespace

    from sportello.switchboard.engine.engine import Engine

    engine = SimpleNamespace(config=config.load())
    serving.choose(agent, {skill_id("jobs")}, by=agent.user)
    async_to_sync(Engine.refresh_agent_skills)(engine, agent.pk)
    assert engine.config.agents_by_id[agent.pk].profile().skills == {"jobs": 1}
    assert engine.config.agents["desk1"].skills == {"jobs": 1}
