"""SIP (RFC 3261) for the switchboard engine: messages, digest auth, transactions, dialogs,
asyncio transports and the `SipEndpoint` that ties them together."""

from .builders import (
    build_ack_for_non2xx,
    build_authorized_retry,
    build_cancel,
    build_invite,
    build_options,
    build_register,
    build_request,
    make_response,
    new_branch,
    new_call_id,
    new_tag,
)
from .dialog import Dialog, incoming_dialog_id
from .digest import DigestChallenge, DigestResult, DigestServer, Ha1, Verdict, answer_challenge
from .dtmf import DTMF_RELAY, DtmfRelay, build_dtmf_relay, parse_dtmf_relay
from .endpoint import SipEndpoint
from .headers import Address, CSeq, Headers, Via
from .incoming import IncomingRequest
from .message import SipMessage, SipRequest, SipResponse, StreamFramer, parse_message
from .syntax import SipMessageTooLarge, SipParseError
from .timers import ManualScheduler, TimerConfig
from .transport import FloodLimiter, Source, Target, TransportStats
from .uri import SipUri, parse_uri

__all__ = [
    "DTMF_RELAY",
    "Address",
    "CSeq",
    "Dialog",
    "DigestChallenge",
    "DigestResult",
    "DigestServer",
    "DtmfRelay",
    "FloodLimiter",
    "Ha1",
    "Headers",
    "IncomingRequest",
    "ManualScheduler",
    "SipEndpoint",
    "SipMessage",
    "SipMessageTooLarge",
    "SipParseError",
    "SipRequest",
    "SipResponse",
    "SipUri",
    "Source",
    "StreamFramer",
    "Target",
    "TimerConfig",
    "TransportStats",
    "Verdict",
    "Via",
    "answer_challenge",
    "build_ack_for_non2xx",
    "build_authorized_retry",
    "build_cancel",
    "build_dtmf_relay",
    "build_invite",
    "build_options",
    "build_register",
    "build_request",
    "incoming_dialog_id",
    "make_response",
    "new_branch",
    "new_call_id",
    "new_tag",
    "parse_dtmf_relay",
    "parse_message",
    "parse_uri",
]
