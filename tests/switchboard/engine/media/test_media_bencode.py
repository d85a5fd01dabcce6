import pytest
from hypothesis import given
from hypothesis import strategies as st

from sportello.switchboard.engine.media.bencode import BencodeError, decode, encode

decoded_values = st.recursive(
    st.integers() | st.binary(max_size=40),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.binary(max_size=10), children, max_size=5),
    max_leaves=20,
)


def test_it_encodes_the_ng_ping():
    assert encode({"command": "ping"}) == b"d7:command4:pinge"


def test_it_sorts_dictionary_keys_and_encodes_text_as_utf8():
    assert encode({"z": 1, "a": ["è", b"\x00"]}) == b"d1:al2:\xc3\xa81:\x00e1:zi1ee"


def test_it_encodes_negative_and_zero_integers():
    assert encode([0, -12]) == b"li0ei-12ee"


def test_it_decodes_a_reply_with_unsorted_keys():
    assert decode(b"d6:result2:ok3:sdp3:v=0e") == {b"result": b"ok", b"sdp": b"v=0"}


@given(decoded_values)
def test_it_round_trips(value):
    assert decode(encode(value)) == value


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"i12",
        b"i-0e",
        b"i03e",
        b"ie",
        b"i1.5e",
        b"5:abc",
        b"l",
        b"d3:key",
        b"di1ei2ee",
        b"x",
        b"i1ei2e",
        b"03:abc",
        b"-1:a",
        b"l" * 200 + b"e" * 200,
    ],
)
def test_it_rejects_bad_input_with_one_error_type(data):
    with pytest.raises(BencodeError):
        decode(data)


@given(st.binary(max_size=64))
def test_it_never_raises_anything_but_bencode_error(data):
    try:
        decode(data)
    except BencodeError:
        pass


@pytest.mark.parametrize("value", [1.5, True, None, {1: 2}, {"a": object()}])
def test_it_refuses_to_encode_what_bencoding_cannot_express(value):
    with pytest.raises(BencodeError):
        encode(value)
