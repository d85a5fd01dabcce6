import asyncio
import json

import pytest

from sportello.switchboard.engine.media.dtmf import DtmfEvent, DtmfListener, parse_dtmf_log
from sportello.switchboard.engine.media.rtp_peer import (
    PCMA,
    TELEPHONE_EVENT,
    RtpPeer,
    sdp_payload_types,
    telephone_event,
)
from sportello.switchboard.engine.media.testing import bridge_peers


def log_record(**changes):
    record = {
        "callid": "c1", "source_tag": "caller", "tags": ["caller", "callee"], "type": "DTMF",
        "timestamp": 1700000000, "source_ip": "127.0.0.1", "event": 11, "duration": 160,
        "volume": 10,
    }  # fmt: skip
    return json.dumps(record | changes).encode()


def test_it_parses_a_dtmf_log_record():
    assert parse_dtmf_log(log_record()) == DtmfEvent("c1", "caller", "#", 160, 10, "127.0.0.1")


@pytest.mark.parametrize(
    "data",
    [b"not json", b"[1]", log_record(type="other"), log_record(event=16), b'{"type":"DTMF"}'],
)
def test_it_rejects_what_is_not_a_digit_report(data):
    with pytest.raises((ValueError, KeyError)):
        parse_dtmf_log(data)


def test_rfc4733_payload_layout():
    assert telephone_event("*", 800, end=True, volume=10) == bytes([10, 0x80 | 10, 0x03, 0x20])


async def test_the_listener_survives_garbage_and_reports_digits():
    events = []
    async with DtmfListener(events.append) as listener:
        loop = asyncio.get_running_loop()
        sender, _ = await loop.create_datagram_endpoint(
            asyncio.DatagramProtocol, remote_addr=listener.address
        )
        sender.sendto(b"garbage")
        sender.sendto(log_record(event=3))
        while not events:
            await asyncio.sleep(0.01)
        sender.close()
    assert [e.digit for e in events] == ["3"]


@pytest.mark.slow
async def test_a_digit_sent_in_rtp_reaches_the_callback(media_node):
    digits = asyncio.Queue()
    async with (
        DtmfListener(digits.put_nowait, media_node.config.dtmf_log_dest),
        media_node.client() as ng,
        RtpPeer() as caller,
        RtpPeer() as callee,
    ):
        call = await bridge_peers(ng, caller, callee)
        event_pt = sdp_payload_types(call.answer_sdp)["telephone-event"]
        await caller.send_digit(call.caller_sends_to, "7", payload_type=event_pt)
        event = await digits.get()
        await callee.wait_for_packets(1, TELEPHONE_EVENT)
        await ng.delete(call.call_id)
    assert (event.call_id, event.tag, event.digit) == (call.call_id, call.caller_tag, "7")
    assert event.duration_ms == 160


@pytest.mark.slow
async def test_play_dtmf_injects_a_digit_towards_the_callee(media_node):
    digits = asyncio.Queue()
    inject = {"flags": ["inject-DTMF"]}
    async with (
        DtmfListener(digits.put_nowait, media_node.config.dtmf_log_dest),
        media_node.client() as ng,
        RtpPeer() as caller,
        RtpPeer() as callee,
    ):
        call = await bridge_peers(ng, caller, callee, offer_options=inject, answer_options=inject)
        sending = asyncio.create_task(caller.send_audio(call.caller_sends_to, 30))
        await callee.wait_for_packets(1, PCMA)  # rtpengine injects into a stream it has seen
        await ng.play_dtmf(call.call_id, call.caller_tag, "4", duration_ms=200)
        await callee.wait_for_packets(1, TELEPHONE_EVENT)
        event = await digits.get()
        await sending
        await ng.delete(call.call_id)
    assert (event.tag, event.digit) == (call.caller_tag, "4")
