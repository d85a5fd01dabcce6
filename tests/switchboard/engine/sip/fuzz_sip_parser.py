"""Coverage-guided fuzzing of the SIP parser with atheris (optional; pytest does not collect it).

Run it by hand with atheris installed (it is not a project dependency), on a copy of the samples
so that libFuzzer does not write new inputs into the repository:

    cp -r tests/switchboard/engine/sip/samples/valid /tmp/sip-corpus
    uv run --with atheris python tests/switchboard/engine/sip/fuzz_sip_parser.py \
        -max_total_time=600 /tmp/sip-corpus

Any exception other than `SipParseError` (or a failed assertion) is a finding.
"""

import sys

import atheris

with atheris.instrument_imports():
    from sportello.switchboard.engine.sip import SipParseError, StreamFramer, parse_message


def exercise(data: bytes, stream: bool) -> None:
    try:
        message = parse_message(data, stream=stream)
    except SipParseError:
        return
    _ = (message.vias, message.from_addr, message.to_addr, message.cseq, message.contacts)
    _ = (message.routes, message.record_routes, message.max_forwards, message.call_id)
    serialised = message.to_bytes()
    assert parse_message(serialised).to_bytes() == serialised


def test_one_input(data: bytes) -> None:
    exercise(data, stream=False)
    exercise(data, stream=True)
    framer = StreamFramer(max_size=8192)
    try:
        for frame in framer.feed(data[: len(data) // 2]) + framer.feed(data[len(data) // 2 :]):
            exercise(frame, stream=True)
    except SipParseError:
        pass


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
