"""The call path with real peers: SIPp as the carrier and as agents' phones, real rtpengine."""

import pytest
from asgiref.sync import sync_to_async

from sportello.switchboard.engine.media.ng import leg_stats
from sportello.switchboard.models import AgentStateChange, Call, QueueEntry
from tests.switchboard.engine import engine_fixtures
from tests.switchboard.engine.conftest import free_port, make_switchboard
from tests.switchboard.engine.engine_fixtures import media_port, reload, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

engine, sipp = engine_fixtures.engine, engine_fixtures.sipp


@pytest.fixture
async def wired(engine):
    setup = await sync_to_async(make_switchboard)()
    await reload(engine)
    return setup


async def test_a_call_walks_the_ivr_and_talks_to_an_agent(engine, sipp, wired):
    agent = wired.agents[0]
    agent_port = free_port()
    await sipp.register("agent1", agent_port)
    assert engine.acd.agent_state(agent.id) == "available"
    phone = sipp.answer("agent_answer.xml", agent_port, media_port())
    code, log = await sipp.run(
        "trunk_caller.xml",
        "-p",
        str(free_port()),
        "-mi",
        "127.0.0.1",
        "-mp",
        str(media_port()),
        "-d",
        "4000",
    )
    assert code == 0, log
    phone_code, phone_log = await phone
    assert phone_code == 0, phone_log

    call = await sync_to_async(Call.objects.get)()
    await wait_until(lambda: Call.objects.get(pk=call.pk).ended_at is not None)
    call = await sync_to_async(Call.objects.select_related("agent").get)(pk=call.pk)
    assert call.end_reason == Call.EndReason.CALLER_HANGUP
    assert call.agent_id == agent.id and call.answered_at is not None
    assert call.language == "it" and call.ivr_path == ["lang", "menu", "jobs"]
    entry = await sync_to_async(QueueEntry.objects.get)(call=call)
    assert entry.outcome == QueueEntry.Outcome.ANSWERED and entry.agent_id == agent.id
    states = await sync_to_async(list)(
        AgentStateChange.objects.filter(agent=agent).values_list("state", flat=True)
    )
    assert "ringing" in states and "on_call" in states

    # Audio flowed both ways: rtpengine received packets from the caller and from the agent.
    legs = leg_stats(engine.finished_media[call.sip_call_id])
    caller = engine_leg(legs, "SIPpTag00")
    assert caller.packets > 100, legs
    others = [leg for tag, leg in legs.items() if "SIPpTag00" not in tag]
    assert any(leg.packets > 100 for leg in others), legs


def engine_leg(legs, marker):
    return next(leg for tag, leg in legs.items() if marker in tag)


async def test_a_caller_from_an_unknown_address_is_refused(engine, sipp, switchboard_settings):
    await sync_to_async(make_switchboard)(allowed="192.0.2.0/24")
    await reload(engine)
    code, log = await sipp.run(
        "trunk_caller.xml", "-p", str(free_port()), "-mp", str(media_port()), timeout="10s"
    )
    assert code != 0
    assert "403" in log or engine.counters["refused"] == 1
    assert engine.counters["refused"] == 1
    assert not await sync_to_async(Call.objects.exists)()


async def test_a_declining_agent_passes_the_call_to_the_next(engine, sipp, wired):
    first, second = wired.agents
    port1, port2 = free_port(), free_port()
    await sipp.register("agent1", port1)
    await sipp.register("agent2", port2)
    busy = sipp.answer("agent_busy.xml", port1, media_port())
    phone = sipp.answer("agent_answer.xml", port2, media_port())
    code, log = await sipp.run(
        "trunk_caller.xml", "-p", str(free_port()), "-mp", str(media_port()), "-d", "4000"
    )
    assert code == 0, log
    assert (await busy)[0] == 0
    assert (await phone)[0] == 0
    call = await sync_to_async(Call.objects.get)()
    await wait_until(lambda: Call.objects.get(pk=call.pk).ended_at is not None)
    entry = await sync_to_async(QueueEntry.objects.get)(call=call)
    assert entry.agent_id == second.id
    assert entry.ring_attempts == 2


async def test_a_caller_who_hangs_up_in_the_queue_is_recorded_as_abandoned(engine, sipp, wired):
    code, log = await sipp.run(
        "trunk_caller.xml", "-p", str(free_port()), "-mp", str(media_port()), "-d", "1000"
    )
    assert code == 0, log
    call = await sync_to_async(Call.objects.get)()
    await wait_until(lambda: Call.objects.get(pk=call.pk).ended_at is not None)
    entry = await sync_to_async(QueueEntry.objects.get)(call=call)
    assert entry.outcome == QueueEntry.Outcome.ABANDONED
    call = await sync_to_async(Call.objects.get)(pk=call.pk)
    assert call.answered_at is None and call.end_reason == Call.EndReason.CALLER_HANGUP
