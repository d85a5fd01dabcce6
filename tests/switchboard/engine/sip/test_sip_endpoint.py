"""Two `SipEndpoint`s talking over loopback UDP/TCP: calls, CANCEL, auth, timers, limits."""

import asyncio

import pytest

from sportello.switchboard.engine.sip import (
    Dialog,
    DigestChallenge,
    FloodLimiter,
    SipEndpoint,
    Target,
    TimerConfig,
    build_cancel,
    build_invite,
    build_options,
    build_register,
    make_response,
    parse_dtmf_relay,
    parse_message,
)

FAST = TimerConfig(t1=0.01, t2=0.04, t4=0.05, timer_d=0.05)  # 64*T1 = 0.64 s


def invite_to(uac: SipEndpoint, uas: SipEndpoint, transport: str = "udp"):
    host, port = uas.local_address(transport)
    params = "" if transport == "udp" else f";transport={transport}"
    return build_invite(
        f"sip:service@{host}:{port}{params}",
        from_addr="sip:engine@127.0.0.1",
        to_addr=f"sip:service@{host}",
        contact=uac.contact("engine", transport),
        sdp="v=0\r\n",
    )


def options_to(uas: SipEndpoint):
    host, port = uas.local_address()
    return build_options(f"sip:service@{host}:{port}", from_addr="sip:engine@127.0.0.1")


def udp_options(peer_port: int, target_port: int, *, via_port: int | None = None) -> bytes:
    sent_by = f"127.0.0.1:{via_port or peer_port}"
    return (
        f"OPTIONS sip:service@127.0.0.1:{target_port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {sent_by};branch=z9hG4bK-raw{via_port};rport\r\n"
        "From: <sip:raw@127.0.0.1>;tag=r1\r\nTo: <sip:service@127.0.0.1>\r\n"
        f"Call-ID: raw-{via_port}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
    ).encode()


@pytest.mark.parametrize("transport", ["udp", "tcp"])
async def test_sip_call_setup_and_teardown_between_endpoints(transport, answering_uas):
    ports = {"udp_port": 0, "tcp_port": 0 if transport == "tcp" else None}
    async with SipEndpoint(**ports) as uas, SipEndpoint(**ports) as uac:
        uas.on_request = handler = answering_uas(uas, transport)
        invite = invite_to(uac, uas, transport)
        ringing = []

        answer = await uac.request(invite, on_provisional=ringing.append)
        dialog = Dialog.for_uac(invite, answer)
        await uac.send_ack(dialog.ack(answer))
        dtmf = await uac.request(dialog.info_dtmf("7"))
        bye = await uac.request(dialog.bye())

    assert [r.status for r in ringing] == [100, 180]
    assert answer.status == 200
    assert answer.content_type == "application/sdp"
    assert b"PCMA/8000" in answer.body
    assert handler.requests[0].body == b"v=0\r\n"
    assert (dtmf.status, bye.status) == (200, 200)
    assert handler.seen == ["INVITE", "ACK", "INFO", "BYE"]
    assert parse_dtmf_relay(handler.requests[1].body).signal == "7"
    assert handler.requests[0].top_via.transport == transport.upper()


async def test_sip_cancel_before_answer_ends_both_sides_with_487(answering_uas):
    async with SipEndpoint() as uas, SipEndpoint() as uac:
        uas.on_request = handler = answering_uas(uas, ring_only=True)
        invite = invite_to(uac, uas)
        rang = asyncio.Event()

        call = asyncio.ensure_future(uac.request(invite, on_provisional=lambda r: rang.set()))
        await rang.wait()
        cancelled = await uac.cancel(invite)
        final = await call

    assert cancelled is not None and cancelled.status == 200
    assert final.status == 487
    assert handler.incoming[0].cancelled.is_set()
    assert handler.incoming[0].answered


async def test_sip_cancel_of_a_finished_invite_does_nothing(answering_uas):
    async with SipEndpoint() as uas, SipEndpoint() as uac:
        uas.on_request = answering_uas(uas)
        invite = invite_to(uac, uas)
        answer = await uac.request(invite)

        result = await uac.cancel(invite)
        await uac.send_ack(Dialog.for_uac(invite, answer).ack(answer))

    assert answer.status == 200
    assert result is None


async def test_sip_client_answers_a_register_challenge(registrar):
    async with SipEndpoint() as server, SipEndpoint() as phone:
        server.on_request = handler = registrar({"alice": "wonderland"})
        host, port = server.local_address()
        register = build_register(
            f"sip:{host}:{port}", aor=f"sip:alice@{host}", contact=phone.contact("alice")
        )

        response = await phone.request(register, credentials=("alice", "wonderland"))

    assert handler.statuses == [401, 200]
    assert response.status == 200
    assert response.cseq.seq == 2
    assert handler.bindings[f"sip:alice@{host}"].port == phone.local_address()[1]


async def test_sip_client_gives_up_after_a_refused_password(registrar):
    async with SipEndpoint() as server, SipEndpoint() as phone:
        server.on_request = handler = registrar({"alice": "wonderland"})
        host, port = server.local_address()
        register = build_register(f"sip:{host}:{port}", aor=f"sip:alice@{host}", contact=None)

        response = await phone.request(register, credentials=("alice", "guess"))

    assert response.status == 403
    assert handler.statuses == [401, 403]
    assert handler.bindings == {}


async def test_sip_invite_through_a_trunk_that_asks_for_proxy_auth(answering_uas):
    server_auth = DigestChallenge("trunk.test", "nonce-1", "SHA-256")
    async with SipEndpoint() as trunk, SipEndpoint() as engine:
        uas = answering_uas(trunk)
        seen_auth = []

        async def proxy(incoming):
            credentials = incoming.request.headers.get("Proxy-Authorization")
            seen_auth.append(credentials)
            if credentials is None and incoming.method == "INVITE":
                incoming.respond(407, headers=[("Proxy-Authenticate", str(server_auth))])
                return
            await uas(incoming)

        trunk.on_request = proxy
        invite = invite_to(engine, trunk)
        answer = await engine.request(invite, credentials=("engine", "secret"))
        await engine.send_ack(Dialog.for_uac(invite, answer).ack(answer))

    assert answer.status == 200
    assert answer.cseq.seq == 2
    assert seen_auth[0] is None
    assert 'username="engine"' in seen_auth[1] and "algorithm=SHA-256" in seen_auth[1]


async def test_sip_request_to_a_silent_peer_times_out_with_408(raw_peer):
    async with SipEndpoint(config=FAST) as uac:
        request = build_options(f"sip:x@127.0.0.1:{raw_peer.port}", from_addr="sip:e@127.0.0.1")

        response = await uac.request(request)

    assert response.status == 408
    assert raw_peer.received.qsize() >= 5  # retransmitted (exact timing: test_sip_transaction)


async def test_sip_uas_resends_its_2xx_until_the_ack_and_gives_up_without_one(
    answering_uas, raw_peer
):
    async with SipEndpoint(config=FAST) as uas:
        uas.on_request = handler = answering_uas(uas)
        port = uas.local_address()[1]
        invite = udp_options(raw_peer.port, port, via_port=raw_peer.port)
        invite = invite.replace(b"OPTIONS", b"INVITE").replace(
            b"Content-Length", b"Contact: <sip:raw@127.0.0.1>\r\nContent-Length"
        )
        raw_peer.transport.sendto(invite, ("127.0.0.1", port))
        while not handler.incoming:
            await asyncio.sleep(0.01)
        acked = await handler.incoming[0].wait_ack()

    statuses = []
    while not raw_peer.received.empty():
        statuses.append(parse_message(raw_peer.received.get_nowait()).status)
    assert acked is None
    assert statuses[:3] == [100, 180, 200]
    assert statuses.count(200) >= 4  # T1, 2*T1, T2... until 64*T1


async def test_sip_uac_acks_every_retransmitted_2xx(raw_peer):
    async with SipEndpoint() as uac:
        invite = build_invite(
            f"sip:agent@127.0.0.1:{raw_peer.port}",
            from_addr="sip:engine@127.0.0.1",
            to_addr="sip:agent@127.0.0.1",
            contact=uac.contact("engine"),
        )
        call = asyncio.ensure_future(uac.request(invite))
        received = parse_message(await raw_peer.received.get())
        contact = f"<sip:agent@127.0.0.1:{raw_peer.port}>"
        ok = make_response(received, 200, to_tag="agent", contact=contact)
        raw_peer.transport.sendto(ok.to_bytes(), uac.local_address())
        answer = await call
        await uac.send_ack(Dialog.for_uac(invite, answer).ack(answer))
        first_ack = parse_message(await raw_peer.received.get())
        raw_peer.transport.sendto(ok.to_bytes(), uac.local_address())  # as if the ACK was lost
        second_ack = parse_message(await raw_peer.received.get())

    assert first_ack.method == second_ack.method == "ACK"
    assert first_ack.to_bytes() == second_ack.to_bytes()
    assert first_ack.top_via.branch != received.top_via.branch


async def test_sip_unknown_scheme_no_handler_and_crashing_handler():
    async with SipEndpoint() as uas, SipEndpoint() as uac:
        host, port = uas.local_address()
        target = Target("127.0.0.1", port)
        odd = build_options("sip:x@127.0.0.1", from_addr="sip:e@127.0.0.1")
        odd.uri.scheme, odd.uri.opaque = "urn", "service:sos"

        unhandled = await uac.request(options_to(uas))
        scheme = await uac.request(odd, target)

        def crash(incoming):
            raise RuntimeError("bug")

        uas.on_request = crash
        crashed = await uac.request(options_to(uas))

    assert unhandled.status == 501
    assert scheme.status == 416
    assert crashed.status == 500


async def test_sip_cancel_for_an_unknown_invite_gets_481():
    async with SipEndpoint() as uas, SipEndpoint() as uac:
        invite = invite_to(uac, uas)
        via = f"SIP/2.0/UDP 127.0.0.1:{uac.local_address()[1]};branch=z9hG4bK-never-sent"
        invite.headers.prepend("Via", via)

        response = await uac.request(build_cancel(invite), Target(*uas.local_address()))

    assert response.status == 481


async def test_sip_responses_follow_via_received_and_rport(raw_peer):
    async with SipEndpoint() as uas:
        uas.on_request = lambda incoming: incoming.respond(200)
        port = uas.local_address()[1]
        wrong_port = 9  # what the Via claims; the reply must go to the real source port

        raw_peer.transport.sendto(udp_options(raw_peer.port, port, via_port=wrong_port),
                                  ("127.0.0.1", port))  # fmt: skip
        reply = parse_message(await raw_peer.received.get())

    assert reply.status == 200
    assert reply.top_via.rport == raw_peer.port
    assert reply.top_via.received == "127.0.0.1"


async def test_sip_transport_counts_malformed_oversized_and_flooded(raw_peer):
    now = [0.0]
    limiter = FloodLimiter(rate=1.0, burst=4.0, clock=lambda: now[0])
    async with SipEndpoint(limiter=limiter, max_message_size=2000) as uas:
        uas.on_request = lambda incoming: incoming.respond(200)
        port = uas.local_address()[1]
        send = raw_peer.transport.sendto
        send(b"NOT SIP AT ALL\r\n\r\n", ("127.0.0.1", port))
        send(b"OPTIONS " + b"x" * 3000, ("127.0.0.1", port))
        for via_port in (1, 2, 3):  # the third one is over the burst of four
            send(udp_options(raw_peer.port, port, via_port=via_port), ("127.0.0.1", port))
        await raw_peer.received.get()
        await raw_peer.received.get()
        now[0] += 1.0  # one token back
        send(udp_options(raw_peer.port, port, via_port=4), ("127.0.0.1", port))
        last = parse_message(await raw_peer.received.get())

    assert last.call_id == "raw-4"
    assert uas.stats.malformed == 1
    assert uas.stats.oversized == 1
    assert uas.stats.flooded == 1
    assert uas.stats.received == 3


async def test_sip_tcp_connection_survives_keepalives_and_drops_on_garbage(answering_uas):
    async with SipEndpoint(udp_port=None, tcp_port=0) as uas:
        uas.on_request = answering_uas(uas, "tcp")
        reader, writer = await asyncio.open_connection(*uas.local_address("tcp"))
        writer.write(b"\r\n\r\n")
        pong = await reader.readexactly(2)
        writer.write(b"GARBAGE\r\nContent-Length: x\r\n\r\n")
        closed = await reader.read()
        writer.close()

    assert pong == b"\r\n"
    assert closed == b""
    assert uas.stats.malformed == 1


def test_sip_flood_limiter_refills_forgets_and_trusts_exempt_sources():
    now = [0.0]
    limiter = FloodLimiter(
        rate=2.0, burst=2.0, max_sources=2, exempt=frozenset({"192.0.2.1"}), clock=lambda: now[0]
    )

    burst = [limiter.allow("198.51.100.1") for _ in range(3)]
    now[0] += 0.5
    refilled = limiter.allow("198.51.100.1")
    trunk = [limiter.allow("192.0.2.1") for _ in range(100)]
    limiter.allow("198.51.100.2")
    limiter.allow("198.51.100.3")  # evicts the least recently seen source
    forgotten = [limiter.allow("198.51.100.1") for _ in range(2)]  # a full bucket again

    assert burst == [True, True, False]
    assert refilled is True
    assert all(trunk)
    assert forgotten == [True, True]
