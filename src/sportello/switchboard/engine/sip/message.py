"""SIP requests and responses: the model, the byte parser and serialiser, TCP stream framing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .headers import Address, CSeq, Headers, Via
from .syntax import SipMessageTooLarge, SipParseError, is_digits, is_token
from .uri import SipUri, parse_uri

MAX_MESSAGE_SIZE = 65535
MAX_HEADERS = 128
SIP_VERSION = "SIP/2.0"
_SINGLE_VALUED = ("Call-ID", "CSeq", "From", "To", "Max-Forwards", "Content-Type")

_LINE_RE = re.compile(r"\r?\n")
_HEADER_NAME_RE = re.compile(r"([^\s:]+)[ \t]*:(.*)", re.DOTALL)
_CONTENT_LENGTH_RE = re.compile(rb"^(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*)", re.I | re.M)


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


@dataclass
class SipMessage:
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""

    @property
    def call_id(self) -> str:
        value = (self.headers.get("Call-ID") or "").strip()
        if not value or any(ch.isspace() for ch in value):
            raise SipParseError("missing or bad Call-ID")
        return value

    @property
    def cseq(self) -> CSeq:
        return CSeq.parse(self._required("CSeq"))

    @property
    def vias(self) -> list[Via]:
        return [Via.parse(v) for v in self.headers.get_list("Via")]

    @property
    def top_via(self) -> Via:
        values = self.headers.get_list("Via")
        if not values:
            raise SipParseError("missing Via")
        return Via.parse(values[0])

    @property
    def from_addr(self) -> Address:
        return Address.parse(self._required("From"))

    @property
    def to_addr(self) -> Address:
        return Address.parse(self._required("To"))

    @property
    def contacts(self) -> list[Address]:
        """Contact addresses; empty for none and for the `*` wildcard (see `contact_wildcard`)."""
        if self.contact_wildcard:
            return []
        return [Address.parse(v) for v in self.headers.get_list("Contact")]

    @property
    def contact_wildcard(self) -> bool:
        return [v.strip() for v in self.headers.get_all("Contact")] == ["*"]

    @property
    def record_routes(self) -> list[Address]:
        return [Address.parse(v) for v in self.headers.get_list("Record-Route")]

    @property
    def routes(self) -> list[Address]:
        return [Address.parse(v) for v in self.headers.get_list("Route")]

    @property
    def max_forwards(self) -> int | None:
        value = self.headers.get("Max-Forwards")
        if value is None:
            return None
        if not is_digits(value.strip()) or int(value) > 255:
            raise SipParseError("bad Max-Forwards")
        return int(value)

    @property
    def content_type(self) -> str | None:
        value = self.headers.get("Content-Type")
        return value.split(";")[0].strip().lower() if value else None

    def _required(self, name: str) -> str:
        value = self.headers.get(name)
        if value is None:
            raise SipParseError(f"missing {name}")
        return value

    def start_line(self) -> str:
        raise NotImplementedError

    def to_bytes(self) -> bytes:
        lines = [self.start_line()]
        lines += [f"{n}: {v}" for n, v in self.headers if n.lower() != "content-length"]
        lines.append(f"Content-Length: {len(self.body)}")
        return _encode("\r\n".join(lines)) + b"\r\n\r\n" + self.body

    def validate(self) -> None:
        """Parse every structured header once, so later accessors cannot fail."""
        _ = (self.call_id, self.cseq, self.from_addr, self.to_addr, self.max_forwards)
        _ = (self.contacts, self.record_routes, self.routes)
        for name in _SINGLE_VALUED:
            if len(self.headers.get_all(name)) > 1:
                raise SipParseError(f"more than one {name}")
        if not self.vias:
            raise SipParseError("missing Via")


@dataclass
class SipRequest(SipMessage):
    method: str = "OPTIONS"
    uri: SipUri = field(default_factory=SipUri)

    def start_line(self) -> str:
        return f"{self.method} {self.uri} {SIP_VERSION}"

    def validate(self) -> None:
        super().validate()
        if self.cseq.method != self.method:
            raise SipParseError("CSeq method does not match the request method")


@dataclass
class SipResponse(SipMessage):
    status: int = 200
    reason: str = "OK"

    def start_line(self) -> str:
        return f"{SIP_VERSION} {self.status} {self.reason}"

    @property
    def is_provisional(self) -> bool:
        return self.status < 200

    @property
    def is_success(self) -> bool:
        return 200 <= self.status < 300


def parse_message(data: bytes, *, stream: bool = False) -> SipRequest | SipResponse:
    """Parse one SIP message. With `stream`, a missing Content-Length means no body."""
    if len(data) > MAX_MESSAGE_SIZE:
        raise SipMessageTooLarge(f"message of {len(data)} bytes")
    data = data.lstrip(b"\r\n")
    head_end, sep_len = data.find(b"\r\n\r\n"), 4
    if head_end < 0:
        head_end, sep_len = data.find(b"\n\n"), 2
    if head_end < 0:
        raise SipParseError("no end of headers")
    head = data[:head_end].decode("utf-8", "surrogateescape")
    lines = _LINE_RE.split(head)
    headers = _parse_header_lines(lines[1:])
    message = _parse_start_line(lines[0], headers)
    message.body = _body(data[head_end + sep_len :], headers, stream)
    message.validate()
    return message


def _parse_start_line(line: str, headers: Headers) -> SipRequest | SipResponse:
    if line[:4].upper() == "SIP/":
        parts = line.split(" ", 2)
        if len(parts) < 2 or parts[0].upper() != SIP_VERSION or not is_digits(parts[1], 3):
            raise SipParseError(f"bad status line {line!r}")
        status = int(parts[1])
        if not 100 <= status <= 699:
            raise SipParseError(f"bad status code {status}")
        reason = parts[2] if len(parts) == 3 else ""
        return SipResponse(headers=headers, status=status, reason=reason)
    parts = line.split(" ")
    if len(parts) != 3 or parts[2].upper() != SIP_VERSION or not is_token(parts[0]):
        raise SipParseError(f"bad request line {line[:80]!r}")
    uri = parse_uri(parts[1])
    if uri.headers:
        raise SipParseError("headers are not allowed in a Request-URI")
    return SipRequest(headers=headers, method=parts[0], uri=uri)


def _parse_header_lines(lines: list[str]) -> Headers:
    unfolded: list[str] = []
    for line in lines:
        if line[:1] in (" ", "\t"):
            if not unfolded:
                raise SipParseError("continuation line before any header")
            unfolded[-1] += " " + line.strip()
        else:
            unfolded.append(line)
    if len(unfolded) > MAX_HEADERS:
        raise SipParseError("too many headers")
    headers = Headers()
    for line in unfolded:
        match = _HEADER_NAME_RE.fullmatch(line)
        if not match or not is_token(match.group(1)):
            raise SipParseError(f"bad header line {line[:80]!r}")
        headers.add(match.group(1), match.group(2).strip())
    return headers


def _body(rest: bytes, headers: Headers, stream: bool) -> bytes:
    values = {v.strip() for v in headers.get_all("Content-Length")}
    if not values:
        return b"" if stream else rest
    value = values.pop()
    if values or not is_digits(value):
        raise SipParseError("bad Content-Length")
    length = int(value)
    if length > len(rest):
        raise SipParseError("body shorter than Content-Length")
    return rest[:length]


class StreamFramer:
    """Cut a byte stream (TCP) into whole messages using Content-Length (RFC 3261 §18.3)."""

    def __init__(self, max_size: int = MAX_MESSAGE_SIZE) -> None:
        self.max_size = max_size
        self.pings = 0
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        """Return the complete messages now available; raise `SipParseError` on bad framing."""
        self._buffer += data
        frames: list[bytes] = []
        while frame := self._next_frame():
            frames.append(frame)
        return frames

    def _next_frame(self) -> bytes | None:
        stripped = self._buffer.lstrip(b"\r\n")
        if len(self._buffer) - len(stripped) >= 4:
            self.pings += 1  # RFC 5626 double-CRLF keep-alive
        self._buffer = stripped
        head_end = self._buffer.find(b"\r\n\r\n")
        if head_end < 0:
            if len(self._buffer) > self.max_size:
                raise SipMessageTooLarge("headers exceed the size limit")
            return None
        total = head_end + 4 + _stream_content_length(bytes(self._buffer[:head_end]))
        if total > self.max_size:
            raise SipMessageTooLarge(f"message of {total} bytes")
        if len(self._buffer) < total:
            return None
        frame = bytes(self._buffer[:total])
        del self._buffer[:total]
        return frame


def _stream_content_length(head: bytes) -> int:
    values = {m.group(1).strip() for m in _CONTENT_LENGTH_RE.finditer(head)}
    if not values:
        return 0
    value = values.pop()
    if values or not value.isdigit() or len(value) > 10:
        raise SipParseError("bad Content-Length in stream")
    return int(value)
