"""Client transactions (RFC 3261 §17.1, with the RFC 6026 Accepted state) and matching keys.

Transactions are plain state machines: they send through a callable, schedule timers on an
injected `Scheduler` and report to their user (the endpoint) through callbacks. Timeouts and
transport errors reach the user as locally generated 408 and 503 responses.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable

from .builders import MAGIC_COOKIE, build_ack_for_non2xx, make_response
from .message import SipMessage, SipRequest, SipResponse
from .timers import Scheduler, TimerConfig, TimerHandle

log = logging.getLogger(__name__)

Send = Callable[[SipMessage], None]
ResponseCallback = Callable[[SipResponse], None]


class State(enum.Enum):
    CALLING = "calling"
    TRYING = "trying"
    PROCEEDING = "proceeding"
    COMPLETED = "completed"
    CONFIRMED = "confirmed"
    ACCEPTED = "accepted"
    TERMINATED = "terminated"


def client_key(message: SipMessage) -> tuple[str, str]:
    """Match a response to its client transaction: top Via branch and CSeq method (§17.1.3)."""
    return (message.top_via.branch or "", message.cseq.method)


def server_key(request: SipRequest) -> tuple[str, str, str]:
    """Match a request to its server transaction (§17.2.3); an ACK maps to its INVITE's.

    A CANCEL has its own transaction; its INVITE's key differs only in the method.
    """
    via = request.top_via
    method = "INVITE" if request.method == "ACK" else request.method
    branch = via.branch or ""
    if not branch.startswith(MAGIC_COOKIE):  # RFC 2543 peer: fall back to dialog fields
        tag = request.from_addr.tag or ""
        branch = f"{request.uri}|{tag}|{request.call_id}|{request.cseq.seq}"
    return (branch, f"{via.host}:{via.port or ''}", method)


class Transaction:
    def __init__(
        self,
        request: SipRequest,
        send: Send,
        *,
        reliable: bool,
        scheduler: Scheduler,
        config: TimerConfig,
    ) -> None:
        self.request = request
        self.reliable = reliable
        self.state = State.TRYING
        self.on_terminated: Callable[[Transaction], None] | None = None
        self._send = send
        self._scheduler = scheduler
        self._config = config
        self._handles: dict[str, TimerHandle] = {}
        self._interval = config.t1

    def _start_timer(self, name: str, delay: float, callback: Callable[[], None]) -> None:
        self._stop_timers(name)
        self._handles[name] = self._scheduler.call_later(delay, callback)

    def _stop_timers(self, *names: str) -> None:
        for name in names:
            handle = self._handles.pop(name, None)
            if handle is not None:
                handle.cancel()

    def _transmit(self, message: SipMessage) -> bool:
        try:
            self._send(message)
        except OSError as exc:
            log.warning("SIP transport error: %s", exc)
            return False
        return True

    def terminate(self) -> None:
        if self.state is State.TERMINATED:
            return
        self.state = State.TERMINATED
        self._stop_timers(*list(self._handles))
        if self.on_terminated is not None:
            self.on_terminated(self)


class ClientTransaction(Transaction):
    def __init__(
        self,
        request: SipRequest,
        send: Send,
        on_response: ResponseCallback,
        *,
        reliable: bool,
        scheduler: Scheduler,
        config: TimerConfig,
    ) -> None:
        super().__init__(request, send, reliable=reliable, scheduler=scheduler, config=config)
        self.on_response = on_response

    @property
    def key(self) -> tuple[str, str]:
        return client_key(self.request)

    def start(self) -> None:
        raise NotImplementedError

    def receive_response(self, response: SipResponse) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        """Give up now; the user gets a 503 (used when the endpoint shuts down)."""
        self._fail(503)

    def _fail(self, status: int) -> None:
        self.terminate()
        self.on_response(make_response(self.request, status))


class InviteClientTransaction(ClientTransaction):
    """States: Calling → Proceeding → Completed (3xx-6xx) or Accepted (2xx) → Terminated."""

    _cancelling = False

    def start(self) -> None:
        self.state = State.CALLING
        if not self._transmit(self.request):
            self._fail(503)
            return
        if not self.reliable:
            self._start_timer("A", self._interval, self._timer_a)
        self._start_timer("B", self._config.timeout, self._timer_b)

    def cancel_sent(self) -> None:
        """After a CANCEL, give up (408) if no final response comes within 64*T1 (§9.1)."""
        self._cancelling = True
        if self.state is State.PROCEEDING:
            self._start_timer("B", self._config.timeout, self._timer_b)

    def _timer_a(self) -> None:
        if self.state is State.CALLING:
            self._transmit(self.request)
            self._interval *= 2
            self._start_timer("A", self._interval, self._timer_a)

    def _timer_b(self) -> None:
        if self.state is State.CALLING or (self._cancelling and self.state is State.PROCEEDING):
            self._fail(408)

    def receive_response(self, response: SipResponse) -> None:
        status = response.status
        if self.state in (State.CALLING, State.PROCEEDING):
            self._stop_timers("A")
            if status < 200:
                self.state = State.PROCEEDING
                if not self._cancelling:
                    self._stop_timers("B")
            elif status < 300:
                self.state = State.ACCEPTED
                self._stop_timers("B")
                self._start_timer("M", self._config.timeout, self.terminate)
            else:
                self.state = State.COMPLETED
                self._stop_timers("B")
                self._transmit(build_ack_for_non2xx(self.request, response))
                self._start_timer("D", self._config.wait_acks(self.reliable), self.terminate)
            self.on_response(response)
        elif self.state is State.ACCEPTED and 200 <= status < 300:
            self.on_response(response)  # a retransmitted or forked 2xx: the user ACKs it
        elif self.state is State.COMPLETED and status >= 300:
            self._transmit(build_ack_for_non2xx(self.request, response))


class NonInviteClientTransaction(ClientTransaction):
    """States: Trying → Proceeding → Completed → Terminated."""

    def start(self) -> None:
        self.state = State.TRYING
        if not self._transmit(self.request):
            self._fail(503)
            return
        if not self.reliable:
            self._start_timer("E", self._interval, self._timer_e)
        self._start_timer("F", self._config.timeout, self._timer_f)

    def _timer_e(self) -> None:
        if self.state not in (State.TRYING, State.PROCEEDING):
            return
        self._transmit(self.request)
        if self.state is State.TRYING:
            self._interval = min(2 * self._interval, self._config.t2)
        else:
            self._interval = self._config.t2
        self._start_timer("E", self._interval, self._timer_e)

    def _timer_f(self) -> None:
        if self.state in (State.TRYING, State.PROCEEDING):
            self._fail(408)

    def receive_response(self, response: SipResponse) -> None:
        if self.state not in (State.TRYING, State.PROCEEDING):
            return  # Completed absorbs retransmitted final responses
        if response.status < 200:
            self.state = State.PROCEEDING
        else:
            self.state = State.COMPLETED
            self._stop_timers("E", "F")
            self._start_timer("K", self._config.linger(self.reliable), self.terminate)
        self.on_response(response)
