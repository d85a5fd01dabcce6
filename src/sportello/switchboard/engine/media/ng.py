"""Asyncio client for rtpengine's ng control protocol over UDP.

Each request is ``<cookie> <bencoded dict>``; the reply carries the same cookie. rtpengine caches
replies by cookie, so a retransmitted request is answered with the original reply and never
executed twice: retransmitting an ``offer`` is safe.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import bencode

Address = tuple[str, int]
Options = Mapping[str, Any]
NOT_PLAYING = "Not currently playing media"


class MediaError(Exception):
    """Base class of media-side failures."""


class MediaNodeError(MediaError):
    """The media node did not answer (down, unreachable) or answered garbage."""


class NgCommandError(MediaError):
    """The media node answered ``result: error``."""

    def __init__(self, command: str, reason: str) -> None:
        super().__init__(f"{command}: {reason}")
        self.command = command
        self.reason = reason


@dataclass(frozen=True)
class LegStats:
    """Counters of what rtpengine received from one call leg (one SIP tag), all streams."""

    tag: str
    packets: int
    bytes: int
    errors: int


_STAT_KEYS = ("packets", "bytes", "errors")


def leg_stats(query_reply: Mapping[str, Any]) -> dict[str, LegStats]:
    """Sum the per-stream counters of a ``query`` reply by SIP tag."""
    legs = {}
    for tag, leg in query_reply.get("tags", {}).items():
        streams = [s for m in leg.get("medias", []) for s in m.get("streams", [])]
        total = [sum(int(s.get("stats", {}).get(k, 0)) for s in streams) for k in _STAT_KEYS]
        legs[tag] = LegStats(tag, *total)
    return legs


def _text(value: Any) -> Any:
    """Bencode strings are bytes; rtpengine's are UTF-8 text (SDP, tags, reasons)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    if isinstance(value, list):
        return [_text(v) for v in value]
    if isinstance(value, dict):
        return {_text(k): _text(v) for k, v in value.items()}
    return value


class _NgProtocol(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.pending: dict[bytes, asyncio.Future[bytes]] = {}

    def datagram_received(self, data: bytes, addr: Any) -> None:
        cookie, _, body = data.partition(b" ")
        waiter = self.pending.get(cookie)
        if waiter is not None and not waiter.done():
            waiter.set_result(body)

    def error_received(self, exc: Exception) -> None:
        # ICMP port unreachable: nothing listens on the ng port, so fail fast instead of
        # retransmitting into the void. Other errors are left to retransmission and timeout.
        if isinstance(exc, ConnectionRefusedError):
            self._fail_all(MediaNodeError("media node refused the connection (not running?)"))

    def _fail_all(self, exc: Exception) -> None:
        for waiter in self.pending.values():
            if not waiter.done():
                waiter.set_exception(exc)

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail_all(MediaNodeError("ng socket closed"))


class NgClient:
    """One rtpengine node's ng control port. Opens its socket on first use."""

    def __init__(
        self, address: Address, *, timeout: float = 3.0, first_retransmit: float = 0.2
    ) -> None:
        self.address = address
        self.timeout = timeout
        self.first_retransmit = first_retransmit
        self._prefix = secrets.token_hex(6)
        self._counter = itertools.count(1)
        self._transport: asyncio.DatagramTransport | None = None
        self._protocol: _NgProtocol | None = None
        self._opening = asyncio.Lock()

    async def __aenter__(self) -> NgClient:
        await self._open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = self._protocol = None

    async def _open(self) -> _NgProtocol:
        async with self._opening:
            if self._protocol is None:
                loop = asyncio.get_running_loop()
                try:
                    transport, protocol = await loop.create_datagram_endpoint(
                        _NgProtocol, remote_addr=self.address
                    )
                except OSError as exc:
                    raise MediaNodeError(f"cannot reach media node {self.address}: {exc}") from exc
                self._transport, self._protocol = transport, protocol
            return self._protocol

    async def request(self, command: str, params: Options | None = None) -> dict[str, Any]:
        """Send one command; return the reply dict (strings decoded) or raise."""
        protocol = await self._open()
        cookie = f"{self._prefix}_{next(self._counter)}".encode()
        message = cookie + b" " + bencode.encode({**(params or {}), "command": command})
        waiter = asyncio.get_running_loop().create_future()
        protocol.pending[cookie] = waiter
        try:
            body = await self._exchange(message, waiter)
        finally:
            del protocol.pending[cookie]
        return self._check(command, body)

    async def _exchange(self, message: bytes, waiter: asyncio.Future[bytes]) -> bytes:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        wait = self.first_retransmit
        while (left := deadline - loop.time()) > 0:
            assert self._transport is not None
            self._transport.sendto(message)
            try:
                return await asyncio.wait_for(asyncio.shield(waiter), min(wait, left))
            except TimeoutError:
                wait *= 2
        raise MediaNodeError(f"no reply from media node {self.address} in {self.timeout}s")

    @staticmethod
    def _check(command: str, body: bytes) -> dict[str, Any]:
        try:
            reply = _text(bencode.decode(body))
        except bencode.BencodeError as exc:
            raise MediaNodeError(f"{command}: undecodable reply: {exc}") from exc
        if not isinstance(reply, dict):
            raise MediaNodeError(f"{command}: reply is not a dictionary")
        if reply.get("result") == "error":
            raise NgCommandError(command, str(reply.get("error-reason", "unknown error")))
        return reply

    async def ping(self) -> None:
        reply = await self.request("ping")
        if reply.get("result") != "pong":
            raise MediaNodeError(f"ping: unexpected reply {reply!r}")

    async def offer(
        self, call_id: str, from_tag: str, sdp: str, options: Options | None = None
    ) -> str:
        """Rewrite the caller's SDP offer; returns the SDP to send to the other side."""
        params = {**(options or {}), "call-id": call_id, "from-tag": from_tag, "sdp": sdp}
        return str((await self.request("offer", params))["sdp"])

    async def answer(
        self, call_id: str, from_tag: str, to_tag: str, sdp: str, options: Options | None = None
    ) -> str:
        """Rewrite the callee's SDP answer; returns the SDP to send back to the caller."""
        params = {**(options or {}), "call-id": call_id, "from-tag": from_tag, "to-tag": to_tag}
        return str((await self.request("answer", {**params, "sdp": sdp}))["sdp"])

    async def delete(
        self,
        call_id: str,
        from_tag: str | None = None,
        to_tag: str | None = None,
        *,
        delete_delay: int | None = 0,
    ) -> None:
        """End the call (or one branch). rtpengine 10.5 returns no counters: ``query`` first."""
        params = _selector(call_id, from_tag, to_tag)
        if delete_delay is not None:
            params["delete-delay"] = delete_delay
        await self.request("delete", params)

    async def query(self, call_id: str, from_tag: str | None = None) -> dict[str, Any]:
        return await self.request("query", _selector(call_id, from_tag))

    async def list_calls(self, limit: int = 32) -> list[str]:
        return list((await self.request("list", {"limit": limit})).get("calls", []))

    async def statistics(self) -> dict[str, Any]:
        """Node-wide counters: ``currentstatistics.sessionsown``, ``interfaces[].ports``…"""
        return dict((await self.request("statistics"))["statistics"])

    async def play_media(
        self,
        call_id: str,
        from_tag: str,
        *,
        file: str | os.PathLike[str] | None = None,
        blob: bytes | None = None,
        repeat_times: int = 1,
    ) -> int | None:
        """Play audio to the participant ``from_tag``; returns its duration in ms if known.

        ``file`` is read by rtpengine itself, so it must be a path on the node's host.
        """
        params = _selector(call_id, from_tag) | {"repeat-times": repeat_times}
        if (file is None) == (blob is None):
            raise ValueError("give exactly one of file or blob")
        params.update({"file": os.path.abspath(file)} if file is not None else {"blob": blob})
        duration = (await self.request("play media", params)).get("duration")
        return int(duration) if duration is not None else None

    async def stop_media(self, call_id: str, from_tag: str) -> bool:
        """Stop playback to ``from_tag``; False if nothing was ever played to it (no error)."""
        try:
            await self.request("stop media", _selector(call_id, from_tag))
        except NgCommandError as exc:
            if exc.reason != NOT_PLAYING:
                raise
            return False
        return True

    async def play_dtmf(
        self, call_id: str, from_tag: str, digit: str, *, duration_ms: int = 250
    ) -> None:
        """Inject a digit as if sent by ``from_tag``; needs ``inject-DTMF`` in offer and answer."""
        params = _selector(call_id, from_tag) | {"digit": digit, "duration": duration_ms}
        await self.request("play DTMF", params)

    async def block_media(self, call_id: str, from_tag: str | None = None) -> None:
        """Stop forwarding media sent by ``from_tag`` (or by everyone): hold."""
        await self.request("block media", _selector(call_id, from_tag))

    async def unblock_media(self, call_id: str, from_tag: str | None = None) -> None:
        await self.request("unblock media", _selector(call_id, from_tag))

    async def start_recording(self, call_id: str, output_destination: str | None = None) -> None:
        params = _selector(call_id)
        if output_destination is not None:
            params["output-destination"] = output_destination
        await self.request("start recording", params)

    async def stop_recording(self, call_id: str) -> None:
        await self.request("stop recording", _selector(call_id))


def _selector(
    call_id: str, from_tag: str | None = None, to_tag: str | None = None
) -> dict[str, Any]:
    params: dict[str, Any] = {"call-id": call_id}
    if from_tag is not None:
        params["from-tag"] = from_tag
    if to_tag is not None:
        params["to-tag"] = to_tag
    return params
