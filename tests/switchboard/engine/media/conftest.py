import pytest
import pytest_asyncio

from sportello.switchboard.engine.media.node import MediaNodeProcess
from sportello.switchboard.engine.media.testing import default_prompts, node_config_for_tests
from tests.switchboard.engine.conftest import rtp_port

__all__ = ["default_prompts", "media_node"]


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def media_node(tmp_path_factory: pytest.TempPathFactory):
    """The package's ``media_node`` on this pytest-xdist worker's RTP ports: it lives all session,
    so it keeps clear of the engine tests' range (SPORTELLO_TEST_RTP_PORT_MIN: 40000, 42000, 46000)."""
    workdir = tmp_path_factory.mktemp("rtpengine")
    node = MediaNodeProcess(node_config_for_tests(workdir, rtp_port(44000), rtp_port(44999)))
    await node.start()
    yield node
    await node.stop()
