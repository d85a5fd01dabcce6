"""The book_appointment step: the helpline books a call-back appointment outside hours."""

import json

import pytest
from django.utils import translation

from sportello.accounts.roles import Role
from sportello.switchboard import ivr, setup
from sportello.switchboard.ivr import BookAppointment, Collect, Hangup, IvrSession, Play
from tests.factories import login_staff, make_staff


def booking_flow(**step):
    node = {"type": "book_appointment", "need": "spid", "next": "bye", "failed": "sorry", **step}
    return {
        "start": "book",
        "nodes": {
            "book": {k: v for k, v in node.items() if v is not None},
            "sorry": {"type": "voicemail", "skill": "helpdesk"},
            "bye": {"type": "hangup"},
        },
    }


def test_the_helpline_flow_is_valid():
    assert ivr.validate(ivr.HELPLINE_FLOW) == []
    assert ivr.validate(booking_flow()) == []


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ({"need": "astrology"}, "needs one of these help-desk needs"),
        ({"need": None}, "needs one of these help-desk needs"),
        ({"next": None}, "needs a 'next' step (booked) and a 'failed' step"),
        ({"failed": None}, "needs a 'next' step (booked) and a 'failed' step"),
        ({"failed": "nowhere"}, "points to 'nowhere', which does not exist"),
        ({"next": 3}, "needs a 'next' step (booked) and a 'failed' step"),
    ],
)
def test_a_booking_step_without_a_need_or_its_exits_is_refused(step, message):
    with translation.override("en"):
        errors = ivr.validate(booking_flow(**step))
    assert len(errors) == 1 and message in errors[0], errors


def test_outside_hours_a_caller_books_and_hears_it_is_booked():
    session = IvrSession(ivr.HELPLINE_FLOW, is_open=False)
    session.start()
    assert session.digit("2") == [Play("helpline_closed_menu", "fr"), Collect(6.0)]
    assert session.digit("1") == [BookAppointment("spid", "fr")]
    assert session.booked(True) == [Play("appointment_booked", "fr")]
    assert session.prompt_ended() == [Play("goodbye", "fr"), Hangup("flow_end")]
    assert session.path == ["lang", "hours", "closed_menu", "book", "bye"]


def test_when_nothing_is_free_the_caller_hears_so_and_takes_the_failed_exit():
    session = IvrSession(booking_flow(), is_open=False, language="es")
    assert session.start() == [BookAppointment("spid", "es")]
    assert session.booked(False) == [Play("appointment_failed", "es")]
    assert session.digit("1") == []  # no menu here: keys do nothing
    assert session.prompt_ended()[0].__class__ is ivr.LeaveVoicemail
    assert session.path == ["book", "sorry"]


def test_a_booking_answer_outside_a_booking_step_does_nothing():
    session = IvrSession(ivr.HELPLINE_FLOW, is_open=True)
    session.start()
    assert session.booked(True) == []


def test_in_opening_hours_the_helpline_caller_reaches_the_mediators():
    session = IvrSession(ivr.HELPLINE_FLOW, is_open=True)
    session.start()
    assert session.digit("5") == [ivr.EnterQueue("helpdesk", "en")]


@pytest.mark.django_db
def test_the_flow_editor_refuses_an_unknown_need_and_changes_nothing(client):
    login_staff(client, make_staff(Role.ADMINISTRATOR))
    flow = setup.ensure_default_configuration()
    response = client.post(
        f"/en/switchboard/config/flows/{flow.pk}/versions/",
        {"name": flow.name, "definition": json.dumps(booking_flow(need="astrology"))},
    )
    assert response.status_code == 200
    assert "needs one of these help-desk needs" in response.content.decode()
    assert flow.versions.count() == 1


@pytest.mark.django_db
def test_the_flow_editor_saves_a_booking_step(client):
    login_staff(client, make_staff(Role.ADMINISTRATOR))
    flow = setup.ensure_default_configuration()
    response = client.post(
        f"/en/switchboard/config/flows/{flow.pk}/versions/",
        {"name": flow.name, "definition": json.dumps(booking_flow())},
    )
    assert response.status_code == 302
    assert flow.current_version().definition["nodes"]["book"]["need"] == "spid"


@pytest.mark.django_db
def test_the_default_configuration_has_the_helpline_flow():
    setup.ensure_default_configuration()
    setup.ensure_default_configuration()  # idempotent
    helpline = setup.IvrFlow.objects.get(name=setup.HELPLINE_FLOW_NAME)
    assert helpline.current_version().definition == ivr.HELPLINE_FLOW
    assert helpline.opening_hours.count() == 5


@pytest.mark.django_db
def test_the_demo_helpline_number_books_appointments_out_of_hours():
    from sportello.switchboard import demo
    from sportello.switchboard.models import ServiceNumber

    demo.seed()
    demo.seed()  # idempotent
    number = ServiceNumber.objects.get(number=demo.HELPLINE_NUMBER)
    nodes = number.flow.current_version().definition["nodes"]
    assert nodes[nodes["hours"]["closed"]]["options"]["1"] == "book"
    assert nodes["book"]["type"] == "book_appointment"
    assert ServiceNumber.objects.count() == 2
