"""NgClient: framing, retransmission, timeouts and error replies.

A scripted UDP responder stands in where the behaviour under test is the client's (lost
datagrams, silence, stray replies); everything else talks to the real rtpengine.
"""

import asyncio
import socket

import pytest

from sportello.switchboard.engine.media.bencode import decode, encode
from sportello.switchboard.engine.media.ng import (
    MediaNodeError,
    NgClient,
    NgCommandError,
    leg_stats,
)


class ScriptedNode(asyncio.DatagramProtocol):
    """Answers ng requests with ``reply``, ignoring the first ``drop`` datagrams."""

    def __init__(self, reply=None, drop=0, stray=False):
        self.reply = reply if reply is not None else {"result": "pong"}
        self.drop = drop
        self.stray = stray
        self.requests = []

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.requests.append(data)
        if len(self.requests) <= self.drop:
            return
        cookie, _, _ = data.partition(b" ")
        if self.stray:
            self.transport.sendto(b"someone_else " + encode({"result": "error"}), addr)
        self.transport.sendto(cookie + b" " + encode(self.reply), addr)


async def scripted_node(**kwargs):
    loop = asyncio.get_running_loop()
    transport, node = await loop.create_datagram_endpoint(
        lambda: ScriptedNode(**kwargs), local_addr=("127.0.0.1", 0)
    )
    return transport, node


async def test_it_frames_requests_as_cookie_space_bencoded_dict():
    transport, node = await scripted_node()
    async with NgClient(transport.get_extra_info("sockname")) as ng:
        await ng.ping()
        await ng.ping()
    transport.close()
    cookies = [r.partition(b" ")[0] for r in node.requests]
    assert len(set(cookies)) == 2
    assert decode(node.requests[0].partition(b" ")[2]) == {b"command": b"ping"}


async def test_it_retransmits_the_same_datagram_until_answered():
    transport, node = await scripted_node(drop=2)
    async with NgClient(transport.get_extra_info("sockname"), first_retransmit=0.01) as ng:
        await ng.ping()
    transport.close()
    assert len(node.requests) == 3
    assert len(set(node.requests)) == 1


async def test_it_ignores_replies_with_another_cookie():
    transport, _ = await scripted_node(stray=True)
    async with NgClient(transport.get_extra_info("sockname")) as ng:
        await ng.ping()
    transport.close()


async def test_it_raises_media_node_error_when_the_node_is_silent():
    transport, node = await scripted_node(drop=1000)
    client = NgClient(transport.get_extra_info("sockname"), timeout=0.2, first_retransmit=0.02)
    async with client as ng:
        with pytest.raises(MediaNodeError, match="no reply"):
            await ng.ping()
    transport.close()
    assert len(node.requests) > 1


async def test_it_fails_fast_when_nothing_listens():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        address = sock.getsockname()
    async with NgClient(address, timeout=30) as ng:
        with pytest.raises(MediaNodeError, match="refused"):
            await ng.ping()


async def test_it_raises_media_node_error_on_garbage():
    transport, node = await scripted_node()
    node.reply = None
    node.transport = transport

    def garbage(data, addr):
        transport.sendto(data.partition(b" ")[0] + b" not-bencode", addr)

    node.datagram_received = garbage
    async with NgClient(transport.get_extra_info("sockname")) as ng:
        with pytest.raises(MediaNodeError, match="undecodable"):
            await ng.ping()
    transport.close()


def test_leg_stats_sums_streams_per_tag():
    reply = {
        "tags": {
            "a": {"medias": [{"streams": [{"stats": {"packets": 3, "bytes": 30, "errors": 0}},
                                          {"stats": {"packets": 1, "bytes": 8, "errors": 1}}]}]},
            "b": {"medias": []},
        }
    }  # fmt: skip
    stats = leg_stats(reply)
    assert (stats["a"].packets, stats["a"].bytes, stats["a"].errors) == (4, 38, 1)
    assert stats["b"].packets == 0


@pytest.mark.slow
async def test_it_pings_real_rtpengine(media_node):
    async with media_node.client() as ng:
        await ng.ping()


@pytest.mark.slow
async def test_it_raises_the_error_reason_of_real_rtpengine(media_node):
    async with media_node.client() as ng:
        with pytest.raises(NgCommandError) as caught:
            await ng.query("no-such-call")
    assert caught.value.reason == "Unknown call-id"
    assert caught.value.command == "query"


@pytest.mark.slow
async def test_it_reads_statistics_of_real_rtpengine(media_node):
    async with media_node.client() as ng:
        stats = await ng.statistics()
    ports = stats["interfaces"][0]["ports"]
    assert (ports["min"], ports["max"]) == (media_node.config.port_min, media_node.config.port_max)
