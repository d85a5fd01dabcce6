"""`SipEndpoint`: transports + transaction layer behind an async API for call control."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .builders import build_authorized_retry, build_cancel, make_response, new_branch
from .headers import Address, Via
from .incoming import AnswerRetransmitter, IncomingRequest
from .message import MAX_MESSAGE_SIZE, SipRequest, SipResponse
from .server_transaction import (
    InviteServerTransaction,
    NonInviteServerTransaction,
    ServerTransaction,
)
from .syntax import SipParseError
from .timers import Scheduler, TimerConfig
from .transaction import (
    ClientTransaction,
    InviteClientTransaction,
    NonInviteClientTransaction,
    State,
    Transaction,
    client_key,
    server_key,
)
from .transport import (
    FloodLimiter,
    Inbox,
    Source,
    Target,
    TcpTransport,
    TransportStats,
    UdpTransport,
    next_hop,
    resolve,
)
from .uri import SipUri

log = logging.getLogger(__name__)

Handler = Callable[[IncomingRequest], Awaitable[None] | None]
ProvisionalCallback = Callable[[SipResponse], None]
Transport = UdpTransport | TcpTransport
T = TypeVar("T")


@dataclass
class _PendingInvite:
    transaction: InviteClientTransaction
    target: Target
    provisional: bool = False
    cancel_requested: bool = False
    cancel_task: asyncio.Task[SipResponse] | None = None
    acks: list[SipRequest] = field(default_factory=list)


class SipEndpoint:
    """A SIP user agent core over UDP and (optionally) TCP on one address."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        *,
        udp_port: int | None = 0,
        tcp_port: int | None = None,
        public_host: str | None = None,
        config: TimerConfig | None = None,
        scheduler: Scheduler | None = None,
        limiter: FloodLimiter | None = None,
        max_message_size: int = MAX_MESSAGE_SIZE,
    ) -> None:
        self.host = host
        self.public_host = public_host or host
        self.on_request: Handler | None = None
        self.stats = TransportStats()
        self.transports: dict[str, Transport] = {}
        self._ports = {"udp": udp_port, "tcp": tcp_port}
        self._config = config or TimerConfig()
        self._scheduler = scheduler
        self._limiter = limiter or FloodLimiter()
        self._max_size = max_message_size
        self._clients: dict[tuple[str, str], ClientTransaction] = {}
        self._servers: dict[tuple[str, str, str], ServerTransaction] = {}
        self._incoming: dict[tuple[str, str, str], IncomingRequest] = {}
        self._invites: dict[tuple[str, int], _PendingInvite] = {}
        self._answers: dict[tuple[str, int], AnswerRetransmitter] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def scheduler(self) -> Scheduler:
        return self._scheduler or asyncio.get_running_loop()

    async def start(self) -> None:
        inbox = Inbox(self._on_message, self.stats, self._limiter, self._max_size)
        if self._ports["udp"] is not None:
            self.transports["udp"] = await UdpTransport.listen(self.host, self._ports["udp"], inbox)
        if self._ports["tcp"] is not None:
            self.transports["tcp"] = await TcpTransport.listen(self.host, self._ports["tcp"], inbox)

    async def __aenter__(self) -> SipEndpoint:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for txn in [*self._clients.values(), *self._servers.values()]:
            if isinstance(txn, ClientTransaction) and txn.state in _UNANSWERED:
                txn.abort()
            txn.terminate()
        for answer in list(self._answers.values()):
            answer.finish(None)
        for transport in self.transports.values():
            await transport.close()

    def local_address(self, transport: str = "udp") -> tuple[str, int]:
        return self.public_host, self.transports[transport].local_address[1]

    def contact(self, user: str | None = None, transport: str = "udp") -> Address:
        host, port = self.local_address(transport)
        params: dict[str, str | None] = {} if transport == "udp" else {"transport": transport}
        return Address(SipUri(user=user, host=host, port=port, params=params))

    # -- sending -------------------------------------------------------------------------

    async def request(
        self,
        request: SipRequest,
        dest: Target | None = None,
        *,
        on_provisional: ProvisionalCallback | None = None,
        credentials: tuple[str, str] | None = None,
    ) -> SipResponse:
        """Send a request in a new client transaction and return its final response.

        Timeouts and transport failures come back as 408 and 503. With `credentials`
        (username, password) a 401/407 challenge is answered with CSeq + 1. The request
        object gets its Via; the final response's CSeq tells which request was answered.
        """
        response = await self._send_once(request, dest, on_provisional)
        for attempt in range(2):
            if credentials is None or response.status not in (401, 407):
                break
            retry = build_authorized_retry(request, response, *credentials, first=attempt == 0)
            if retry is None:
                break
            request = retry
            response = await self._send_once(request, dest, on_provisional)
        return response

    async def _send_once(
        self,
        request: SipRequest,
        dest: Target | None,
        on_provisional: ProvisionalCallback | None,
    ) -> SipResponse:
        try:
            target, transport = await self._route(request, dest)
        except (OSError, SipParseError) as exc:
            log.warning("cannot send %s: %s", request.method, exc)
            return make_response(request, 503)
        future: asyncio.Future[SipResponse] = asyncio.get_running_loop().create_future()
        key = (request.call_id, request.cseq.seq)

        def on_response(response: SipResponse) -> None:
            if response.is_provisional:
                self._on_provisional(key, response, on_provisional)
            elif not future.done():
                future.set_result(response)
            elif response.is_success:
                self._resend_ack(key, response)

        txn_class = (
            InviteClientTransaction if request.method == "INVITE" else NonInviteClientTransaction
        )
        txn = txn_class(
            request,
            lambda message: transport.send(message, target.host, target.port),
            on_response,
            reliable=transport.reliable,
            scheduler=self.scheduler,
            config=self._config,
        )
        self._register(txn)
        if isinstance(txn, InviteClientTransaction):
            self._invites[key] = _PendingInvite(txn, target)
        txn.start()
        return await future

    async def _route(self, request: SipRequest, dest: Target | None) -> tuple[Target, Transport]:
        target = await resolve(dest or next_hop(request))
        transport = self.transports.get(target.transport)
        if transport is None:
            raise OSError(f"no {target.transport} transport")
        if isinstance(transport, TcpTransport):
            await transport.connect(target.host, target.port)
        if request.headers.get("Via") is None:
            host, port = self.local_address(transport.name)
            via = Via(transport.name.upper(), host, port, {"branch": new_branch(), "rport": None})
            request.headers.prepend("Via", str(via))
        return target, transport

    def _on_provisional(
        self, key: tuple[str, int], response: SipResponse, callback: ProvisionalCallback | None
    ) -> None:
        pending = self._invites.get(key)
        if pending is not None:
            pending.provisional = True
            if pending.cancel_requested and pending.cancel_task is None:
                pending.cancel_task = self._spawn(self._send_cancel(pending))
        if callback is not None:
            callback(response)

    async def send_ack(self, ack: SipRequest, dest: Target | None = None) -> None:
        """Send the ACK for a 2xx (built with `Dialog.ack`); it is resent if the 2xx is."""
        target, transport = await self._route(ack, dest)
        transport.send(ack, target.host, target.port)
        pending = self._invites.get((ack.call_id, ack.cseq.seq))
        if pending is not None:
            pending.acks.append(ack)

    def _resend_ack(self, key: tuple[str, int], response: SipResponse) -> None:
        pending = self._invites.get(key)
        for ack in pending.acks if pending else []:
            if pending and ack.to_addr.tag == response.to_addr.tag:
                target = pending.target
                self.transports[target.transport].send(ack, target.host, target.port)

    async def cancel(self, invite: SipRequest) -> SipResponse | None:
        """CANCEL a pending INVITE; its `request()` then returns 487 (or the final answer).

        Returns the response to the CANCEL, or None if there was nothing to cancel yet
        (no provisional response so far: the CANCEL goes out when one arrives, §9.1).
        """
        pending = next(
            (
                p
                for (call_id, _), p in self._invites.items()
                if call_id == invite.call_id and p.transaction.state in _UNANSWERED
            ),
            None,
        )  # by Call-ID: an authenticated retry has another CSeq
        if pending is None:
            return None
        pending.cancel_requested = True
        if not pending.provisional:
            return None
        if pending.cancel_task is None:
            pending.cancel_task = self._spawn(self._send_cancel(pending))
        return await pending.cancel_task

    async def _send_cancel(self, pending: _PendingInvite) -> SipResponse:
        pending.transaction.cancel_sent()
        cancel = build_cancel(pending.transaction.request)
        return await self._send_once(cancel, pending.target, None)

    # -- receiving -----------------------------------------------------------------------

    def _on_message(self, message: SipRequest | SipResponse, source: Source) -> None:
        try:
            if isinstance(message, SipResponse):
                txn = self._clients.get(client_key(message))
                if txn is not None:
                    txn.receive_response(message)
            else:
                self._on_request(message, source)
        except Exception:  # a bug in one dialog must not stop the transport
            log.exception("error handling SIP %s", message.start_line())

    def _on_request(self, request: SipRequest, source: Source) -> None:
        key = server_key(request)
        txn = self._servers.get(key)
        if request.method == "ACK":
            if txn is not None and txn.state is not State.ACCEPTED:
                txn.receive_request(request)
            elif answer := self._answers.get((request.call_id, request.cseq.seq)):
                answer.finish(request)
            return
        if txn is not None:
            txn.receive_request(request)
            return
        incoming = self._accept(request, source)
        if request.method == "CANCEL":
            self._on_cancel(incoming, (key[0], key[1], "INVITE"))
        elif request.uri.scheme not in ("sip", "sips", "tel"):
            incoming.respond(416)
        else:
            self._dispatch(incoming)

    def _accept(self, request: SipRequest, source: Source) -> IncomingRequest:
        transport = self.transports[source.transport]
        txn_class = (
            InviteServerTransaction if request.method == "INVITE" else NonInviteServerTransaction
        )
        txn = txn_class(
            request,
            lambda response: transport.send_response(response, source),
            reliable=transport.reliable,
            scheduler=self.scheduler,
            config=self._config,
        )
        incoming = IncomingRequest(request, source, txn, self._answered)
        self._register(txn)
        if isinstance(txn, InviteServerTransaction):
            self._incoming[txn.key] = incoming
        txn.start()
        return incoming

    def _on_cancel(self, cancel: IncomingRequest, invite_key: tuple[str, str, str]) -> None:
        incoming = self._incoming.get(invite_key)
        if incoming is None:
            cancel.respond(481)
            return
        cancel.to_tag = incoming.to_tag
        cancel.respond(200)
        if not incoming.answered:
            incoming.cancelled.set()
            incoming.respond(487)

    def _dispatch(self, incoming: IncomingRequest) -> None:
        if self.on_request is None:
            incoming.respond(501)
        else:
            self._spawn(self._run_handler(self.on_request, incoming))

    @staticmethod
    async def _run_handler(handler: Handler, incoming: IncomingRequest) -> None:
        try:
            result = handler(incoming)
            if inspect.isawaitable(result):
                await result
        except Exception:
            log.exception("request handler failed")
            if not incoming.answered:
                incoming.respond(500)

    def _answered(
        self, incoming: IncomingRequest, response: SipResponse
    ) -> asyncio.Future[SipRequest | None]:
        key = (incoming.request.call_id, incoming.request.cseq.seq)
        transport = self.transports[incoming.source.transport]
        answer = AnswerRetransmitter(
            lambda: transport.send_response(response, incoming.source),
            reliable=transport.reliable,
            scheduler=self.scheduler,
            config=self._config,
            on_done=lambda: self._answers.pop(key, None),
        )
        self._answers[key] = answer
        return answer.future

    # -- bookkeeping ---------------------------------------------------------------------

    def _register(self, txn: ClientTransaction | ServerTransaction) -> None:
        if isinstance(txn, ClientTransaction):
            self._clients[txn.key] = txn
        else:
            self._servers[txn.key] = txn
        txn.on_terminated = self._forget

    def _forget(self, txn: Transaction) -> None:
        if isinstance(txn, ClientTransaction) and self._clients.get(txn.key) is txn:
            del self._clients[txn.key]
        if isinstance(txn, ServerTransaction) and self._servers.get(txn.key) is txn:
            del self._servers[txn.key]
            self._incoming.pop(txn.key, None)
        if isinstance(txn, InviteClientTransaction):
            key = (txn.request.call_id, txn.request.cseq.seq)
            pending = self._invites.get(key)
            if pending is not None and pending.transaction is txn:
                del self._invites[key]

    def _spawn(self, coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task


_UNANSWERED = (State.CALLING, State.TRYING, State.PROCEEDING)
