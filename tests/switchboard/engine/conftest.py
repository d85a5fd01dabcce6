"""A real engine with its own rtpengine, and SIPp peers playing trunk and agent phones."""

import asyncio
import os
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest

from sportello.switchboard.forms import sip_ha1
from sportello.switchboard.models import (
    Agent,
    AgentSkill,
    IvrFlow,
    IvrFlowVersion,
    Queue,
    ServiceNumber,
    Skill,
    Trunk,
)
from tests.factories import UserFactory

SCENARIOS = Path(__file__).parent / "scenarios"
SERVICE = "800123456"
AGENT_PASSWORD = "agent-secret-123"

TEST_FLOW = {
    "start": "lang",
    "nodes": {
        "lang": {"type": "language", "next": "menu", "timeout": 6},
        "menu": {
            "type": "menu",
            "prompt": "main_menu",
            "options": {"1": "jobs"},
            "timeout": 6,
            "fallback": "jobs",
        },
        "jobs": {"type": "queue", "skill": "jobs"},
    },
}


# pytest-xdist runs workers side by side on one host: worker N shifts every rtpengine port range the
# tests use (40000-49999 in one process) up by 10000 * N, so no two rtpengines share ports.
XDIST_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
XDIST_WORKERS = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", 1))
RTP_SHIFT = 10000
if XDIST_WORKERS > 2:
    raise pytest.UsageError("the tests' RTP port ranges fit at most two pytest-xdist workers")


def rtp_port(port: int) -> int:
    """``port`` of a test rtpengine's range, as this pytest-xdist worker uses it."""
    return port + RTP_SHIFT * XDIST_WORKER


def free_port(kind=socket.SOCK_DGRAM) -> int:
    """A port free for both UDP and TCP: the engine listens for SIP on both, and a port free
    for UDP alone may be a TCP connection's ephemeral port."""
    while True:
        with socket.socket(socket.AF_INET, kind) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            other = socket.SOCK_STREAM if kind == socket.SOCK_DGRAM else socket.SOCK_DGRAM
            with socket.socket(socket.AF_INET, other) as t:
                try:
                    t.bind(("127.0.0.1", port))
                except OSError:
                    continue
        return port


@dataclass
class SwitchboardSetup:
    trunk: Trunk
    queue: Queue
    agents: list[Agent]


def make_switchboard(flow=TEST_FLOW, agents=2, allowed="127.0.0.1/32", **queue_fields):
    skill = Skill.objects.create(code="jobs", name="Jobs")
    queue = Queue.objects.create(
        code="jobs-it",
        name="Jobs",
        skill=skill,
        language="it",
        ring_seconds=4,
        wrap_up_seconds=0,
        **queue_fields,
    )
    trunk = Trunk.objects.create(name="Carrier", host="127.0.0.1", allowed_sources=allowed)
    ivr_flow = IvrFlow.objects.create(name="Test")
    IvrFlowVersion.objects.create(flow=ivr_flow, number=1, definition=flow, published=True)
    ServiceNumber.objects.create(number=SERVICE, label="Toll free", trunk=trunk, flow=ivr_flow)
    made = []
    for n in range(1, agents + 1):
        username = f"agent{n}"
        agent = Agent.objects.create(
            user=UserFactory(),
            sip_username=username,
            languages=["it"],
            sip_ha1=sip_ha1(username, AGENT_PASSWORD),
            device=Agent.Device.SIP,
        )
        AgentSkill.objects.create(agent=agent, skill=skill, level=1)
        made.append(agent)
    return SwitchboardSetup(trunk, queue, made)


@pytest.fixture
def switchboard_settings(settings, tmp_path):
    settings.SWITCHBOARD_RECORDING_DIR = tmp_path / "recordings"
    # Runs in parallel on one host each need their own range (rtpengine binds with address reuse).
    port_min = rtp_port(int(os.environ.get("SPORTELLO_TEST_RTP_PORT_MIN", 46000)))
    settings.SWITCHBOARD_RTP_PORT_MIN = port_min
    settings.SWITCHBOARD_RTP_PORT_MAX = port_min + 1999
    settings.SWITCHBOARD_MEDIA_NODES = []
    settings.SWITCHBOARD_DTMF_PORT = 0
    return settings


@dataclass
class Sipp:
    workdir: Path
    engine_port: int

    def __post_init__(self):
        shutil.copy(SCENARIOS / "tone_alaw.wav", self.workdir / "tone_alaw.wav")

    async def run(self, scenario: str, *args: str, service: str = SERVICE, timeout="60s"):
        argv = [
            "sipp",
            f"127.0.0.1:{self.engine_port}",
            "-sf",
            str(SCENARIOS / scenario),
            "-s",
            service,
            "-m",
            "1",
            "-i",
            "127.0.0.1",
            "-timeout",
            timeout,
            "-timeout_error",
            "-nostdin",
            "-trace_err",
            *args,
        ]
        proc = await asyncio.create_subprocess_exec(
            *argv, cwd=self.workdir, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        out, err = await proc.communicate()
        return proc.returncode, (out + err).decode(errors="replace")

    async def register(self, username: str, port: int):
        code, log = await self.run(
            "agent_register.xml",
            "-p",
            str(port),
            "-au",
            username,
            "-ap",
            AGENT_PASSWORD,
            service=username,
            timeout="10s",
        )
        assert code == 0, log

    def answer(self, scenario: str, port: int, media_port: int, *extra: str, echo: bool = True):
        """Start an agent phone (UAS) in the background; await the returned task for its result."""
        argv = [
            "sipp",
            "-sf",
            str(SCENARIOS / scenario),
            "-i",
            "127.0.0.1",
            "-p",
            str(port),
            "-mi",
            "127.0.0.1",
            "-mp",
            str(media_port),
            *(["-rtp_echo"] if echo else []),
            "-m",
            "1",
            "-timeout",
            "60s",
            "-timeout_error",
            "-nostdin",
            "-trace_err",
            *extra,
        ]

        async def run():
            proc = await asyncio.create_subprocess_exec(
                *argv,
                cwd=self.workdir,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await proc.communicate()
            return proc.returncode, (out + err).decode(errors="replace")

        return asyncio.ensure_future(run())
