"""Server transactions (RFC 3261 §17.2, with the RFC 6026 Accepted state).

Both absorb retransmitted requests by resending the last response. A 2xx to INVITE leaves
the transaction in Accepted; retransmitting that 2xx until the ACK arrives is the endpoint's
job (§13.3.1.4), because the ACK for a 2xx is a transaction of its own.
"""

from __future__ import annotations

from .builders import make_response
from .message import SipRequest, SipResponse
from .transaction import State, Transaction, server_key


class ServerTransaction(Transaction):
    last_response: SipResponse | None = None
    timed_out = False

    @property
    def key(self) -> tuple[str, str, str]:
        return server_key(self.request)

    @property
    def has_final(self) -> bool:
        return self.last_response is not None and self.last_response.status >= 200

    def start(self) -> None:
        """Called once, when the request first arrives."""

    def respond(self, response: SipResponse) -> bool:
        """Send a response; False if the transaction no longer accepts one."""
        raise NotImplementedError

    def receive_request(self, request: SipRequest) -> None:
        """A retransmission of the request (or, for INVITE, the ACK of a non-2xx)."""
        raise NotImplementedError


class InviteServerTransaction(ServerTransaction):
    """States: Proceeding → Completed → Confirmed, or Proceeding → Accepted; then Terminated."""

    def start(self) -> None:
        self.state = State.PROCEEDING
        self.respond(make_response(self.request, 100))

    def respond(self, response: SipResponse) -> bool:
        status = response.status
        if self.state is State.ACCEPTED and 200 <= status < 300:
            self._transmit(response)
            return True
        if self.state is not State.PROCEEDING:
            return False
        self.last_response = response
        self._transmit(response)
        if 200 <= status < 300:
            self.state = State.ACCEPTED
            self._start_timer("L", self._config.timeout, self.terminate)
        elif status >= 300:
            self.state = State.COMPLETED
            if not self.reliable:
                self._start_timer("G", self._interval, self._timer_g)
            self._start_timer("H", self._config.timeout, self._timer_h)
        return True

    def receive_request(self, request: SipRequest) -> None:
        if request.method == "ACK":
            if self.state is State.COMPLETED:
                self.state = State.CONFIRMED
                self._stop_timers("G", "H")
                self._start_timer("I", self._config.linger(self.reliable), self.terminate)
            return
        if self.state in (State.PROCEEDING, State.COMPLETED) and self.last_response:
            self._transmit(self.last_response)

    def _timer_g(self) -> None:
        if self.state is State.COMPLETED and self.last_response:
            self._transmit(self.last_response)
            self._interval = min(2 * self._interval, self._config.t2)
            self._start_timer("G", self._interval, self._timer_g)

    def _timer_h(self) -> None:
        if self.state is State.COMPLETED:
            self.timed_out = True  # the ACK never came
            self.terminate()


class NonInviteServerTransaction(ServerTransaction):
    """States: Trying → Proceeding → Completed → Terminated."""

    def respond(self, response: SipResponse) -> bool:
        if self.state not in (State.TRYING, State.PROCEEDING):
            return False
        self.last_response = response
        self._transmit(response)
        if response.status < 200:
            self.state = State.PROCEEDING
        else:
            self.state = State.COMPLETED
            delay = 0.0 if self.reliable else self._config.timeout
            self._start_timer("J", delay, self.terminate)
        return True

    def receive_request(self, request: SipRequest) -> None:
        if self.state in (State.PROCEEDING, State.COMPLETED) and self.last_response:
            self._transmit(self.last_response)
