"""Header collection and the structured headers: Via, name-addr (From/To/Contact), CSeq."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .syntax import (
    Params,
    SipParseError,
    format_host,
    format_params,
    is_digits,
    is_token,
    parse_host_port,
    parse_params,
    quote,
    split_unquoted,
    unquote,
)
from .uri import SipUri, parse_uri

COMPACT_FORMS = {
    "a": "Accept-Contact",
    "b": "Referred-By",
    "c": "Content-Type",
    "d": "Request-Disposition",
    "e": "Content-Encoding",
    "f": "From",
    "i": "Call-ID",
    "j": "Reject-Contact",
    "k": "Supported",
    "l": "Content-Length",
    "m": "Contact",
    "n": "Identity-Info",
    "o": "Event",
    "r": "Refer-To",
    "s": "Subject",
    "t": "To",
    "u": "Allow-Events",
    "v": "Via",
    "x": "Session-Expires",
    "y": "Identity",
}
_SPELLINGS = [
    "Call-ID", "CSeq", "WWW-Authenticate", "Proxy-Authenticate", "Authorization",
    "Proxy-Authorization", "Authentication-Info", "Max-Forwards", "Record-Route", "Route",
    "Min-Expires", "Expires", "User-Agent", "Server", "Allow", "Require", "Proxy-Require",
    "Unsupported", "Retry-After", "Content-Disposition", "MIME-Version", "RSeq", "RAck",
    "P-Asserted-Identity", "Min-SE", "Reason", "Warning", "Date", "Timestamp", "Path",
    *COMPACT_FORMS.values(),
]  # fmt: skip
_CANONICAL = {name.lower(): name for name in _SPELLINGS}

# Headers whose comma-separated values are list elements (RFC 3261 §7.3.1).
LIST_HEADERS = frozenset(
    ["via", "contact", "route", "record-route", "allow", "supported", "require"]
    + ["proxy-require", "unsupported", "accept", "accept-encoding", "path"]
)


def canonical_name(name: str) -> str:
    """Expand compact forms and use the usual spelling for known header names."""
    lower = name.lower()
    if lower in COMPACT_FORMS:
        return COMPACT_FORMS[lower]
    return _CANONICAL.get(lower, name)


class Headers:
    """Ordered header fields; lookups ignore case and accept compact forms."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._items: list[tuple[str, str]] = []
        for name, value in items:
            self.add(name, value)

    @staticmethod
    def _key(name: str) -> str:
        return canonical_name(name).lower()

    def add(self, name: str, value: str) -> None:
        self._items.append((canonical_name(name), value))

    def prepend(self, name: str, value: str) -> None:
        self._items.insert(0, (canonical_name(name), value))

    def set(self, name: str, value: str) -> None:
        """Replace all fields named `name` with one, keeping the first one's position."""
        key = self._key(name)
        for i, (existing, _) in enumerate(self._items):
            if existing.lower() == key:
                self._items[i] = (canonical_name(name), value)
                self._items = [
                    item for j, item in enumerate(self._items) if j <= i or item[0].lower() != key
                ]
                return
        self.add(name, value)

    def set_list(self, name: str, values: list[str]) -> None:
        """Replace a list header by one field per value, where its first field was."""
        key = self._key(name)
        at = next((i for i, (n, _) in enumerate(self._items) if n.lower() == key), 0)
        self.remove(name)
        self._items[at:at] = [(canonical_name(name), v) for v in values]

    def remove(self, name: str) -> None:
        key = self._key(name)
        self._items = [item for item in self._items if item[0].lower() != key]

    def get(self, name: str, default: str | None = None) -> str | None:
        key = self._key(name)
        return next((v for n, v in self._items if n.lower() == key), default)

    def get_all(self, name: str) -> list[str]:
        key = self._key(name)
        return [v for n, v in self._items if n.lower() == key]

    def get_list(self, name: str) -> list[str]:
        """All values of a list header, split on commas (outside quotes and <>)."""
        values: list[str] = []
        for raw in self.get_all(name):
            values.extend(v.strip() for v in split_unquoted(raw, ",", angles=True) if v.strip())
        return values

    def copy(self) -> Headers:
        return Headers(self._items)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Headers) and self._items == other._items

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"


_SENT_PROTOCOL_RE = re.compile(r"\s*([^\s/]+)\s*/\s*([^\s/]+)\s*/\s*([^\s/;]+)\s+(.*)", re.DOTALL)


@dataclass
class Via:
    transport: str
    host: str
    port: int | None = None
    params: Params = field(default_factory=dict)
    protocol: str = "SIP/2.0"

    @property
    def branch(self) -> str | None:
        return self.params.get("branch")

    @property
    def received(self) -> str | None:
        return self.params.get("received")

    @property
    def rport(self) -> int | None:
        value = self.params.get("rport")
        return int(value) if value else None

    def __str__(self) -> str:
        port = f":{self.port}" if self.port is not None else ""
        sent_by = f"{format_host(self.host)}{port}"
        return f"{self.protocol}/{self.transport} {sent_by}{format_params(self.params)}"

    @classmethod
    def parse(cls, value: str) -> Via:
        match = _SENT_PROTOCOL_RE.fullmatch(value)
        if not match:
            raise SipParseError(f"bad Via {value!r}")
        name, version, transport, rest = match.groups()
        if not all(is_token(p) for p in (name, version, transport)):
            raise SipParseError(f"bad Via protocol {value!r}")
        sent_by, _, params_text = rest.partition(";")
        host, port = parse_host_port(sent_by)
        params = parse_params(params_text)
        rport = params.get("rport")
        if rport is not None and not is_digits(rport, 5):
            raise SipParseError("bad Via rport")
        if params.get("branch", "") is None:
            raise SipParseError("Via branch without value")
        return cls(transport.upper(), host, port, params, f"{name.upper()}/{version}")


@dataclass
class Address:
    """A name-addr or addr-spec with header parameters (From, To, Contact, Route...)."""

    uri: SipUri
    display_name: str | None = None
    params: Params = field(default_factory=dict)

    @property
    def tag(self) -> str | None:
        return self.params.get("tag")

    def __str__(self) -> str:
        name = ""
        if self.display_name:
            shown = self.display_name
            simple = all(is_token(word) for word in shown.split(" "))
            name = (shown if simple else quote(shown)) + " "
        return f"{name}<{self.uri}>{format_params(self.params)}"

    @classmethod
    def parse(cls, value: str) -> Address:
        text = value.strip()
        if not text:
            raise SipParseError("empty address")
        if text.startswith('"'):
            end = _closing_quote(text)
            display: str | None = unquote(text[: end + 1])
            text = text[end + 1 :].lstrip()
            if not text.startswith("<"):
                raise SipParseError("display name without <uri>")
        elif "<" in text:
            before, _, _ = text.partition("<")
            display = " ".join(before.split()) or None
            if display and not all(is_token(w) for w in display.split(" ")):
                raise SipParseError(f"bad display name {display!r}")
            text = text[len(before) :]
        else:
            uri_text, semi, params = text.partition(";")
            if "," in uri_text or "?" in uri_text:
                raise SipParseError("addr-spec with reserved characters must use <>")
            return cls(parse_uri(uri_text.strip()), None, parse_params(params) if semi else {})
        end = text.find(">")
        if end < 0:
            raise SipParseError("unterminated <uri>")
        uri = parse_uri(text[1:end])
        rest = text[end + 1 :].strip()
        if rest and not rest.startswith(";"):
            raise SipParseError(f"junk after address {rest!r}")
        return cls(uri, display, parse_params(rest))


def _closing_quote(text: str) -> int:
    escaped = False
    for i in range(1, len(text)):
        ch = text[i]
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            return i
    raise SipParseError("unterminated display name")


@dataclass(frozen=True)
class CSeq:
    seq: int
    method: str

    def __str__(self) -> str:
        return f"{self.seq} {self.method}"

    @classmethod
    def parse(cls, value: str) -> CSeq:
        parts = value.split()
        if len(parts) != 2 or not is_digits(parts[0]):
            raise SipParseError(f"bad CSeq {value!r}")
        seq = int(parts[0])
        if seq >= 2**31 or not is_token(parts[1]):
            raise SipParseError(f"bad CSeq {value!r}")
        return cls(seq, parts[1])
