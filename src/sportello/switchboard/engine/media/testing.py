"""Pytest fixtures for tests that need a real rtpengine or the default prompts.

Re-export them from any ``conftest.py``::

    from sportello.switchboard.engine.media.testing import default_prompts, media_node  # noqa: F401

``media_node`` is one rtpengine for the whole session, userspace only, on loopback, recording
to a temporary directory, reporting digits to ``media_node.config.dtmf_log_dest`` (bind a
``DtmfListener`` there to receive them). Talk to it with ``media_node.client()`` from any test:
the client opens its socket in the test's own event loop.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from .ng import Address, NgClient, Options
from .node import MediaNodeConfig, MediaNodeProcess, free_udp_port
from .prompts import generate_default_prompts
from .rtp_peer import RtpPeer, sdp_media_address


def node_config_for_tests(
    workdir: Path, port_min: int = 40000, port_max: int = 44999
) -> MediaNodeConfig:
    """An rtpengine config for tests: loopback, logs and recordings under ``workdir``."""
    (workdir / "recordings").mkdir(parents=True, exist_ok=True)
    return MediaNodeConfig(
        port_min=port_min,
        port_max=port_max,
        dtmf_log_dest=("127.0.0.1", free_udp_port()),
        recording_dir=workdir / "recordings",
        log_file=workdir / "rtpengine.log",
        log_level=6,
    )


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def media_node(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[MediaNodeProcess]:
    node = MediaNodeProcess(node_config_for_tests(tmp_path_factory.mktemp("rtpengine")))
    await node.start()
    yield node
    await node.stop()


@pytest.fixture(scope="session")
def default_prompts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A prompts root with every default prompt (made once per session)."""
    root = tmp_path_factory.mktemp("prompts")
    generate_default_prompts(root)
    return root


@dataclass(frozen=True)
class BridgedCall:
    call_id: str
    caller_tag: str
    callee_tag: str
    caller_sends_to: Address  # rtpengine's port facing the caller (from the rewritten answer)
    callee_sends_to: Address  # rtpengine's port facing the callee (from the rewritten offer)
    offer_sdp: str
    answer_sdp: str


async def bridge_peers(
    ng: NgClient, caller: RtpPeer, callee: RtpPeer, *,
    offer_options: Options | None = None, answer_options: Options | None = None,
) -> BridgedCall:  # fmt: skip
    """Offer/answer between two ``RtpPeer``s through rtpengine, with fresh call id and tags."""
    call_id, caller_tag, callee_tag = (secrets.token_hex(6) for _ in range(3))
    offer = await ng.offer(call_id, caller_tag, caller.sdp(), offer_options)
    answer = await ng.answer(call_id, caller_tag, callee_tag, callee.sdp(), answer_options)
    return BridgedCall(
        call_id, caller_tag, callee_tag,
        sdp_media_address(answer), sdp_media_address(offer), offer, answer,
    )  # fmt: skip
