"""Lexical helpers shared by the SIP parsers (RFC 3261 §25), and the one parse error."""

from __future__ import annotations

import re

Params = dict[str, str | None]

TOKEN_RE = re.compile(r"[A-Za-z0-9.!%*_+`'~\-]+")
_HOST_RE = re.compile(r"[A-Za-z0-9_\-.]+|\[[0-9A-Fa-f:.]+\]")


class SipParseError(ValueError):
    """Malformed SIP input. The only exception the parsers raise."""


class SipMessageTooLarge(SipParseError):
    """The message (or stream frame) exceeds the configured size limit."""


def is_digits(text: str, max_len: int = 10) -> bool:
    """ASCII digits only (str.isdigit also accepts other scripts' digits)."""
    return 0 < len(text) <= max_len and text.isascii() and text.isdigit()


def is_token(text: str) -> bool:
    return TOKEN_RE.fullmatch(text) is not None


def split_unquoted(text: str, sep: str, *, angles: bool = False) -> list[str]:
    """Split on `sep` outside double quotes (and outside <...> when `angles`)."""
    parts: list[str] = []
    start = 0
    quoted = escaped = False
    depth = 0
    for i, ch in enumerate(text):
        if escaped:
            escaped = False
        elif quoted:
            if ch == "\\":
                escaped = True
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif angles and ch == "<":
            depth += 1
        elif angles and ch == ">":
            depth = max(0, depth - 1)
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    if quoted:
        raise SipParseError("unterminated quoted string")
    parts.append(text[start:])
    return parts


def parse_params(text: str) -> Params:
    """Parse `;name=value;flag` (leading `;` optional). Names are lower-cased."""
    params: Params = {}
    text = text.strip()
    if not text:
        return params
    if text.startswith(";"):
        text = text[1:]
    for piece in split_unquoted(text, ";"):
        name, eq, value = piece.partition("=")
        name = name.strip()
        if not is_token(name):
            raise SipParseError(f"bad parameter name {name!r}")
        value = value.strip()
        if eq and not value:
            raise SipParseError(f"empty value for parameter {name!r}")
        if eq and not _valid_param_value(value):
            raise SipParseError(f"bad value for parameter {name!r}")
        params[name.lower()] = value if eq else None
    return params


def _valid_param_value(value: str) -> bool:
    if value.startswith('"'):
        return len(value) >= 2 and value.endswith('"') and not value.endswith('\\"')
    return not any(ch in value for ch in ' \t"<>,')


def format_params(params: Params) -> str:
    return "".join(f";{k}" if v is None else f";{k}={v}" for k, v in params.items())


def parse_host_port(text: str, *, default_port: int | None = None) -> tuple[str, int | None]:
    """Parse `host[:port]`; IPv6 references keep no brackets in the result."""
    text = text.strip()
    if text.startswith("["):
        end = text.find("]")
        host, rest = text[: end + 1], text[end + 1 :]
        if end < 0 or (rest and not rest.startswith(":")):
            raise SipParseError(f"bad IPv6 reference {text!r}")
        port_text = rest[1:] if rest else None
    else:
        host, colon, port_text_raw = text.partition(":")
        port_text = port_text_raw if colon else None
    if not _HOST_RE.fullmatch(host):
        raise SipParseError(f"bad host {host!r}")
    port = default_port
    if port_text is not None:
        if not is_digits(port_text, 5):
            raise SipParseError(f"bad port {port_text!r}")
        port = int(port_text)
        if port > 65535:
            raise SipParseError(f"port out of range {port}")
    return host.strip("[]"), port


def format_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def unquote(value: str) -> str:
    """Remove surrounding double quotes and backslash escapes."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1], flags=re.DOTALL)
    return value


def quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
