"""Calls through a real rtpengine between two loopback RTP peers."""

import asyncio
import re

import pytest

from sportello.switchboard.engine.media.bencode import encode
from sportello.switchboard.engine.media.legs import rtp_leg, webrtc_leg
from sportello.switchboard.engine.media.ng import NgCommandError, leg_stats
from sportello.switchboard.engine.media.rtp_peer import PCMA, RtpPeer, plain_sdp
from sportello.switchboard.engine.media.testing import bridge_peers

pytestmark = pytest.mark.slow

BROWSER_OFFER = """v=0
o=- 4611731400430051336 2 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 0
m=audio 9 UDP/TLS/RTP/SAVPF 111 9 0 8 126
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0
a=ice-ufrag:Xy3k
a=ice-pwd:q8Jc2uXv9WmNs7PaLr4TeBhD
a=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00
a=setup:actpass
a=mid:0
a=sendrecv
a=rtcp-mux
a=rtpmap:111 opus/48000/2
a=rtpmap:9 G722/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:126 telephone-event/8000
""".replace("\n", "\r\n")


def codecs(sdp):
    return re.findall(r"^a=rtpmap:\d+ ([^/]+)/", sdp, re.M)


async def test_audio_flows_both_ways_and_query_counts_both_legs(media_node):
    async with media_node.client() as ng, RtpPeer() as caller, RtpPeer() as callee:
        call = await bridge_peers(ng, caller, callee)
        await asyncio.gather(
            caller.send_audio(call.caller_sends_to, 10), callee.send_audio(call.callee_sends_to, 10)
        )
        await caller.wait_for_packets(10, PCMA)
        await callee.wait_for_packets(10, PCMA)
        stats = leg_stats(await ng.query(call.call_id))
        await ng.delete(call.call_id)
    assert stats[call.caller_tag].packets >= 10
    assert stats[call.callee_tag].packets >= 10
    assert {p.ssrc for p in callee.packets()} == {caller.ssrc}


async def test_delete_ends_the_call(media_node):
    async with media_node.client() as ng, RtpPeer() as caller, RtpPeer() as callee:
        call = await bridge_peers(ng, caller, callee)
        assert call.call_id in await ng.list_calls(limit=1000)
        await ng.delete(call.call_id)
        assert call.call_id not in await ng.list_calls(limit=1000)
        with pytest.raises(NgCommandError):
            await ng.query(call.call_id)


async def test_play_media_sends_a_prompt_to_the_caller(media_node, default_prompts):
    prompt = default_prompts / "it" / "welcome.wav"
    async with media_node.client() as ng, RtpPeer() as caller, RtpPeer() as callee:
        call = await bridge_peers(ng, caller, callee)
        stopped_before = await ng.stop_media(call.call_id, call.caller_tag)
        duration_ms = await ng.play_media(call.call_id, call.caller_tag, file=prompt)
        await caller.wait_for_packets(25, PCMA)
        stopped = await ng.stop_media(call.call_id, call.caller_tag)
        await ng.delete(call.call_id)
    assert (stopped_before, stopped) == (False, True)
    assert 1000 < duration_ms < 10_000
    assert callee.packets() == []
    assert any(set(p.payload) != {0xD5} for p in caller.packets(PCMA)), "only silence arrived"


async def test_block_media_holds_one_direction(media_node):
    async with media_node.client() as ng, RtpPeer() as caller, RtpPeer() as callee:
        call = await bridge_peers(ng, caller, callee)
        await ng.block_media(call.call_id, call.caller_tag)
        await caller.send_audio(call.caller_sends_to, 5)
        await callee.send_audio(call.callee_sends_to, 5)
        await caller.wait_for_packets(5)
        blocked = len(callee.packets())
        await ng.unblock_media(call.call_id, call.caller_tag)
        await caller.send_audio(call.caller_sends_to, 5)
        await callee.wait_for_packets(5)
        await ng.delete(call.call_id)
    assert blocked == 0


async def test_recording_writes_a_pcap(media_node):
    recordings = media_node.config.recording_dir
    async with media_node.client() as ng, RtpPeer() as caller, RtpPeer() as callee:
        call = await bridge_peers(ng, caller, callee)
        await ng.start_recording(call.call_id)
        await caller.send_audio(call.caller_sends_to, 5)
        await callee.wait_for_packets(5)
        await ng.stop_recording(call.call_id)
        await ng.delete(call.call_id)
    assert list(recordings.glob(f"pcaps/{call.call_id}-*.pcap"))


async def test_webrtc_leg_offer_gets_dtls_ice_and_only_g711(media_node):
    trunk_sdp = plain_sdp(40_000).replace("RTP/AVP 8 0 101", "RTP/AVP 18 8 0 101")
    trunk_sdp = trunk_sdp.replace("a=rtpmap:8 ", "a=rtpmap:18 G729/8000\r\na=rtpmap:8 ")
    async with media_node.client() as ng:
        sdp = await ng.offer("webrtc-offer", "trunk", trunk_sdp, webrtc_leg())
        await ng.delete("webrtc-offer")
    assert "m=audio" in sdp and "UDP/TLS/RTP/SAVPF" in sdp
    assert re.search(r"^a=fingerprint:sha-256 [0-9A-F:]{95}\r$", sdp, re.M)
    assert re.search(r"^a=ice-ufrag:\S+", sdp, re.M)
    assert re.search(r"^a=candidate:\S+ 1 UDP \d+ 127\.0\.0\.1 \d+ typ host", sdp, re.M)
    assert "a=rtcp-mux" in sdp and "a=crypto" not in sdp
    assert codecs(sdp) == ["PCMA", "PCMU", "telephone-event"]


async def test_browser_offer_becomes_plain_rtp_for_the_trunk(media_node):
    async with media_node.client() as ng:
        sdp = await ng.offer("browser-offer", "agent", BROWSER_OFFER, rtp_leg())
        await ng.delete("browser-offer")
    assert re.search(r"^m=audio \d+ RTP/AVP ", sdp, re.M)
    assert not re.search(r"^a=(fingerprint|ice-ufrag|candidate|setup)", sdp, re.M)
    assert codecs(sdp) == ["PCMA", "PCMU", "telephone-event"]


async def test_webrtc_answer_with_passive_dtls_role(media_node):
    async with media_node.client() as ng, RtpPeer() as trunk:
        await ng.offer("webrtc-answer", "agent", BROWSER_OFFER, rtp_leg())
        sdp = await ng.answer("webrtc-answer", "agent", "trunk", trunk.sdp(), webrtc_leg())
        await ng.delete("webrtc-answer")
    assert "a=setup:passive" in sdp
    assert re.search(r"^a=fingerprint:sha-256 ", sdp, re.M)
    assert "UDP/TLS/RTP/SAVPF" in sdp


async def test_a_retransmitted_request_gets_the_cached_reply(media_node):
    request = b"retransmit_1 " + encode(
        {"command": "offer", "call-id": "retransmit", "from-tag": "a", "sdp": plain_sdp(40_002)}
    )
    loop = asyncio.get_running_loop()
    replies = loop.create_future()
    received = []

    class Receiver(asyncio.DatagramProtocol):
        def datagram_received(self, data, addr):
            received.append(data)
            if len(received) == 2:
                replies.set_result(received)

    transport, _ = await loop.create_datagram_endpoint(Receiver, remote_addr=media_node.ng_address)
    transport.sendto(request)
    transport.sendto(request)
    first, second = await replies
    transport.close()
    async with media_node.client() as ng:
        await ng.delete("retransmit")
    assert first == second
    assert b"sdp" in first
    assert "as a duplicate" in media_node.config.log_file.read_text()


async def test_play_media_reports_a_missing_file(media_node, tmp_path):
    async with media_node.client() as ng, RtpPeer() as caller, RtpPeer() as callee:
        call = await bridge_peers(ng, caller, callee)
        with pytest.raises(NgCommandError, match="Failed to start media playback"):
            await ng.play_media(call.call_id, call.caller_tag, file=tmp_path / "missing.wav")
        await ng.delete(call.call_id)
