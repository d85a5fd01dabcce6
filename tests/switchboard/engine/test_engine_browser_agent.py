"""A browser agent answers a trunk call: real engine, rtpengine, SIPp caller and Chromium.

The web app (uvicorn) and the engine run on the test's event loop with the in-memory channel
layer, as the embedded `serve` command runs them; Chromium talks WebRTC to rtpengine.
"""

import asyncio
import re

import pytest
import uvicorn
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import Client

from sportello.accounts.roles import Role
from sportello.switchboard.engine import config
from sportello.switchboard.engine.media.ng import leg_stats
from sportello.switchboard.models import (
    Agent,
    AgentSkill,
    Call,
    Queue,
    QueueEntry,
    WrapUpCode,
)
from tests.conftest import AXE_URL, CHROMIUM
from tests.factories import login_staff, make_staff
from tests.switchboard.engine.conftest import Sipp, free_port, make_switchboard
from tests.switchboard.engine.engine_fixtures import (
    call_ended,
    media_port,
    open_desktop,
    start_engine,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # WhiteNoise serves static files with a sync iterator; Django warns under ASGI.
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous"),
]

CALLER = "3331234567"


@pytest.fixture
async def engine(switchboard_settings):
    switchboard_settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    }
    running = await start_engine()
    yield running.engine
    await running.stop()
    await sync_to_async(connections.close_all)()


@pytest.fixture
async def web(engine):
    from sportello.asgi import application

    port = free_port(kind=1)
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port,
                                           lifespan="off", ws="websockets-sansio", log_level="warning"))  # fmt: skip
    task = asyncio.ensure_future(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@pytest.fixture
async def chromium():
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-background-networking",
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            "--autoplay-policy=no-user-gesture-required",
        ])  # fmt: skip
        yield browser
        await browser.close()


def _browser_agent():
    setup = make_switchboard(agents=0)
    Queue.objects.filter(pk=setup.queue.pk).update(ring_seconds=20)
    WrapUpCode.objects.create(queue=setup.queue, code="info", label="Information given")
    user = make_staff(Role.AGENT, display_name="Anna Agente")
    agent = Agent.objects.create(user=user, sip_username="anna", languages=["it"],
                                 device=Agent.Device.BROWSER)  # fmt: skip
    AgentSkill.objects.create(agent=agent, skill=setup.queue.skill, level=1)
    client = Client()
    login_staff(client, user)
    return agent, client.cookies["sessionid"].value


async def _reload(engine):
    engine.config = await sync_to_async(config.load)()
    for queue in engine.config.queues_by_id.values():
        engine.acd.add_queue(queue.acd)


async def wait_until(predicate, attempts=600, delay=0.1):
    for _ in range(attempts):
        if await predicate():
            return
        await asyncio.sleep(delay)
    raise AssertionError("condition never became true")


async def _axe_violations(page, base: str) -> list:
    await page.add_script_tag(url=base + AXE_URL)
    results = await page.evaluate("async () => await axe.run(document)")
    return [v["id"] for v in results["violations"] if v["impact"] in ("serious", "critical")]


async def _received_packets(page) -> int:
    return await page.evaluate("""async () => {
        let n = 0;
        if (!window.sportelloPeer) return 0;
        (await window.sportelloPeer.getStats()).forEach((r) => {
            if (r.type === "inbound-rtp" && r.kind === "audio") n = r.packetsReceived;
        });
        return n;
    }""")


async def test_a_browser_agent_answers_a_trunk_call_with_audio_both_ways(
    engine, web, chromium, tmp_path
):
    agent, session = await sync_to_async(_browser_agent)()
    await _reload(engine)
    context, page = await open_desktop(chromium, web, session, {"width": 1280, "height": 900})
    assert await _axe_violations(page, web) == []

    await page.get_by_label("State", exact=True).select_option("available")
    await page.get_by_role("button", name="Change state").click()
    await page.locator("#current-state", has_text="Available").wait_for()
    assert engine.acd.agent_state(agent.id) == "available"

    sipp = Sipp(tmp_path, engine.endpoint.local_address("udp")[1])
    caller = asyncio.ensure_future(sipp.run(
        "trunk_caller.xml", "-p", str(free_port()), "-mi", "127.0.0.1",
        "-mp", str(media_port()), "-d", "8000",
    ))  # fmt: skip
    answer = page.get_by_role("button", name="Answer")
    await answer.wait_for()
    assert await page.locator("#call-caller").text_content() == CALLER
    assert await page.locator("#call-queue").text_content() == "jobs-it"
    assert CALLER in await page.locator("#announcer").text_content()
    assert await _axe_violations(page, web) == []
    await answer.click()
    await page.get_by_role("button", name="Hang up").wait_for()

    async def browser_hears_the_caller():
        return await _received_packets(page) > 50

    await wait_until(browser_hears_the_caller)
    code, log = await caller
    assert code == 0, log

    await page.get_by_label("Outcome", exact=True).select_option("info")
    await page.get_by_role("button", name="Save outcome").click()
    await page.get_by_text("Outcome saved.").wait_for()
    assert await _axe_violations(page, web) == []
    await context.close()

    await wait_until(call_ended)
    call = await sync_to_async(Call.objects.get)()
    assert call.agent_id == agent.id and call.answered_at is not None
    assert call.end_reason == Call.EndReason.CALLER_HANGUP and call.wrap_up_code == "info"
    entry = await sync_to_async(QueueEntry.objects.get)(call=call)
    assert entry.outcome == QueueEntry.Outcome.ANSWERED and entry.agent_id == agent.id

    # rtpengine received the caller's tone and the browser's (fake microphone) audio.
    legs = leg_stats(engine.finished_media[call.sip_call_id])
    caller_leg = next(leg for tag, leg in legs.items() if "SIPpTag00" in tag)
    assert caller_leg.packets > 100, legs
    assert any(leg.packets > 100 for tag, leg in legs.items() if "SIPpTag00" not in tag), legs


async def test_an_agent_hangs_up_with_the_keyboard_and_is_logged_out_after_the_grace(
    engine, web, chromium, tmp_path, switchboard_settings
):
    switchboard_settings.SWITCHBOARD_AGENT_GRACE_SECONDS = 1
    agent, session = await sync_to_async(_browser_agent)()
    await _reload(engine)
    context, page = await open_desktop(chromium, web, session)
    await page.get_by_label("State", exact=True).select_option("available")
    await page.get_by_role("button", name="Change state").click()
    await page.locator("#current-state", has_text="Available").wait_for()

    sipp = Sipp(tmp_path, engine.endpoint.local_address("udp")[1])
    caller = asyncio.ensure_future(sipp.run(
        "trunk_caller_waits.xml", "-p", str(free_port()), "-mi", "127.0.0.1",
        "-mp", str(media_port()),
    ))  # fmt: skip
    await page.get_by_role("button", name="Answer").wait_for()
    await page.keyboard.press("Alt+A")
    await page.get_by_role("button", name="Hang up").wait_for()
    await page.locator("#current-state", has_text="On a call").wait_for()

    async def browser_hears_the_caller():
        return await _received_packets(page) > 50

    await wait_until(browser_hears_the_caller)
    await page.keyboard.press("Alt+H")
    code, log = await caller
    assert code == 0, log
    await page.get_by_label("Outcome", exact=True).wait_for()

    await wait_until(call_ended)
    call = await sync_to_async(Call.objects.get)()
    assert call.end_reason == Call.EndReason.AGENT_HANGUP and call.agent_id == agent.id

    assert engine.acd.agent_state(agent.id) != "offline"
    await context.close()

    async def logged_out():
        return engine.acd.agent_state(agent.id) == "offline"

    await wait_until(logged_out)


def _supervisor_session() -> str:
    client = Client()
    login_staff(client, make_staff(Role.SUPERVISOR))
    return client.cookies["sessionid"].value


async def test_a_supervisor_watches_live_and_pauses_a_stuck_agent(engine, web, chromium):
    agent, agent_session = await sync_to_async(_browser_agent)()
    supervisor_session = await sync_to_async(_supervisor_session)()
    await _reload(engine)
    engine.set_agent_state(agent.id, "available")
    context = await chromium.new_context()
    await context.add_cookies([{"name": "sessionid", "value": supervisor_session, "url": web}])
    await context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = await context.new_page()
    await page.goto(f"{web}/en/switchboard/live/")
    row = page.locator(f"tr[data-agent='{agent.id}']")
    await row.get_by_role("cell", name=re.compile("^Available")).wait_for()
    assert await _axe_violations(page, web) == []

    await page.get_by_label("New state for Anna Agente").select_option("paused")
    await page.get_by_role("button", name="Apply Anna Agente").click()
    await page.get_by_text("State change sent for Anna Agente.").wait_for()
    await row.get_by_role("cell", name=re.compile("^Paused")).wait_for()
    assert engine.acd.agent_state(agent.id) == "paused"
    assert await _axe_violations(page, web) == []
    await context.close()
