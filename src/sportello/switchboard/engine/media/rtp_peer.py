"""A minimal RTP endpoint for tests: sends G.711 and RFC 4733 events, records what it receives.

Test support only; the product never touches media packets (rtpengine does).
"""

from __future__ import annotations

import asyncio
import re
import secrets
import struct
from dataclasses import dataclass
from typing import Any

from .dtmf import EVENT_DIGITS
from .ng import Address

PCMU, PCMA, TELEPHONE_EVENT = 0, 8, 101
SAMPLES_PER_PACKET = 160  # 20 ms at 8 kHz
PCMA_SILENCE = b"\xd5"


@dataclass(frozen=True)
class RtpPacket:
    payload_type: int
    seq: int
    timestamp: int
    ssrc: int
    marker: bool
    payload: bytes


def build_rtp(packet: RtpPacket) -> bytes:
    second = (0x80 if packet.marker else 0) | packet.payload_type
    header = struct.pack("!BBHII", 0x80, second, packet.seq & 0xFFFF, packet.timestamp, packet.ssrc)
    return header + packet.payload


def parse_rtp(data: bytes) -> RtpPacket | None:
    """The packet, or None for anything that is not RTP version 2 (e.g. RTCP, STUN)."""
    if len(data) < 12 or data[0] >> 6 != 2 or 72 <= data[1] & 0x7F <= 76:
        return None
    _, second, seq, timestamp, ssrc = struct.unpack("!BBHII", data[:12])
    start = 12 + 4 * (data[0] & 0x0F)
    return RtpPacket(second & 0x7F, seq, timestamp, ssrc, bool(second & 0x80), data[start:])


def telephone_event(digit: str, duration: int, *, end: bool, volume: int = 10) -> bytes:
    """RFC 4733 payload; ``duration`` in timestamp units (samples)."""
    flags = (0x80 if end else 0) | (volume & 0x3F)
    return struct.pack("!BBH", EVENT_DIGITS.index(digit), flags, duration)


def plain_sdp(port: int, host: str = "127.0.0.1") -> str:
    """An SDP offer/answer of a SIP phone: PCMA, PCMU and telephone-event 101 over RTP/AVP."""
    session = secrets.randbelow(2**31)
    lines = [
        "v=0", f"o=- {session} 1 IN IP4 {host}", "s=-", f"c=IN IP4 {host}", "t=0 0",
        f"m=audio {port} RTP/AVP {PCMA} {PCMU} {TELEPHONE_EVENT}",
        f"a=rtpmap:{PCMA} PCMA/8000", f"a=rtpmap:{PCMU} PCMU/8000",
        f"a=rtpmap:{TELEPHONE_EVENT} telephone-event/8000", f"a=fmtp:{TELEPHONE_EVENT} 0-15",
        "a=ptime:20", "a=sendrecv",
    ]  # fmt: skip
    return "\r\n".join(lines) + "\r\n"


def sdp_media_address(sdp: str) -> Address:
    """Where to send audio according to an SDP (first audio m= line, session or media c=)."""
    host = re.search(r"^c=IN IP4 (\S+)", sdp, re.M)
    port = re.search(r"^m=audio (\d+) ", sdp, re.M)
    if host is None or port is None:
        raise ValueError("SDP has no IPv4 audio address")
    return host.group(1), int(port.group(1))


def sdp_payload_types(sdp: str) -> dict[str, int]:
    """Codec name → payload type, from ``a=rtpmap`` lines."""
    return {m[2]: int(m[1]) for m in re.finditer(r"^a=rtpmap:(\d+) ([^/\s]+)", sdp, re.M)}


class _PeerProtocol(asyncio.DatagramProtocol):
    def __init__(self, peer: RtpPeer) -> None:
        self.peer = peer

    def datagram_received(self, data: bytes, addr: Any) -> None:
        if (packet := parse_rtp(data)) is not None:
            self.peer.received.append(packet)
            self.peer._arrived.set()


class RtpPeer:
    """A UDP socket on loopback that speaks just enough RTP to prove media flows."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.address: Address = (host, port)
        self.received: list[RtpPacket] = []
        self.ssrc = secrets.randbits(32)
        self._seq = secrets.randbelow(2**15)
        self._timestamp = secrets.randbits(31)
        self._arrived = asyncio.Event()
        self._transport: asyncio.DatagramTransport | None = None

    async def __aenter__(self) -> RtpPeer:
        loop = asyncio.get_running_loop()
        self._transport, _ = await loop.create_datagram_endpoint(
            lambda: _PeerProtocol(self), local_addr=self.address
        )
        self.address = self._transport.get_extra_info("sockname")[:2]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._transport is not None:
            self._transport.close()

    def sdp(self) -> str:
        return plain_sdp(self.address[1], self.host)

    def _send(self, dest: Address, payload_type: int, payload: bytes, marker: bool = False) -> None:
        assert self._transport is not None, "use RtpPeer as an async context manager"
        packet = RtpPacket(payload_type, self._seq, self._timestamp, self.ssrc, marker, payload)
        self._transport.sendto(build_rtp(packet), dest)
        self._seq += 1

    async def send_audio(self, dest: Address, count: int, payload_type: int = PCMA) -> None:
        """``count`` packets of 20 ms G.711 silence, paced in real time."""
        for _ in range(count):
            self._send(dest, payload_type, PCMA_SILENCE * SAMPLES_PER_PACKET)
            self._timestamp += SAMPLES_PER_PACKET
            await asyncio.sleep(0.02)

    async def send_digit(
        self, dest: Address, digit: str, payload_type: int = TELEPHONE_EVENT, packets: int = 8
    ) -> None:
        """One RFC 4733 event: ``packets`` updates 20 ms apart, then the end packet three times."""
        for n in range(1, packets + 1):
            payload = telephone_event(digit, n * SAMPLES_PER_PACKET, end=False)
            self._send(dest, payload_type, payload, marker=n == 1)
            await asyncio.sleep(0.02)
        end = telephone_event(digit, packets * SAMPLES_PER_PACKET, end=True)
        for _ in range(3):
            self._send(dest, payload_type, end)
        self._timestamp += (packets + 1) * SAMPLES_PER_PACKET

    async def wait_for_packets(self, count: int, payload_type: int | None = None) -> None:
        """Wait until ``count`` packets (of ``payload_type``, if given) have arrived."""
        while len(self.packets(payload_type)) < count:
            self._arrived.clear()
            await self._arrived.wait()

    def packets(self, payload_type: int | None = None) -> list[RtpPacket]:
        return [p for p in self.received if payload_type in (None, p.payload_type)]
