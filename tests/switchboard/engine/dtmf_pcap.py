"""Keypad digits (RFC 4733) as a pcap file that a SIPp caller plays with ``play_pcap_audio``.

SIPp sends the recorded RTP unchanged but for addresses and ports, so a run of digits has to be
one file whose sequence numbers and timestamps keep rising: the stock one-digit files share one
recording, and playing them in another order (or one twice) would look old to rtpengine.
"""

import struct
from pathlib import Path

from sportello.switchboard.engine.media.rtp_peer import (
    PCMA,
    PCMA_SILENCE,
    SAMPLES_PER_PACKET,
    TELEPHONE_EVENT,
    RtpPacket,
    build_rtp,
    telephone_event,
)

PACKET_SECONDS = 0.02
LEAD_IN_PACKETS = 25
PORT = 10000
SSRC = 0x5E770


def write_digits(path: Path, keys: str, *, gap_seconds: float = 0.2) -> Path:
    """A pcap of ``keys`` pressed one after another, ``gap_seconds`` apart; spaces wait 1 s.

    Half a second of silence comes first, as from a phone: rtpengine missed an event that opened
    the stream."""
    packets: list[tuple[float, bytes]] = []
    at, seq = 0.0, 1
    for _ in range(LEAD_IN_PACKETS):
        silence = RtpPacket(PCMA, seq, round(at * 8000), SSRC, seq == 1, PCMA_SILENCE * 160)
        packets.append((at, build_rtp(silence)))
        seq += 1
        at += PACKET_SECONDS
    for key in keys:
        if key == " ":
            at += 1.0
            continue
        timestamp = round(at * 8000)  # an event's timestamp is its start
        for payload, marker in _event(key):
            packets.append((at, build_rtp(RtpPacket(TELEPHONE_EVENT, seq, timestamp, SSRC,
                                                    marker, payload))))  # fmt: skip
            seq += 1
            at += PACKET_SECONDS
        at += gap_seconds
    path.write_bytes(_pcap(packets))
    return path


def _event(key: str, updates: int = 6):
    for n in range(1, updates + 1):
        yield telephone_event(key, n * SAMPLES_PER_PACKET, end=False), n == 1
    for _ in range(3):
        yield telephone_event(key, updates * SAMPLES_PER_PACKET, end=True), False


def _pcap(packets: list[tuple[float, bytes]]) -> bytes:
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]  # Ethernet link type
    for at, rtp in packets:
        frame = _ethernet(_ipv4(_udp(rtp)))
        seconds, micros = divmod(round(at * 1e6), 1_000_000)
        out.append(struct.pack("<IIII", seconds, micros, len(frame), len(frame)) + frame)
    return b"".join(out)


def _udp(payload: bytes) -> bytes:
    return struct.pack("!HHHH", PORT, PORT, 8 + len(payload), 0) + payload


def _ipv4(datagram: bytes) -> bytes:
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(datagram), 0, 0, 64, 17, 0,
                         bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))  # fmt: skip
    return header + datagram


def _ethernet(packet: bytes) -> bytes:
    return bytes(6) + bytes(6) + b"\x08\x00" + packet
