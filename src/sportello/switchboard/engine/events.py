"""Engine events for the agent desktop and the supervisors' live view (channel layer)."""

import logging

from channels.layers import get_channel_layer

log = logging.getLogger(__name__)

GROUP = "switchboard.events"


async def send(kind: str, **data) -> None:
    """Announce a fact the engine has already committed to the database."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        await layer.group_send(GROUP, {"type": "switchboard.event", "kind": kind, **data})
    except Exception:  # a lost live update must never break the call
        log.exception("could not publish %s", kind)
