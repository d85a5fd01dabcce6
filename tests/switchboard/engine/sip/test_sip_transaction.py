"""Transaction state machines and timers (RFC 3261 §17, RFC 6026) on a hand-moved clock."""

import pytest

from sportello.switchboard.engine.sip import (
    ManualScheduler,
    SipRequest,
    TimerConfig,
    build_invite,
    build_options,
    make_response,
)
from sportello.switchboard.engine.sip.server_transaction import (
    InviteServerTransaction,
    NonInviteServerTransaction,
)
from sportello.switchboard.engine.sip.transaction import (
    InviteClientTransaction,
    NonInviteClientTransaction,
    State,
    client_key,
    server_key,
)

CONFIG = TimerConfig()  # T1 0.5 s, T2 4 s, T4 5 s: 64*T1 = 32 s


def with_via(request: SipRequest, branch: str = "z9hG4bK-test") -> SipRequest:
    request.headers.prepend("Via", f"SIP/2.0/UDP 192.0.2.1:5060;branch={branch}")
    return request


def invite() -> SipRequest:
    return with_via(
        build_invite(
            "sip:agent@192.0.2.2",
            from_addr="sip:engine@192.0.2.1",
            to_addr="sip:agent@192.0.2.2",
            contact="sip:engine@192.0.2.1",
            sdp="v=0\r\n",
        )
    )


def options() -> SipRequest:
    return with_via(build_options("sip:trunk@192.0.2.2", from_addr="sip:engine@192.0.2.1"))


class Wire:
    """Collects what a transaction sends and what it reports to its user."""

    def __init__(self) -> None:
        self.sent: list = []
        self.times: list[float] = []
        self.responses: list = []
        self.clock = ManualScheduler()

    def send(self, message) -> None:
        self.sent.append(message)
        self.times.append(self.clock.now)

    def client(self, cls, request, *, reliable=False):
        txn = cls(
            request,
            self.send,
            self.responses.append,
            reliable=reliable,
            scheduler=self.clock,
            config=CONFIG,
        )
        txn.start()
        return txn

    def server(self, cls, request, *, reliable=False):
        txn = cls(request, self.send, reliable=reliable, scheduler=self.clock, config=CONFIG)
        txn.start()
        return txn


def test_invite_client_retransmits_with_doubling_intervals_then_times_out_with_408():
    wire = Wire()
    txn = wire.client(InviteClientTransaction, invite())

    wire.clock.advance(40)

    assert wire.times == [0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5]  # Timer A
    assert [r.status for r in wire.responses] == [408]  # Timer B at 32 s
    assert wire.responses[0].call_id == txn.request.call_id
    assert txn.state is State.TERMINATED
    assert wire.clock.pending == 0


def test_invite_client_over_tcp_sends_once_and_still_times_out():
    wire = Wire()
    wire.client(InviteClientTransaction, invite(), reliable=True)

    wire.clock.advance(31.9)
    assert len(wire.sent) == 1 and wire.responses == []
    wire.clock.advance(0.2)

    assert [r.status for r in wire.responses] == [408]


def test_a_provisional_stops_retransmission_and_timer_b():
    wire = Wire()
    request = invite()
    txn = wire.client(InviteClientTransaction, request)

    txn.receive_response(make_response(request, 180, to_tag="x"))
    wire.clock.advance(100)

    assert len(wire.sent) == 1
    assert [r.status for r in wire.responses] == [180]
    assert txn.state is State.PROCEEDING


def test_after_cancel_a_stuck_invite_ends_with_408():
    wire = Wire()
    request = invite()
    txn = wire.client(InviteClientTransaction, request)
    txn.receive_response(make_response(request, 180, to_tag="x"))

    txn.cancel_sent()
    wire.clock.advance(32)

    assert [r.status for r in wire.responses] == [180, 408]


def test_invite_client_acks_a_failure_itself_and_absorbs_its_retransmission():
    wire = Wire()
    request = invite()
    txn = wire.client(InviteClientTransaction, request)
    busy = make_response(request, 486, to_tag="callee")

    txn.receive_response(busy)
    txn.receive_response(busy)

    ack = wire.sent[1]
    assert [r.status for r in wire.responses] == [486]
    assert [m.method for m in wire.sent[1:]] == ["ACK", "ACK"]
    assert ack.uri == request.uri
    assert ack.top_via.branch == "z9hG4bK-test"
    assert ack.to_addr.tag == "callee"
    assert (ack.cseq.seq, ack.cseq.method) == (request.cseq.seq, "ACK")
    assert txn.state is State.COMPLETED
    wire.clock.advance(32)  # Timer D
    assert txn.state is State.TERMINATED


def test_invite_client_passes_every_2xx_up_while_accepted():
    wire = Wire()
    request = invite()
    txn = wire.client(InviteClientTransaction, request)
    ok = make_response(request, 200, to_tag="callee")

    txn.receive_response(ok)
    txn.receive_response(ok)

    assert [r.status for r in wire.responses] == [200, 200]
    assert len(wire.sent) == 1  # the 2xx ACK is the user's, not the transaction's
    assert txn.state is State.ACCEPTED
    wire.clock.advance(32)  # Timer M
    assert txn.state is State.TERMINATED


def test_non_invite_client_retransmits_up_to_t2_then_times_out():
    wire = Wire()
    wire.client(NonInviteClientTransaction, options())

    wire.clock.advance(40)

    assert wire.times == [0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5]
    assert [r.status for r in wire.responses] == [408]  # Timer F


def test_non_invite_client_in_proceeding_retransmits_every_t2():
    wire = Wire()
    request = options()
    txn = wire.client(NonInviteClientTransaction, request)

    wire.clock.advance(0.1)
    txn.receive_response(make_response(request, 100))
    wire.clock.advance(9)

    assert wire.times == [0, 0.5, 4.5, 8.5]


def test_non_invite_client_absorbs_final_retransmissions_until_timer_k():
    wire = Wire()
    request = options()
    txn = wire.client(NonInviteClientTransaction, request)
    ok = make_response(request, 200, to_tag="t")

    txn.receive_response(ok)
    txn.receive_response(ok)
    wire.clock.advance(4.9)
    assert txn.state is State.COMPLETED
    wire.clock.advance(0.2)

    assert [r.status for r in wire.responses] == [200]
    assert len(wire.sent) == 1
    assert txn.state is State.TERMINATED


def test_invite_server_sends_trying_and_answers_retransmissions_with_the_last_response():
    wire = Wire()
    request = invite()
    txn = wire.server(InviteServerTransaction, request)

    txn.receive_request(request)
    txn.respond(make_response(request, 180, to_tag="me"))
    txn.receive_request(request)

    assert [m.status for m in wire.sent] == [100, 100, 180, 180]


def test_invite_server_retransmits_a_failure_until_ack_then_lingers():
    wire = Wire()
    request = invite()
    txn = wire.server(InviteServerTransaction, request)

    txn.respond(make_response(request, 486, to_tag="me"))
    wire.clock.advance(8)
    ack = make_ack(request)
    txn.receive_request(ack)
    wire.clock.advance(4)

    assert wire.times[1:] == [0, 0.5, 1.5, 3.5, 7.5]  # Timer G, capped at T2
    assert txn.state is State.CONFIRMED
    wire.clock.advance(1.1)  # Timer I = T4
    assert txn.state is State.TERMINATED


def test_invite_server_gives_up_when_the_ack_never_comes():
    wire = Wire()
    request = invite()
    txn = wire.server(InviteServerTransaction, request)

    txn.respond(make_response(request, 603, to_tag="me"))
    wire.clock.advance(32)

    assert txn.timed_out
    assert txn.state is State.TERMINATED


def test_invite_server_after_2xx_absorbs_retransmitted_invites():
    wire = Wire()
    request = invite()
    txn = wire.server(InviteServerTransaction, request)

    txn.respond(make_response(request, 200, to_tag="me"))
    txn.receive_request(request)
    late = txn.respond(make_response(request, 486, to_tag="me"))

    assert [m.status for m in wire.sent] == [100, 200]
    assert late is False
    assert txn.state is State.ACCEPTED
    wire.clock.advance(32)  # Timer L
    assert txn.state is State.TERMINATED


def test_non_invite_server_absorbs_then_replays_then_expires():
    wire = Wire()
    request = options()
    txn = wire.server(NonInviteServerTransaction, request)

    txn.receive_request(request)  # Trying: nothing to resend yet
    txn.respond(make_response(request, 200, to_tag="me"))
    txn.receive_request(request)
    second = txn.respond(make_response(request, 500))
    wire.clock.advance(31.9)
    alive = txn.state
    wire.clock.advance(0.2)

    assert [m.status for m in wire.sent] == [200, 200]
    assert second is False
    assert alive is State.COMPLETED
    assert txn.state is State.TERMINATED  # Timer J


def test_non_invite_server_over_tcp_ends_at_once():
    wire = Wire()
    request = options()
    txn = wire.server(NonInviteServerTransaction, request, reliable=True)

    txn.respond(make_response(request, 200))
    wire.clock.advance(0)

    assert txn.state is State.TERMINATED


def test_transport_errors_reach_the_user_as_503():
    wire = Wire()

    def broken(message):
        raise OSError("network unreachable")

    responses = []
    txn = NonInviteClientTransaction(
        options(), broken, responses.append, reliable=False, scheduler=wire.clock, config=CONFIG
    )
    txn.start()

    assert [r.status for r in responses] == [503]
    assert txn.state is State.TERMINATED


def test_transaction_keys_match_responses_acks_and_cancels():
    request = invite()
    response = make_response(request, 180, to_tag="x")
    ack = make_ack(request)
    cancel = with_via(build_options("sip:a@b", from_addr="sip:c@d"), "z9hG4bK-test")
    cancel.method = "CANCEL"

    assert client_key(response) == client_key(request) == ("z9hG4bK-test", "INVITE")
    assert server_key(ack) == server_key(request)
    assert server_key(request)[2] == "INVITE"
    assert server_key(cancel)[:2] == server_key(request)[:2]


def test_rfc2543_requests_without_magic_cookie_still_get_a_key():
    first, second = invite(), invite()
    for request in (first, second):
        request.headers.set("Via", "SIP/2.0/UDP 192.0.2.1")

    assert server_key(first) != server_key(second)  # different Call-IDs
    assert server_key(first) == server_key(first)


@pytest.mark.parametrize("reliable", [False, True])
def test_timers_scale_with_t1(reliable):
    wire = Wire()
    txn = InviteClientTransaction(
        invite(),
        wire.send,
        wire.responses.append,
        reliable=reliable,
        scheduler=wire.clock,
        config=TimerConfig(t1=0.01, t2=0.04),
    )
    txn.start()

    wire.clock.advance(0.63)
    assert wire.responses == []
    wire.clock.advance(0.02)

    assert [r.status for r in wire.responses] == [408]


def make_ack(request: SipRequest) -> SipRequest:
    ack = SipRequest(method="ACK", uri=request.uri)
    for name in ("Via", "From", "To", "Call-ID"):
        ack.headers.add(name, request.headers.get(name))
    ack.headers.add("CSeq", f"{request.cseq.seq} ACK")
    return ack
