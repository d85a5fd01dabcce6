"""The agent desktop with real peers (engine, rtpengine, SIPp caller, Chromium): mute, keypad
digits, a WebSocket dropped mid-call, a tab closed while ringing, click-to-dial."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from sportello.accounts.roles import Role
from sportello.switchboard.models import Agent, AgentSkill, Call, Skill, Trunk
from tests.factories import login_staff, make_staff
from tests.switchboard.engine import test_engine_browser_agent as browser_agent_tests
from tests.switchboard.engine.conftest import SERVICE, Sipp, free_port
from tests.switchboard.engine.engine_fixtures import media_port
from tests.switchboard.engine.test_engine_browser_agent import (
    _browser_agent,
    _received_packets,
    _reload,
    wait_until,
)

engine, web, chromium = (
    browser_agent_tests.engine,
    browser_agent_tests.web,
    browser_agent_tests.chromium,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous"),
]


def _another_agent(name: str) -> tuple[Agent, str]:
    user = make_staff(Role.AGENT, display_name=name)
    agent = Agent.objects.create(user=user, sip_username=name.lower(), languages=["it"],
                                 device=Agent.Device.BROWSER)  # fmt: skip
    AgentSkill.objects.create(agent=agent, skill=Skill.objects.get(code="jobs"), level=1)
    client = Client()
    login_staff(client, user)
    return agent, client.cookies["sessionid"].value


async def _desktop(chromium, web, session, sockets=None):
    context = await chromium.new_context()
    await context.add_cookies([{"name": "sessionid", "value": session, "url": web}])
    await context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    if sockets is not None:  # let the test drop the desktop's WebSocket

        async def through(ws):
            sockets.append((ws, ws.connect_to_server()))

        await context.route_web_socket("**/ws/agent/", through)
    page = await context.new_page()
    await page.goto(f"{web}/en/switchboard/desktop/")
    await page.get_by_text("Connected.").wait_for()
    await page.keyboard.press("Alt+V")
    await page.locator("#current-state", has_text="Available").wait_for()
    return context, page


def _caller(engine, tmp_path, scenario="trunk_caller_waits.xml"):
    sipp = Sipp(tmp_path, engine.endpoint.local_address("udp")[1])
    return asyncio.ensure_future(sipp.run(
        scenario, "-p", str(free_port()), "-mi", "127.0.0.1", "-mp", str(media_port()),
    ))  # fmt: skip


async def _answer(page):
    await page.get_by_role("button", name="Answer").wait_for()
    await page.keyboard.press("Alt+A")
    await page.get_by_role("button", name="Hang up").wait_for()

    async def hears():
        return await _received_packets(page) > 50

    await wait_until(hears)


async def _sent_packets(page) -> int:
    return await page.evaluate("""async () => {
        let n = 0;
        (await window.sportelloPeer.getStats()).forEach((r) => {
            if (r.type === "outbound-rtp" && r.kind === "audio") n = r.packetsSent;
        });
        return n;
    }""")


async def _call_ended():
    return await sync_to_async(Call.objects.filter(ended_at__isnull=False).exists)()


async def test_mute_disables_the_outgoing_track_and_keypad_digits_reach_the_engine(
    engine, web, chromium, tmp_path
):
    agent, session = await sync_to_async(_browser_agent)()
    await _reload(engine)
    digits = []
    protocol = engine.dtmf._transport.get_protocol()
    heard = protocol.callback
    protocol.callback = lambda event: (digits.append(event), heard(event))
    context, page = await _desktop(chromium, web, session)
    caller = _caller(engine, tmp_path)
    await _answer(page)

    track_enabled = "() => window.sportelloPeer.getSenders()[0].track.enabled"
    assert await page.evaluate(track_enabled) is True
    await page.keyboard.press("Alt+M")
    assert await page.locator("#mute").get_attribute("aria-pressed") == "true"
    assert await page.evaluate(track_enabled) is False
    sent = await _sent_packets(page)

    async def still_sending():  # muted is silence, not a dropped stream
        return await _sent_packets(page) > sent + 25

    await wait_until(still_sending)
    await page.keyboard.press("Alt+M")
    assert await page.evaluate(track_enabled) is True

    await page.keyboard.press("Alt+K")
    await page.keyboard.type("5#")  # typed fast: the second digit must not replace the first
    call = next(iter(engine.calls.values()))

    async def digits_reported():
        return [e.digit for e in digits if e.call_id == call.id] == ["5", "#"]

    await wait_until(digits_reported)
    assert all(e.tag != call.caller_tag for e in digits)  # pressed on the agent's side
    await page.keyboard.press("Alt+H")
    code, log = await caller
    assert code == 0, log
    await wait_until(_call_ended)
    await context.close()


async def test_a_dropped_websocket_reconnects_and_the_call_carries_on(
    engine, web, chromium, tmp_path, switchboard_settings
):
    switchboard_settings.SWITCHBOARD_AGENT_GRACE_SECONDS = 30
    agent, session = await sync_to_async(_browser_agent)()
    await _reload(engine)
    sockets = []
    context, page = await _desktop(chromium, web, session, sockets)
    caller = _caller(engine, tmp_path)
    await _answer(page)
    assert len(sockets) == 1

    browser_side, server_side = sockets[0]
    server_side.close()  # Playwright's server side closes without awaiting
    await browser_side.close()
    await page.get_by_text("Connection lost: reconnecting…").wait_for()

    async def reconnected():
        return await page.locator("#connection").text_content() == "Connected."

    await wait_until(reconnected)
    assert len(sockets) == 2
    await page.locator("#current-state", has_text="On a call").wait_for()
    before = await _received_packets(page)

    async def audio_goes_on():
        return await _received_packets(page) > before + 50

    await wait_until(audio_goes_on)
    assert not await _call_ended() and engine.acd.agent_state(agent.id) == "on_call"
    await page.get_by_role("button", name="Hang up").click()  # over the new socket
    code, log = await caller
    assert code == 0, log
    await wait_until(_call_ended)
    call = await sync_to_async(Call.objects.get)()
    assert call.end_reason == Call.EndReason.AGENT_HANGUP and call.agent_id == agent.id
    await context.close()


async def test_a_tab_closed_while_ringing_sends_the_call_to_the_next_agent(
    engine, web, chromium, tmp_path, switchboard_settings
):
    switchboard_settings.SWITCHBOARD_AGENT_GRACE_SECONDS = 1
    first, first_session = await sync_to_async(_browser_agent)()
    second, second_session = await sync_to_async(_another_agent)("Bruno")
    await _reload(engine)
    desks = {first.id: await _desktop(chromium, web, first_session),
             second.id: await _desktop(chromium, web, second_session)}  # fmt: skip
    caller = _caller(engine, tmp_path)

    async def one_rings():
        return any(
            [await page.locator("#answer:not([hidden])").count() for _, page in desks.values()]
        )

    await wait_until(one_rings)
    ringing = None
    for agent_id, (_, page) in desks.items():
        if await page.locator("#answer:not([hidden])").count():
            ringing = agent_id
    other = second.id if ringing == first.id else first.id
    await desks[ringing][0].close()  # the tab goes away while the call rings there

    await _answer(desks[other][1])
    assert engine.acd.agent_state(ringing) == "offline"
    await desks[other][1].keyboard.press("Alt+H")
    code, log = await caller
    assert code == 0, log
    await wait_until(_call_ended)
    call = await sync_to_async(Call.objects.get)()
    assert call.agent_id == other and call.end_reason == Call.EndReason.AGENT_HANGUP
    await desks[other][0].close()


async def test_click_to_dial_rings_the_desktop_then_the_citizen_showing_the_service_number(
    engine, web, chromium, tmp_path
):
    agent, session = await sync_to_async(_browser_agent)()
    citizen_port = free_port()
    await sync_to_async(Trunk.objects.update)(port=citizen_port)
    await _reload(engine)
    context, page = await _desktop(chromium, web, session)
    sipp = Sipp(tmp_path, engine.endpoint.local_address("udp")[1])
    citizen = sipp.answer("citizen_answer.xml", citizen_port, media_port(), "-d", "4000",
                          "-trace_msg", echo=False)  # fmt: skip
    await page.evaluate("""() => document.dispatchEvent(new CustomEvent("desktop:send",
        {detail: {type: "dial", number: "333 765 4321"}}))""")
    await page.get_by_role("button", name="Hang up").wait_for()  # answered by itself
    assert await page.locator("#call-caller").text_content() == "+393337654321"
    await page.locator("#current-state", has_text="Paused (outbound)").wait_for()

    async def hears_the_citizen():
        return await _received_packets(page) > 50

    await wait_until(hears_the_citizen)
    code, log = await citizen
    assert code == 0, log
    await page.get_by_label("Outcome", exact=True).wait_for()
    await wait_until(_call_ended)
    call = await sync_to_async(Call.objects.get)()
    assert call.direction == Call.Direction.OUTBOUND and call.agent_id == agent.id
    assert call.caller_number == SERVICE and call.called_number == "+393337654321"
    assert call.end_reason == Call.EndReason.CALLER_HANGUP
    messages = next(tmp_path.glob("citizen_answer_*_messages.log")).read_text()
    assert f"From: <sip:{SERVICE}@" in messages and "INVITE sip:393337654321@" in messages
    await page.locator("#current-state", has_text="Available").wait_for()

    await page.get_by_role("button", name="Save outcome").click()  # no code: a note only
    await page.get_by_text("Outcome saved.").wait_for()
    await page.evaluate("""() => document.dispatchEvent(new CustomEvent("desktop:send",
        {detail: {type: "dial", number: "12"}}))""")
    await page.get_by_text("This is not a valid phone number.").wait_for()
    await context.close()
