"""The few SDP facts call control needs; media itself is rtpengine's business."""

import secrets
import time


def placeholder(host: str = "127.0.0.1", port: int = 9) -> str:
    """An answer for the side with nobody on it yet (IVR, queue): media goes to a discard port
    (or to ``host``:``port``, a device whose address rtpengine already knows)."""
    session = secrets.randbelow(2**31)
    return (
        "v=0\r\n"
        f"o=sportello {session} {int(time.time())} IN IP4 {host}\r\n"
        "s=-\r\n"
        f"c=IN IP4 {host}\r\n"
        "t=0 0\r\n"
        f"m=audio {port} RTP/AVP 8 0 101\r\n"
        "a=rtpmap:8 PCMA/8000\r\n"
        "a=rtpmap:0 PCMU/8000\r\n"
        "a=rtpmap:101 telephone-event/8000\r\n"
        "a=fmtp:101 0-15\r\n"
        "a=sendrecv\r\n"
    )


def is_sdp(content_type: str | None, body: bytes) -> bool:
    return bool(body) and (content_type or "").split(";")[0].strip().lower() == "application/sdp"


def media_address(text: str) -> tuple[str, int] | None:
    """The connection address and first audio port of an SDP body."""
    host, port = None, None
    for line in text.splitlines():
        if line.startswith("c=IN IP4 ") or line.startswith("c=IN IP6 "):
            host = host or line.split()[-1]
        elif line.startswith("m=audio ") and port is None:
            try:
                port = int(line.split()[1])
            except (IndexError, ValueError):
                return None
    return (host, port) if host and port is not None else None
