"""Recording calls and voicemail with rtpengine (pcap files) and turning them into WAV files.

rtpengine writes a pcap while the call lives and closes it when the call is deleted, so the WAV
is made after the call's media is gone (``after_call``, from the session's end).
"""

from __future__ import annotations

import asyncio
import datetime
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from django.utils import timezone

from sportello.switchboard.engine import records, sdp
from sportello.switchboard.engine.media.ng import MediaError
from sportello.switchboard.engine.media.pcap_audio import pcap_to_wav

if TYPE_CHECKING:
    from sportello.switchboard.engine.config import QueueInfo
    from sportello.switchboard.engine.session import InboundCall

log = logging.getLogger(__name__)


@dataclass
class Take:
    """What to make of a call's pcap once the call is over."""

    kind: str  # "voicemail" or "call"
    queue_id: int
    only_to: tuple[str, int] | None = None  # keep packets sent to this address (the caller's)
    retention_days: int = 0


def for_queue(queue: QueueInfo) -> Take:
    """A recording of the whole conversation, kept for the queue's retention period."""
    return Take("call", queue.id, retention_days=queue.retention_days)


def directory(call: InboundCall) -> Path | None:
    root = call.engine.settings.recording_dir
    return Path(root) if root else None


async def start(call: InboundCall, take: Take) -> bool:
    """Start rtpengine's recording of the call; False when recording is not configured."""
    if directory(call) is None:
        log.warning("call %s: recording asked but no recording directory is configured", call.id)
        return False
    try:
        await call.node.client.start_recording(call.id)
    except MediaError:
        log.exception("call %s: rtpengine could not start recording", call.id)
        return False
    call.take = take
    return True


def caller_side(call: InboundCall) -> tuple[str, int] | None:
    """rtpengine's address facing the caller: packets sent there are the caller's voice."""
    return sdp.media_address(call.caller_sdp)


async def after_call(call: InboundCall) -> None:
    """Once rtpengine has deleted the call: make the WAV and record it."""
    take: Take | None = getattr(call, "take", None)
    root = directory(call)
    if take is None or root is None or call.record is None:
        return
    pcaps = await _closed_pcaps(root, call.id)
    if not pcaps:
        log.warning("call %s: no pcap found for the %s", call.id, take.kind)
        return
    wav = root / take.kind / f"{call.record.id}.wav"
    keep = _keep_sent_to(take.only_to)
    seconds = await asyncio.to_thread(pcap_to_wav, pcaps, wav, keep)
    for path in pcaps:
        path.unlink(missing_ok=True)
    for meta in (root / "metadata").glob("*.txt"):
        if unquote(meta.stem).removeprefix("rtpengine-meta-").rpartition("-")[0] == call.id:
            meta.unlink(missing_ok=True)
    log.info("call %s: %s of %.1f s in %s", call.id, take.kind, seconds, wav)
    if take.kind == "voicemail":
        from sportello.switchboard.engine import voicemail

        await voicemail.saved(call, take, wav)
    else:
        delete_after = timezone.now() + datetime.timedelta(days=take.retention_days)
        await records.recording_saved(call.record, str(wav), delete_after)


def _keep_sent_to(address: tuple[str, int] | None):
    if address is None:
        return lambda record: True
    return lambda record: record.dest == address


def _pcaps_of(root: Path, call_id: str) -> dict[Path, int]:
    """rtpengine names files ``<url-quoted call id>-<random>.pcap``."""
    found = {}
    for path in (root / "pcaps").glob("*.pcap"):
        if unquote(path.stem).rpartition("-")[0] == call_id:
            found[path] = path.stat().st_size
    return found


async def _closed_pcaps(root: Path, call_id: str, attempts: int = 20) -> list[Path]:
    """The call's pcap files once their size stops changing (rtpengine flushes on delete)."""
    sizes: dict[Path, int] = {}
    for _ in range(attempts):
        found = _pcaps_of(root, call_id)
        if found and found == sizes:
            break
        sizes = found
        await asyncio.sleep(0.1)
    return sorted(sizes)
