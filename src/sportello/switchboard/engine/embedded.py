"""Start the engine (and, unless media nodes are configured, one rtpengine) from settings."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from asgiref.sync import sync_to_async
from django.conf import settings

from sportello.switchboard import prompts
from sportello.switchboard.engine.engine import Engine, EngineSettings
from sportello.switchboard.engine.media.node import MediaNodeConfig, MediaNodeProcess, free_udp_port

log = logging.getLogger(__name__)


@dataclass
class RunningSwitchboard:
    engine: Engine
    media: MediaNodeProcess | None

    async def stop(self) -> None:
        await self.engine.stop()
        if self.media is not None:
            await self.media.stop()


def recordings_root() -> Path:
    """Where rtpengine writes pcaps and the engine keeps WAVs (shared with remote nodes)."""
    configured = getattr(settings, "SWITCHBOARD_RECORDING_DIR", None)
    return Path(configured or Path(settings.VAR_DIR) / "recordings")


def _parse_nodes(values: list[str]) -> tuple[tuple[str, int], ...]:
    nodes = []
    for value in values:
        host, _, port = value.rpartition(":")
        nodes.append((host, int(port)))
    return tuple(nodes)


async def start_embedded(*, sip_port: int | None = None) -> RunningSwitchboard:
    await sync_to_async(prompts.ensure_defaults)()
    dtmf_port = settings.SWITCHBOARD_DTMF_PORT or free_udp_port()
    recording_dir = recordings_root()
    recording_dir.mkdir(parents=True, exist_ok=True)
    media = None
    nodes = _parse_nodes(settings.SWITCHBOARD_MEDIA_NODES)
    if not nodes:
        media = MediaNodeProcess(MediaNodeConfig(
            interface=settings.SWITCHBOARD_MEDIA_INTERFACE,
            port_min=settings.SWITCHBOARD_RTP_PORT_MIN, port_max=settings.SWITCHBOARD_RTP_PORT_MAX,
            dtmf_log_dest=("127.0.0.1", dtmf_port), recording_dir=recording_dir,
        ))  # fmt: skip
        await media.start()
        nodes = (media.ng_address,)
    engine = Engine(EngineSettings(
        sip_host=settings.SWITCHBOARD_SIP_HOST,
        sip_port=settings.SWITCHBOARD_SIP_PORT if sip_port is None else sip_port,
        media_nodes=nodes, dtmf_listen=("127.0.0.1", dtmf_port), prompt_resolver=prompts.resolve,
        recording_dir=recording_dir,
        callback_attempts=getattr(settings, "SWITCHBOARD_CALLBACK_ATTEMPTS", 3),
        callback_retry_seconds=getattr(settings, "SWITCHBOARD_CALLBACK_RETRY_SECONDS", 60.0),
        callback_expiry_seconds=getattr(settings, "SWITCHBOARD_CALLBACK_EXPIRY_HOURS", 24) * 3600.0,
        callback_digit_seconds=getattr(settings, "SWITCHBOARD_CALLBACK_DIGIT_SECONDS", 5),
        name=settings.SWITCHBOARD_ENGINE_NAME,
    ))  # fmt: skip
    try:
        await engine.start()
    except Exception:
        await engine.stop()  # what did start (media client, DTMF listener, a transport) closes
        if media is not None:
            await media.stop()
        raise
    return RunningSwitchboard(engine, media)
