"""Dialog state and in-dialog requests (RFC 3261 §12), DTMF over SIP INFO."""

import pytest

from sportello.switchboard.engine.sip import (
    Dialog,
    DtmfRelay,
    SipParseError,
    SipRequest,
    build_invite,
    incoming_dialog_id,
    make_response,
    parse_dtmf_relay,
)


def invite(record_route=()):
    request = build_invite(
        "sip:agent@192.0.2.20",
        from_addr='"Sportello" <sip:engine@192.0.2.1>',
        to_addr="sip:agent@192.0.2.20",
        contact="<sip:engine@192.0.2.1:5060>",
        sdp="v=0\r\n",
        cseq=10,
    )
    request.headers.prepend("Via", "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-d")
    for hop in record_route:
        request.headers.add("Record-Route", hop)
    return request


def answered(request, record_route=()):
    response = make_response(
        request, 200, to_tag="agent-tag", contact="<sip:agent@192.0.2.21:5070>"
    )
    for hop in record_route:
        response.headers.add("Record-Route", hop)
    return response


def test_uac_dialog_takes_ids_target_and_reversed_route_set_from_the_2xx():
    request = invite()
    response = answered(request, ["<sip:p2.example.com;lr>", "<sip:p1.example.com;lr>"])

    dialog = Dialog.for_uac(request, response)
    bye = dialog.bye()

    assert dialog.id == (request.call_id, request.from_addr.tag, "agent-tag")
    assert str(bye.uri) == "sip:agent@192.0.2.21:5070"
    assert [r.uri.host for r in bye.routes] == ["p1.example.com", "p2.example.com"]
    assert bye.from_addr.tag == request.from_addr.tag
    assert bye.from_addr.display_name == "Sportello"
    assert bye.to_addr.tag == "agent-tag"
    assert (bye.cseq.seq, bye.cseq.method) == (11, "BYE")
    assert bye.headers.get("Via") is None  # the endpoint adds it when sending


def test_uac_dialog_of_an_invite_retried_with_credentials_counts_from_the_retry():
    request = invite()
    retried = SipRequest(request.headers.copy(), request.body, request.method, request.uri)
    retried.headers.set("CSeq", "11 INVITE")  # the 401/407 took CSeq 10
    dialog = Dialog.for_uac(request, answered(retried))

    assert dialog.ack(answered(retried)).cseq.seq == 11
    assert dialog.bye().cseq.seq == 12


def test_ack_for_2xx_reuses_the_invite_cseq_and_keeps_the_counter():
    request = invite()
    response = answered(request)
    dialog = Dialog.for_uac(request, response)

    ack = dialog.ack(response)
    info = dialog.info_dtmf("5")

    assert (ack.cseq.seq, ack.cseq.method) == (10, "ACK")
    assert (info.cseq.seq, info.cseq.method) == (11, "INFO")
    assert info.content_type == "application/dtmf-relay"
    assert parse_dtmf_relay(info.body) == DtmfRelay("5", 160)


def test_strict_route_takes_the_request_uri():
    request = invite()
    dialog = Dialog.for_uac(request, answered(request, ["<sip:strict.example.com>"]))

    bye = dialog.bye()

    assert str(bye.uri) == "sip:strict.example.com"
    assert [str(r.uri) for r in bye.routes] == ["sip:agent@192.0.2.21:5070"]


def test_uas_dialog_checks_cseq_order_and_refreshes_the_target():
    request = invite(["<sip:p1.example.com;lr>"])
    response = make_response(request, 200, to_tag="ours", contact="<sip:svc@192.0.2.10>")
    dialog = Dialog.for_uas(request, response)
    reinvite = invite()
    reinvite.headers.set("CSeq", "11 INVITE")
    reinvite.headers.set("Contact", "<sip:engine@192.0.2.99>")
    stale = invite()

    accepted = dialog.receive_request(reinvite)
    rejected = dialog.receive_request(stale)

    assert dialog.id == (request.call_id, "ours", request.from_addr.tag)
    assert accepted and not rejected
    assert str(dialog.remote_target) == "sip:engine@192.0.2.99"
    assert [r.uri.host for r in dialog.bye().routes] == ["p1.example.com"]
    assert dialog.bye().cseq.seq == 2


def test_incoming_dialog_id_matches_the_uas_dialog():
    request = invite()
    dialog = Dialog.for_uas(request, make_response(request, 200, to_tag="ours"))
    bye = SipRequest(request.headers.copy(), method="BYE", uri=request.uri)
    bye.headers.set("To", "<sip:agent@192.0.2.20>;tag=ours")
    bye.headers.set("CSeq", "11 BYE")
    stranger = invite()

    assert incoming_dialog_id(bye) == dialog.id
    assert incoming_dialog_id(stranger) != dialog.id


def test_reinvite_for_hold_and_refer_for_transfer():
    request = invite()
    dialog = Dialog.for_uac(request, answered(request))

    hold = dialog.reinvite("v=0\r\na=sendonly\r\n")
    refer = dialog.refer("sip:queue-2@192.0.2.1", referred_by="sip:agent@192.0.2.20")

    assert hold.method == "INVITE" and b"sendonly" in hold.body
    assert hold.contacts[0].uri.user == "engine"
    assert refer.headers.get("Refer-To") == "<sip:queue-2@192.0.2.1>"
    assert refer.headers.get("Referred-By") == "<sip:agent@192.0.2.20>"
    assert refer.cseq.seq == hold.cseq.seq + 1


def test_a_2xx_to_reinvite_moves_the_remote_target():
    request = invite()
    dialog = Dialog.for_uac(request, answered(request))
    reinvite = dialog.reinvite("v=0\r\n")
    reinvite.headers.prepend("Via", "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-r")

    dialog.receive_response(make_response(reinvite, 200, contact="<sip:agent@192.0.2.30>"))

    assert dialog.remote_target.host == "192.0.2.30"


def test_a_dialog_needs_both_tags():
    request = invite()

    with pytest.raises(SipParseError):
        Dialog.for_uac(request, make_response(request, 200))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"Signal=5\r\nDuration=160\r\n", DtmfRelay("5", 160)),
        (b"signal= *\nduration=100", DtmfRelay("*", 100)),
        (b"Signal=11\r\n", DtmfRelay("#", None)),
        (b"Signal=a\r\nDuration=x\r\n", DtmfRelay("A", None)),
    ],
)
def test_it_parses_dtmf_relay_bodies(body, expected):
    assert parse_dtmf_relay(body) == expected


@pytest.mark.parametrize("body", [b"", b"Signal=\r\n", b"Signal=55\r\n", b"Duration=160\r\n"])
def test_it_rejects_dtmf_relay_bodies_without_a_digit(body):
    with pytest.raises(SipParseError):
        parse_dtmf_relay(body)
