"""Agents' operations on live calls, with real peers: hold, blind transfer, outbound calls."""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from sportello.switchboard.models import Agent, Call, Queue, QueueEntry, Trunk
from tests.switchboard.engine import engine_fixtures
from tests.switchboard.engine.conftest import SERVICE, free_port, make_switchboard
from tests.switchboard.engine.engine_fixtures import (
    QUEUE_ONLY,
    connected_call,
    media_args,
    media_port,
    reload,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
engine, sipp = engine_fixtures.engine, engine_fixtures.sipp


@pytest.fixture
async def wired(engine):
    setup = await sync_to_async(make_switchboard)(flow=QUEUE_ONLY, announce_every_seconds=0)
    await reload(engine)
    return setup


async def test_hold_and_unhold_count_the_hold_time(engine, sipp):
    await sync_to_async(make_switchboard)(announce_every_seconds=0)  # language and menu first
    await reload(engine)
    agent_port = free_port()
    await sipp.register("agent1", agent_port)
    phone = sipp.answer("agent_answer.xml", agent_port, media_port())
    caller = asyncio.ensure_future(sipp.run("trunk_caller_patient.xml", *media_args("-d", "6000")))
    call = await connected_call(engine)
    assert await engine.hold(call.id)
    assert not await engine.hold(call.id)  # already on hold
    await asyncio.sleep(1.5)
    assert await engine.unhold(str(call.record.id))  # the desktop may name the call by its record
    assert not await engine.unhold(call.id)
    code, log = await caller
    assert code == 0, log
    assert (await phone)[0] == 0
    await wait_until(lambda: Call.objects.get().ended_at is not None)
    entry = await sync_to_async(QueueEntry.objects.get)()
    assert entry.outcome == QueueEntry.Outcome.ANSWERED
    assert entry.hold_seconds >= 1.5


async def test_a_blind_transfer_puts_the_caller_in_another_queue_for_another_agent(
    engine, sipp, wired
):
    first, second = wired.agents
    other = await sync_to_async(Queue.objects.create)(
        code="jobs-fr", name="Jobs (fr)", skill=wired.queue.skill, language="fr",
        ring_seconds=4, wrap_up_seconds=30, announce_every_seconds=0,
    )  # fmt: skip
    await sync_to_async(Agent.objects.filter(pk=second.pk).update)(languages=["it", "fr"])
    await reload(engine)
    port1, port2 = free_port(), free_port()
    await sipp.register("agent1", port1)
    phone1 = sipp.answer("agent_answer.xml", port1, media_port())
    caller = asyncio.ensure_future(sipp.run("trunk_waiter.xml", *media_args()))
    call = await connected_call(engine)
    assert call.agent_id == first.id
    await sipp.register("agent2", port2)
    phone2 = sipp.answer("agent_answer.xml", port2, media_port())
    engine.set_agent_state(first.id, "paused", "break")  # the first agent takes no new call
    assert await engine.transfer(call.id, queue_id=other.id)
    assert (await phone1)[0] == 0  # the first agent was hung up
    code, log = await caller
    assert code == 0, log
    assert (await phone2)[0] == 0
    await wait_until(lambda: Call.objects.get().ended_at is not None)
    entries = await sync_to_async(list)(QueueEntry.objects.order_by("id"))
    assert [e.outcome for e in entries] == ["answered", "answered"]
    assert entries[0].talk_seconds is not None
    assert entries[0].agent_id == first.id and entries[1].agent_id == second.id
    assert entries[1].queue_id == other.id and entries[1].entered_at == entries[0].entered_at
    record = await sync_to_async(Call.objects.get)()
    assert record.agent_id == second.id


async def test_an_agent_calls_a_citizen_presenting_the_service_number(engine, sipp, wired):
    citizen_port = free_port()
    await sync_to_async(Trunk.objects.filter(pk=wired.trunk.pk).update)(port=citizen_port)
    await reload(engine)
    agent = wired.agents[0]
    agent_port = free_port()
    await sipp.register("agent1", agent_port)
    engine.set_agent_state(agent.id, "paused", "outbound")
    citizen = sipp.answer(
        "citizen_answer.xml", citizen_port, media_port(), "-d", "3000", "-trace_msg", echo=False
    )
    phone = sipp.answer("agent_answer_reinvite.xml", agent_port, media_port())
    record = await engine.dial_out(agent.id, "+393337654321", SERVICE)
    assert record is not None
    assert (await citizen)[0] == 0
    assert (await phone)[0] == 0
    await wait_until(lambda: Call.objects.get().ended_at is not None)
    call = await sync_to_async(Call.objects.get)()
    assert call.direction == Call.Direction.OUTBOUND and call.agent_id == agent.id
    assert call.caller_number == SERVICE and call.called_number == "+393337654321"
    assert call.answered_at is not None and call.end_reason == Call.EndReason.CALLER_HANGUP
    messages = next(sipp.workdir.glob("citizen_answer_*_messages.log")).read_text()
    assert f"From: <sip:{SERVICE}@" in messages and "INVITE sip:393337654321@" in messages
