"""SIP, SIPS and tel URIs (RFC 3261 §19.1, RFC 3966); other schemes are kept opaque."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .syntax import (
    Params,
    SipParseError,
    format_host,
    format_params,
    parse_host_port,
    parse_params,
)

_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
_USER_RE = re.compile(r"[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+")
_PASSWORD_RE = re.compile(r"[A-Za-z0-9\-_.!~*'()&=+$,%]*")
_TEL_RE = re.compile(r"\+?[0-9A-Fa-f*#.()\-]+")
_OPAQUE_BAD = re.compile(r"[\s<>\"]")


@dataclass
class SipUri:
    scheme: str = "sip"
    user: str | None = None
    host: str = ""
    port: int | None = None
    params: Params = field(default_factory=dict)
    headers: str | None = None
    password: str | None = None
    opaque: str | None = None

    @property
    def is_sip(self) -> bool:
        return self.scheme in ("sip", "sips")

    @property
    def transport(self) -> str:
        """Transport named by the URI, lower-case (`udp` unless `;transport=` says otherwise)."""
        value = self.params.get("transport")
        if value:
            return value.lower()
        return "tcp" if self.scheme == "sips" else "udp"

    @property
    def aor(self) -> str:
        """Address of record: `scheme:user@host`, host lower-cased, no port or params."""
        if not self.is_sip:
            return str(self)
        user = f"{self.user}@" if self.user else ""
        return f"{self.scheme}:{user}{self.host.lower()}"

    def __str__(self) -> str:
        if self.opaque is not None:
            return f"{self.scheme}:{self.opaque}"
        if self.scheme == "tel":
            return f"tel:{self.user or ''}{format_params(self.params)}"
        userinfo = ""
        if self.user is not None:
            password = f":{self.password}" if self.password is not None else ""
            userinfo = f"{self.user}{password}@"
        port = f":{self.port}" if self.port is not None else ""
        headers = f"?{self.headers}" if self.headers else ""
        host = format_host(self.host)
        return f"{self.scheme}:{userinfo}{host}{port}{format_params(self.params)}{headers}"


def parse_uri(text: str) -> SipUri:
    """Parse a URI (no surrounding whitespace); raise `SipParseError` if it is malformed."""
    scheme, colon, rest = text.partition(":")
    if not colon or not _SCHEME_RE.fullmatch(scheme):
        raise SipParseError(f"bad URI {text!r}")
    scheme = scheme.lower()
    if scheme in ("sip", "sips"):
        return _parse_sip(scheme, rest)
    if scheme == "tel":
        return _parse_tel(rest)
    if not rest or _OPAQUE_BAD.search(rest):
        raise SipParseError(f"bad URI {text!r}")
    return SipUri(scheme=scheme, opaque=rest)


def _parse_sip(scheme: str, rest: str) -> SipUri:
    user = password = None
    if "@" in rest:  # '@' cannot appear unescaped anywhere else, but '?' can be in the user
        userinfo, _, rest = rest.partition("@")
        user, colon, pw = userinfo.partition(":")
        if not _USER_RE.fullmatch(user):
            raise SipParseError(f"bad user part {user!r}")
        if colon:
            if not _PASSWORD_RE.fullmatch(pw):
                raise SipParseError("bad password part")
            password = pw
    rest, qmark, headers = rest.partition("?")
    if qmark and not headers:
        raise SipParseError("empty URI headers")
    hostport, semi, params = rest.partition(";")
    host, port = parse_host_port(hostport)
    if _OPAQUE_BAD.search(headers):
        raise SipParseError("bad URI headers")
    return SipUri(
        scheme=scheme,
        user=user,
        password=password,
        host=host,
        port=port,
        params=parse_params(params) if semi else {},
        headers=headers or None,
    )


def _parse_tel(rest: str) -> SipUri:
    number, semi, params = rest.partition(";")
    if not _TEL_RE.fullmatch(number):
        raise SipParseError(f"bad telephone number {number!r}")
    return SipUri(scheme="tel", user=number, params=parse_params(params) if semi else {})
