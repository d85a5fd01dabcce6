"""A browser agent answers a SIPp call and transfers it from the desktop to a SIP agent or to
another browser agent."""

import asyncio

from asgiref.sync import sync_to_async
from django.test import Client

from sportello.accounts.roles import Role
from sportello.switchboard.engine import consult_desk
from sportello.switchboard.engine.media.ng import leg_stats
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
from tests.switchboard.engine.conftest import AGENT_PASSWORD, Sipp, free_port
from tests.switchboard.engine.engine_fixtures import (
    QUEUE_ONLY,
    call_ended,
    caller_hangs_up,
    connected_call,
    media_args,
    media_port,
    open_desktop,
    scenario_variant,
)

pytestmark = browser_fixtures.pytestmark
engine, web, chromium = browser_fixtures.engine, browser_fixtures.web, browser_fixtures.chromium
wait_until, violations = browser_fixtures.wait_until, browser_fixtures._axe_violations


def _patient_caller(workdir) -> str:
    """trunk_transferred.xml hanging up after 45 s without news: a browser is slower than SIPp."""
    return scenario_variant(
        workdir, "trunk_transferred.xml", "trunk_transferred_patient.xml", '"20000"', '"45000"', 2
    )


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
    context, page = await open_desktop(chromium, web, session)
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
    await wait_until(_transfer_answered)
    caller_hangs_up(await connected_call(engine))
    assert (await phone)[0] == 0  # Bruno's phone rang, answered and got the BYE at the end
    code, log = await caller
    assert code == 0, log
    await context.close()

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
    context, page = await open_desktop(chromium, web, session)
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
    await wait_until(_transfer_closed)
    caller_hangs_up(await connected_call(engine))
    code, log = await caller
    assert code == 0, log
    assert (await phone)[0] == 0
    await context.close()

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


async def _anna_on_a_call_carla_free(engine, web, chromium, tmp_path, scenario):
    """Two browser desks: Anna answers the SIPp caller, then Carla becomes available."""
    anna, anna_session, carla, carla_session = await sync_to_async(_two_browser_agents)()
    await browser_fixtures._reload(engine)
    anna_desk = await open_desktop(chromium, web, anna_session)
    carla_desk = await open_desktop(chromium, web, carla_session)
    anna_page, carla_page = anna_desk[1], carla_desk[1]
    engine.set_agent_state(anna.id, "available")
    await anna_page.locator("#current-state", has_text="Available").wait_for()

    sipp = Sipp(tmp_path, engine.endpoint.local_address("udp")[1])
    caller = asyncio.ensure_future(sipp.run(scenario, *media_args()))
    await anna_page.get_by_role("button", name="Answer").click()
    await anna_page.locator("#current-state", has_text="On a call").wait_for()
    engine.set_agent_state(carla.id, "available")  # free only now: the call went to Anna
    await carla_page.locator("#current-state", has_text="Available").wait_for()
    return anna, carla, anna_desk, carla_desk, caller


async def _transfer_to(page, agent_id: int, button: str) -> None:
    """Open the transfer panel, pick the agent and press ``button``."""
    await page.keyboard.press("Alt+T")
    agents = page.get_by_label("Available agent")
    await agents.locator(f"option[value='{agent_id}']").wait_for(state="attached")
    await agents.select_option(str(agent_id))
    await page.get_by_role("button", name=button).click()


async def _carla_talks_then_hangs_up(carla, carla_page, caller, contexts):
    """Carla hears the caller and hangs up; the call record names her."""
    await carla_page.locator("#current-state", has_text="On a call").wait_for()

    async def carla_hears_the_caller():
        return await browser_fixtures._received_packets(carla_page) > 50

    await wait_until(carla_hears_the_caller)
    await carla_page.get_by_role("button", name="Hang up").click()
    code, log = await caller
    assert code == 0, log
    for context in contexts:
        await context.close()
    await wait_until(call_ended)
    record = await sync_to_async(Call.objects.get)()
    assert record.agent_id == carla.id


async def test_a_browser_agent_transfers_to_a_second_browser_agent_with_audio(
    engine, web, chromium, tmp_path
):
    (
        anna,
        carla,
        (anna_context, anna_page),
        (carla_context, carla_page),
        caller,
    ) = await _anna_on_a_call_carla_free(engine, web, chromium, tmp_path, _patient_caller(tmp_path))
    await _transfer_to(anna_page, carla.id, "Transfer now")
    await anna_page.get_by_text("Call transferred.").wait_for()

    await carla_page.get_by_role("button", name="Answer").click()  # it rings at Carla's desk
    await _carla_talks_then_hangs_up(carla, carla_page, caller, [anna_context, carla_context])
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


# -- consulting a browser agent --------------------------------------------------------------


async def _consultation_answered(call):
    async def answered():
        consult = getattr(call, "consult", None)
        return consult is not None and bool(consult.agent_moved)

    await wait_until(answered)
    return call.consult


async def _sip_agent_on_a_call(engine, sipp, tmp_path, caller_scenario):
    """Bruno's phone takes the caller (Anna's desk is open but not available yet)."""
    bruno_port = free_port()
    await sipp.register("bruno", bruno_port)
    phone = sipp.answer("agent_consults.xml", bruno_port, media_port(), "-trace_msg")
    caller = asyncio.ensure_future(sipp.run(caller_scenario, *media_args()))
    for _ in range(300):
        if live := [c for c in engine.calls.values() if c.connected.is_set()]:
            return live[0], caller, phone
        await asyncio.sleep(0.1)
    raise AssertionError("no call was connected to Bruno")


async def test_a_sip_agent_consults_a_browser_agent_who_then_takes_the_call(
    engine, web, chromium, tmp_path
):
    anna, bruno, session = await sync_to_async(_agents)()
    await browser_fixtures._reload(engine)
    context, page = await open_desktop(chromium, web, session)
    sipp = Sipp(tmp_path, engine.endpoint.local_address("udp")[1])
    call, caller, phone = await _sip_agent_on_a_call(
        engine, sipp, tmp_path, _patient_caller(tmp_path)
    )
    assert call.agent_id == bruno.id
    engine.set_agent_state(anna.id, "available")
    await page.locator("#current-state", has_text="Available").wait_for()

    assert await engine.consult(call.id, agent_id=anna.id)
    await page.get_by_text("A colleague asks you about a call").wait_for()
    await page.get_by_role("button", name="Answer").click()
    await _consultation_answered(call)
    assert call.held_since is not None  # the caller hears music meanwhile

    async def anna_hears_bruno():  # Bruno's phone echoes Anna's (fake) microphone
        return await browser_fixtures._received_packets(page) > 50

    await wait_until(anna_hears_bruno)
    await page.evaluate("window.consultPeer = window.sportelloPeer")
    assert await engine.complete_transfer(call.id)
    await page.locator("#current-state", has_text="On a call").wait_for()
    assert await page.evaluate("window.sportelloPeer !== window.consultPeer")
    assert await page.evaluate("window.consultPeer.connectionState") == "closed"
    assert (await phone)[0] == 0  # Bruno was released with a BYE

    async def anna_hears_the_caller():  # on the new peer connection, to the caller's call
        return await browser_fixtures._received_packets(page) > 50

    await wait_until(anna_hears_the_caller)
    agent_tag = call.agent_tag
    await page.get_by_role("button", name="Hang up").click()
    code, log = await caller
    assert code == 0, log
    await page.get_by_label("Outcome", exact=True).wait_for()  # Anna wraps the call up
    await context.close()

    await wait_until(call_ended)
    record = await sync_to_async(Call.objects.get)()
    assert record.agent_id == anna.id and record.end_reason == Call.EndReason.AGENT_HANGUP
    transfer = await sync_to_async(CallTransfer.objects.get)()
    assert (transfer.kind, transfer.target_type, transfer.outcome) == (
        "attended", "agent", "completed"
    )  # fmt: skip
    assert transfer.by_agent_id == bruno.id and transfer.target_agent_id == anna.id
    entries = await sync_to_async(list)(QueueEntry.objects.order_by("id"))
    assert [(e.outcome, e.agent_id) for e in entries] == [
        ("answered", bruno.id), ("answered", anna.id)
    ]  # fmt: skip
    legs = leg_stats(engine.finished_media[record.sip_call_id])
    assert legs[agent_tag].packets > 50, legs  # Anna's audio reached the caller's call
    bruno_log = next(tmp_path.glob("agent_consults_*_messages.log")).read_text()
    assert bruno_log.count("INVITE sip:") == 2 and "BYE sip:" in bruno_log  # moved, released


async def test_a_sip_agent_cancels_a_consultation_with_a_browser_agent(
    engine, web, chromium, tmp_path
):
    anna, bruno, session = await sync_to_async(_agents)()
    await browser_fixtures._reload(engine)
    context, page = await open_desktop(chromium, web, session)
    sipp = Sipp(tmp_path, engine.endpoint.local_address("udp")[1])
    call, caller, phone = await _sip_agent_on_a_call(
        engine, sipp, tmp_path, "trunk_transferred.xml"
    )
    engine.set_agent_state(anna.id, "available")
    await page.locator("#current-state", has_text="Available").wait_for()

    assert await engine.consult(call.id, agent_id=anna.id)
    await page.get_by_role("button", name="Answer").click()
    await _consultation_answered(call)
    assert engine.acd.agent_state(anna.id) == "paused"
    assert await engine.cancel_transfer(call.id)

    await page.get_by_text("The consultation has ended.").wait_for()
    await page.locator("#current-state", has_text="Available").wait_for()
    assert await page.locator("#wrap-up").is_hidden()  # a consultation needs no outcome
    assert await page.evaluate("window.sportelloPeer.connectionState") == "closed"
    await wait_until(lambda: asyncio.sleep(0, call.consult is None))
    assert call.held_since is None and call.agent_id == bruno.id
    caller_hangs_up(call)
    code, log = await caller
    assert code == 0, log
    assert (await phone)[0] == 0
    bruno_log = next(tmp_path.glob("agent_consults_*_messages.log")).read_text()
    assert bruno_log.count("INVITE sip:") == 3  # there and back
    await context.close()

    await wait_until(call_ended)
    transfer = await sync_to_async(CallTransfer.objects.get)()
    assert (transfer.kind, transfer.outcome) == ("attended", "cancelled")
    assert transfer.target_agent_id == anna.id and transfer.answered_at is not None
    record = await sync_to_async(Call.objects.get)()
    assert record.agent_id == bruno.id
    assert engine.acd.agent_state(anna.id) == "available"


async def test_a_browser_agent_consults_a_second_browser_agent_then_completes(
    engine, web, chromium, tmp_path
):
    (
        anna,
        carla,
        (anna_context, anna_page),
        (carla_context, carla_page),
        caller,
    ) = await _anna_on_a_call_carla_free(engine, web, chromium, tmp_path, _patient_caller(tmp_path))
    await _transfer_to(anna_page, carla.id, "Consult first")
    await carla_page.get_by_role("button", name="Answer").click()
    await anna_page.get_by_text("The target answered").wait_for()

    async def anna_hears_carla():  # Carla's fake microphone on Anna's consultation leg
        return await _consult_packets(anna_page) > 50

    await wait_until(anna_hears_carla)
    await anna_page.get_by_role("button", name="Complete transfer").click()
    await anna_page.get_by_text("Transfer completed.").wait_for()
    await anna_page.get_by_label("Outcome", exact=True).wait_for()
    await _carla_talks_then_hangs_up(carla, carla_page, caller, [anna_context, carla_context])
    transfer = await sync_to_async(CallTransfer.objects.get)()
    assert (transfer.kind, transfer.outcome, transfer.target_agent_id) == (
        "attended", "completed", carla.id
    )  # fmt: skip


# -- a transfer that fails, a caller who leaves ---------------------------------------------


async def _anna_consults_carla(engine, web, chromium, tmp_path, scenario):
    """Anna (a browser) takes the caller and consults Carla (a browser), whose desk rings."""
    anna, carla, anna_desk, carla_desk, caller = await _anna_on_a_call_carla_free(
        engine, web, chromium, tmp_path, scenario
    )
    anna_page, carla_page = anna_desk[1], carla_desk[1]
    await _transfer_to(anna_page, carla.id, "Consult first")
    await carla_page.get_by_text("A colleague asks you about a call").wait_for()
    call = await connected_call(engine)
    return anna, carla, anna_desk, carla_desk, caller, call


async def _carla_answers(anna_page, carla_page):
    await carla_page.get_by_role("button", name="Answer").click()
    await anna_page.get_by_text("The target answered").wait_for()

    async def anna_hears_carla():
        return await _consult_packets(anna_page) > 50

    await wait_until(anna_hears_carla)


async def _transfer_answered():
    return await sync_to_async(CallTransfer.objects.filter(answered_at__isnull=False).exists)()


async def _transfer_closed():
    return await sync_to_async(CallTransfer.objects.filter(ended_at__isnull=False).exists)()


async def _anna_talks_again_then_hangs_up(anna_page, heard_before: int, caller):
    async def anna_hears_the_caller_again():
        return await browser_fixtures._received_packets(anna_page) > heard_before + 50

    await wait_until(anna_hears_the_caller_again)
    await anna_page.get_by_role("button", name="Hang up").click()
    await anna_page.get_by_label("Outcome", exact=True).wait_for()  # Anna wraps the call up
    code, log = await caller
    assert code == 0, log


async def _records_after_a_failed_complete(anna, carla):
    await wait_until(call_ended)
    await wait_until(_transfer_closed)
    record = await sync_to_async(Call.objects.get)()
    assert record.agent_id == anna.id and record.end_reason == Call.EndReason.AGENT_HANGUP
    transfer = await sync_to_async(CallTransfer.objects.get)()
    assert (transfer.kind, transfer.outcome, transfer.target_agent_id) == (
        "attended", "failed", carla.id
    )  # fmt: skip
    assert transfer.answered_at is not None
    entries = await sync_to_async(list)(QueueEntry.objects.order_by("id"))
    assert [(e.outcome, e.agent_id) for e in entries] == [("answered", anna.id)]


async def test_a_complete_to_a_desk_that_closed_brings_the_browser_agent_back(
    engine, web, chromium, tmp_path
):
    (
        anna,
        carla,
        (anna_context, anna_page),
        (carla_context, _),
        caller,
        call,
    ) = await _anna_consults_carla(engine, web, chromium, tmp_path, _patient_caller(tmp_path))
    await _carla_answers(anna_page, carla_context.pages[0])
    await carla_context.close()  # Carla's desk is gone right before the complete
    await wait_until(lambda: asyncio.sleep(0, not engine.browsers.connections.get(carla.id)))
    heard = await browser_fixtures._received_packets(anna_page)  # the caller is on hold
    await anna_page.get_by_role("button", name="Complete transfer").click()

    await anna_page.get_by_text("The transfer failed: you are back with the caller.").wait_for()
    await wait_until(lambda: asyncio.sleep(0, call.consult is None))
    assert await anna_page.evaluate("window.sportelloConsultPeer") is None
    assert await anna_page.get_by_role("button", name="Complete transfer").is_hidden()
    assert call.held_since is None and call.agent_id == anna.id
    assert engine.acd.agent_state(anna.id) == "on_call"
    assert engine.acd.agent_state(carla.id) == "offline"  # logged out: no desk to ring
    await _anna_talks_again_then_hangs_up(anna_page, heard, caller)
    await anna_context.close()
    await _records_after_a_failed_complete(anna, carla)


async def test_a_desk_that_does_not_take_the_call_gives_it_back_to_the_browser_agent(
    engine, web, chromium, tmp_path, monkeypatch
):
    monkeypatch.setattr(consult_desk, "TAKE_SECONDS", 8.0)
    (
        anna,
        carla,
        (anna_context, anna_page),
        (carla_context, carla_page),
        caller,
        call,
    ) = await _anna_consults_carla(engine, web, chromium, tmp_path, _patient_caller(tmp_path))
    await _carla_answers(anna_page, carla_page)
    # Carla's desk stops answering: it gets the call's offer but its answer never leaves.
    await carla_page.evaluate("""() => {
        const send = WebSocket.prototype.send;
        WebSocket.prototype.send = function (data) {
            if (JSON.parse(data).type !== "answer") send.call(this, data);
        };
    }""")
    await anna_page.evaluate("window.firstPeer = window.sportelloPeer")
    await anna_page.get_by_role("button", name="Complete transfer").click()

    await anna_page.get_by_text("The transfer failed: you are back with the caller.").wait_for()
    await carla_page.get_by_text("The consultation has ended.").wait_for()
    await carla_page.locator("#current-state", has_text="Available").wait_for()
    assert await carla_page.evaluate("window.sportelloPeer.connectionState") == "closed"
    assert await carla_page.locator("#wrap-up").is_hidden()
    await wait_until(lambda: asyncio.sleep(0, call.consult is None))
    assert call.held_since is None and call.agent_id == anna.id
    assert engine.acd.agent_state(carla.id) == "available"
    assert engine.acd.agent_state(anna.id) == "on_call"
    # Anna's first leg left the caller's call when Carla's was offered: she is on a new one.
    assert await anna_page.evaluate("window.sportelloPeer !== window.firstPeer")
    assert await anna_page.evaluate("window.firstPeer.connectionState") == "closed"
    await _anna_talks_again_then_hangs_up(anna_page, 0, caller)
    await anna_context.close()
    await carla_context.close()
    await _records_after_a_failed_complete(anna, carla)


async def _records_after_the_caller_left(engine, anna, carla, *, answered: bool):
    await wait_until(  # the call's wrap-up time (none here) is over: nobody is left stuck
        lambda: asyncio.sleep(
            0, {engine.acd.agent_state(a.id) for a in (anna, carla)} == {"available"}
        )
    )
    await wait_until(call_ended)
    await wait_until(_transfer_closed)
    record = await sync_to_async(Call.objects.get)()
    assert record.agent_id == anna.id and record.end_reason == Call.EndReason.CALLER_HANGUP
    transfer = await sync_to_async(CallTransfer.objects.get)()
    assert (transfer.kind, transfer.outcome, transfer.target_agent_id) == (
        "attended", "cancelled", carla.id
    )  # fmt: skip
    assert (transfer.answered_at is not None) == answered
    entries = await sync_to_async(list)(QueueEntry.objects.order_by("id"))
    assert [(e.outcome, e.agent_id) for e in entries] == [("answered", anna.id)]
    assert entries[0].left_at is not None


async def test_the_caller_hangs_up_while_a_browser_target_is_consulted(
    engine, web, chromium, tmp_path
):
    (
        anna,
        carla,
        (anna_context, anna_page),
        (carla_context, carla_page),
        caller,
        call,
    ) = await _anna_consults_carla(engine, web, chromium, tmp_path, _patient_caller(tmp_path))
    await _carla_answers(anna_page, carla_page)
    caller_hangs_up(call)  # the citizen hangs up in the middle of the consultation
    code, log = await caller
    assert code == 0, log

    await anna_page.get_by_text("The caller hung up: the transfer has ended.").wait_for()
    await anna_page.get_by_label("Outcome", exact=True).wait_for()  # Anna wraps the call up
    assert await anna_page.evaluate("window.sportelloConsultPeer") is None
    await carla_page.get_by_text("The consultation has ended.").wait_for()
    await carla_page.locator("#current-state", has_text="Available").wait_for()
    assert await carla_page.locator("#wrap-up").is_hidden()
    assert await carla_page.evaluate("window.sportelloPeer.connectionState") == "closed"
    assert engine.acd.agent_state(carla.id) == "available"
    assert call.consult is None and carla.id not in engine.browsers.consulted
    await anna_context.close()
    await carla_context.close()
    await _records_after_the_caller_left(engine, anna, carla, answered=True)


async def test_the_caller_hangs_up_while_a_browser_target_rings(engine, web, chromium, tmp_path):
    (
        anna,
        carla,
        (anna_context, anna_page),
        (carla_context, carla_page),
        caller,
        call,
    ) = await _anna_consults_carla(engine, web, chromium, tmp_path, _patient_caller(tmp_path))
    caller_hangs_up(call)  # Carla's desk rings on; the citizen hangs up meanwhile
    code, log = await caller
    assert code == 0, log

    await anna_page.get_by_text("The caller hung up: the transfer has ended.").wait_for()
    await anna_page.get_by_label("Outcome", exact=True).wait_for()
    await carla_page.get_by_text("The call stopped ringing.").wait_for()
    assert await carla_page.get_by_role("button", name="Answer").is_hidden()
    await carla_page.locator("#current-state", has_text="Available").wait_for()
    assert engine.acd.agent_state(carla.id) == "available"
    assert carla.id not in engine.browsers.ringing
    await anna_context.close()
    await carla_context.close()
    await _records_after_the_caller_left(engine, anna, carla, answered=False)
