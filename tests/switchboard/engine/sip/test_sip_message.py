"""Byte-level parsing and serialising of SIP messages (RFC 3261 §7, §20; RFC 4475 samples)."""

from pathlib import Path

import pytest

from sportello.switchboard.engine.sip import (
    Address,
    SipMessageTooLarge,
    SipParseError,
    SipRequest,
    SipResponse,
    StreamFramer,
    Via,
    parse_message,
    parse_uri,
)
from sportello.switchboard.engine.sip.headers import Headers

SAMPLES = Path(__file__).parent / "samples"
VALID = sorted((SAMPLES / "valid").glob("*.sip"))
INVALID = sorted((SAMPLES / "invalid").glob("*.sip"))


def crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode()


OPTIONS = crlf(
    "OPTIONS sip:service@192.0.2.10 SIP/2.0\n"
    "Via: SIP/2.0/UDP 192.0.2.1:5062;branch=z9hG4bK-1;rport\n"
    "Max-Forwards: 70\n"
    "From: <sip:phone@192.0.2.1>;tag=a1\n"
    "To: <sip:service@192.0.2.10>\n"
    "Call-ID: opt-1@192.0.2.1\n"
    "CSeq: 7 OPTIONS\n"
    "Content-Length: 0\n\n"
)


def test_sip_rfc4475_sample_sets_are_present():
    assert len(VALID) >= 10
    assert len(INVALID) >= 15


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_it_parses_valid_torture_messages_and_round_trips(path):
    message = parse_message(path.read_bytes())

    again = parse_message(message.to_bytes())

    assert again.to_bytes() == message.to_bytes()
    assert again.body == message.body
    assert again.call_id == message.call_id


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_it_rejects_invalid_torture_messages(path):
    with pytest.raises(SipParseError):
        parse_message(path.read_bytes())


def test_it_reads_the_short_tortuous_invite():
    message = parse_message((SAMPLES / "valid" / "wsinv.sip").read_bytes())

    assert isinstance(message, SipRequest)
    assert message.uri.params == {"unknownparam": None}
    assert message.to_addr.tag == "1918181833n"
    assert message.from_addr.display_name == 'J Rosenberg \\"'
    assert message.from_addr.tag == "98asjd8"
    assert message.max_forwards == 68
    assert (message.cseq.seq, message.cseq.method) == (9, "INVITE")
    assert [(v.transport, v.host, v.branch) for v in message.vias] == [
        ("UDP", "192.0.2.2", "390skdjuw"),
        ("TCP", "spindle.example.com", "z9hG4bK9ikj8"),
        ("UDP", "192.168.255.111", "z9hG4bK30239"),
    ]
    assert message.headers.get("NewFangledHeader") == "newfangled value continued newfangled value"
    assert message.headers.get("Subject") == ""
    contact = message.contacts[0]
    assert contact.display_name == 'Quoted string ""'
    assert contact.params == {"newparam": "newvalue", "secondparam": None, "q": "0.33"}
    assert message.routes[0].uri.params["lr"] is None
    assert len(message.body) == 150


def test_it_reads_unusual_but_valid_characters():
    message = parse_message((SAMPLES / "valid" / "intmeth.sip").read_bytes())

    assert message.method == "!interesting-Method0123456789_*+`.%indeed'~"
    assert message.uri.user == "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"
    assert message.uri.password == "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)"
    assert message.from_addr.display_name == "token1~` token2'+_ token3*%!.-"
    assert message.to_addr.display_name == "BEL:\x07 NUL:\x00 DEL:\x7f"
    assert message.headers.get("extensionheader-!.%*+_`'~") == "\ufeff大停電"


def test_it_takes_only_the_first_of_two_requests_in_a_datagram():
    message = parse_message((SAMPLES / "valid" / "dblreq.sip").read_bytes())

    assert message.method == "REGISTER"
    assert message.body == b""


def test_it_keeps_an_unknown_uri_scheme_opaque():
    message = parse_message((SAMPLES / "valid" / "unksm.sip").read_bytes())

    assert message.uri.scheme == "nobodyknowsthisscheme"
    assert message.uri.opaque == "totallyopaquecontent"
    assert not message.uri.is_sip


def test_it_reads_a_response_with_a_utf8_reason_and_one_without_reason():
    unusual = parse_message((SAMPLES / "valid" / "unreason.sip").read_bytes())
    bare = parse_message((SAMPLES / "valid" / "noreason.sip").read_bytes())

    assert isinstance(unusual, SipResponse)
    assert unusual.status == 200
    assert unusual.reason.endswith("простое")
    assert isinstance(bare, SipResponse)
    assert (bare.status, bare.reason) == (100, "")


def test_it_expands_compact_header_names():
    data = crlf(
        "BYE sip:a@192.0.2.1 SIP/2.0\n"
        "v: SIP/2.0/UDP 192.0.2.2;branch=z9hG4bK-c\n"
        "f: <sip:b@192.0.2.2>;tag=1\n"
        "t: <sip:a@192.0.2.1>;tag=2\n"
        "i: compact@192.0.2.2\n"
        "CSeq: 2 BYE\n"
        "m: <sip:b@192.0.2.2>\n"
        "k: timer\n"
        "s: bye\n"
        "c: text/plain\n"
        "l: 2\n\nhi"
    )

    message = parse_message(data)

    assert [name for name, _ in message.headers] == [
        "Via", "From", "To", "Call-ID", "CSeq", "Contact", "Supported", "Subject",
        "Content-Type", "Content-Length",
    ]  # fmt: skip
    assert message.headers.get("call-id") == message.headers.get("i") == "compact@192.0.2.2"
    assert message.content_type == "text/plain"
    assert message.body == b"hi"
    assert b"Call-ID: compact@192.0.2.2\r\n" in message.to_bytes()


def test_it_serialises_with_a_correct_content_length():
    message = parse_message(OPTIONS)
    message.body = b"v=0\r\n"

    data = message.to_bytes()

    assert data.startswith(b"OPTIONS sip:service@192.0.2.10 SIP/2.0\r\n")
    assert data.count(b"Content-Length") == 1
    assert data.endswith(b"Content-Length: 5\r\n\r\nv=0\r\n")


def test_it_reads_multi_value_headers_split_over_fields_and_commas():
    data = OPTIONS.replace(
        b"Max-Forwards",
        b"Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n"
        b"Route: <sip:p3.example.com;lr>\r\nMax-Forwards",
    )

    message = parse_message(data)

    assert [r.uri.host for r in message.routes] == [
        "p1.example.com",
        "p2.example.com",
        "p3.example.com",
    ]


def test_it_tolerates_bare_lf_line_ends():
    message = parse_message(OPTIONS.replace(b"\r\n", b"\n"))

    assert message.cseq.seq == 7


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\r\n\r\n",
        b"OPTIONS sip:a@b SIP/2.0\r\n\r\n",
        OPTIONS.replace(b"Max-Forwards: 70", b"Max-Forwards: 256"),
        OPTIONS.replace(b"CSeq: 7", b"CSeq: \xd9\xa3"),
        OPTIONS.replace(b"Via: SIP/2.0/UDP 192.0.2.1:5062", b"Via: SIP/2.0/UDP 192.0.2.1:99999"),
        OPTIONS.replace(b"Via: SIP/2.0/UDP", b"Via: SIP/2.0"),
        OPTIONS.replace(b"Max-Forwards: 70", b" folded-before-any-header"),
        OPTIONS.replace(b"Max-Forwards: 70", b"Bad Header: 1"),
        b"SIP/2.0 99 Too Low\r\n" + OPTIONS.split(b"\r\n", 1)[1],
    ],
    ids=[
        "empty",
        "keepalive",
        "no-headers",
        "max-forwards",
        "arabic-digit",
        "port",
        "via",
        "fold",
        "name",
        "status",
    ],
)
def test_it_raises_only_parse_errors_on_bad_input(data):
    with pytest.raises(SipParseError):
        parse_message(data)


def test_it_refuses_oversized_messages_and_too_many_headers():
    huge = OPTIONS.replace(b"Content-Length: 0\r\n", b"X-Pad: " + b"a" * 70_000 + b"\r\n")
    many = OPTIONS.replace(b"Max-Forwards", b"X-A: 1\r\n" * 200 + b"Max-Forwards")

    with pytest.raises(SipMessageTooLarge):
        parse_message(huge)
    with pytest.raises(SipParseError, match="too many headers"):
        parse_message(many)


def test_it_frames_two_messages_in_one_tcp_chunk():
    second = OPTIONS.replace(b"CSeq: 7", b"CSeq: 8")
    framer = StreamFramer()

    frames = framer.feed(OPTIONS + second)

    assert [parse_message(f, stream=True).cseq.seq for f in frames] == [7, 8]


def test_it_frames_one_message_split_over_many_chunks():
    data = OPTIONS.replace(b"Content-Length: 0", b"Content-Length: 4") + b"body"
    framer = StreamFramer()

    frames = [frame for i in range(0, len(data), 7) for frame in framer.feed(data[i : i + 7])]

    assert len(frames) == 1
    assert parse_message(frames[0], stream=True).body == b"body"


def test_it_counts_keepalive_pings_between_stream_messages():
    framer = StreamFramer()

    frames = framer.feed(b"\r\n\r\n" + OPTIONS + b"\r\n\r\n")

    assert len(frames) == 1
    assert framer.pings == 2


def test_it_rejects_a_stream_frame_over_the_limit():
    framer = StreamFramer(max_size=1000)

    with pytest.raises(SipMessageTooLarge):
        framer.feed(OPTIONS.replace(b"Content-Length: 0", b"Content-Length: 5000"))
    with pytest.raises(SipMessageTooLarge):
        StreamFramer(max_size=1000).feed(b"OPTIONS " + b"x" * 2000)


def test_a_stream_message_without_content_length_has_no_body():
    data = OPTIONS.replace(b"Content-Length: 0\r\n", b"")

    message = parse_message(data + b"junk", stream=True)

    assert message.body == b""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sip:alice@atlanta.com", ("sip", "alice", "atlanta.com", None)),
        ("SIP:alice:secret@atlanta.com:5070;transport=tcp", ("sip", "alice", "atlanta.com", 5070)),
        ("sips:bob@[2001:db8::1]:5061", ("sips", "bob", "2001:db8::1", 5061)),
        ("sip:192.0.2.4", ("sip", None, "192.0.2.4", None)),
        ("sip:+390165123456;npdi@trunk.example.it;user=phone", ("sip", "+390165123456;npdi", "trunk.example.it", None)),
        ("tel:+39-0165-123456;phone-context=example.it", ("tel", "+39-0165-123456", "", None)),
    ],
)  # fmt: skip
def test_it_parses_uris(text, expected):
    uri = parse_uri(text)

    assert (uri.scheme, uri.user, uri.host, uri.port) == expected
    assert parse_uri(str(uri)) == uri


def test_uri_helpers_report_transport_and_aor():
    uri = parse_uri("sip:alice@Atlanta.COM:5070;transport=TCP?subject=hi")

    assert uri.transport == "tcp"
    assert uri.aor == "sip:alice@atlanta.com"
    assert uri.headers == "subject=hi"
    assert parse_uri("sips:x@y").transport == "tcp"


@pytest.mark.parametrize(
    "text", ["alice@atlanta.com", "sip:", "sip:alice@", "sip:a b@c", "sip:a@host:port", "tel:xyz"]
)
def test_it_rejects_bad_uris(text):
    with pytest.raises(SipParseError):
        parse_uri(text)


def test_via_parameters_and_serialisation():
    via = Via.parse("SIP/2.0/udp 192.0.2.1:5062;branch=z9hG4bK-x;received=198.51.100.2;rport=6000")

    assert (via.transport, via.host, via.port) == ("UDP", "192.0.2.1", 5062)
    assert (via.branch, via.received, via.rport) == ("z9hG4bK-x", "198.51.100.2", 6000)
    assert str(via) == (
        "SIP/2.0/UDP 192.0.2.1:5062;branch=z9hG4bK-x;received=198.51.100.2;rport=6000"
    )
    assert Via.parse("SIP/2.0/TCP h;rport").rport is None


@pytest.mark.parametrize(
    ("text", "display", "uri", "params"),
    [
        ('"Alice A." <sip:alice@a.example>;tag=9', "Alice A.", "sip:alice@a.example", {"tag": "9"}),
        ("Bob <sip:bob@b.example;transport=tcp>", "Bob", "sip:bob@b.example;transport=tcp", {}),
        ("sip:carol@c.example;tag=77;expires=60", None, "sip:carol@c.example", {"tag": "77", "expires": "60"}),
        ("<tel:+3912345>;tag=t", None, "tel:+3912345", {"tag": "t"}),
    ],
)  # fmt: skip
def test_it_parses_name_addr_and_addr_spec(text, display, uri, params):
    address = Address.parse(text)

    assert address.display_name == display
    assert str(address.uri) == uri
    assert address.params == params
    assert Address.parse(str(address)) == address


def test_contact_wildcard_is_reported_apart():
    message = parse_message(OPTIONS.replace(b"Max-Forwards", b"Contact: *\r\nMax-Forwards"))

    assert message.contact_wildcard
    assert message.contacts == []


def test_headers_lookup_ignores_case_and_keeps_order():
    headers = Headers([("via", "a"), ("To", "t"), ("V", "b")])

    headers.set_list("Via", ["x", "y", "z"])
    headers.set("to", "u")

    assert list(headers) == [("Via", "x"), ("Via", "y"), ("Via", "z"), ("To", "u")]
    assert "TO" in headers
    headers.remove("v")
    assert headers.get("via") is None
