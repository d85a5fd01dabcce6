"""ng ``offer``/``answer`` options for the two kinds of call leg.

Options describe the leg the rewritten SDP is *sent to*: offering a trunk call to a browser agent
uses ``webrtc_leg()``; the browser's answer, rewritten back for the trunk, uses ``rtp_leg()``.
Audio stays G.711 end to end, so codecs are only filtered, never transcoded.
"""

from __future__ import annotations

from typing import Any, Literal

G711 = ("PCMA", "PCMU")
TELEPHONE_EVENT = "telephone-event"


def g711_only() -> dict[str, Any]:
    """Keep PCMA, PCMU and RFC 4733 events (PCMA preferred); drop every other codec."""
    return {"strip": ["all"], "offer": [*G711, TELEPHONE_EVENT]}


def webrtc_leg(dtls_role: Literal["passive", "active"] = "passive") -> dict[str, Any]:
    """A browser: ICE with rtpengine as the only candidate, DTLS-SRTP, rtcp-mux, no SDES."""
    return {
        "ICE": "force",
        "DTLS": dtls_role,
        "SDES": ["off"],
        "transport-protocol": "UDP/TLS/RTP/SAVPF",
        "rtcp-mux": ["require"],
        "flags": ["generate-mid"],
        "codec": g711_only(),
    }


def rtp_leg() -> dict[str, Any]:
    """A SIP trunk or desk phone: plain RTP/AVP, no ICE, no DTLS, separate RTCP port."""
    return {
        "ICE": "remove",
        "DTLS": "off",
        "transport-protocol": "RTP/AVP",
        "rtcp-mux": ["demux"],
        "codec": g711_only(),
    }
