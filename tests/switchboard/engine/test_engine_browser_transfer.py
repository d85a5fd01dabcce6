"""A browser agent answers a SIPp call and transfers it from the desktop to a SIP agent or to
another browser agent."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from sportello.accounts.roles import Role
from sportello.switchboard.forms import sip_ha1
from sportello.switchboard.models import (
    Agent,
    AgentSkill,
    Call,
    CallTransfer,
    IvrFlowVersion,
    QueueEntry,
)
from tests.factories import UserFactory, login_staff, make_staff
from tests.switchboard.engine import test_engine_browser_agent as browser_fixtures
from tests.switchboard.engine.conftest import AGENT_PASSWORD, SCENARIOS, Sipp, free_port
from tests.switchboard.engine.engine_fixtures import QUEUE_ONLY, media_args, media_port

pytestmark = browser_fixtures.pytestmark
engine, web, chromium = browser_fixtures.engine, browser_fixtures.web, browser_fixtures.chromium
wait_until, violations = browser_fixtures.wait_until, browser_fixtures._axe_violations


def _patient_caller(workdir) -> str:
    """trunk_transferred.xml hanging up after 45 s without news: a browser is slower than SIPp."""
    text = (SCENARIOS / "trunk_transferred.xml").read_text().replace('"20000"', '"45000"')
    path = workdir / "trunk_transferred_patient.xml"
    path.write_text(text)
    return str(path)


def _agents():
    anna, session = browser_fixtures._browser_agent()
    IvrFlowVersion.objects.update(definition=QUEUE_ONLY)
    bruno = Agent.objects.create(
        user=UserFactory(display_name="Bruno Bianchi"), sip_username="bruno",
        sip_ha1=sip_ha1("bruno", AGENT_PASSWORD), languages=["it"], device=Agent.Device.SIP,
    )  # fmt: skip
    skill = AgentSkill.objects.get(agent=anna).skill
    AgentSkill.objects.create(agent=bruno, skill=skill, level=1)
    return anna, bruno, session


async def test_a_browser_agent_transfers_a_call_to_another_agent(engine, web, chromium, tmp_path):
    anna, bruno, session = await sync_to_async(_agents)()
    await browser_fixtures._reload(engine)
    context = await chromium.new_context(viewport={"width": 1280, "height": 1000})
    await context.add_cookies([{"name": "sessionid", "value": session, "url": web}])
    await context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = await context.new_page()
    await page.goto(f"{web}/en/switchboard/desktop/")
    await page.get_by_text("Connected.").wait_for()
    await page.get_by_label("State", exact=True).select_option("available")
    await page.get_by_role("button", name="Change state").click()
    await page.locator("#current-state", has_text="Available").wait_for()

    sipp = Sipp(tmp_path, engine.endpoint.local_address("udp")[1])
    caller = asyncio.ensure_future(sipp.run(_patient_caller(tmp_path), *media_args()))
    await page.get_by_role("button", name="Answer").click()
    await page.locator("#current-state", has_text="On a call").wait_for()
    bruno_port = free_port()
    await sipp.register("bruno", bruno_port)  # free only now: the call went to Anna
    phone = sipp.answer("agent_answer.xml", bruno_port, media_port(), "-trace_msg")

    await page.keyboard.press("Alt+T")
    assert await page.evaluate("document.activeElement.id") == "transfer-to-agent"
    agents = page.get_by_label("Available agent")
    await agents.locator(f"option[value='{bruno.id}']").wait_for(state="attached")
    assert await agents.locator("option").all_text_contents() == ["Bruno Bianchi"]
    assert await violations(page, web) == []
    await page.keyboard.press("ArrowRight")  # the radio group: agent -> queue -> number
    await page.keyboard.press("ArrowRight")
    assert await page.get_by_label("A phone number").is_checked()
    await page.get_by_label("Phone number", exact=True).fill("not a number")
    await page.get_by_role("button", name="Transfer now").click()
    await page.get_by_text("This is not a valid phone number.").wait_for()
    assert await sync_to_async(CallTransfer.objects.count)() == 0
    await page.get_by_text("An agent", exact=True).click()
    assert await page.get_by_label("An agent").is_checked()
    await agents.select_option(str(bruno.id))
    await page.get_by_role("button", name="Transfer now").click()

    await page.get_by_text("Call transferred.").wait_for()
    await page.get_by_label("Outcome", exact=True).wait_for()  # Anna wraps up
    assert (await phone)[0] == 0  # Bruno's phone rang, answered and got the BYE at the end
    code, log = await caller
    assert code == 0, log
    await context.close()

    async def call_ended():
        return await sync_to_async(Call.objects.filter(ended_at__isnull=False).exists)()

    await wait_until(call_ended)
    record = await sync_to_async(Call.objects.get)()
    assert record.agent_id == bruno.id
    bruno_log = next(tmp_path.glob("agent_answer_*_messages.log")).read_text()
    assert f"X-Sportello-Call: {record.id}" in bruno_log
    transfer = await sync_to_async(CallTransfer.objects.get)()
    assert (transfer.kind, transfer.target_type, transfer.outcome) == (
        "blind",
        "agent",
        "completed",
    )
    assert transfer.by_agent_id == anna.id and transfer.target_agent_id == bruno.id
    entries = await sync_to_async(list)(QueueEntry.objects.order_by("id"))
    assert [(e.outcome, e.agent_id) for e in entries] == [
        ("answered", anna.id), ("answered", bruno.id)
    ]  # fmt: skip


async def _consult_packets(page) -> int:
    return await page.evaluate("""async () => {
        let n = 0;
        if (!window.sportelloConsultPeer) return 0;
        (await window.sportelloConsultPeer.getStats()).forEach((r) => {
            if (r.type === "inbound-rtp" && r.kind === "audio") n = r.packetsReceived;
        });
        return n;
    }""")


async def test_a_browser_agent_consults_an_agent_then_completes_the_transfer(
    engine, web, chromium, tmp_path
):
    anna, bruno, session = await sync_to_async(_agents)()
    await browser_fixtures._reload(engine)
    context = await chromium.new_context(viewport={"width": 1280, "height": 1000})
    await context.add_cookies([{"name": "sessionid", "value": session, "url": web}])
    await context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = await context.new_page()
    await page.goto(f"{web}/en/switchboard/desktop/")
    await page.get_by_text("Connected.").wait_for()
    engine.set_agent_state(anna.id, "available")
    await page.locator("#current-state", has_text="Available").wait_for()

    sipp = Sipp(tmp_path, engine.endpoint.local_address("udp")[1])
    caller = asyncio.ensure_future(sipp.run(_patient_caller(tmp_path), *media_args()))
    await page.get_by_role("button", name="Answer").click()
    await page.locator("#current-state", has_text="On a call").wait_for()
    bruno_port = free_port()
    await sipp.register("bruno", bruno_port)
    phone = sipp.answer("agent_consults.xml", bruno_port, media_port(), "-trace_msg")

    await page.keyboard.press("Alt+T")  # opens the panel and asks who is free now
    agents = page.get_by_label("Available agent")
    await agents.locator(f"option[value='{bruno.id}']").wait_for(state="attached")
    await page.get_by_role("button", name="Consult first").click()
    await page.get_by_text("The target answered").wait_for()
    assert engine.acd.agent_state(bruno.id) == "paused"

    async def anna_hears_bruno():  # Bruno's phone echoes Anna's (fake) microphone
        return await _consult_packets(page) > 50

    await wait_until(anna_hears_bruno)
    assert await violations(page, web) == []
    await page.get_by_role("button", name="Complete transfer").click()
    await page.get_by_text("Transfer completed.").wait_for()
    await page.get_by_label("Outcome", exact=True).wait_for()
    assert await page.evaluate("window.sportelloConsultPeer") is None
    code, log = await caller
    assert code == 0, log
    assert (await phone)[0] == 0
    await context.close()

    async def call_ended():
        return await sync_to_async(Call.objects.filter(ended_at__isnull=False).exists)()

    await wait_until(call_ended)
    record = await sync_to_async(Call.objects.get)()
    assert record.agent_id == bruno.id
    transfer = await sync_to_async(CallTransfer.objects.get)()
    assert (transfer.kind, transfer.outcome) == ("attended", "completed")
    assert transfer.by_agent_id == anna.id and transfer.answered_at is not None
    bruno_log = next(tmp_path.glob("agent_consults_*_messages.log")).read_text()
    assert bruno_log.count("INVITE sip:") >= 2  # called, then moved onto the caller's call


def _two_browser_agents():
    anna, anna_session = browser_fixtures._browser_agent()
    IvrFlowVersion.objects.update(definition=QUEUE_ONLY)
    user = make_staff(Role.AGENT, display_name="Carla Conti")
    carla = Agent.objects.create(
        user=user, sip_username="carla", languages=["it"], device=Agent.Device.BROWSER
    )
    skill = AgentSkill.objects.get(agent=anna).skill
    AgentSkill.objects.create(agent=carla, skill=skill, level=1)
    client = Client()
    login_staff(client, user)
    return anna, anna_session, carla, client.cookies["sessionid"].value


async def _desktop(chromium, web, session):
    context = await chromium.new_context(viewport={"width": 1280, "height": 1000})
    await context.add_cookies([{"name": "sessionid", "value": session, "url": web}])
    await context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = await context.new_page()
    await page.goto(f"{web}/en/switchboard/desktop/")
    await page.get_by_text("Connected.").wait_for()
    return context, page


@pytest.mark.xfail(
    reason="passes alone, but in the full CI run the second browser sometimes gets no audio "
    "(ICE/DTLS after the first browser's leg); being investigated",
    strict=False,
)
async def test_a_browser_agent_transfers_to_a_second_browser_agent_with_audio(
    engine, web, chromium, tmp_path
):
    anna, anna_session, carla, carla_session = await sync_to_async(_two_browser_agents)()
    await browser_fixtures._reload(engine)
    anna_context, anna_page = await _desktop(chromium, web, anna_session)
    carla_context, carla_page = await _desktop(chromium, web, carla_session)
    engine.set_agent_state(anna.id, "available")
    await anna_page.locator("#current-state", has_text="Available").wait_for()

    sipp = Sipp(tmp_path, engine.endpoint.local_address("udp")[1])
    caller = asyncio.ensure_future(sipp.run(_patient_caller(tmp_path), *media_args()))
    await anna_page.get_by_role("button", name="Answer").click()
    await anna_page.locator("#current-state", has_text="On a call").wait_for()
    engine.set_agent_state(carla.id, "available")  # free only now: the call went to Anna
    await carla_page.locator("#current-state", has_text="Available").wait_for()

    await anna_page.keyboard.press("Alt+T")
    agents = anna_page.get_by_label("Available agent")
    await agents.locator(f"option[value='{carla.id}']").wait_for(state="attached")
    await agents.select_option(str(carla.id))
    await anna_page.get_by_role("button", name="Transfer now").click()
    await anna_page.get_by_text("Call transferred.").wait_for()

    await carla_page.get_by_role("button", name="Answer").click()  # it rings at Carla's desk
    await carla_page.locator("#current-state", has_text="On a call").wait_for()

    async def carla_hears_the_caller():
        return await browser_fixtures._received_packets(carla_page) > 50

    await wait_until(carla_hears_the_caller)
    await carla_page.get_by_role("button", name="Hang up").click()
    code, log = await caller
    assert code == 0, log
    await anna_context.close()
    await carla_context.close()

    async def call_ended():
        return await sync_to_async(Call.objects.filter(ended_at__isnull=False).exists)()

    await wait_until(call_ended)
    record = await sync_to_async(Call.objects.get)()
    assert record.agent_id == carla.id
    transfer = await sync_to_async(CallTransfer.objects.get)()
    assert (transfer.target_agent_id, transfer.by_agent_id, transfer.outcome) == (
        carla.id,
        anna.id,
        "completed",
    )
    entries = await sync_to_async(list)(QueueEntry.objects.order_by("id"))
    assert [(e.outcome, e.agent_id) for e in entries] == [
        ("answered", anna.id), ("answered", carla.id)
    ]  # fmt: skip
