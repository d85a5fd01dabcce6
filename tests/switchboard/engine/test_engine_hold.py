"""Hold with real media: the caller hears music and the agent is cut off, then they talk again.

The caller's audio is a test RTP endpoint (SIPp signals for it); the agent's SIPp phone echoes
what it receives. So packets coming back to the caller with the caller's own SSRC went through
the agent, and any other packets come from rtpengine's player (the music).
"""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from sportello.switchboard.engine.media.ng import leg_stats
from sportello.switchboard.engine.media.rtp_peer import RtpPeer, sdp_media_address
from sportello.switchboard.models import Call
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

SETTLE = 0.3  # for packets already in flight when the media changes
WINDOW = 1.5


async def heard_during(peer: RtpPeer, seconds: float) -> tuple[int, int]:
    """(packets the agent echoed back, other packets) the caller received in the next seconds."""
    await asyncio.sleep(SETTLE)
    start = len(peer.received)
    await asyncio.sleep(seconds)
    window = peer.received[start:]
    echoed = sum(p.ssrc == peer.ssrc for p in window)
    return echoed, len(window) - echoed


async def echo_arrives(peer: RtpPeer) -> None:
    for _ in range(100):
        if sum(p.ssrc == peer.ssrc for p in peer.received) >= 25:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the caller never heard the agent")


async def agent_packets(call) -> int:
    """Packets rtpengine has received from the agent's phone so far."""
    legs = leg_stats(await call.node.client.query(call.id))
    return legs[call.agent_tag].packets


async def test_on_hold_the_caller_hears_music_and_the_agent_hears_nothing(engine, sipp):
    await sync_to_async(make_switchboard)(flow=QUEUE_ONLY, announce_every_seconds=0)
    await reload(engine)
    agent_port = free_port()
    await sipp.register("agent1", agent_port)
    phone = sipp.answer("agent_answer.xml", agent_port, media_port())  # echoes RTP
    async with RtpPeer(port=media_port()) as peer:  # outside rtpengine's port range
        caller = asyncio.ensure_future(sipp.run(
            "trunk_waiter_external_media.xml", *media_args("-set", "rtp_port", str(peer.address[1]))
        ))  # fmt: skip
        call = await connected_call(engine)
        talking = asyncio.ensure_future(peer.send_audio(sdp_media_address(call.caller_sdp), 400))
        try:
            await echo_arrives(peer)  # the two are talking
            echoed, music = await heard_during(peer, WINDOW)
            assert echoed > 40 and music == 0, "before hold the caller hears only the agent"

            assert await engine.hold(call.id)
            await asyncio.sleep(SETTLE)
            before = await agent_packets(call)
            echoed, music = await heard_during(peer, WINDOW)
            assert echoed == 0, "the caller's audio still reached the agent on hold"
            assert music > 40, "the caller heard no music on hold"
            assert await agent_packets(call) - before <= 2

            assert await engine.unhold(call.id)
            echoed, music = await heard_during(peer, WINDOW)
            assert echoed > 40 and music == 0, "the two legs were not bridged again"
        finally:
            talking.cancel()
        code, log = await caller
        assert code == 0, log
    assert (await phone)[0] == 0
    await wait_until(lambda: Call.objects.get().ended_at is not None)
