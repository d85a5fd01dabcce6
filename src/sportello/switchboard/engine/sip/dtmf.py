"""DTMF carried in SIP INFO with `application/dtmf-relay` bodies (`Signal=5`, `Duration=160`)."""

from __future__ import annotations

from dataclasses import dataclass

from .syntax import SipParseError

DTMF_RELAY = "application/dtmf-relay"
_SIGNALS = frozenset("0123456789*#ABCD")
_ALIASES = {"10": "*", "11": "#", "12": "A", "13": "B", "14": "C", "15": "D"}


@dataclass(frozen=True)
class DtmfRelay:
    signal: str
    duration: int | None = None


def parse_dtmf_relay(body: bytes) -> DtmfRelay:
    """Parse an `application/dtmf-relay` body; raise `SipParseError` if it has no valid Signal."""
    fields: dict[str, str] = {}
    for line in body.decode("ascii", "replace").splitlines():
        name, eq, value = line.partition("=")
        if eq:
            fields[name.strip().lower()] = value.strip()
    raw = fields.get("signal", "")
    signal = _ALIASES.get(raw, raw.upper())
    if signal not in _SIGNALS:
        raise SipParseError(f"bad DTMF signal {raw!r}")
    duration_text = fields.get("duration", "")
    duration = int(duration_text) if duration_text.isascii() and duration_text.isdigit() else None
    return DtmfRelay(signal, duration)


def build_dtmf_relay(signal: str, duration: int = 160) -> bytes:
    if signal.upper() not in _SIGNALS:
        raise ValueError(f"bad DTMF signal {signal!r}")
    return f"Signal={signal.upper()}\r\nDuration={duration}\r\n".encode("ascii")
