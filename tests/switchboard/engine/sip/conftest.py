"""Peers for the SIP tests: a call-answering UAS, a digest registrar, raw UDP, and SIPp."""

import asyncio
import csv
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest

from sportello.switchboard.engine.sip import (
    DigestServer,
    IncomingRequest,
    SipEndpoint,
    Verdict,
)

SDP = (
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=audio 40000 RTP/AVP 8 0\r\na=rtpmap:8 PCMA/8000\r\n"
)


class AnsweringUas:
    """Rings, answers INVITE with SDP, waits for the ACK; 200 to everything else."""

    def __init__(self, endpoint: SipEndpoint, transport: str = "udp", *, ring_only=False):
        self.endpoint = endpoint
        self.transport = transport
        self.ring_only = ring_only
        self.seen: list[str] = []
        self.requests: list = []
        self.incoming: list[IncomingRequest] = []
        self.done = asyncio.Event()

    async def __call__(self, incoming: IncomingRequest) -> None:
        self.seen.append(incoming.method)
        self.requests.append(incoming.request)
        self.incoming.append(incoming)
        if incoming.method != "INVITE":
            incoming.respond(200)
            if incoming.method == "BYE":
                self.done.set()
            return
        incoming.respond(180)
        if self.ring_only:
            return
        contact = self.endpoint.contact("service", self.transport)
        incoming.respond(200, body=SDP, content_type="application/sdp", contact=contact)
        if await incoming.wait_ack() is not None:
            self.seen.append("ACK")


class Registrar:
    """A registrar-ish handler: digest challenge, then bind the Contact to the AOR."""

    def __init__(self, passwords: dict[str, str], **server_options):
        self.server = DigestServer("sportello.test", **server_options)
        self.passwords = passwords
        self.bindings: dict = {}
        self.statuses: list[int] = []

    def __call__(self, incoming: IncomingRequest) -> None:
        status, headers = self._check(incoming)
        if status == 200:
            request = incoming.request
            self.bindings[request.to_addr.uri.aor] = request.contacts[0].uri
            headers = [("Contact", f"{request.headers.get('Contact')};expires=3600")]
        self.statuses.append(status)
        incoming.respond(status, headers=headers)

    def _check(self, incoming):
        authorization = incoming.request.headers.get("Authorization")
        if authorization is None:
            return 401, [("WWW-Authenticate", c) for c in self.server.challenges()]
        result = self.server.verify(authorization, incoming.method, self.passwords.get)
        if result.verdict is Verdict.STALE:
            return 401, [("WWW-Authenticate", c) for c in self.server.challenges(stale=True)]
        return (200 if result.ok else 403), []


class RawPeer(asyncio.DatagramProtocol):
    """A bare UDP socket that records what it receives."""

    def __init__(self):
        self.received: asyncio.Queue[bytes] = asyncio.Queue()
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.received.put_nowait(data)

    @property
    def port(self) -> int:
        return self.transport.get_extra_info("sockname")[1]


@pytest.fixture
async def raw_peer():
    loop = asyncio.get_running_loop()
    _, peer = await loop.create_datagram_endpoint(RawPeer, local_addr=("127.0.0.1", 0))
    yield peer
    peer.transport.close()


@pytest.fixture
def answering_uas():
    return AnsweringUas


@pytest.fixture
def registrar():
    return Registrar


def _free_port(kind: int = socket.SOCK_DGRAM) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def free_port():
    """A function returning a port free on 127.0.0.1 (UDP by default)."""
    return _free_port


@dataclass
class SippResult:
    returncode: int
    successful: int
    failed: int
    errors: str


class Sipp:
    """Runs /usr/bin/sipp for one call; results come from its exit code and -trace_stat file."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.binary = shutil.which("sipp") or "/usr/bin/sipp"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, *args: str) -> None:
        common = ["-i", "127.0.0.1", "-m", "1", "-timeout", "20s", "-timeout_error", "-nostdin"]
        common += ["-trace_stat", "-stf", str(self.workdir / "stat.csv")]
        common += ["-trace_err", "-error_file", str(self.workdir / "errors.log")]
        with open(self.workdir / "screen.log", "wb") as screen:
            self.process = await asyncio.create_subprocess_exec(
                self.binary, *args, *common, cwd=self.workdir, stdout=screen, stderr=screen,
                stdin=asyncio.subprocess.DEVNULL,
            )  # fmt: skip

    async def wait_listening(self, port: int, kind: str = "udp") -> None:
        """Until SIPp has bound `port` (read from /proc/net, no connection attempt)."""
        while not _bound(port, kind):
            assert self.process is not None and self.process.returncode is None, "SIPp exited"
            await asyncio.sleep(0.02)

    async def wait(self) -> SippResult:
        assert self.process is not None
        returncode = await self.process.wait()
        stats = _last_stats(self.workdir / "stat.csv")
        errors_path = self.workdir / "errors.log"
        errors = errors_path.read_text(errors="replace") if errors_path.exists() else ""
        if returncode != 0:
            screen = (self.workdir / "screen.log").read_text(errors="replace")
            errors += "\n" + screen[-3000:]
        return SippResult(
            returncode,
            int(stats.get("SuccessfulCall(C)", 0)),
            int(stats.get("FailedCall(C)", 0)),
            errors,
        )

    async def run(self, *args: str) -> SippResult:
        await self.start(*args)
        return await self.wait()

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


def _bound(port: int, kind: str) -> bool:
    table = Path(f"/proc/net/{kind}").read_text().splitlines()[1:]
    for line in table:
        fields = line.split()
        local, state = fields[1], fields[3]
        if int(local.split(":")[1], 16) == port and (kind == "udp" or state == "0A"):
            return True
    return False


def _last_stats(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    rows = list(csv.reader(path.open(), delimiter=";"))
    return dict(zip(rows[0], rows[-1], strict=False)) if len(rows) > 1 else {}


@pytest.fixture
async def sipp(tmp_path):
    runner = Sipp(tmp_path)
    yield runner
    await runner.kill()
