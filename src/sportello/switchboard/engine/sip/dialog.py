"""Dialog state and in-dialog requests (RFC 3261 §12; REFER per RFC 3515, INFO per RFC 6086)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .builders import AddressLike, Body, ExtraHeaders, build_request, to_address
from .dtmf import build_dtmf_relay
from .headers import Address
from .message import SipRequest, SipResponse
from .syntax import SipParseError
from .uri import SipUri

TARGET_REFRESH = frozenset({"INVITE", "UPDATE", "REFER", "SUBSCRIBE"})
DialogId = tuple[str, str, str]


def incoming_dialog_id(request: SipRequest) -> DialogId:
    """(Call-ID, local tag, remote tag) of the dialog an incoming request belongs to."""
    return (request.call_id, request.to_addr.tag or "", request.from_addr.tag or "")


@dataclass
class Dialog:
    call_id: str
    local_tag: str
    remote_tag: str
    local_address: Address
    remote_address: Address
    remote_target: SipUri
    route_set: list[Address] = field(default_factory=list)
    local_cseq: int = 0
    remote_cseq: int | None = None
    local_contact: Address | None = None

    @property
    def id(self) -> DialogId:
        return (self.call_id, self.local_tag, self.remote_tag)

    @classmethod
    def for_uac(cls, request: SipRequest, response: SipResponse) -> Dialog:
        """The dialog a 1xx/2xx (with a To tag) to our INVITE created (§12.1.2)."""
        callee, caller = response.to_addr, request.from_addr
        if not callee.tag or not caller.tag:
            raise SipParseError("a dialog needs both tags")
        contacts = response.contacts
        return cls(
            call_id=request.call_id,
            local_tag=caller.tag,
            remote_tag=callee.tag,
            local_address=Address(caller.uri, caller.display_name),
            remote_address=Address(callee.uri, callee.display_name),
            remote_target=contacts[0].uri if contacts else request.uri,
            route_set=list(reversed(response.record_routes)),
            # an INVITE retried with credentials was answered with a higher CSeq
            local_cseq=max(request.cseq.seq, response.cseq.seq),
            local_contact=next(iter(request.contacts), None),
        )

    @classmethod
    def for_uas(cls, request: SipRequest, response: SipResponse) -> Dialog:
        """The dialog our 1xx/2xx (with our To tag) to an INVITE created (§12.1.1)."""
        callee, caller = response.to_addr, request.from_addr
        if not callee.tag or not caller.tag:
            raise SipParseError("a dialog needs both tags")
        contacts = request.contacts
        if not contacts:
            raise SipParseError("INVITE without Contact")
        return cls(
            call_id=request.call_id,
            local_tag=callee.tag,
            remote_tag=caller.tag,
            local_address=Address(callee.uri, callee.display_name),
            remote_address=Address(caller.uri, caller.display_name),
            remote_target=contacts[0].uri,
            route_set=request.record_routes,
            remote_cseq=request.cseq.seq,
            local_contact=next(iter(response.contacts), None),
        )

    def create_request(
        self,
        method: str,
        *,
        body: Body = b"",
        content_type: str | None = None,
        headers: ExtraHeaders = (),
        cseq: int | None = None,
    ) -> SipRequest:
        """A request within the dialog; CSeq grows except for ACK and CANCEL."""
        if cseq is None:
            if method not in ("ACK", "CANCEL"):
                self.local_cseq += 1
            cseq = self.local_cseq
        uri, route = self._uri_and_route()
        refresh = method in TARGET_REFRESH
        return build_request(
            method,
            uri,
            from_addr=Address(
                self.local_address.uri, self.local_address.display_name, {"tag": self.local_tag}
            ),
            to_addr=Address(
                self.remote_address.uri, self.remote_address.display_name, {"tag": self.remote_tag}
            ),
            call_id=self.call_id,
            cseq=cseq,
            contact=self.local_contact if refresh else None,
            body=body,
            content_type=content_type,
            route=route,
            headers=headers,
        )

    def _uri_and_route(self) -> tuple[SipUri, list[Address]]:
        if not self.route_set or "lr" in self.route_set[0].uri.params:
            return self.remote_target, list(self.route_set)
        # Strict router (§12.2.1.1): it takes the Request-URI, the remote target goes last.
        first, *rest = self.route_set
        return first.uri, [*rest, Address(self.remote_target)]

    def ack(
        self, response: SipResponse, *, body: Body = b"", content_type: str | None = None
    ) -> SipRequest:
        """The ACK for a 2xx to an INVITE in this dialog (a new transaction, §13.2.2.4)."""
        return self.create_request(
            "ACK", body=body, content_type=content_type, cseq=response.cseq.seq
        )

    def bye(self, headers: ExtraHeaders = ()) -> SipRequest:
        return self.create_request("BYE", headers=headers)

    def reinvite(self, sdp: Body) -> SipRequest:
        """A re-INVITE with a new offer (hold/resume: the SDP says sendonly/sendrecv)."""
        return self.create_request("INVITE", body=sdp, content_type="application/sdp")

    def info(self, body: Body, content_type: str) -> SipRequest:
        return self.create_request("INFO", body=body, content_type=content_type)

    def info_dtmf(self, signal: str, duration: int = 160) -> SipRequest:
        body = build_dtmf_relay(signal, duration)
        return self.info(body, "application/dtmf-relay")

    def refer(self, target: AddressLike, referred_by: AddressLike | None = None) -> SipRequest:
        headers = [("Refer-To", str(to_address(target)))]
        if referred_by is not None:
            headers.append(("Referred-By", str(to_address(referred_by))))
        return self.create_request("REFER", headers=headers)

    def receive_request(self, request: SipRequest) -> bool:
        """Account for an incoming in-dialog request; False if its CSeq is out of order (500)."""
        if request.method not in ("ACK", "CANCEL"):
            seq = request.cseq.seq
            if self.remote_cseq is not None and seq <= self.remote_cseq:
                return False
            self.remote_cseq = seq
        if request.method in TARGET_REFRESH and request.contacts:
            self.remote_target = request.contacts[0].uri
        return True

    def receive_response(self, response: SipResponse) -> None:
        """A 2xx to our target-refresh request (re-INVITE) may move the remote target."""
        if response.is_success and response.cseq.method in TARGET_REFRESH and response.contacts:
            self.remote_target = response.contacts[0].uri
