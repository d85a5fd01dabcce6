"""Receiving the digits rtpengine reports to ``--dtmf-log-dest`` (one JSON object per datagram).

rtpengine reports a digit when its RFC 4733 event ends, with ``source_tag`` naming the
participant who pressed it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .ng import Address

logger = logging.getLogger(__name__)

EVENT_DIGITS = "0123456789*#ABCD"  # RFC 4733 event codes 0-15


@dataclass(frozen=True)
class DtmfEvent:
    call_id: str
    tag: str
    digit: str
    duration_ms: int
    volume: int = 0
    source_ip: str = ""


def parse_dtmf_log(data: bytes) -> DtmfEvent:
    """Parse one dtmf-log datagram; ``ValueError`` if it is not a DTMF digit report."""
    record = json.loads(data)
    if not isinstance(record, dict) or record.get("type") != "DTMF":
        raise ValueError("not a DTMF record")
    event = int(record["event"])
    if not 0 <= event < len(EVENT_DIGITS):
        raise ValueError(f"event {event} is not a digit")
    return DtmfEvent(
        call_id=str(record["callid"]),
        tag=str(record["source_tag"]),
        digit=EVENT_DIGITS[event],
        duration_ms=int(record["duration"]),
        volume=int(record.get("volume", 0)),
        source_ip=str(record.get("source_ip", "")),
    )


DtmfCallback = Callable[[DtmfEvent], None]


class _DtmfProtocol(asyncio.DatagramProtocol):
    def __init__(self, callback: DtmfCallback) -> None:
        self.callback = callback

    def datagram_received(self, data: bytes, addr: Any) -> None:
        try:
            event = parse_dtmf_log(data)
        except (ValueError, KeyError, TypeError) as exc:
            logger.warning("ignoring DTMF log datagram from %s: %s", addr, exc)
            return
        self.callback(event)


class DtmfListener:
    """UDP listener for one or more media nodes' DTMF logs. Port 0 picks a free port."""

    def __init__(self, callback: DtmfCallback, address: Address = ("127.0.0.1", 0)) -> None:
        self.callback = callback
        self.address = address
        self._transport: asyncio.DatagramTransport | None = None

    async def start(self) -> Address:
        loop = asyncio.get_running_loop()
        self._transport, _ = await loop.create_datagram_endpoint(
            lambda: _DtmfProtocol(self.callback), local_addr=self.address
        )
        self.address = self._transport.get_extra_info("sockname")[:2]
        return self.address

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    async def __aenter__(self) -> DtmfListener:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()
