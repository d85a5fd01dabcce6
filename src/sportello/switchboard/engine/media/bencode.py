"""Bencoding, the wire format of rtpengine's ng control protocol.

Strings decode to ``bytes``; dictionaries decode to ``dict[bytes, ...]``. Dictionary keys are
sorted when encoding (as the format requires) but accepted in any order when decoding, because
rtpengine does not sort the keys it sends.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

Decoded: TypeAlias = "int | bytes | list[Decoded] | dict[bytes, Decoded]"

MAX_DEPTH = 64


class BencodeError(ValueError):
    """The value cannot be encoded, or the bytes are not valid bencoding."""


def encode(value: object) -> bytes:
    out: list[bytes] = []
    _encode(value, out, 0)
    return b"".join(out)


def _encode(value: object, out: list[bytes], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise BencodeError("nesting too deep")
    if isinstance(value, bool):
        raise BencodeError("booleans have no bencoding")
    if isinstance(value, int):
        out.append(b"i%de" % value)
    elif isinstance(value, str | bytes | bytearray):
        _encode_bytes(_as_bytes(value), out)
    elif isinstance(value, Mapping):
        out.append(b"d")
        items = sorted((_as_bytes(_check_key(k)), v) for k, v in value.items())
        for key, item in items:
            _encode_bytes(key, out)
            _encode(item, out, depth + 1)
        out.append(b"e")
    elif isinstance(value, list | tuple):
        out.append(b"l")
        for item in value:
            _encode(item, out, depth + 1)
        out.append(b"e")
    else:
        raise BencodeError(f"cannot bencode {type(value).__name__}")


def _check_key(key: object) -> str | bytes:
    if not isinstance(key, str | bytes):
        raise BencodeError(f"dictionary key must be str or bytes, not {type(key).__name__}")
    return key


def _as_bytes(value: str | bytes | bytearray) -> bytes:
    return value.encode() if isinstance(value, str) else bytes(value)


def _encode_bytes(value: bytes, out: list[bytes]) -> None:
    out.append(b"%d:" % len(value))
    out.append(value)


def decode(data: bytes) -> Decoded:
    """Decode exactly one bencoded value; trailing bytes are an error."""
    value, end = _decode(bytes(data), 0, 0)
    if end != len(data):
        raise BencodeError(f"trailing data at offset {end}")
    return value


def _decode(data: bytes, pos: int, depth: int) -> tuple[Decoded, int]:
    if depth > MAX_DEPTH:
        raise BencodeError("nesting too deep")
    if pos >= len(data):
        raise BencodeError("unexpected end of data")
    lead = data[pos : pos + 1]
    if lead == b"i":
        return _decode_int(data, pos + 1)
    if lead == b"l":
        return _decode_list(data, pos + 1, depth)
    if lead == b"d":
        return _decode_dict(data, pos + 1, depth)
    if lead.isdigit():
        return _decode_bytes(data, pos)
    raise BencodeError(f"unexpected byte {lead!r} at offset {pos}")


def _decode_int(data: bytes, pos: int) -> tuple[int, int]:
    end = data.find(b"e", pos)
    if end < 0:
        raise BencodeError("unterminated integer")
    digits = data[pos:end]
    unsigned = digits[1:] if digits.startswith(b"-") else digits
    if not unsigned.isdigit() or (unsigned.startswith(b"0") and digits != b"0"):
        raise BencodeError(f"invalid integer {digits!r} at offset {pos}")
    return int(digits), end + 1


def _decode_bytes(data: bytes, pos: int) -> tuple[bytes, int]:
    colon = data.find(b":", pos)
    length = data[pos:colon]
    if colon < 0 or not length.isdigit() or (length.startswith(b"0") and length != b"0"):
        raise BencodeError(f"invalid string length at offset {pos}")
    start = colon + 1
    end = start + int(length)
    if end > len(data):
        raise BencodeError("string runs past end of data")
    return data[start:end], end


def _decode_list(data: bytes, pos: int, depth: int) -> tuple[list[Decoded], int]:
    items: list[Decoded] = []
    while data[pos : pos + 1] != b"e":
        item, pos = _decode(data, pos, depth + 1)
        items.append(item)
    return items, pos + 1


def _decode_dict(data: bytes, pos: int, depth: int) -> tuple[dict[bytes, Decoded], int]:
    items: dict[bytes, Decoded] = {}
    while data[pos : pos + 1] != b"e":
        if pos >= len(data):
            raise BencodeError("unterminated dictionary")
        key, pos = _decode(data, pos, depth + 1)
        if not isinstance(key, bytes):
            raise BencodeError("dictionary key is not a string")
        items[key], pos = _decode(data, pos, depth + 1)
    return items, pos + 1
