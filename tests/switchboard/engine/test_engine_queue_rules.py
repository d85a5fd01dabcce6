"""The queue's rules with real peers: announcements, maximum wait, maximum length, skill overflow."""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from sportello.switchboard.models import (
    AgentSkill,
    Call,
    CallbackRequest,
    Queue,
    QueueEntry,
    Voicemail,
)
from tests.switchboard.engine import engine_fixtures
from tests.switchboard.engine.conftest import free_port, make_switchboard
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


async def queue_with(engine, **rules):
    fields = {"announce_every_seconds": 0, **rules}
    setup = await sync_to_async(make_switchboard)(flow=QUEUE_ONLY, **fields)
    await reload(engine)
    return setup


def prompts_played(engine) -> list[str]:
    """Record the prompt keys the engine plays from now on (the prompts themselves still play)."""
    played, resolve = [], engine.settings.prompt_resolver

    def resolver(key, language):
        played.append(key)
        return resolve(key, language)

    engine.settings.prompt_resolver = resolver
    return played


async def entry_of_call(number: int) -> QueueEntry:
    """The queue entry of the n-th call (from 1), once that call has ended."""
    await wait_until(lambda: Call.objects.order_by("started_at")[number - 1].ended_at is not None)
    call = await sync_to_async(lambda: Call.objects.order_by("started_at")[number - 1])()
    return await sync_to_async(QueueEntry.objects.select_related("call").get)(call=call)


async def test_a_waiting_caller_hears_the_position_and_the_estimated_wait(engine, sipp):
    await queue_with(engine, announce_every_seconds=2)
    played = prompts_played(engine)
    agent_port = free_port()
    await sipp.register("agent1", agent_port)
    phone = sipp.answer("agent_answer.xml", agent_port, media_port())
    talking = asyncio.ensure_future(sipp.run("trunk_waiter.xml", *media_args()))
    await connected_call(engine)  # the only agent is busy from now on
    code, log = await sipp.run("trunk_talker.xml", *media_args("-d", "6000"))
    assert code == 0, log
    assert (await talking)[0] == 0 and (await phone)[0] == 0

    # First in line; one agent serving, the expected handle time of 3 minutes: about 3 minutes.
    assert "queue_position_1" in played, played
    after = played.index("queue_position_1") + 1
    assert played[after] == "estimated_wait_3", played
    entry = await entry_of_call(2)
    assert entry.outcome == QueueEntry.Outcome.ABANDONED


async def test_a_caller_who_waits_too_long_hears_the_message_and_leaves(engine, sipp):
    await queue_with(engine, max_wait_seconds=2, exit_action=Queue.ExitAction.MESSAGE)
    played = prompts_played(engine)
    code, log = await sipp.run("trunk_caller_until_bye.xml", *media_args())  # no agent at all
    assert code == 0, log
    entry = await entry_of_call(1)
    assert entry.outcome == QueueEntry.Outcome.TIMED_OUT and entry.wait_seconds >= 2
    assert entry.call.end_reason == Call.EndReason.QUEUE_EXIT
    assert played[-1] == "goodbye", played


async def test_a_caller_finding_the_queue_full_hears_the_message_and_leaves(engine, sipp):
    setup = await queue_with(engine, max_length=1, exit_action=Queue.ExitAction.MESSAGE)
    played = prompts_played(engine)
    waiting = asyncio.ensure_future(sipp.run("trunk_waiter.xml", *media_args()))
    for _ in range(300):
        if engine.acd.waiting(setup.queue.id):
            break
        await asyncio.sleep(0.1)
    code, log = await sipp.run("trunk_caller_until_bye.xml", *media_args())
    assert code == 0, log
    refused = await entry_of_call(2)
    assert refused.outcome == QueueEntry.Outcome.FULL
    assert refused.call.end_reason == Call.EndReason.QUEUE_EXIT
    assert "goodbye" in played
    assert (await waiting)[0] == 0
    first = await entry_of_call(1)
    assert first.outcome == QueueEntry.Outcome.ABANDONED  # it was let wait


async def test_a_caller_who_waits_too_long_may_take_the_callback_offered(engine, sipp):
    setup = await queue_with(engine, max_wait_seconds=1, exit_action=Queue.ExitAction.CALLBACK)
    played = prompts_played(engine)
    code, log = await sipp.run("trunk_callback_later.xml", *media_args("-d", "4000"))
    assert code == 0, log
    entry = await entry_of_call(1)
    assert entry.outcome == QueueEntry.Outcome.TIMED_OUT
    assert entry.call.end_reason == Call.EndReason.QUEUE_EXIT
    assert "callback_offer" in played and "callback_confirmed" in played
    request = await sync_to_async(CallbackRequest.objects.get)()
    assert request.status == CallbackRequest.Status.WAITING and request.number == "3331234567"
    assert request.queued_since == entry.entered_at  # it keeps the caller's place
    assert engine.acd.waiting(setup.queue.id) == [entry.call.sip_call_id]


async def test_a_caller_finding_the_queue_full_may_leave_a_voicemail(engine, sipp):
    setup = await queue_with(engine, max_length=1, exit_action=Queue.ExitAction.VOICEMAIL)
    waiting = asyncio.ensure_future(sipp.run("trunk_waiter.xml", *media_args()))
    for _ in range(300):
        if engine.acd.waiting(setup.queue.id):
            break
        await asyncio.sleep(0.1)
    code, log = await sipp.run("trunk_talker.xml", *media_args("-d", "6000"))
    assert code == 0, log
    refused = await entry_of_call(2)
    assert refused.outcome == QueueEntry.Outcome.FULL
    await wait_until(lambda: Voicemail.objects.exists())
    message = await sync_to_async(Voicemail.objects.get)()
    assert message.queue_id == setup.queue.id and message.call_id == refused.call_id
    assert (await waiting)[0] == 0


async def test_a_call_overflows_to_a_less_skilled_agent_after_the_overflow_wait(engine, sipp):
    setup = await queue_with(engine, overflow_after_seconds=2)
    agent = setup.agents[0]
    await sync_to_async(AgentSkill.objects.filter(agent=agent).update)(level=2)
    await reload(engine)
    agent_port = free_port()
    await sipp.register("agent1", agent_port)
    phone = sipp.answer("agent_answer.xml", agent_port, media_port())
    code, log = await sipp.run("trunk_waiter.xml", *media_args())
    assert code == 0, log
    assert (await phone)[0] == 0
    entry = await entry_of_call(1)
    assert entry.outcome == QueueEntry.Outcome.ANSWERED and entry.agent_id == agent.id
    assert entry.wait_seconds >= 2  # not offered to a level-2 agent before the overflow
    assert entry.ring_attempts == 1
