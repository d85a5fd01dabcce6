"""ICE servers for the agent desktop's RTCPeerConnection: STUN/TURN URLs from the settings, with
coturn's REST-API credentials (``use-auth-secret``) that expire, so no TURN password is
ever handed to a browser for good."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from django.conf import settings


def turn_credential(secret: str, agent_id: int, expires_at: int) -> tuple[str, str]:
    """coturn's time-limited pair: username ``expiry:agentid``,
    credential ``base64(HMAC-SHA1(secret, username))``."""
    username = f"{expires_at}:{agent_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def ice_servers(agent_id: int, now: float | None = None) -> list[dict]:
    """The ``iceServers`` list for an agent; empty when no STUN/TURN server is configured."""
    urls = [u for u in settings.SWITCHBOARD_TURN_URLS if u]
    stun = [u for u in urls if u.startswith("stun:")]
    turn = [u for u in urls if not u.startswith("stun:")]
    servers: list[dict] = [{"urls": stun}] if stun else []
    if turn:
        server: dict = {"urls": turn}
        if secret := settings.SWITCHBOARD_TURN_SECRET:
            expires = (
                int(now if now is not None else time.time()) + settings.SWITCHBOARD_TURN_TTL_SECONDS
            )
            server["username"], server["credential"] = turn_credential(secret, agent_id, expires)
        servers.append(server)
    return servers
