"""The agent desktop's screen pop, citizen's file, headset test call and languages in Chromium
(fake microphone). No engine here: engine messages are played into the page's event hook."""

import json

import pytest
from django.test import Client

from sportello.accounts.roles import Role
from sportello.audit.models import AuditEvent
from sportello.switchboard.models import Agent
from tests.factories import CitizenProfileFactory, login_staff, make_staff

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["it", "fr", "ca", "es", "en"]


def _log_in_agent(page, live_server) -> Agent:
    user = make_staff(Role.AGENT, display_name="Anna Agente")
    agent = Agent.objects.create(user=user, sip_username="anna", device=Agent.Device.BROWSER)
    client = Client()
    login_staff(client, user)
    host = live_server.url.split("//")[1].split(":")[0]
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "domain": host, "path": "/"}])  # fmt: skip
    return agent


def _engine_says(page, message: dict) -> None:
    page.evaluate(
        "m => document.dispatchEvent(new CustomEvent('desktop:message', {detail: m}))", message
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_desktop_is_accessible_and_lists_its_shortcuts_in_every_language(
    page, live_server, assert_accessible, lang
):
    _log_in_agent(page, live_server)
    page.goto(f"{live_server.url}/{lang}/switchboard/desktop/")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("#help-heading + dl kbd", has_text="Alt").count() >= 14
    assert_accessible(page)


def test_the_headset_test_call_plays_the_microphone_back_with_a_moving_meter(
    page, live_server, assert_accessible
):
    _log_in_agent(page, live_server)
    page.goto(f"{live_server.url}/en/switchboard/desktop/")
    test = page.get_by_role("button", name="Test call: hear myself")
    assert page.locator("#test-level").evaluate("m => m.value") == 0
    test.click()
    page.get_by_text("Speak: you should hear yourself").wait_for()
    # Chromium's fake microphone beeps: the level seen after the G.711 loop is not silence.
    page.wait_for_function(
        "() => Number(document.getElementById('test-level').dataset.peak) > 0.05"
    )
    assert page.locator("#microphone option").count() >= 2  # default + the fake device
    heard = page.evaluate("document.getElementById('test-audio').srcObject.getAudioTracks().length")
    assert heard == 1
    assert_accessible(page)
    page.keyboard.press("Alt+E")
    page.locator("#test-call[aria-pressed='false']").wait_for()
    assert page.locator("#test-audio").evaluate("a => a.srcObject") is None


def test_the_screen_pop_finds_the_caller_opens_the_file_and_dials_from_it(
    page, live_server, assert_accessible
):
    citizen = CitizenProfileFactory(given_name="Anna", family_name="Bianchi", phone="333 123 4567",
                                    fiscal_code="BNCNNA80A41A326K")  # fmt: skip
    _log_in_agent(page, live_server)
    page.goto(f"{live_server.url}/en/switchboard/desktop/")
    page.evaluate("window.sent = []; document.addEventListener('desktop:send', "
                  "e => window.sent.push(e.detail))")  # fmt: skip
    _engine_says(page, {"type": "agent.offer", "call": "c-1", "sdp": "", "caller": "+393331234567",
                        "queue": "jobs-it", "queue_id": 1, "language": "it", "waited": 3})  # fmt: skip
    link = page.locator("#citizen-panel").get_by_role("link", name="Anna Bianchi")
    link.wait_for()
    assert page.locator("#wrap-citizen").input_value() == str(citizen.pk)
    assert_accessible(page)

    with page.context.expect_page() as opened:
        link.click()
    file_page = opened.value
    file_page.get_by_role("heading", name="File of Anna Bianchi").wait_for()
    assert AuditEvent.objects.filter(action="switchboard.citizen_file_viewed",
                                     details={"call": "c-1"}).count() == 1  # fmt: skip
    assert_accessible(file_page)
    file_page.get_by_role("button", name="Call 333 123 4567").click()
    file_page.get_by_text("The agent desktop is placing the call.").wait_for()
    assert page.evaluate("window.sent") == [{"type": "dial", "number": "333 123 4567"}]

    page.bring_to_front()
    page.keyboard.press("Alt+C")
    assert page.evaluate("document.activeElement.id") == "citizen-query"
    page.keyboard.type("BNCNNA80A41A326K")
    page.keyboard.press("Enter")
    page.locator("#citizen-panel[data-loaded='search'] [data-citizen]").wait_for()
    assert page.locator("#wrap-citizen option").count() == 2
    _engine_says(page, {"type": "dial.refused", "reason": "invalid_number"})
    assert page.locator("#citizen-status").text_content() == "This is not a valid phone number."
    assert json.loads(page.locator("#ice-servers").text_content()) == []
