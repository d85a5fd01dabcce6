"""Callbacks: a waiting caller presses 1, chooses the number (theirs, or one they type), hangs up,
and is called back when an agent is free."""

import asyncio
import datetime

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.utils import timezone

from sportello.switchboard.models import Call, CallbackRequest, Queue, QueueEntry, Trunk
from tests.switchboard.engine import engine_fixtures
from tests.switchboard.engine.conftest import Sipp, free_port, make_switchboard
from tests.switchboard.engine.dtmf_pcap import write_digits
from tests.switchboard.engine.engine_fixtures import (
    QUEUE_ONLY,
    caller_hangs_up,
    connected_call,
    media_args,
    media_port,
    reload,
    start_engine,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
engine, sipp = engine_fixtures.engine, engine_fixtures.sipp


async def wired_for_callbacks(engine, citizen_port: int, ring_seconds: int = 4):
    setup = await sync_to_async(make_switchboard)(flow=QUEUE_ONLY, announce_every_seconds=0)
    await sync_to_async(Trunk.objects.filter(pk=setup.trunk.pk).update)(port=citizen_port)
    await sync_to_async(Queue.objects.filter(pk=setup.queue.pk).update)(ring_seconds=ring_seconds)
    await reload(engine)
    return setup


async def request_callback(sipp) -> Call:
    code, log = await sipp.run("trunk_callback_own_number.xml", *media_args())
    assert code == 0, log
    return await sync_to_async(Call.objects.get)(direction=Call.Direction.INBOUND)


async def test_a_caller_keeps_the_place_and_is_called_back(engine, sipp):
    citizen_port = free_port()
    setup = await wired_for_callbacks(engine, citizen_port)
    citizen = sipp.answer(
        "citizen_answer.xml", citizen_port, media_port(), "-d", "3000", echo=False
    )
    inbound = await request_callback(sipp)

    request = await sync_to_async(CallbackRequest.objects.get)()
    assert request.call_id == inbound.id and request.number == "3331234567"
    assert not request.number_typed
    assert request.status == CallbackRequest.Status.WAITING
    entry = await sync_to_async(QueueEntry.objects.get)(call=inbound)
    assert entry.outcome == QueueEntry.Outcome.CALLBACK
    assert request.queued_since == entry.entered_at

    agent_port = free_port()
    await sipp.register("agent1", agent_port)  # the agent is offered the callback at once:
    phone = sipp.answer(
        "agent_answer_reinvite.xml", agent_port, media_port()
    )  # INVITE is retransmitted
    citizen_code, citizen_log = await citizen
    assert citizen_code == 0, citizen_log
    phone_code, phone_log = await phone
    assert phone_code == 0, phone_log

    await wait_until(lambda: CallbackRequest.objects.get().status == "done")
    request = await sync_to_async(CallbackRequest.objects.get)()
    assert request.attempts == 1 and request.completed_at is not None
    await wait_until(
        lambda: Call.objects.filter(direction="callback", ended_at__isnull=False).exists()
    )
    callback = await sync_to_async(Call.objects.get)(direction=Call.Direction.CALLBACK)
    assert callback.agent_id == setup.agents[0].id and callback.answered_at is not None
    assert callback.called_number == "3331234567"
    assert callback.end_reason == Call.EndReason.CALLER_HANGUP


async def test_a_caller_typing_a_number_is_called_back_on_it(engine, sipp, tmp_path):
    citizen_port = free_port()
    await wired_for_callbacks(engine, citizen_port)
    trunk_side = tmp_path / "trunk_messages.log"
    citizen = sipp.answer(
        "citizen_answer.xml", citizen_port, media_port(), "-d", "1000",
        "-trace_msg", "-message_file", str(trunk_side), echo=False,
    )  # fmt: skip
    # The callback key, 2 for another number, the number and #, then 1 when it is read back.
    write_digits(tmp_path / "callback_keys.pcap", "1 2 3471234567# 1")
    code, log = await sipp.run("trunk_callback_typed.xml", *media_args())
    assert code == 0, log

    request = await sync_to_async(CallbackRequest.objects.get)()
    assert request.number == "+393471234567" and request.number_typed
    assert request.status == CallbackRequest.Status.WAITING

    agent_port = free_port()
    await sipp.register("agent1", agent_port)
    phone = sipp.answer("agent_answer_reinvite.xml", agent_port, media_port())
    citizen_code, citizen_log = await citizen
    assert citizen_code == 0, citizen_log
    phone_code, phone_log = await phone
    assert phone_code == 0, phone_log
    assert "INVITE sip:393471234567@" in trunk_side.read_text()
    await wait_until(lambda: CallbackRequest.objects.get().status == "done")
    callback = await sync_to_async(Call.objects.get)(direction=Call.Direction.CALLBACK)
    assert callback.called_number == "+393471234567"


def prompts_while_connected(engine) -> list[tuple[str, bool]]:
    """Record each prompt the engine plays from now on, and whether a call was connected."""
    played, resolve = [], engine.settings.prompt_resolver

    def resolver(key, language):
        played.append((key, any(c.connected.is_set() for c in engine.calls.values())))
        return resolve(key, language)

    engine.settings.prompt_resolver = resolver
    return played


async def test_an_agent_free_while_the_caller_types_just_takes_the_call(engine, sipp, tmp_path):
    await wired_for_callbacks(engine, free_port())
    engine.callbacks.digit_seconds = 30.0  # the caller is still typing when the agent comes
    played = prompts_while_connected(engine)
    write_digits(tmp_path / "callback_keys.pcap", "1 2 34")
    caller = asyncio.ensure_future(sipp.run("trunk_caller_typing.xml", *media_args("-d", "2000")))
    await wait_until(lambda: ("callback_number_type", False) in played)

    agent_port = free_port()
    await sipp.register("agent1", agent_port)
    phone = sipp.answer("agent_answer.xml", agent_port, media_port())
    call = await connected_call(engine)
    await wait_until(lambda: not call.prompting)
    assert not call.hung_up.is_set()  # the entry ended as the agent came, not at the hang-up
    code, log = await caller
    assert code == 0, log
    assert (await phone)[0] == 0

    assert not await sync_to_async(CallbackRequest.objects.exists)()
    entry = await sync_to_async(QueueEntry.objects.get)()
    assert entry.outcome == QueueEntry.Outcome.ANSWERED
    assert not [key for key, connected in played if connected and key.startswith("callback")]


async def test_a_caller_confirming_as_an_agent_lets_it_ring_still_gets_the_callback(engine, sipp):
    """The ACD offers a missed call to the same agent again until the agent is paused for it:
    the caller, who confirmed during the first ring, waits out all three offers."""
    setup = await wired_for_callbacks(engine, free_port())
    agent_port = free_port()
    await sipp.register("agent1", agent_port)
    phone = sipp.answer("phone_no_answer.xml", agent_port, media_port(), "-m", "3", echo=False)
    inbound = await request_callback(sipp)  # confirmed after 2.5 s, during the first 4 s ring

    code, log = await phone
    assert code == 0, log  # three offers, each rung out and cancelled
    request = await sync_to_async(CallbackRequest.objects.get)()
    assert request.call_id == inbound.id
    assert request.status == CallbackRequest.Status.WAITING
    assert engine.acd.agent_state(setup.agents[0].id) == "paused"


async def test_a_caller_whose_callback_cannot_be_booked_is_told_and_keeps_waiting(engine, sipp):
    """Two agents let the call ring in turn, more offers than the engine waits out."""
    setup = await wired_for_callbacks(engine, free_port(), ring_seconds=2)
    played = prompts_while_connected(engine)
    phones = []
    for username in ("agent1", "agent2"):
        port = free_port()
        await sipp.register(username, port)
        phones.append(sipp.answer("phone_no_answer.xml", port, media_port(), "-m", "3", echo=False))
    caller = asyncio.ensure_future(sipp.run("trunk_callback_own_number.xml", *media_args()))

    await wait_until(lambda: ("callback_not_booked", False) in played)
    for phone in phones:  # each rang three times and is paused: the call waits in the queue
        code, log = await phone
        assert code == 0, log
    call = next(iter(engine.calls.values()))
    assert [engine.acd.agent_state(a.id) for a in setup.agents] == ["paused", "paused"]
    assert engine.acd.position(call.id) == 1
    caller_hangs_up(call)
    code, log = await caller
    assert code == 0, log

    assert not await sync_to_async(CallbackRequest.objects.exists)()
    await wait_until(lambda: QueueEntry.objects.get().outcome == QueueEntry.Outcome.ABANDONED)


async def test_a_citizen_who_never_answers_is_tried_three_times(engine, sipp):
    citizen_port = free_port()
    await wired_for_callbacks(engine, citizen_port)
    engine.callbacks.retry_seconds = 0.5
    citizen = sipp.answer("agent_busy.xml", citizen_port, media_port(), "-m", "3", echo=False)
    await request_callback(sipp)

    agent_port = free_port()
    await sipp.register("agent1", agent_port)
    phone = sipp.answer("agent_answer.xml", agent_port, media_port(), "-m", "3")
    assert (await citizen)[0] == 0
    assert (await phone)[0] == 0

    await wait_until(lambda: CallbackRequest.objects.get().status == "failed")
    request = await sync_to_async(CallbackRequest.objects.get)()
    assert request.attempts == 3 and request.outcome == "not_reached"
    tries = await sync_to_async(list)(
        Call.objects.filter(direction=Call.Direction.CALLBACK).values_list("end_reason", flat=True)
    )
    assert tries == [Call.EndReason.FAILED] * 3


def waiting_request(queue, *, age: datetime.timedelta, engine: str = "main") -> CallbackRequest:
    since = timezone.now() - age
    call = Call.objects.create(
        sip_call_id=f"waiting@{engine}-{age}", caller_number="3339998888",
        called_number="800123456", started_at=since, ended_at=since,
        end_reason=Call.EndReason.QUEUE_EXIT, engine=engine,
    )  # fmt: skip
    return CallbackRequest.objects.create(
        call=call, queue=queue, number="3339998888", requested_at=since, queued_since=since
    )


async def test_a_callback_waiting_when_the_engine_stops_is_made_by_the_next_run(
    switchboard_settings, tmp_path
):
    citizen_port = free_port()
    setup = await sync_to_async(make_switchboard)(flow=QUEUE_ONLY, announce_every_seconds=0)
    await sync_to_async(Trunk.objects.filter(pk=setup.trunk.pk).update)(port=citizen_port)
    switchboard_settings.SWITCHBOARD_ENGINE_NAME = "north"
    first = await start_engine()
    try:
        inbound = await request_callback(Sipp(tmp_path, first.engine.endpoint.local_address()[1]))
    finally:
        await first.stop()
    # two days old: not dialled any more; and one another engine instance holds
    stale = await sync_to_async(waiting_request)(
        setup.queue, age=datetime.timedelta(days=2), engine="north"
    )
    held_elsewhere = await sync_to_async(waiting_request)(
        setup.queue, age=datetime.timedelta(minutes=5), engine="south"
    )

    second = await start_engine()
    engine = second.engine
    try:
        assert list(engine.callbacks.pending) == [inbound.sip_call_id]
        assert engine.acd.waiting(setup.queue.id) == [inbound.sip_call_id]
        stale = await sync_to_async(CallbackRequest.objects.get)(pk=stale.pk)
        assert stale.status == CallbackRequest.Status.FAILED and stale.outcome == "expired"
        held_elsewhere = await sync_to_async(CallbackRequest.objects.get)(pk=held_elsewhere.pk)
        assert held_elsewhere.status == CallbackRequest.Status.WAITING

        sipp = Sipp(tmp_path, engine.endpoint.local_address()[1])
        citizen = sipp.answer(
            "citizen_answer.xml", citizen_port, media_port(), "-d", "3000", echo=False
        )
        agent_port = free_port()
        await sipp.register("agent1", agent_port)
        phone = sipp.answer("agent_answer_reinvite.xml", agent_port, media_port())
        phone_code, phone_log = await phone
        assert phone_code == 0, phone_log
        citizen_code, citizen_log = await citizen
        assert citizen_code == 0, citizen_log
        await wait_until(
            lambda: Call.objects.filter(direction="callback", ended_at__isnull=False).exists()
        )
        request = await sync_to_async(CallbackRequest.objects.get)(call=inbound)
        callback = await sync_to_async(Call.objects.get)(direction=Call.Direction.CALLBACK)
    finally:
        await second.stop()
        await sync_to_async(connections.close_all)()
    assert request.status == CallbackRequest.Status.DONE and request.attempts == 1
    assert callback.agent_id == setup.agents[0].id and callback.answered_at is not None
    assert callback.called_number == "3331234567" and callback.caller_number == "800123456"
    assert callback.end_reason == Call.EndReason.CALLER_HANGUP
    assert (inbound.engine, callback.engine) == ("north", "north")
