"""asyncio UDP and TCP transports (RFC 3261 §18) with per-source flood limiting.

Each transport turns bytes into parsed messages for the endpoint, counting what it drops,
and sends responses where the top Via says (`received`/`rport`, RFC 3581).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from .headers import Via
from .message import (
    MAX_MESSAGE_SIZE,
    SipMessage,
    SipRequest,
    SipResponse,
    StreamFramer,
    parse_message,
)
from .syntax import SipMessageTooLarge, SipParseError

log = logging.getLogger(__name__)


@dataclass
class TransportStats:
    received: int = 0
    sent: int = 0
    malformed: int = 0
    oversized: int = 0
    flooded: int = 0


@dataclass(frozen=True)
class Target:
    """Where to send: an IP address, a port and a transport name (`udp` or `tcp`)."""

    host: str
    port: int
    transport: str = "udp"


@dataclass(frozen=True, eq=False)
class Source:
    """Where a message came from; `connection` is set for TCP."""

    transport: str
    host: str
    port: int
    connection: TcpConnection | None = None


MessageHandler = Callable[[SipRequest | SipResponse, Source], None]


class FloodLimiter:
    """A token bucket per source address; the least recently seen sources are forgotten."""

    def __init__(
        self,
        rate: float = 200.0,
        burst: float = 400.0,
        *,
        max_sources: int = 10_000,
        exempt: frozenset[str] = frozenset(),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.exempt = exempt  # trusted peers, e.g. the trunk's addresses
        self.max_sources = max_sources
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, source: str) -> bool:
        if source in self.exempt:
            return True
        now = self._clock()
        tokens, last = self._buckets.pop(source, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        allowed = tokens >= 1.0
        self._buckets[source] = (tokens - 1.0 if allowed else tokens, now)
        if len(self._buckets) > self.max_sources:
            self._buckets.popitem(last=False)
        return allowed


def next_hop(request: SipRequest) -> Target:
    """First Route, else the Request-URI (RFC 3263 without DNS SRV/NAPTR)."""
    routes = request.routes
    uri = routes[0].uri if routes else request.uri
    if not uri.is_sip:
        raise SipParseError(f"cannot route to {uri}")
    port = uri.port or (5061 if uri.scheme == "sips" else 5060)
    return Target(uri.params.get("maddr") or uri.host, port, uri.transport)


async def resolve(target: Target) -> Target:
    """Target with its host name resolved to an address (A/AAAA only)."""
    try:
        ipaddress.ip_address(target.host)
        return target
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(target.host, target.port, type=socket.SOCK_DGRAM)
    if not infos:
        raise OSError(f"cannot resolve {target.host}")
    return Target(str(infos[0][4][0]), target.port, target.transport)


def annotate_via(request: SipRequest, host: str, port: int) -> None:
    """Record the packet's source in the top Via: `received` (§18.2.1), `rport` (RFC 3581)."""
    values = request.headers.get_list("Via")
    via = Via.parse(values[0])
    if "rport" in via.params:
        via.params["rport"] = str(port)
        via.params["received"] = host
    elif via.host != host:
        via.params["received"] = host
    else:
        return
    request.headers.set_list("Via", [str(via), *values[1:]])


def response_target(via: Via) -> tuple[str, int]:
    """Where a response goes over UDP, from the top Via (§18.2.2, RFC 3581 §4)."""
    return via.received or via.host, via.rport or via.port or 5060


class Inbox:
    """Checks, parses and hands on what a transport received; counts what it drops."""

    def __init__(
        self,
        on_message: MessageHandler,
        stats: TransportStats,
        limiter: FloodLimiter | None = None,
        max_size: int = MAX_MESSAGE_SIZE,
    ) -> None:
        self.on_message = on_message
        self.stats = stats
        self.limiter = limiter
        self.max_size = max_size

    def accept(self, data: bytes, source: Source, *, stream: bool) -> None:
        if self.limiter is not None and not self.limiter.allow(source.host):
            self.stats.flooded += 1
            return
        if not data.strip(b"\r\n"):
            return  # keep-alive
        if len(data) > self.max_size:
            self.stats.oversized += 1
            return
        try:
            message = parse_message(data, stream=stream)
            if isinstance(message, SipRequest):
                annotate_via(message, source.host, source.port)
        except SipMessageTooLarge:
            self.stats.oversized += 1
            return
        except SipParseError as exc:
            self.stats.malformed += 1
            log.debug("dropped malformed SIP message from %s: %s", source.host, exc)
            return
        self.stats.received += 1
        self.on_message(message, source)


class UdpTransport(asyncio.DatagramProtocol):
    name = "udp"
    reliable = False

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self._transport: asyncio.DatagramTransport | None = None

    @classmethod
    async def listen(cls, host: str, port: int, inbox: Inbox) -> UdpTransport:
        loop = asyncio.get_running_loop()
        _, protocol = await loop.create_datagram_endpoint(
            lambda: cls(inbox), local_addr=(host, port)
        )
        return protocol

    @property
    def local_address(self) -> tuple[str, int]:
        assert self._transport is not None
        host, port = self._transport.get_extra_info("sockname")[:2]
        return host, port

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | bytes, int]) -> None:
        self.inbox.accept(data, Source("udp", str(addr[0]), addr[1]), stream=False)

    def error_received(self, exc: Exception) -> None:
        log.debug("UDP error: %s", exc)

    def send(self, message: SipMessage, host: str, port: int) -> None:
        if self._transport is None or self._transport.is_closing():
            raise OSError("UDP transport is closed")
        self._transport.sendto(message.to_bytes(), (host, port))
        self.inbox.stats.sent += 1

    def send_response(self, response: SipMessage, source: Source) -> None:
        self.send(response, *response_target(response.top_via))

    async def close(self) -> None:
        if self._transport is not None:
            self._transport.close()


class TcpConnection(asyncio.Protocol):
    def __init__(self, owner: TcpTransport) -> None:
        self.owner = owner
        self.peer: tuple[str, int] = ("", 0)
        self.transport: asyncio.Transport | None = None
        self._framer = StreamFramer(owner.inbox.max_size)

    @property
    def is_open(self) -> bool:
        return self.transport is not None and not self.transport.is_closing()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)
        host, port = transport.get_extra_info("peername")[:2]
        self.peer = (host, port)
        self.owner.connections[self.peer] = self

    def data_received(self, data: bytes) -> None:
        stats = self.owner.inbox.stats
        pings = self._framer.pings
        try:
            frames = self._framer.feed(data)
        except SipParseError as exc:  # the stream cannot be re-synchronised: drop it
            if isinstance(exc, SipMessageTooLarge):
                stats.oversized += 1
            else:
                stats.malformed += 1
            self.close()
            return
        if self._framer.pings > pings:
            self.write(b"\r\n")  # RFC 5626 pong
        for frame in frames:
            self.owner.inbox.accept(frame, Source("tcp", *self.peer, self), stream=True)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.owner.connections.get(self.peer) is self:
            del self.owner.connections[self.peer]

    def write(self, data: bytes) -> None:
        if not self.is_open:
            raise OSError("TCP connection is closed")
        assert self.transport is not None
        self.transport.write(data)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


class TcpTransport:
    name = "tcp"
    reliable = True

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self.connections: dict[tuple[str, int], TcpConnection] = {}
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @classmethod
    async def listen(cls, host: str, port: int, inbox: Inbox) -> TcpTransport:
        transport = cls(inbox)
        loop = asyncio.get_running_loop()
        transport._server = await loop.create_server(lambda: TcpConnection(transport), host, port)
        return transport

    @property
    def local_address(self) -> tuple[str, int]:
        assert self._server is not None
        host, port = self._server.sockets[0].getsockname()[:2]
        return host, port

    async def connect(self, host: str, port: int) -> TcpConnection:
        """The open connection to (host, port), opening one if needed."""
        existing = self.connections.get((host, port))
        if existing is not None and existing.is_open:
            return existing
        loop = asyncio.get_running_loop()
        _, connection = await loop.create_connection(lambda: TcpConnection(self), host, port)
        return connection

    def send(self, message: SipMessage, host: str, port: int) -> None:
        data = message.to_bytes()
        connection = self.connections.get((host, port))
        if connection is not None and connection.is_open:
            connection.write(data)
            self.inbox.stats.sent += 1
            return
        task = asyncio.get_running_loop().create_task(self._connect_and_send(data, host, port))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _connect_and_send(self, data: bytes, host: str, port: int) -> None:
        try:
            connection = await self.connect(host, port)
            connection.write(data)
            self.inbox.stats.sent += 1
        except OSError as exc:
            log.warning("SIP over TCP to %s:%s failed: %s", host, port, exc)

    def send_response(self, response: SipMessage, source: Source) -> None:
        """Over the connection the request came on; if it is gone, per the Via (§18.2.2)."""
        if source.connection is not None and source.connection.is_open:
            source.connection.write(response.to_bytes())
            self.inbox.stats.sent += 1
            return
        via = response.top_via
        self.send(response, via.received or via.host, via.port or 5060)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for connection in list(self.connections.values()):
            connection.close()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
