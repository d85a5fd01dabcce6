"""Turn rtpengine's pcap recordings (``--recording-method=pcap``) into 8 kHz mono WAV files.

rtpengine 10.5 writes what it receives as raw IPv4/UDP packets (link type 101). Each RTP stream
is decoded from G.711 and placed on a timeline by arrival time; streams are mixed (summed).
"""

from __future__ import annotations

import struct
import wave
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

RATE = 8000
PCMU, PCMA = 0, 8
_LINKTYPE_RAW = (101, 12, 228)


@dataclass(frozen=True)
class RtpRecord:
    at: float  # arrival time, seconds
    source: tuple[str, int]
    dest: tuple[str, int]
    payload_type: int
    payload: bytes


def _alaw(byte: int) -> int:
    byte ^= 0x55
    exponent, mantissa = (byte & 0x70) >> 4, byte & 0x0F
    sample = (mantissa << 4) + 8 if exponent == 0 else ((mantissa << 4) + 0x108) << (exponent - 1)
    return sample if byte & 0x80 else -sample


def _ulaw(byte: int) -> int:
    byte = ~byte & 0xFF
    exponent, mantissa = (byte >> 4) & 0x07, byte & 0x0F
    sample = (((mantissa << 3) + 0x84) << exponent) - 0x84
    return -sample if byte & 0x80 else sample


DECODERS = {PCMA: [_alaw(b) for b in range(256)], PCMU: [_ulaw(b) for b in range(256)]}


def _ip(raw: bytes) -> str:
    return ".".join(str(b) for b in raw)


def read_rtp(path: Path) -> Iterator[RtpRecord]:
    """The RTP packets of a pcap file (IPv4/UDP only; anything else is skipped)."""
    data = path.read_bytes()
    if len(data) < 24:
        return
    endian = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    ip_offset = 0 if linktype in _LINKTYPE_RAW else 14 if linktype == 1 else 16
    offset = 24
    while offset + 16 <= len(data):
        sec, usec, length, _ = struct.unpack(endian + "IIII", data[offset : offset + 16])
        packet = data[offset + 16 : offset + 16 + length]
        offset += 16 + length
        record = _parse(packet[ip_offset:], sec + usec / 1e6)
        if record is not None:
            yield record


def _parse(ip: bytes, at: float) -> RtpRecord | None:
    if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 17:
        return None
    header = (ip[0] & 0x0F) * 4
    udp = ip[header:]
    if len(udp) < 20:
        return None
    sport, dport = struct.unpack("!HH", udp[:4])
    rtp = udp[8:]
    if rtp[0] >> 6 != 2:
        return None
    skip = 12 + 4 * (rtp[0] & 0x0F)
    if rtp[0] & 0x10 and len(rtp) >= skip + 4:  # header extension
        skip += 4 + 4 * struct.unpack("!H", rtp[skip + 2 : skip + 4])[0]
    payload = rtp[skip:]
    if rtp[0] & 0x20 and payload:  # padding
        payload = payload[: -payload[-1]]
    src, dst = (_ip(ip[12:16]), sport), (_ip(ip[16:20]), dport)
    return RtpRecord(at, src, dst, rtp[1] & 0x7F, payload)


def mix(records: list[RtpRecord]) -> array:
    """16-bit samples of every G.711 stream placed by arrival time and summed (clipped)."""
    audio = [r for r in records if r.payload_type in DECODERS]
    if not audio:
        return array("h")
    start = min(r.at for r in audio)
    end = max(int((r.at - start) * RATE) + len(r.payload) for r in audio)
    track = array("i", bytes(4 * end))
    for record in audio:
        table, position = DECODERS[record.payload_type], int((record.at - start) * RATE)
        for i, byte in enumerate(record.payload):
            track[position + i] += table[byte]
    return array("h", (max(-32768, min(32767, s)) for s in track))


def pcap_to_wav(
    pcaps: list[Path], wav: Path, keep: Callable[[RtpRecord], bool] = lambda r: True
) -> float:
    """Write the mixed audio of ``pcaps`` (packets ``keep`` accepts) to ``wav``; its seconds."""
    records = [r for path in pcaps for r in read_rtp(path) if keep(r)]
    samples = mix(records)
    wav.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.tobytes())
    return len(samples) / RATE


def rms(wav: Path) -> float:
    """Root mean square of a 16-bit WAV, 0..1 (silence is about 0)."""
    with wave.open(str(wav), "rb") as source:
        samples = array("h", source.readframes(source.getnframes()))
    if not samples:
        return 0.0
    return (sum(s * s for s in samples) / len(samples)) ** 0.5 / 32768
