"""Builders for the requests and responses the engine sends (RFC 3261 §8.1.1, §8.2.6, §9.1)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from .digest import answer_challenge, choose_challenge
from .headers import Address
from .message import SipRequest, SipResponse
from .syntax import SipParseError
from .uri import SipUri, parse_uri

MAGIC_COOKIE = "z9hG4bK"
REASONS = {
    100: "Trying", 180: "Ringing", 181: "Call Is Being Forwarded", 182: "Queued",
    183: "Session Progress", 200: "OK", 202: "Accepted", 301: "Moved Permanently",
    302: "Moved Temporarily", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
    404: "Not Found", 405: "Method Not Allowed", 407: "Proxy Authentication Required",
    408: "Request Timeout", 415: "Unsupported Media Type", 416: "Unsupported URI Scheme",
    420: "Bad Extension", 423: "Interval Too Brief", 480: "Temporarily Unavailable",
    481: "Call/Transaction Does Not Exist", 482: "Loop Detected", 483: "Too Many Hops",
    486: "Busy Here", 487: "Request Terminated", 488: "Not Acceptable Here",
    491: "Request Pending", 500: "Server Internal Error", 501: "Not Implemented",
    503: "Service Unavailable", 504: "Server Time-out", 505: "Version Not Supported",
    513: "Message Too Large", 600: "Busy Everywhere", 603: "Decline",
}  # fmt: skip

AddressLike = Address | SipUri | str
Body = bytes | str
ExtraHeaders = Iterable[tuple[str, str]]


def new_branch() -> str:
    return MAGIC_COOKIE + secrets.token_hex(8)


def new_tag() -> str:
    return secrets.token_hex(6)


def new_call_id() -> str:
    return secrets.token_hex(16)


def to_uri(value: SipUri | str) -> SipUri:
    return parse_uri(value) if isinstance(value, str) else value


def to_address(value: AddressLike) -> Address:
    if isinstance(value, Address):
        return value
    if isinstance(value, SipUri):
        return Address(value)
    return Address.parse(value)


def _body_bytes(body: Body) -> bytes:
    return body.encode() if isinstance(body, str) else body


def build_request(
    method: str,
    uri: SipUri | str,
    *,
    from_addr: AddressLike,
    to_addr: AddressLike,
    call_id: str | None = None,
    cseq: int = 1,
    contact: AddressLike | None = None,
    body: Body = b"",
    content_type: str | None = None,
    max_forwards: int = 70,
    route: Iterable[AddressLike] = (),
    headers: ExtraHeaders = (),
) -> SipRequest:
    """A new out-of-dialog request (a From tag is added if missing); Via is added on send."""
    sender = to_address(from_addr)
    if sender.tag is None:
        sender.params["tag"] = new_tag()
    request = SipRequest(method=method, uri=to_uri(uri), body=_body_bytes(body))
    h = request.headers
    for hop in route:
        h.add("Route", str(to_address(hop)))
    h.add("Max-Forwards", str(max_forwards))
    h.add("From", str(sender))
    h.add("To", str(to_address(to_addr)))
    h.add("Call-ID", call_id or new_call_id())
    h.add("CSeq", f"{cseq} {method}")
    if contact is not None:
        h.add("Contact", str(to_address(contact)))
    for name, value in headers:
        h.add(name, value)
    if content_type:
        h.add("Content-Type", content_type)
    return request


def build_invite(
    uri: SipUri | str,
    *,
    from_addr: AddressLike,
    to_addr: AddressLike,
    contact: AddressLike,
    sdp: Body | None = None,
    call_id: str | None = None,
    cseq: int = 1,
    route: Iterable[AddressLike] = (),
    headers: ExtraHeaders = (),
) -> SipRequest:
    """INVITE carrying an SDP offer produced elsewhere (or none, for a late offer)."""
    content_type = "application/sdp" if sdp else None
    return build_request(
        "INVITE",
        uri,
        from_addr=from_addr,
        to_addr=to_addr,
        contact=contact,
        body=sdp or b"",
        content_type=content_type,
        call_id=call_id,
        cseq=cseq,
        route=route,
        headers=headers,
    )


def build_register(
    registrar: SipUri | str,
    *,
    aor: AddressLike,
    contact: AddressLike | None,
    expires: int = 3600,
    call_id: str | None = None,
    cseq: int = 1,
) -> SipRequest:
    """REGISTER binding `contact` to `aor` (no contact: query the bindings)."""
    record = to_address(aor)
    return build_request(
        "REGISTER",
        registrar,
        from_addr=Address(record.uri, record.display_name),
        to_addr=Address(record.uri, record.display_name),
        contact=contact,
        call_id=call_id,
        cseq=cseq,
        headers=[("Expires", str(expires))],
    )


def build_options(uri: SipUri | str, *, from_addr: AddressLike) -> SipRequest:
    target = to_uri(uri)
    return build_request("OPTIONS", target, from_addr=from_addr, to_addr=Address(target))


def build_cancel(invite: SipRequest) -> SipRequest:
    """CANCEL for a pending INVITE: same URI, Call-ID, From, To, CSeq number and top Via."""
    cancel = SipRequest(method="CANCEL", uri=invite.uri)
    h = cancel.headers
    h.add("Via", invite.headers.get_list("Via")[0])
    for hop in invite.headers.get_all("Route"):
        h.add("Route", hop)
    h.add("Max-Forwards", "70")
    for name in ("From", "To", "Call-ID"):
        h.add(name, invite.headers.get(name) or "")
    h.add("CSeq", f"{invite.cseq.seq} CANCEL")
    return cancel


def build_ack_for_non2xx(invite: SipRequest, response: SipResponse) -> SipRequest:
    """The ACK a client INVITE transaction sends for a 3xx-6xx (§17.1.1.3)."""
    ack = SipRequest(method="ACK", uri=invite.uri)
    h = ack.headers
    h.add("Via", invite.headers.get_list("Via")[0])
    for hop in invite.headers.get_all("Route"):
        h.add("Route", hop)
    h.add("Max-Forwards", "70")
    h.add("From", invite.headers.get("From") or "")
    h.add("To", response.headers.get("To") or "")
    h.add("Call-ID", invite.call_id)
    h.add("CSeq", f"{invite.cseq.seq} ACK")
    return ack


def make_response(
    request: SipRequest,
    status: int,
    reason: str | None = None,
    *,
    to_tag: str | None = None,
    contact: AddressLike | None = None,
    body: Body = b"",
    content_type: str | None = None,
    headers: ExtraHeaders = (),
) -> SipResponse:
    """A response to `request`; `to_tag` is added to To unless it already has one."""
    response = SipResponse(status=status, reason=reason or REASONS.get(status, "Unknown"))
    h = response.headers
    for via in request.headers.get_all("Via"):
        h.add("Via", via)
    if 100 < status < 300:
        for hop in request.headers.get_all("Record-Route"):
            h.add("Record-Route", hop)
    h.add("From", request.headers.get("From") or "")
    recipient = request.to_addr
    if to_tag and recipient.tag is None and status != 100:
        recipient.params["tag"] = to_tag
        h.add("To", str(recipient))
    else:
        h.add("To", request.headers.get("To") or "")
    h.add("Call-ID", request.headers.get("Call-ID") or "")
    h.add("CSeq", request.headers.get("CSeq") or "")
    if contact is not None:
        h.add("Contact", str(to_address(contact)))
    for name, value in headers:
        h.add(name, value)
    if content_type:
        h.add("Content-Type", content_type)
    response.body = _body_bytes(body)
    return response


def build_authorized_retry(
    request: SipRequest, response: SipResponse, username: str, password: str, *, first: bool
) -> SipRequest | None:
    """The request again with CSeq + 1 and an answer to the 401/407 challenge (§22.2).

    None if there is no usable challenge, or if this is not the `first` retry and the
    challenge is not `stale` (the same credentials were refused already).
    """
    proxy = response.status == 407
    try:
        challenge = choose_challenge(
            response.headers.get_all("Proxy-Authenticate" if proxy else "WWW-Authenticate")
        )
    except SipParseError:
        return None
    if not first and not challenge.stale:
        return None
    retry = SipRequest(request.headers.copy(), request.body, request.method, request.uri)
    retry.headers.remove("Via")
    retry.headers.set("CSeq", f"{request.cseq.seq + 1} {request.method}")
    name = "Proxy-Authorization" if proxy else "Authorization"
    retry.headers.remove(name)
    answer = answer_challenge(
        challenge, method=request.method, uri=str(request.uri), username=username, password=password
    )
    retry.headers.add(name, answer)
    return retry
