"""Property tests: whatever bytes arrive, the parser raises `SipParseError` or nothing else,
and what it accepts serialises back to something it parses the same way."""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sportello.switchboard.engine.sip import (
    Address,
    SipParseError,
    StreamFramer,
    Via,
    parse_message,
)
from sportello.switchboard.engine.sip.transport import Inbox, Source, TransportStats

SAMPLES = [p.read_bytes() for p in sorted(Path(__file__).parent.glob("samples/*/*.sip"))]
SPECIAL = list(b' \t\r\n:;,<>"\\@%=/?[]0123456789zZ') + [0, 0x7F, 0xC3, 0xFF]
FUZZ = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def exercise(data: bytes, *, stream: bool = False) -> None:
    """Parse, read every structured header, serialise and parse again."""
    try:
        message = parse_message(data, stream=stream)
    except SipParseError:
        return
    _ = (message.vias, message.top_via, message.from_addr, message.to_addr, message.cseq)
    _ = (message.contacts, message.routes, message.record_routes, message.max_forwards)
    _ = (message.call_id, message.content_type)
    for address in [message.from_addr, message.to_addr, *message.contacts, *message.routes]:
        assert Address.parse(str(address)) == address
    for via in message.vias:
        assert Via.parse(str(via)) == via
    serialised = message.to_bytes()
    assert parse_message(serialised).to_bytes() == serialised


@st.composite
def mutated_samples(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "insert", "delete", "repeat", "special", "cut"]))
        if action == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        elif action == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 40))]
        elif action == "special":
            data[at:at] = bytes([draw(st.sampled_from(SPECIAL))])
        elif action == "cut":
            del data[at:]
    return bytes(data)


@FUZZ
@given(st.binary(max_size=4096))
def test_sip_parser_survives_random_bytes(data):
    exercise(data)
    exercise(data, stream=True)


@FUZZ
@given(mutated_samples())
def test_sip_parser_survives_mutated_valid_messages(data):
    exercise(data)
    exercise(data, stream=True)


@FUZZ
@given(mutated_samples(), st.lists(st.integers(1, 300), min_size=1, max_size=10))
def test_sip_stream_framer_survives_mutations_in_any_chunking(data, cuts):
    framer = StreamFramer(max_size=8192)
    start = 0
    try:
        for size in cuts + [len(data)]:
            for frame in framer.feed(data[start : start + size]):
                exercise(frame, stream=True)
            start += size
    except SipParseError:
        pass


@FUZZ
@given(mutated_samples())
def test_sip_transport_inbox_counts_instead_of_raising(data):
    received = []
    stats = TransportStats()
    inbox = Inbox(lambda message, source: received.append(message), stats)

    inbox.accept(data, Source("udp", "192.0.2.9", 5060), stream=False)

    assert stats.received + stats.malformed + stats.oversized <= 1
    assert len(received) == stats.received
