"""Screen pop and citizen's file on the agent desktop: matching, search, audit, notes, roles."""

import uuid

import pytest
from django.utils import timezone

from sportello.accounts.models import RoleAssignment
from sportello.accounts.roles import Role
from sportello.audit.models import AuditEvent
from sportello.helpdesk.choices import Channel, Need
from sportello.helpdesk.models import Booking
from sportello.switchboard import citizens
from sportello.switchboard.models import Agent, Call, CallNote, Queue, QueueEntry, Skill, WrapUpCode
from tests.factories import CitizenProfileFactory, UserFactory, login_staff, make_staff
from tests.helpdesk.factories import at, day_after_tomorrow, make_mediator
from tests.hiring.factories import make_call, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    user = make_staff(Role.AGENT)
    return Agent.objects.create(user=user, sip_username="desk1", languages=["it"])


@pytest.fixture
def anna():
    return CitizenProfileFactory(
        given_name="Anna", family_name="Bianchi", fiscal_code="BNCNNA80A41A326K",
        phone="333 123 4567", user=UserFactory(email="anna@example.org"),
    )  # fmt: skip


@pytest.fixture
def answered_call(agent):
    skill = Skill.objects.create(code="jobs", name="Jobs")
    queue = Queue.objects.create(code="jobs-it", name="Jobs", skill=skill, language="it")
    WrapUpCode.objects.create(queue=queue, code="info", label="Information given")
    now = timezone.now()
    call = Call.objects.create(sip_call_id="x", caller_number="3331234567", called_number="800",
                               started_at=now, answered_at=now, ended_at=now, agent=agent)  # fmt: skip
    QueueEntry.objects.create(call=call, queue=queue, entered_at=now, agent=agent)
    return call


def test_it_matches_the_caller_in_any_written_form(anna):
    CitizenProfileFactory(given_name="Other", phone="0165 123456")
    CitizenProfileFactory(given_name="Shorter", phone="31234567")
    assert citizens.for_phone("+393331234567") == [anna]
    assert citizens.for_phone("3331234567") == [anna]
    assert citizens.for_phone("not a number") == []
    assert citizens.for_phone("+390165999999") == []


def test_it_searches_by_fiscal_code_or_every_word_of_the_name(anna):
    CitizenProfileFactory(given_name="Anna", family_name="Verdi")
    assert citizens.search("bncnna80a41a326k") == [anna]
    assert citizens.search("anna bian") == [anna]
    assert len(citizens.search("Anna")) == 2
    with pytest.raises(citizens.SearchError):
        citizens.search(" an ")


def test_it_pops_the_caller_for_agents_only_and_audits_the_listing(client, agent, anna):
    url = "/en/switchboard/citizens/?phone=%2B393331234567&part=1"
    assert client.get(url).status_code == 302
    login_staff(client, make_staff(Role.OPERATOR))
    assert client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(action="switchboard.citizens_listed").exists()
    login_staff(client, agent.user)
    page = client.get(url + "&call=abc")
    assert page.status_code == 200 and b"Anna Bianchi" in page.content
    assert f'/switchboard/citizens/{anna.pk}/?call=abc"'.encode() in page.content
    assert b"<html" not in page.content
    event = AuditEvent.objects.get(action="switchboard.citizens_listed")
    assert event.actor == agent.user and event.details == {"by": "phone", "citizens": [anna.pk]}
    unknown = client.get("/en/switchboard/citizens/?phone=0165999999&part=1")
    assert b"No citizen has the number 0165999999" in unknown.content


def test_a_too_short_search_gets_a_clear_error_and_logs_nothing(client, agent, anna):
    login_staff(client, agent.user)
    bad = client.get("/en/switchboard/citizens/?q=an")
    assert bad.status_code == 400 and b"Type at least 3 characters" in bad.content
    assert not AuditEvent.objects.filter(action="switchboard.citizens_listed").exists()
    found = client.get("/en/switchboard/citizens/?q=Bianchi")
    assert found.status_code == 200 and b"Anna Bianchi" in found.content
    assert b"<html" in found.content  # without JavaScript: the whole page


def test_opening_the_file_is_audited_and_shows_applications_appointments_notes(
    client, agent, anna, answered_call
):
    applied = make_call(title="Giardinieri")
    submit(applied, citizen=anna.user)
    make_call(title="Bidelli")  # open, not applied for: an assisted application is possible
    mediator = make_mediator()
    start = at(day_after_tomorrow(), 9)
    Booking.objects.create(
        mediator=mediator, place=mediator.availability.first().place, start=start,
        end=start + timezone.timedelta(minutes=30), name="Anna", phone="+393331234567",
        language="it", need=Need.choices[0][0], channel=Channel.PHONE,
    )  # fmt: skip
    CallNote.objects.create(call=answered_call, citizen=anna, text="Asked about SPID.")
    login_staff(client, agent.user)
    page = client.get(f"/en/switchboard/citizens/{anna.pk}/?call={answered_call.pk}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Giardinieri" in text and "Asked about SPID." in text and "Phone call" in text
    assert 'data-number="333 123 4567"' in text and "/help/staff/book/" in text
    assert "/assisted/" not in text  # agents alone do not file applications
    event = AuditEvent.objects.get(action="switchboard.citizen_file_viewed")
    assert event.actor == agent.user and event.subject == anna.user
    assert event.details == {"call": str(answered_call.pk)}

    operator = make_staff(Role.AGENT)  # an office operator who also answers the phone
    RoleAssignment.objects.create(user=operator, role=Role.OPERATOR)
    Agent.objects.create(user=operator, sip_username="desk2")
    login_staff(client, operator)
    both = client.get(f"/en/switchboard/citizens/{anna.pk}/").content.decode()
    assert both.count("/assisted/?query=BNCNNA80A41A326K") == 1 and "Bidelli" in both
    assert client.get("/en/switchboard/citizens/999999/").status_code == 404


def test_the_wrap_up_note_goes_to_the_citizen_file(client, agent, anna, answered_call):
    login_staff(client, agent.user)
    url = "/en/switchboard/desktop/wrap-up/"
    data = {"call": answered_call.pk, "code": "info", "note": "Wants an appointment."}
    no_citizen = client.post(url, data)
    assert no_citizen.status_code == 400
    assert no_citizen.json()["error"] == "Choose the citizen the note is about."
    too_long = client.post(url, data | {"citizen": anna.pk, "note": "x" * 2001})
    assert too_long.status_code == 400 and "too long" in too_long.json()["error"]
    answered_call.refresh_from_db()
    assert answered_call.wrap_up_code == "" and not CallNote.objects.exists()

    assert client.post(url, data | {"citizen": anna.pk}).json()["ok"]
    note = CallNote.objects.get()
    assert (note.citizen, note.call, note.author) == (anna, answered_call, agent.user)
    assert AuditEvent.objects.filter(
        action="switchboard.call_note_added", subject=anna.user
    ).exists()
    assert client.post(url, {"call": answered_call.pk, "code": "info"}).json()["ok"]
    assert CallNote.objects.count() == 1  # no note, no citizen needed


def test_an_outbound_call_is_wrapped_up_by_its_bridge_id_without_a_code(client, agent):
    now = timezone.now()
    call = Call.objects.create(sip_call_id="28a456e13508efde49309ac2744f8ee8", direction=Call.Direction.OUTBOUND,
                               caller_number="800", called_number="39333", started_at=now,
                               agent=agent)  # fmt: skip
    login_staff(client, agent.user)
    url = "/en/switchboard/desktop/wrap-up/"
    # a bridge id looks like a UUID without dashes
    assert client.post(url, {"call": "28a456e13508efde49309ac2744f8ee8", "code": ""}).json()["ok"]
    assert client.post(url, {"call": "nope", "code": ""}).status_code == 404
    assert client.post(url, {"call": str(uuid.uuid4()), "code": ""}).status_code == 404
    made_up = {"call": "28a456e13508efde49309ac2744f8ee8", "code": "made-up"}
    assert client.post(url, made_up).status_code == 400
    call.refresh_from_db()
    assert call.wrap_up_code == ""
