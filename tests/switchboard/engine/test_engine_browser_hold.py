"""A browser agent holds and resumes a trunk call: WebRTC media must survive it (real peers).

Hold must not touch the browser's DTLS-SRTP session: after resuming, audio flows both ways again
and rtpengine counts no SRTP errors.
"""

import asyncio
import logging

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from sportello.accounts.roles import Role
from sportello.switchboard.engine.media.ng import leg_stats
from sportello.switchboard.models import Agent, AgentSkill, QueueEntry
from tests.factories import login_staff, make_staff
from tests.switchboard.engine.conftest import Sipp, free_port, make_switchboard
from tests.switchboard.engine.engine_fixtures import (
    call_ended,
    media_args,
    media_port,
    open_desktop,
)
from tests.switchboard.engine.test_engine_browser_agent import (  # fixtures and helpers
    _received_packets,
    _reload,
    chromium,
    engine,
    wait_until,
    web,
)
from tests.switchboard.engine.test_engine_browser_transfer import (
    _agents,
    _consult_packets,
    _patient_caller,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous"),
]
__all__ = ["chromium", "engine", "web"]


def _browser_agent_on_queue():
    setup = make_switchboard(agents=0)
    user = make_staff(Role.AGENT, display_name="Bruno Browser")
    agent = Agent.objects.create(user=user, sip_username="bruno", languages=["it"],
                                 device=Agent.Device.BROWSER)  # fmt: skip
    AgentSkill.objects.create(agent=agent, skill=setup.queue.skill, level=1)
    client = Client()
    login_staff(client, user)
    return agent, client.cookies["sessionid"].value


async def _sent_packets(page) -> int:
    return await page.evaluate("""async () => {
        let n = 0;
        if (!window.sportelloPeer) return 0;
        (await window.sportelloPeer.getStats()).forEach((r) => {
            if (r.type === "outbound-rtp" && r.kind === "audio") n = r.packetsSent;
        });
        return n;
    }""")


async def _legs(engine, call):
    reply = await call.node.client.query(call.id)
    legs = leg_stats(reply)
    caller = next(leg for tag, leg in legs.items() if tag == call.caller_tag)
    agent = next(leg for tag, leg in legs.items() if tag == call.agent_tag)
    return caller, agent


async def _assert_audio_flows_both_ways_again(engine, call, page, caplog) -> None:
    """On the caller's call after a resume: both legs send again, the browser hears the caller,
    and rtpengine neither counts errors nor logs an SRTP failure (a broken DTLS-SRTP context)."""
    caller_at_resume, agent_at_resume = await _legs(engine, call)
    heard_at_resume, sent_at_resume = await _received_packets(page), await _sent_packets(page)

    async def audio_flows_both_ways_again():
        caller_now, agent_now = await _legs(engine, call)
        return (
            caller_now.packets > caller_at_resume.packets + 100
            and agent_now.packets > agent_at_resume.packets + 100
            and await _received_packets(page) > heard_at_resume + 100
        )

    await wait_until(audio_flows_both_ways_again)
    assert await _sent_packets(page) > sent_at_resume
    caller_now, agent_now = await _legs(engine, call)
    assert agent_now.errors == agent_at_resume.errors, (agent_at_resume, agent_now)
    assert caller_now.errors == caller_at_resume.errors, (caller_at_resume, caller_now)
    srtp = [r.getMessage() for r in caplog.records if "SRTP" in r.getMessage()]
    assert not [line for line in srtp if "fail" in line.lower()], srtp


async def test_a_browser_agent_holds_and_resumes_with_audio_both_ways_after(
    engine, web, chromium, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG, logger="sportello.switchboard.engine.media.node")
    agent, session = await sync_to_async(_browser_agent_on_queue)()
    await _reload(engine)
    context, page = await open_desktop(chromium, web, session)
    engine.set_agent_state(agent.id, "available")

    sipp = Sipp(tmp_path, engine.endpoint.local_address("udp")[1])
    caller = asyncio.ensure_future(sipp.run(
        "trunk_caller_holds.xml", "-p", str(free_port()), "-mi", "127.0.0.1",
        "-mp", str(media_port()),
    ))  # fmt: skip
    await page.get_by_role("button", name="Answer").click()
    await page.get_by_role("button", name="Hang up").wait_for()

    async def browser_hears_the_caller():
        return await _received_packets(page) > 50

    await wait_until(browser_hears_the_caller)
    call = next(c for c in engine.calls.values() if c.connected.is_set())

    hold = page.locator("#hold")
    await hold.click()  # hold
    await wait_until(lambda: asyncio.sleep(0, getattr(call, "held_since", None) is not None))
    await asyncio.sleep(2)
    await hold.click()  # resume
    await wait_until(lambda: asyncio.sleep(0, getattr(call, "held_since", None) is None))
    await _assert_audio_flows_both_ways_again(engine, call, page, caplog)

    await page.get_by_role("button", name="Hang up").click()
    code, log = await caller
    assert code == 0, log
    await context.close()

    await wait_until(call_ended)
    entry = await sync_to_async(QueueEntry.objects.get)()
    assert entry.agent_id == agent.id and entry.hold_seconds >= 2


async def test_a_browser_agent_back_from_a_cancelled_consultation_talks_to_the_caller_again(
    engine, web, chromium, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG, logger="sportello.switchboard.engine.media.node")
    anna, bruno, session = await sync_to_async(_agents)()
    await _reload(engine)
    context, page = await open_desktop(chromium, web, session)
    engine.set_agent_state(anna.id, "available")
    await page.locator("#current-state", has_text="Available").wait_for()

    sipp = Sipp(tmp_path, engine.endpoint.local_address("udp")[1])
    caller = asyncio.ensure_future(sipp.run(_patient_caller(tmp_path), *media_args()))
    await page.get_by_role("button", name="Answer").click()
    await page.locator("#current-state", has_text="On a call").wait_for()
    call = next(c for c in engine.calls.values() if c.connected.is_set())
    bruno_port = free_port()
    await sipp.register("bruno", bruno_port)
    phone = sipp.answer("agent_consults.xml", bruno_port, media_port(), "-trace_msg")

    await page.keyboard.press("Alt+T")
    agents = page.get_by_label("Available agent")
    await agents.locator(f"option[value='{bruno.id}']").wait_for(state="attached")
    await page.get_by_role("button", name="Consult first").click()
    await page.get_by_text("The target answered").wait_for()

    async def anna_hears_bruno():
        return await _consult_packets(page) > 50

    await wait_until(anna_hears_bruno)
    assert getattr(call, "held_since", None) is not None  # the caller is on hold meanwhile
    await page.get_by_role("button", name="Cancel transfer").click()
    await page.get_by_text("Transfer cancelled").wait_for()
    await wait_until(lambda: asyncio.sleep(0, getattr(call, "held_since", None) is None))
    assert (await phone)[0] == 0  # Bruno was hung up

    await _assert_audio_flows_both_ways_again(engine, call, page, caplog)
    await page.get_by_role("button", name="Hang up").click()
    code, log = await caller
    assert code == 0, log
    await context.close()
