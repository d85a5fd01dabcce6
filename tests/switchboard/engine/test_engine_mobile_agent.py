"""Agents on a mobile phone: the engine rings the mobile through the trunk (SIPp as the carrier)."""

import pytest
from asgiref.sync import sync_to_async

from sportello.switchboard.engine import mobile
from sportello.switchboard.engine.media.ng import leg_stats
from sportello.switchboard.models import Agent, Call, QueueEntry, Trunk
from tests.switchboard.engine import engine_fixtures
from tests.switchboard.engine.conftest import SERVICE, free_port, make_switchboard
from tests.switchboard.engine.engine_fixtures import (
    QUEUE_ONLY,
    media_args,
    media_port,
    reload,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
engine, sipp = engine_fixtures.engine, engine_fixtures.sipp

MOBILE = "+393471112222"


async def wired_with_mobile(engine):
    """agent1 answers on a mobile; the carrier's far end (a SIPp) listens on the trunk port."""
    setup = await sync_to_async(make_switchboard)(flow=QUEUE_ONLY, announce_every_seconds=0)
    carrier_port = free_port()
    await sync_to_async(Trunk.objects.filter(pk=setup.trunk.pk).update)(port=carrier_port)
    await sync_to_async(Agent.objects.filter(pk=setup.agents[0].pk).update)(
        device=Agent.Device.MOBILE, mobile_number=MOBILE
    )
    await reload(engine)
    return setup, carrier_port


def prompts_played(engine) -> list[str]:
    played, resolve = [], engine.settings.prompt_resolver

    def resolver(key, language):
        played.append(key)
        return resolve(key, language)

    engine.settings.prompt_resolver = resolver
    return played


async def finished_call() -> Call:
    await wait_until(lambda: Call.objects.get().ended_at is not None)
    return await sync_to_async(Call.objects.get)()


async def test_a_mobile_agent_is_called_through_the_trunk_showing_the_service_number(engine, sipp):
    setup, carrier_port = await wired_with_mobile(engine)
    agent = setup.agents[0]
    engine.set_agent_state(agent.id, "available")  # from the web UI: a mobile never registers
    assert engine.acd.agent_state(agent.id) == "available"
    played = prompts_played(engine)
    mobile = sipp.answer("mobile_confirm.xml", carrier_port, media_port(), "-trace_msg", echo=False)
    code, log = await sipp.run("trunk_waiter.xml", *media_args())
    assert code == 0, log
    mobile_code, mobile_log = await mobile
    assert mobile_code == 0, mobile_log

    call = await finished_call()
    assert call.agent_id == agent.id and call.answered_at is not None
    assert call.end_reason == Call.EndReason.CALLER_HANGUP
    entry = await sync_to_async(QueueEntry.objects.get)(call=call)
    assert entry.outcome == QueueEntry.Outcome.ANSWERED and entry.agent_id == agent.id
    assert entry.ring_attempts == 1
    assert "agent_confirm" in played  # the agent heard the prompt and pressed 1
    messages = next(sipp.workdir.glob("mobile_confirm_*_messages.log")).read_text()
    assert f"INVITE sip:{MOBILE.lstrip('+')}@127.0.0.1:{carrier_port}" in messages
    assert f"From: <sip:{SERVICE}@" in messages
    legs = leg_stats(engine.finished_media[call.sip_call_id])
    caller = next(leg for tag, leg in legs.items() if "SIPpTag00" in tag)
    assert caller.packets > 100, legs
    assert any(leg.packets > 100 for tag, leg in legs.items() if "SIPpTag00" not in tag), legs


async def test_a_mobile_left_ringing_passes_the_call_to_the_next_agent(engine, sipp):
    setup, carrier_port = await wired_with_mobile(engine)
    on_mobile, at_desk = setup.agents
    engine.set_agent_state(on_mobile.id, "available")  # the longest idle: offered first
    desk_port = free_port()
    await sipp.register("agent2", desk_port)
    unanswered = sipp.answer("phone_no_answer.xml", carrier_port, media_port(), echo=False)
    phone = sipp.answer("agent_answer.xml", desk_port, media_port())
    code, log = await sipp.run("trunk_waiter.xml", *media_args())
    assert code == 0, log
    unanswered_code, unanswered_log = await unanswered
    assert unanswered_code == 0, unanswered_log  # it rang and was cancelled
    assert (await phone)[0] == 0

    call = await finished_call()
    entry = await sync_to_async(QueueEntry.objects.get)(call=call)
    assert entry.agent_id == at_desk.id and call.agent_id == at_desk.id
    assert entry.ring_attempts == 2


async def test_a_mobile_answered_without_the_key_passes_the_call_to_the_next_agent(
    engine, sipp, monkeypatch
):
    monkeypatch.setattr(mobile, "CONFIRM_SECONDS", 3.0)
    setup, carrier_port = await wired_with_mobile(engine)
    on_mobile, at_desk = setup.agents
    engine.set_agent_state(on_mobile.id, "available")
    desk_port = free_port()
    await sipp.register("agent2", desk_port)
    voicemail = sipp.answer("agent_answer.xml", carrier_port, media_port())  # answers, no key
    phone = sipp.answer("agent_answer.xml", desk_port, media_port())
    code, log = await sipp.run("trunk_waiter.xml", *media_args())
    assert code == 0, log
    voicemail_code, voicemail_log = await voicemail
    assert voicemail_code == 0, voicemail_log  # hung up by the engine
    assert (await phone)[0] == 0

    call = await finished_call()
    entry = await sync_to_async(QueueEntry.objects.get)(call=call)
    assert entry.agent_id == at_desk.id and entry.ring_attempts == 2
    assert call.answered_at is not None and call.agent_id == at_desk.id
