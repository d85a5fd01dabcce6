import asyncio
import dataclasses
import socket

import pytest

from sportello.switchboard.engine.media.ng import MediaNodeError
from sportello.switchboard.engine.media.node import (
    MediaNodeConfig,
    MediaNodePool,
    MediaNodeProcess,
    rtpengine_command,
)
from sportello.switchboard.engine.media.testing import node_config_for_tests
from tests.switchboard.engine.conftest import rtp_port


def closed_udp_address():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()


def test_the_command_line_is_userspace_foreground_without_config_file():
    config = MediaNodeConfig(dtmf_log_dest=("127.0.0.1", 5999), port_min=20000, port_max=20099)
    command = rtpengine_command(config, 2223)
    assert {"--config-file=none", "--foreground", "--log-stderr", "--table=-1"} <= set(command)
    assert "--listen-ng=127.0.0.1:2223" in command
    assert "--dtmf-log-dest=127.0.0.1:5999" in command
    assert {"--port-min=20000", "--port-max=20099"} <= set(command)


async def test_allocation_picks_the_least_loaded_node_and_sticks():
    pool = MediaNodePool([("127.0.0.1", 1), ("127.0.0.1", 2)])
    first, second = pool.allocate("a"), pool.allocate("b")
    third = pool.allocate("c")
    assert first is not second
    assert pool.allocate("a") is first
    pool.release("a")
    assert pool.allocate("d") is first
    assert third is first
    assert len(first.calls) == 2 and len(second.calls) == 1


async def test_allocation_fails_when_no_node_is_healthy():
    pool = MediaNodePool([closed_udp_address()])
    await pool.check_once()
    await pool.close()
    with pytest.raises(MediaNodeError, match="no healthy media node"):
        pool.allocate("call")


@pytest.mark.slow
async def test_a_node_starts_answers_and_stops_cleanly(tmp_path):
    node = MediaNodeProcess(node_config_for_tests(tmp_path, rtp_port(45000), rtp_port(45099)))
    await node.start()
    async with node.client() as ng:
        await ng.ping()
    assert await node.stop() == 0
    assert not node.running


@pytest.mark.slow
async def test_a_node_that_cannot_start_raises_with_its_log(tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        config = MediaNodeConfig(ng_port=taken.getsockname()[1], log_file=tmp_path / "log")
        node = MediaNodeProcess(config)
        with pytest.raises(MediaNodeError, match="exited at start.*Address already in use"):
            await node.start()
    assert not node.running


@pytest.mark.slow
async def test_new_calls_go_to_the_surviving_node_when_one_dies(tmp_path):
    nodes = [
        MediaNodeProcess(node_config_for_tests(tmp_path / "one", rtp_port(45100), rtp_port(45199))),
        MediaNodeProcess(node_config_for_tests(tmp_path / "two", rtp_port(45200), rtp_port(45299))),
    ]
    await asyncio.gather(*(n.start() for n in nodes))
    changes = asyncio.Queue()
    pool = MediaNodePool(
        [n.ng_address for n in nodes], check_interval=0.1, ping_timeout=0.5,
        on_status=lambda node, healthy: changes.put_nowait((node.address, healthy)),
    )  # fmt: skip
    await pool.start()
    try:
        victim = pool.allocate("before")
        doomed = next(n for n in nodes if n.ng_address == victim.address)
        doomed.kill()
        assert await changes.get() == (victim.address, False)
        survivor = pool.allocate("after")
        async with survivor.client as ng:
            await ng.ping()
    finally:
        await pool.close()
        await asyncio.gather(*(n.stop() for n in nodes))
    assert survivor is not victim
    assert pool.allocate("another") is survivor


@pytest.mark.slow
async def test_a_node_that_comes_back_is_used_again(tmp_path):
    config = node_config_for_tests(tmp_path, rtp_port(45300), rtp_port(45399))
    node = MediaNodeProcess(config)
    await node.start()
    pool = MediaNodePool([node.ng_address])
    await node.stop()
    await pool.check_once()
    down = not pool.healthy_nodes
    restarted = MediaNodeProcess(dataclasses.replace(config, ng_port=node.ng_address[1]))
    await restarted.start()
    await pool.check_once()
    await pool.close()
    await restarted.stop()
    assert down
    assert pool.healthy_nodes == pool.nodes


@pytest.mark.slow
async def test_a_second_node_may_not_share_rtp_ports(media_node):
    overlapping = MediaNodeConfig(port_min=media_node.config.port_max, port_max=60000)
    node = MediaNodeProcess(overlapping)
    with pytest.raises(MediaNodeError, match="overlap"):
        await node.start()
    assert node.pid is None
