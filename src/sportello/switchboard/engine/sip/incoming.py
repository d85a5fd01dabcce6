"""The user's handle on a request the endpoint received, and 2xx retransmission (§13.3.1.4)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from .builders import AddressLike, Body, ExtraHeaders, make_response, new_tag
from .message import SipRequest, SipResponse
from .server_transaction import ServerTransaction
from .timers import Scheduler, TimerConfig, TimerHandle

if TYPE_CHECKING:
    from .transport import Source


class IncomingRequest:
    """A received request and its server transaction; reply with `respond()`.

    Every response carries the same To tag. After a 2xx to INVITE, `wait_ack()` returns the
    ACK (or None if it never came: the caller should then send BYE). If the caller CANCELs
    before the final response, the endpoint answers 487 and sets `cancelled`.
    """

    def __init__(
        self,
        request: SipRequest,
        source: Source,
        transaction: ServerTransaction,
        on_answer: Callable[[IncomingRequest, SipResponse], asyncio.Future[SipRequest | None]],
    ) -> None:
        self.request = request
        self.source = source
        self.transaction = transaction
        self.to_tag = request.to_addr.tag or new_tag()
        self.cancelled = asyncio.Event()
        self._on_answer = on_answer
        self._ack: asyncio.Future[SipRequest | None] | None = None

    @property
    def method(self) -> str:
        return self.request.method

    @property
    def answered(self) -> bool:
        return self.transaction.has_final

    def respond(
        self,
        status: int,
        reason: str | None = None,
        *,
        body: Body = b"",
        content_type: str | None = None,
        contact: AddressLike | None = None,
        headers: ExtraHeaders = (),
    ) -> SipResponse:
        response = make_response(
            self.request,
            status,
            reason,
            to_tag=self.to_tag,
            contact=contact,
            body=body,
            content_type=content_type,
            headers=headers,
        )
        self.send(response)
        return response

    def send(self, response: SipResponse) -> bool:
        """Send a prepared response; False if a final response was already sent."""
        first_final = not self.answered
        sent = self.transaction.respond(response)
        if sent and first_final and self.method == "INVITE" and response.is_success:
            self._ack = self._on_answer(self, response)
        return sent

    async def wait_ack(self) -> SipRequest | None:
        """The ACK for our 2xx, or None if it did not arrive within 64*T1."""
        if self._ack is None:
            raise RuntimeError("no 2xx was sent to this INVITE")
        return await self._ack


class AnswerRetransmitter:
    """Resends a 2xx to INVITE with T1 doubling up to T2 until its ACK arrives (§13.3.1.4)."""

    def __init__(
        self,
        resend: Callable[[], None],
        *,
        reliable: bool,
        scheduler: Scheduler,
        config: TimerConfig,
        on_done: Callable[[], object],
    ) -> None:
        self.future: asyncio.Future[SipRequest | None] = asyncio.get_running_loop().create_future()
        self._resend = resend
        self._scheduler = scheduler
        self._config = config
        self._on_done = on_done
        self._interval = config.t1
        self._retransmit: TimerHandle | None = None
        if not reliable:
            self._retransmit = scheduler.call_later(self._interval, self._fire)
        self._timeout = scheduler.call_later(config.timeout, lambda: self.finish(None))

    def _fire(self) -> None:
        self._resend()
        self._interval = min(2 * self._interval, self._config.t2)
        self._retransmit = self._scheduler.call_later(self._interval, self._fire)

    def finish(self, ack: SipRequest | None) -> None:
        if self._retransmit is not None:
            self._retransmit.cancel()
        self._timeout.cancel()
        if not self.future.done():
            self.future.set_result(ack)
        self._on_done()
