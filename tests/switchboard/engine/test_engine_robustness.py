"""The engine survives its own restart and the loss of a media node."""

import socket

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.utils import timezone

from sportello.switchboard.engine.embedded import start_embedded
from sportello.switchboard.engine.media.ng import leg_stats
from sportello.switchboard.engine.media.node import MediaNodeConfig, MediaNodeProcess
from sportello.switchboard.models import Call, QueueEntry
from tests.switchboard.engine.conftest import Sipp, free_port, make_switchboard, rtp_port
from tests.switchboard.engine.engine_fixtures import (
    media_args,
    media_port,
    start_engine,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def open_call_in_queue(queue, engine="main") -> Call:
    call = Call.objects.create(
        sip_call_id=f"left-open@{engine}", caller_number="3330001111",
        called_number="800123456", started_at=timezone.now(), engine=engine,
    )  # fmt: skip
    QueueEntry.objects.create(call=call, queue=queue, entered_at=timezone.now())
    return call


async def test_a_restart_closes_the_calls_the_previous_run_left_open(switchboard_settings):
    setup = await sync_to_async(make_switchboard)()
    switchboard_settings.SWITCHBOARD_ENGINE_NAME = "north"
    left_open = await sync_to_async(open_call_in_queue)(setup.queue, engine="north")
    elsewhere = await sync_to_async(open_call_in_queue)(setup.queue, engine="main")
    running = await start_engine()
    try:
        call = await sync_to_async(Call.objects.get)(pk=left_open.pk)
        entry = await sync_to_async(QueueEntry.objects.get)(call=call)
        other = await sync_to_async(Call.objects.get)(pk=elsewhere.pk)
        other_entry = await sync_to_async(QueueEntry.objects.get)(call=other)
    finally:
        await running.stop()
        await sync_to_async(connections.close_all)()
    assert call.ended_at is not None
    assert call.end_reason == Call.EndReason.ENGINE_RESTART
    assert entry.outcome == QueueEntry.Outcome.ENGINE_RESTART and entry.left_at is not None
    # another engine instance's call is still going
    assert other.ended_at is None and other_entry.left_at is None


async def test_an_engine_that_cannot_start_closes_what_it_opened(switchboard_settings):
    switchboard_settings.SWITCHBOARD_DTMF_PORT = dtmf_port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        with pytest.raises(OSError):
            await start_embedded(sip_port=taken.getsockname()[1])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as dtmf:
        dtmf.bind(("127.0.0.1", dtmf_port))  # the engine's DTMF listener let the port go
    await sync_to_async(connections.close_all)()


@pytest.fixture
async def two_media_nodes(switchboard_settings):
    nodes = [
        MediaNodeProcess(MediaNodeConfig(port_min=rtp_port(48000), port_max=rtp_port(48999))),
        MediaNodeProcess(MediaNodeConfig(port_min=rtp_port(49000), port_max=rtp_port(49999))),
    ]
    for node in nodes:
        await node.start()
    switchboard_settings.SWITCHBOARD_MEDIA_NODES = ["{}:{}".format(*n.ng_address) for n in nodes]
    yield nodes
    for node in nodes:
        await node.stop()


async def test_a_call_goes_through_the_other_node_when_one_has_died(two_media_nodes, tmp_path):
    dead, alive = two_media_nodes
    setup = await sync_to_async(make_switchboard)()
    running = await start_engine()
    engine = running.engine
    try:
        await dead.stop()  # the pool has not noticed yet: the first offer to it fails
        sipp = Sipp(tmp_path, engine.endpoint.local_address("udp")[1])
        agent_port = free_port()
        await sipp.register("agent1", agent_port)
        phone = sipp.answer("agent_answer.xml", agent_port, media_port())
        code, log = await sipp.run("trunk_caller.xml", *media_args("-d", "2000"))
        assert code == 0, log
        assert (await phone)[0] == 0
        await wait_until(lambda: Call.objects.get().ended_at is not None)
        call = await sync_to_async(Call.objects.get)()
        assert call.agent_id == setup.agents[0].id and call.answered_at is not None
        assert [n.healthy for n in engine.media.nodes] == [False, True]
        legs = leg_stats(engine.finished_media[call.sip_call_id])
        assert any(leg.packets > 50 for leg in legs.values()), legs
    finally:
        await running.stop()
        await sync_to_async(connections.close_all)()
    assert alive.running
