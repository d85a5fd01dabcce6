"""HTTP digest authentication for SIP (RFC 2617, RFC 7616; RFC 8760 for SHA-256 in SIP)."""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .syntax import SipParseError, is_token, quote, split_unquoted, unquote

_HASHES = {
    "MD5": hashlib.md5,
    "SHA-256": hashlib.sha256,
}
_PREFERENCE = ("SHA-256", "MD5")
# MD5 is offered first: many phones (and SIPp) answer only the first challenge, while
# clients that choose among challenges (like `choose_challenge`) still pick SHA-256.
SERVER_ALGORITHMS = ("MD5", "SHA-256")


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _hex(algorithm: str, text: str) -> str:
    return _HASHES[algorithm](_bytes(text)).hexdigest()


def parse_auth_header(value: str) -> tuple[str, dict[str, str]]:
    """Split `Digest a=b, c="d"` into the scheme and unquoted, lower-cased parameters."""
    scheme, _, rest = value.strip().partition(" ")
    if not is_token(scheme):
        raise SipParseError("bad authentication scheme")
    params: dict[str, str] = {}
    for piece in split_unquoted(rest, ","):
        if not piece.strip():
            continue
        name, eq, raw = piece.partition("=")
        name = name.strip().lower()
        if not eq or not is_token(name):
            raise SipParseError(f"bad authentication parameter {piece.strip()!r}")
        params[name] = unquote(raw.strip())
    return scheme, params


@dataclass
class DigestChallenge:
    realm: str
    nonce: str
    algorithm: str = "MD5"
    qop: list[str] = field(default_factory=lambda: ["auth"])
    opaque: str | None = None
    stale: bool = False

    def __str__(self) -> str:
        parts = [f"realm={quote(self.realm)}", f"nonce={quote(self.nonce)}"]
        if self.opaque is not None:
            parts.append(f"opaque={quote(self.opaque)}")
        parts.append(f"algorithm={self.algorithm}")
        if self.qop:
            parts.append(f"qop={quote(','.join(self.qop))}")
        if self.stale:
            parts.append("stale=true")
        return "Digest " + ", ".join(parts)

    @classmethod
    def parse(cls, value: str) -> DigestChallenge:
        scheme, p = parse_auth_header(value)
        if scheme.lower() != "digest" or "realm" not in p or "nonce" not in p:
            raise SipParseError("not a digest challenge")
        qop = [q.strip() for q in p.get("qop", "").split(",") if q.strip()]
        return cls(
            realm=p["realm"],
            nonce=p["nonce"],
            algorithm=p.get("algorithm", "MD5").upper(),
            qop=qop,
            opaque=p.get("opaque"),
            stale=p.get("stale", "").lower() == "true",
        )

    @property
    def supported(self) -> bool:
        return self.algorithm.removesuffix("-SESS") in _HASHES and (
            not self.qop or "auth" in self.qop
        )


class Ha1(str):
    """A stored MD5(username:realm:password), so a server need not keep the password itself."""


def digest_response(
    *,
    algorithm: str,
    username: str,
    realm: str,
    password: str,
    method: str,
    uri: str,
    nonce: str,
    qop: str | None = None,
    nc: str | None = None,
    cnonce: str | None = None,
) -> str:
    """The `response` value (RFC 7616 §3.4.1), qop `auth` or none (RFC 2069)."""
    algorithm = algorithm.upper()
    if algorithm.removesuffix("-SESS") not in _HASHES:
        raise SipParseError(f"unsupported digest algorithm {algorithm}")
    base = algorithm.removesuffix("-SESS")
    if isinstance(password, Ha1):
        if base != "MD5":
            raise SipParseError("a stored HA1 only answers MD5")
        ha1 = str(password)
    else:
        ha1 = _hex(base, f"{username}:{realm}:{password}")
    if algorithm.endswith("-SESS"):
        ha1 = _hex(base, f"{ha1}:{nonce}:{cnonce}")
    ha2 = _hex(base, f"{method}:{uri}")
    if qop:
        return _hex(base, f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")
    return _hex(base, f"{ha1}:{nonce}:{ha2}")


def choose_challenge(values: Iterable[str]) -> DigestChallenge:
    """Pick the strongest supported challenge among WWW-/Proxy-Authenticate values."""
    offered = []
    for value in values:
        try:
            offered.append(DigestChallenge.parse(value))
        except SipParseError:
            continue
    usable = [c for c in offered if c.supported]
    if not usable:
        raise SipParseError("no supported digest challenge")
    return min(usable, key=lambda c: _rank(c.algorithm))


def _rank(algorithm: str) -> int:
    base = algorithm.removesuffix("-SESS")
    return _PREFERENCE.index(base) if base in _PREFERENCE else len(_PREFERENCE)


def answer_challenge(
    challenge: DigestChallenge,
    *,
    method: str,
    uri: str,
    username: str,
    password: str,
    nc: int = 1,
    cnonce: str | None = None,
) -> str:
    """Build the Authorization (or Proxy-Authorization) header value."""
    qop = "auth" if challenge.qop else None
    cnonce = cnonce or secrets.token_hex(8)
    nc_text = f"{nc:08x}"
    response = digest_response(
        algorithm=challenge.algorithm,
        username=username,
        realm=challenge.realm,
        password=password,
        method=method,
        uri=uri,
        nonce=challenge.nonce,
        qop=qop,
        nc=nc_text,
        cnonce=cnonce,
    )
    parts = [
        f"username={quote(username)}",
        f"realm={quote(challenge.realm)}",
        f"nonce={quote(challenge.nonce)}",
        f"uri={quote(uri)}",
        f"response={quote(response)}",
        f"algorithm={challenge.algorithm}",
    ]
    if qop:
        parts += [f"qop={qop}", f"nc={nc_text}", f"cnonce={quote(cnonce)}"]
    if challenge.opaque is not None:
        parts.append(f"opaque={quote(challenge.opaque)}")
    return "Digest " + ", ".join(parts)


class Verdict(enum.Enum):
    OK = "ok"
    STALE = "stale"  # right password, expired or replayed nonce: challenge again, stale=true
    INVALID = "invalid"


@dataclass(frozen=True)
class DigestResult:
    verdict: Verdict
    username: str | None = None

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.OK


class DigestServer:
    """Issues self-validating nonces (timestamp + HMAC) and checks digest answers."""

    def __init__(
        self,
        realm: str,
        *,
        secret: bytes | None = None,
        nonce_ttl: float = 300.0,
        algorithms: tuple[str, ...] = SERVER_ALGORITHMS,
        clock: Callable[[], float] = time.time,
        max_tracked_nonces: int = 10_000,
    ) -> None:
        self.realm = realm
        self.nonce_ttl = nonce_ttl
        self.algorithms = algorithms
        self._secret = secret or secrets.token_bytes(32)
        self._clock = clock
        self._last_nc: OrderedDict[str, int] = OrderedDict()
        self._max_tracked = max_tracked_nonces

    def challenges(self, *, stale: bool = False) -> list[str]:
        """WWW-Authenticate values, one per algorithm, strongest first."""
        nonce = self._make_nonce()
        return [str(DigestChallenge(self.realm, nonce, a, stale=stale)) for a in self.algorithms]

    def _make_nonce(self) -> str:
        stamp = f"{int(self._clock()):x}.{secrets.token_hex(4)}"
        return f"{stamp}.{self._sign(stamp)}"

    def _sign(self, stamp: str) -> str:
        return hmac.new(self._secret, stamp.encode(), hashlib.sha256).hexdigest()[:32]

    def _nonce_age(self, nonce: str) -> float | None:
        stamp, _, signature = nonce.rpartition(".")
        if not hmac.compare_digest(_bytes(signature), _bytes(self._sign(stamp))):
            return None
        try:
            issued = int(stamp.partition(".")[0], 16)
        except ValueError:
            return None
        return self._clock() - issued

    def verify(
        self, authorization: str, method: str, password_for: Callable[[str], str | None]
    ) -> DigestResult:
        """Check an Authorization value; `password_for(username)` returns None if unknown."""
        try:
            scheme, p = parse_auth_header(authorization)
        except SipParseError:
            return DigestResult(Verdict.INVALID)
        username = p.get("username")
        algorithm = p.get("algorithm", "MD5").upper()
        required = ("nonce", "uri", "response")
        if (
            scheme.lower() != "digest"
            or username is None
            or p.get("realm") != self.realm
            or algorithm not in self.algorithms
            or any(k not in p for k in required)
        ):
            return DigestResult(Verdict.INVALID, username)
        age = self._nonce_age(p["nonce"])
        password = password_for(username)
        if isinstance(password, Ha1) and algorithm.removesuffix("-SESS") != "MD5":
            return DigestResult(Verdict.INVALID, username)
        if age is None or password is None or not self._response_matches(p, method, password):
            return DigestResult(Verdict.INVALID, username)
        if age > self.nonce_ttl or not self._fresh_count(p):
            return DigestResult(Verdict.STALE, username)
        return DigestResult(Verdict.OK, username)

    def _response_matches(self, p: dict[str, str], method: str, password: str) -> bool:
        qop = p.get("qop")
        if qop not in (None, "auth") or (qop and ("nc" not in p or "cnonce" not in p)):
            return False
        expected = digest_response(
            algorithm=p.get("algorithm", "MD5"),
            username=p["username"],
            realm=self.realm,
            password=password,
            method=method,
            uri=p["uri"],
            nonce=p["nonce"],
            qop=qop,
            nc=p.get("nc"),
            cnonce=p.get("cnonce"),
        )
        return hmac.compare_digest(_bytes(expected), _bytes(p["response"].lower()))

    def _fresh_count(self, p: dict[str, str]) -> bool:
        """Reject a nonce-count that does not grow (a replayed answer)."""
        if "nc" not in p:
            return True
        try:
            count = int(p["nc"], 16)
        except ValueError:
            return False
        nonce = p["nonce"]
        if count <= self._last_nc.get(nonce, 0):
            return False
        self._last_nc[nonce] = count
        self._last_nc.move_to_end(nonce)
        while len(self._last_nc) > self._max_tracked:
            self._last_nc.popitem(last=False)
        return True
