"""A blind transfer to an agent on a mobile: rung through the trunk, taken with the confirm key."""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from sportello.switchboard.engine.media.ng import leg_stats
from sportello.switchboard.models import Agent, Call, CallTransfer, QueueEntry, Trunk
from tests.switchboard.engine import engine_fixtures
from tests.switchboard.engine.conftest import SERVICE, free_port, make_switchboard
from tests.switchboard.engine.engine_fixtures import (
    QUEUE_ONLY,
    caller_hangs_up,
    connected_call,
    media_args,
    media_port,
    reload,
    wait_until,
)
from tests.switchboard.engine.test_engine_mobile_agent import prompts_played

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
engine, sipp = engine_fixtures.engine, engine_fixtures.sipp

MOBILE = "+393471112222"


async def _desk_call_and_a_free_mobile(engine, sipp, desk_scenario: str):
    """A caller talks to the desk agent (a SIPp phone playing ``desk_scenario``) while the
    other agent, on a mobile reached through the carrier's port, is available."""
    setup = await sync_to_async(make_switchboard)(flow=QUEUE_ONLY, announce_every_seconds=0)
    at_desk, on_mobile = setup.agents
    carrier_port = free_port()
    await sync_to_async(Trunk.objects.filter(pk=setup.trunk.pk).update)(port=carrier_port)
    await sync_to_async(Agent.objects.filter(pk=on_mobile.pk).update)(
        device=Agent.Device.MOBILE, mobile_number=MOBILE
    )
    await reload(engine)
    desk_port = free_port()
    await sipp.register("agent1", desk_port)
    desk = sipp.answer(desk_scenario, desk_port, media_port())
    caller = asyncio.ensure_future(sipp.run("trunk_transferred.xml", *media_args()))
    call = await connected_call(engine)
    assert call.agent_id == at_desk.id
    engine.set_agent_state(on_mobile.id, "available")  # a mobile never registers
    return at_desk, on_mobile, carrier_port, desk, caller, call


async def test_a_blind_transfer_to_a_mobile_agent_goes_through_the_trunk_and_the_key(engine, sipp):
    at_desk, on_mobile, carrier_port, desk, caller, call = await _desk_call_and_a_free_mobile(
        engine, sipp, "agent_answer.xml"
    )
    played = prompts_played(engine)
    mobile = sipp.answer("mobile_confirm.xml", carrier_port, media_port(), "-trace_msg", echo=False)
    assert await engine.transfer(call.id, agent_id=on_mobile.id)

    assert (await desk)[0] == 0  # the desk agent got a BYE at once
    await wait_until(lambda: CallTransfer.objects.filter(answered_at__isnull=False).exists())
    await asyncio.sleep(3)  # the caller and the mobile talk
    caller_hangs_up(call)
    mobile_code, mobile_log = await mobile
    assert mobile_code == 0, mobile_log  # answered, pressed 1, talked, got the BYE
    code, log = await caller
    assert code == 0, log
    await wait_until(lambda: Call.objects.get().ended_at is not None)

    transfer = await sync_to_async(CallTransfer.objects.get)()
    assert (transfer.kind, transfer.target_type) == ("blind", "agent")
    assert transfer.target_agent_id == on_mobile.id
    assert transfer.outcome == "completed" and transfer.answered_at is not None
    entries = await sync_to_async(list)(QueueEntry.objects.order_by("id"))
    assert [(e.outcome, e.agent_id) for e in entries] == [
        ("answered", at_desk.id), ("answered", on_mobile.id)
    ]  # fmt: skip
    record = await sync_to_async(Call.objects.get)()
    assert record.agent_id == on_mobile.id
    messages = next(sipp.workdir.glob("mobile_confirm_*_messages.log")).read_text()
    assert f"INVITE sip:{MOBILE.lstrip('+')}@127.0.0.1:{carrier_port}" in messages
    assert f"From: <sip:{SERVICE}@" in messages  # the mobile sees the service number
    assert "agent_confirm" in played
    legs = leg_stats(engine.finished_media[record.sip_call_id])
    caller_leg = next(leg for tag, leg in legs.items() if "SIPpTag00" in tag)
    assert caller_leg.packets > 100, legs
    assert any(leg.packets > 100 for tag, leg in legs.items() if "SIPpTag00" not in tag), legs


async def test_a_mobile_agent_is_consulted_after_the_confirm_key(engine, sipp):
    at_desk, on_mobile, carrier_port, desk, caller, call = await _desk_call_and_a_free_mobile(
        engine, sipp, "agent_consults.xml"
    )
    played = prompts_played(engine)
    mobile = sipp.answer(
        "mobile_confirm_moves.xml", carrier_port, media_port(), "-trace_msg", echo=False
    )

    assert await engine.consult(call.id, agent_id=on_mobile.id)
    for _ in range(300):  # the desk phone joins the consultation only once the key is pressed
        if getattr(call.consult, "agent_moved", None):
            break
        await asyncio.sleep(0.1)
    assert call.consult is not None and call.consult.agent_moved
    assert "agent_confirm" in played  # the mobile was asked for the key first
    assert await engine.cancel_transfer(call.id)

    mobile_code, mobile_log = await mobile
    assert mobile_code == 0, mobile_log  # confirmed, then hung up by the engine
    await wait_until(lambda: CallTransfer.objects.get().ended_at is not None)
    transfer = await sync_to_async(CallTransfer.objects.get)()
    assert (transfer.kind, transfer.outcome) == ("attended", "cancelled")
    assert transfer.answered_at is not None and transfer.target_agent_id == on_mobile.id
    messages = next(sipp.workdir.glob("mobile_confirm_moves_*_messages.log")).read_text()
    assert f"From: <sip:{SERVICE}@" in messages
    assert call.agent_id == at_desk.id
    caller_hangs_up(call)
    assert (await caller)[0] == 0
    assert (await desk)[0] == 0
