"""Interoperability with a real SIP peer: SIPp (/usr/bin/sipp) on 127.0.0.1."""

import socket
from pathlib import Path

import pytest

from sportello.switchboard.engine.sip import Dialog, SipEndpoint, build_invite

pytestmark = pytest.mark.slow
SCENARIOS = Path(__file__).parent / "scenarios"
OFFER = "v=0\r\no=- 7 7 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40002 RTP/AVP 8\r\n"


def report(result) -> str:
    return f"SIPp exit {result.returncode}:\n{result.errors}"


@pytest.mark.parametrize(("transport", "sipp_transport"), [("udp", "u1"), ("tcp", "t1")])
async def test_sipp_uac_calls_our_uas(sipp, free_port, answering_uas, transport, sipp_transport):
    ports = {"udp_port": 0, "tcp_port": 0 if transport == "tcp" else None}
    async with SipEndpoint(**ports) as uas:
        uas.on_request = handler = answering_uas(uas, transport)
        host, port = uas.local_address(transport)
        sipp_port = free_port(socket.SOCK_STREAM if transport == "tcp" else socket.SOCK_DGRAM)

        result = await sipp.run(
            f"{host}:{port}", "-sn", "uac", "-t", sipp_transport, "-p", str(sipp_port)
        )

    assert result.returncode == 0, report(result)
    assert (result.successful, result.failed) == (1, 0)
    assert handler.seen == ["INVITE", "ACK", "BYE"]
    assert handler.requests[0].content_type == "application/sdp"
    assert handler.requests[0].top_via.transport == transport.upper()


@pytest.mark.parametrize(("transport", "sipp_transport"), [("udp", "u1"), ("tcp", "t1")])
async def test_our_uac_calls_sipp_uas(sipp, free_port, transport, sipp_transport):
    sipp_port = free_port(socket.SOCK_STREAM if transport == "tcp" else socket.SOCK_DGRAM)
    await sipp.start("-sn", "uas", "-t", sipp_transport, "-p", str(sipp_port))
    await sipp.wait_listening(sipp_port, transport)
    ports = {"udp_port": 0, "tcp_port": 0 if transport == "tcp" else None}
    async with SipEndpoint(**ports) as uac:
        invite = build_invite(
            f"sip:service@127.0.0.1:{sipp_port};transport={transport}",
            from_addr="sip:engine@127.0.0.1",
            to_addr="sip:service@127.0.0.1",
            contact=uac.contact("engine", transport),
            sdp=OFFER,
        )
        ringing = []

        answer = await uac.request(invite, on_provisional=ringing.append)
        dialog = Dialog.for_uac(invite, answer)
        await uac.send_ack(dialog.ack(answer))
        bye = await uac.request(dialog.bye())
        result = await sipp.wait()  # SIPp lingers; keep our TCP connection open meanwhile

    assert result.returncode == 0, report(result)
    assert (result.successful, result.failed) == (1, 0)
    assert [r.status for r in ringing] == [180]
    assert answer.status == 200
    assert b"m=audio" in answer.body
    assert bye.status == 200


async def test_sipp_registers_with_digest_auth(sipp, free_port, registrar):
    async with SipEndpoint() as server:
        server.on_request = handler = registrar({"alice": "wonderland"})
        host, port = server.local_address()
        sipp_port = free_port()

        result = await sipp.run(
            f"{host}:{port}", "-sf", str(SCENARIOS / "register_digest.xml"), "-p", str(sipp_port)
        )

    assert result.returncode == 0, report(result)
    assert (result.successful, result.failed) == (1, 0)
    assert handler.statuses == [401, 200]
    assert handler.bindings[f"sip:alice@{host}"].port == sipp_port
