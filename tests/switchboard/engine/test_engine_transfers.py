"""Transfers with real peers: blind to an agent and to a number, attended complete and cancel."""

import asyncio
import socket

import pytest
from asgiref.sync import sync_to_async

from sportello.switchboard.models import AgentStateChange, Call, CallTransfer, QueueEntry, Trunk
from tests.switchboard.engine import engine_fixtures
from tests.switchboard.engine.conftest import SERVICE, free_port, make_switchboard
from tests.switchboard.engine.engine_fixtures import (
    QUEUE_ONLY,
    caller_hangs_up,
    connected_call,
    media_args,
    media_port,
    reload,
    scenario_variant,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
engine, sipp = engine_fixtures.engine, engine_fixtures.sipp

CITIZEN = "+393337654321"


@pytest.fixture
async def wired(engine):
    setup = await sync_to_async(make_switchboard)(flow=QUEUE_ONLY, announce_every_seconds=0)
    await reload(engine)
    return setup


async def consultation_answered(call):
    for _ in range(300):
        consult = getattr(call, "consult", None)
        if consult is not None and consult.agent_moved:
            return consult
        await asyncio.sleep(0.1)
    raise AssertionError("the consulted target never answered")


def messages(sipp, scenario, to=""):
    """The SIP messages SIPp logged for ``scenario`` (the run whose dialog is with ``to``)."""
    logs = [p.read_text() for p in sipp.workdir.glob(f"{scenario}_*_messages.log")]
    return next(log for log in logs if f"To: <sip:{to}" in log)


async def first_agent_on_a_call(engine, sipp, wired, scenario="agent_answer.xml", *extra):
    """The caller reaches agent1; agent2 registers afterwards, free to take a transfer."""
    port1, port2 = free_port(), free_port()
    await sipp.register("agent1", port1)
    phone1 = sipp.answer(scenario, port1, media_port(), "-trace_msg", *extra)
    caller = asyncio.ensure_future(sipp.run("trunk_transferred.xml", *media_args()))
    call = await connected_call(engine)
    assert call.agent_id == wired.agents[0].id
    await sipp.register("agent2", port2)
    return call, caller, phone1, port2


async def test_a_blind_transfer_to_an_agent_rings_that_agent_only(engine, sipp, wired):
    first, second = wired.agents
    call, caller, phone1, port2 = await first_agent_on_a_call(engine, sipp, wired)
    phone2 = sipp.answer("agent_answer.xml", port2, media_port())

    assert not await engine.transfer(call.id, agent_id=first.id)  # not to oneself
    assert not await engine.transfer(call.id, agent_id=999999)
    assert await engine.transfer(call.id, agent_id=second.id)

    assert (await phone1)[0] == 0  # the first agent got a BYE
    assert "BYE sip:" in messages(sipp, "agent_answer")
    await wait_until(lambda: CallTransfer.objects.filter(answered_at__isnull=False).exists())
    caller_hangs_up(call)
    assert (await phone2)[0] == 0
    code, log = await caller
    assert code == 0, log
    await wait_until(lambda: Call.objects.get().ended_at is not None)
    transfer = await sync_to_async(CallTransfer.objects.get)()
    assert (transfer.kind, transfer.target_type) == ("blind", "agent")
    assert transfer.target_agent_id == second.id and transfer.by_agent_id == first.id
    assert transfer.outcome == "completed" and transfer.answered_at is not None
    assert transfer.requested_at <= transfer.answered_at <= transfer.ended_at
    entries = await sync_to_async(list)(QueueEntry.objects.order_by("id"))
    assert [(e.outcome, e.agent_id) for e in entries] == [
        ("answered", first.id), ("answered", second.id)
    ]  # fmt: skip
    assert entries[0].talk_seconds is not None
    record = await sync_to_async(Call.objects.get)()
    assert record.agent_id == second.id and record.end_reason == Call.EndReason.CALLER_HANGUP


async def test_a_blind_transfer_to_a_number_goes_out_through_the_trunk(engine, sipp, wired):
    citizen_port = free_port()
    await sync_to_async(Trunk.objects.filter(pk=wired.trunk.pk).update)(port=citizen_port)
    await reload(engine)
    call, caller, phone1, _ = await first_agent_on_a_call(engine, sipp, wired)
    citizen = sipp.answer(
        "citizen_answer.xml", citizen_port, media_port(), "-d", "2000", "-trace_msg", echo=False
    )

    assert not await engine.transfer(call.id, number="call me maybe")
    assert await engine.transfer(call.id, number=CITIZEN)

    assert (await phone1)[0] == 0
    assert (await citizen)[0] == 0  # answered, talked, hung up
    code, log = await caller  # and the engine hung up the caller
    assert code == 0, log
    await wait_until(lambda: Call.objects.get().ended_at is not None)
    record = await sync_to_async(Call.objects.get)()
    assert record.end_reason == Call.EndReason.TRANSFERRED
    transfer = await sync_to_async(CallTransfer.objects.get)()
    assert (transfer.kind, transfer.target_type, transfer.target_number) == (
        "blind", "number", CITIZEN
    )  # fmt: skip
    assert transfer.outcome == "completed" and transfer.answered_at is not None
    log = messages(sipp, "citizen_answer")
    assert f"From: <sip:{SERVICE}@" in log and "INVITE sip:393337654321@" in log


async def test_an_attended_transfer_completed_leaves_the_caller_with_the_target(
    engine, sipp, wired
):
    first, second = wired.agents
    call, caller, phone1, port2 = await first_agent_on_a_call(
        engine, sipp, wired, "agent_consults.xml"
    )
    # the target's media may move twice: once the agent joins it, once it joins the caller
    phone2 = sipp.answer("agent_consults.xml", port2, media_port(), "-trace_msg")

    assert not await engine.complete_transfer(call.id)  # nothing to complete yet
    assert await engine.consult(call.id, agent_id=second.id)
    assert not await engine.transfer(call.id, agent_id=second.id)  # one thing at a time
    consult = await consultation_answered(call)
    assert call.held_since is not None  # the caller hears music meanwhile
    assert await engine.complete_transfer(call.id)

    assert (await phone1)[0] == 0
    first_log = messages(sipp, "agent_consults", "agent1@")
    assert first_log.count("INVITE sip:") == 2 and "BYE sip:" in first_log  # moved, then released
    await wait_until(lambda: CallTransfer.objects.filter(ended_at__isnull=False).exists())
    caller_hangs_up(call)
    code, log = await caller
    assert code == 0, log
    assert (await phone2)[0] == 0
    assert messages(sipp, "agent_consults", "agent2@").count("INVITE sip:") >= 2  # re-pointed
    assert consult.far is None
    await wait_until(lambda: Call.objects.get().ended_at is not None)
    transfer = await sync_to_async(CallTransfer.objects.get)()
    assert (transfer.kind, transfer.target_type, transfer.outcome) == (
        "attended", "agent", "completed"
    )  # fmt: skip
    assert transfer.by_agent_id == first.id and transfer.target_agent_id == second.id
    assert transfer.requested_at <= transfer.answered_at <= transfer.ended_at
    entries = await sync_to_async(list)(QueueEntry.objects.order_by("id"))
    assert [(e.outcome, e.agent_id) for e in entries] == [
        ("answered", first.id), ("answered", second.id)
    ]  # fmt: skip
    assert entries[0].hold_seconds > 0
    record = await sync_to_async(Call.objects.get)()
    assert record.agent_id == second.id
    states = await sync_to_async(list)(
        AgentStateChange.objects.filter(agent=second).values_list("state", "reason")
    )
    assert ("paused", "consult") in states and ("on_call", "transfer") in states


async def _consultation_cancelled(engine, sipp, wired, first_phone: str, second_phone: str):
    """agent1 (``first_phone``) on a call consults agent2 (``second_phone``), who answers, then
    cancels; returns the call, the caller, both phones and agent2's port."""
    call, caller, phone1, port2 = await first_agent_on_a_call(engine, sipp, wired, first_phone)
    phone2 = sipp.answer(second_phone, port2, media_port())
    assert await engine.consult(call.id, agent_id=wired.agents[1].id)
    await consultation_answered(call)
    assert await engine.cancel_transfer(call.id)
    return call, caller, phone1, phone2, port2


async def test_an_attended_transfer_cancelled_brings_the_agent_back_to_the_caller(
    engine, sipp, wired
):
    first, second = wired.agents
    call, caller, phone1, phone2, _ = await _consultation_cancelled(
        engine, sipp, wired, "agent_consults.xml", "agent_answer_reinvite.xml"
    )
    assert not await engine.cancel_transfer(call.id)

    p2 = await phone2
    assert p2[0] == 0, p2[1]  # the target was hung up
    await wait_until(lambda: CallTransfer.objects.get().ended_at is not None)
    assert call.held_since is None and call.agent_id == first.id
    caller_hangs_up(call)
    code, log = await caller
    assert code == 0, log
    assert (await phone1)[0] == 0
    assert messages(sipp, "agent_consults", "agent1@").count("INVITE sip:") == 3  # there and back
    await wait_until(lambda: Call.objects.get().ended_at is not None)
    transfer = await sync_to_async(CallTransfer.objects.get)()
    assert (transfer.kind, transfer.outcome) == ("attended", "cancelled")
    assert transfer.answered_at is not None
    entry = await sync_to_async(QueueEntry.objects.get)()
    assert entry.agent_id == first.id and entry.hold_seconds > 0
    record = await sync_to_async(Call.objects.get)()
    assert record.agent_id == first.id
    last = await sync_to_async(
        lambda: AgentStateChange.objects.filter(agent=second).order_by("at", "id").last()
    )()
    assert last.state == "available"


async def test_a_blind_transfer_the_agent_declines_goes_back_to_the_queue_at_its_place(
    engine, sipp, wired
):
    first, second = wired.agents
    call, caller, phone1, port2 = await first_agent_on_a_call(engine, sipp, wired)
    declines = sipp.answer("agent_busy.xml", port2, media_port())

    assert await engine.transfer(call.id, agent_id=second.id)

    assert (await phone1)[0] == 0
    port1 = call.engine.registrar.lookup(first.id).target.port
    again = sipp.answer("agent_answer.xml", port1, media_port())  # the queue's next free agent
    assert (await declines)[0] == 0
    await wait_until(lambda: QueueEntry.objects.filter(outcome="answered").count() == 2)
    await wait_until(lambda: CallTransfer.objects.filter(ended_at__isnull=False).exists())
    caller_hangs_up(call)
    assert (await again)[0] == 0
    code, log = await caller
    assert code == 0, log
    await wait_until(lambda: Call.objects.get().ended_at is not None)
    transfer = await sync_to_async(CallTransfer.objects.get)()
    assert transfer.outcome == "no_answer" and transfer.answered_at is None
    entries = await sync_to_async(list)(QueueEntry.objects.order_by("id"))
    assert [(e.outcome, e.agent_id) for e in entries] == [
        ("answered", first.id), ("answered", first.id)
    ]  # fmt: skip
    assert entries[1].entered_at == entries[0].entered_at  # its original place
    assert entries[1].ring_attempts == 2  # the named agent, then the queue's agent


async def test_a_consulting_phone_that_moves_its_media_hears_the_target_there(engine, sipp, wired):
    """The agent's phone answers the re-INVITE that takes it into the consultation with another
    media port: rtpengine must send the target's audio to the new port."""
    first, second = wired.agents
    moved = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    moved.bind(("127.0.0.1", 0))
    moved.setblocking(False)
    moves = scenario_variant(  # the answer to every re-INVITE names the port the test listens on
        sipp.workdir, "agent_consults.xml", "agent_consults_moves.xml",
        "m=audio [media_port]", "m=audio [moved_port]",
    )  # fmt: skip
    talks = scenario_variant(  # the target talks (a tone) from its answer on
        sipp.workdir, "agent_consults.xml", "agent_talks.xml",
        '<label id="talk"/>',
        '<nop><action><exec rtp_stream="tone_alaw.wav,10,8"/></action></nop>\n  <label id="talk"/>',
    )  # fmt: skip
    call, caller, phone1, port2 = await first_agent_on_a_call(
        engine, sipp, wired, moves, "-key", "moved_port", str(moved.getsockname()[1])
    )
    phone2 = sipp.answer(talks, port2, media_port(), echo=False)

    assert await engine.consult(call.id, agent_id=second.id)
    await consultation_answered(call)
    received = 0
    for _ in range(100):
        await asyncio.sleep(0.1)
        while True:
            try:
                moved.recv(2048)
            except BlockingIOError:
                break
            received += 1
        if received > 50:
            break
    assert received > 50  # the target's tone reached the phone's new port
    assert await engine.cancel_transfer(call.id)
    assert (await phone2)[0] == 0
    await wait_until(lambda: CallTransfer.objects.filter(ended_at__isnull=False).exists())
    caller_hangs_up(call)
    assert (await caller)[0] == 0
    assert (await phone1)[0] == 0
    moved.close()


async def test_a_consulting_phone_that_cannot_come_back_leaves_the_caller_in_the_queue(
    engine, sipp, wired
):
    """The agent's phone refuses the re-INVITE that would bring it back to the caller after a
    cancelled consultation: the caller does not stay with nobody but waits in the queue at
    their place, and the next free agent takes the call."""
    first, second = wired.agents
    call, caller, phone1, phone2, port2 = await _consultation_cancelled(
        engine, sipp, wired, "agent_cannot_come_back.xml", "agent_consults.xml"
    )
    code, log = await phone1
    assert code == 0, log  # refused the way back, then was released
    assert (await phone2)[0] == 0  # the target was hung up
    again = sipp.answer("agent_answer.xml", port2, media_port())  # free again: takes the caller

    await wait_until(lambda: QueueEntry.objects.filter(outcome="answered").count() == 2)
    caller_hangs_up(call)
    assert (await again)[0] == 0
    assert (await caller)[0] == 0
    await wait_until(lambda: Call.objects.get().ended_at is not None)
    transfer = await sync_to_async(CallTransfer.objects.get)()
    assert (transfer.kind, transfer.outcome) == ("attended", "cancelled")
    entries = await sync_to_async(list)(QueueEntry.objects.order_by("id"))
    assert [(e.outcome, e.agent_id) for e in entries] == [
        ("answered", first.id), ("answered", second.id)
    ]  # fmt: skip
    assert entries[1].entered_at == entries[0].entered_at  # its original place
    record = await sync_to_async(Call.objects.get)()
    assert record.agent_id == second.id
