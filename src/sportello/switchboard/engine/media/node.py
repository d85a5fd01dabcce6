"""Spawning a userspace rtpengine, and choosing a healthy media node for each call."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import re
import shutil
import signal
import socket
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from .ng import Address, MediaError, MediaNodeError, NgClient

logger = logging.getLogger(__name__)
_RTPENGINE_PROBLEM = re.compile(r"\] (WARNING|ERR|CRIT|ALERT|EMERG):")


def free_udp_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class MediaNodeConfig:
    """How to run one rtpengine. ``ng_port=0`` picks a free port at start.

    Nodes on one host need disjoint RTP port ranges: rtpengine 10.5 binds its media ports with
    address reuse, so two nodes with the same range hand out the same ports and mix up calls.
    """

    interface: str = "127.0.0.1"  # --interface: IP, NAME/IP, or IP!ADVERTISED_IP
    ng_host: str = "127.0.0.1"
    ng_port: int = 0
    port_min: int = 30000
    port_max: int = 39999
    dtmf_log_dest: Address | None = None
    recording_dir: Path | None = None
    executable: str = "rtpengine"
    log_level: int = 5
    log_file: Path | None = None  # default: rtpengine's stderr goes to this module's logger
    extra_args: tuple[str, ...] = ()


def rtpengine_command(config: MediaNodeConfig, ng_port: int) -> list[str]:
    """The command line: foreground, userspace only, no config file, logs on stderr."""
    executable = shutil.which(config.executable) or config.executable
    args = [
        executable, "--config-file=none", "--foreground", "--log-stderr", "--table=-1",
        f"--interface={config.interface}", f"--listen-ng={config.ng_host}:{ng_port}",
        f"--port-min={config.port_min}", f"--port-max={config.port_max}",
        f"--log-level={config.log_level}", "--delete-delay=0",
    ]  # fmt: skip
    if config.dtmf_log_dest is not None:
        args.append("--dtmf-log-dest={}:{}".format(*config.dtmf_log_dest))
    if config.recording_dir is not None:
        args += [f"--recording-dir={config.recording_dir}", "--recording-method=pcap"]
    return [*args, *config.extra_args]


class MediaNodeProcess:
    """One rtpengine child process; ready once its ng port answers ``ping``."""

    def __init__(self, config: MediaNodeConfig | None = None) -> None:
        self.config = config or MediaNodeConfig()
        self.ng_address: Address = (self.config.ng_host, self.config.ng_port)
        self.log_tail: collections.deque[str] = collections.deque(maxlen=50)
        self._process: asyncio.subprocess.Process | None = None
        self._log_task: asyncio.Task[None] | None = None

    _started: ClassVar[weakref.WeakSet[MediaNodeProcess]] = weakref.WeakSet()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    def client(self, **kwargs: float) -> NgClient:
        return NgClient(self.ng_address, **kwargs)

    async def __aenter__(self) -> MediaNodeProcess:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self, startup_timeout: float = 15.0) -> None:
        self._claim_port_range()
        port = self.config.ng_port or free_udp_port(self.config.ng_host)
        self.ng_address = (self.config.ng_host, port)
        command = rtpengine_command(self.config, port)
        log_file = self.config.log_file
        with open(log_file, "ab") if log_file else contextlib.nullcontext() as log:
            self._process = await asyncio.create_subprocess_exec(
                *command, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
                stderr=log or asyncio.subprocess.PIPE,
            )  # fmt: skip
        if log_file is None:
            self._log_task = asyncio.create_task(self._drain_log())
        try:
            await self._wait_ready(startup_timeout)
        except MediaError:
            await self.stop()
            raise

    async def _wait_ready(self, startup_timeout: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + startup_timeout
        async with NgClient(self.ng_address, timeout=0.3, first_retransmit=0.1) as probe:
            while loop.time() < deadline:
                if not self.running:
                    raise MediaNodeError(f"rtpengine exited at start: {self._last_log()}")
                with contextlib.suppress(MediaNodeError):
                    await probe.ping()
                    return
                await asyncio.sleep(0.05)
        raise MediaNodeError(f"rtpengine did not answer ping: {self._last_log()}")

    def _claim_port_range(self) -> None:
        mine = range(self.config.port_min, self.config.port_max + 1)
        for other in MediaNodeProcess._started:
            theirs = range(other.config.port_min, other.config.port_max + 1)
            if (
                other.running
                and other.config.interface == self.config.interface
                and (mine.start < theirs.stop and theirs.start < mine.stop)
            ):
                raise MediaNodeError(f"RTP ports {mine} overlap a running node's {theirs}")
        MediaNodeProcess._started.add(self)

    def _last_log(self) -> str:
        if self.config.log_file is not None:
            lines = self.config.log_file.read_text(errors="replace").splitlines()
        else:
            lines = list(self.log_tail)
        return " | ".join(lines[-5:]) or "no output"

    async def _drain_log(self) -> None:
        assert self._process is not None and self._process.stderr is not None
        async for raw in self._process.stderr:
            line = raw.decode(errors="replace").rstrip()
            self.log_tail.append(line)
            level = logging.WARNING if _RTPENGINE_PROBLEM.search(line) else logging.DEBUG
            logger.log(level, "rtpengine[%s] %s", self.pid, line)

    async def stop(self, grace: float = 5.0) -> int | None:
        """SIGTERM, then SIGKILL after ``grace`` seconds; returns the exit status."""
        process = self._process
        if process is None:
            return None
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), grace)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if self._log_task is not None:
            await self._log_task
        return process.returncode

    def kill(self) -> None:
        """Crash the node (tests of failure detection)."""
        if self.running:
            assert self._process is not None
            self._process.kill()


@dataclass(eq=False)
class MediaNode:
    """A media node as the pool sees it."""

    address: Address
    client: NgClient
    healthy: bool = True
    calls: set[str] = field(default_factory=set)


StatusCallback = Callable[[MediaNode, bool], None]


class MediaNodePool:
    """Several rtpengine nodes; each new call goes to the healthy node with the fewest calls.

    A node is marked down when a health ping fails (or when call control reports a failure
    through ``mark_down``) and up again when a later ping succeeds. Calls already on a node
    that went down are not moved: their media died with it.
    """

    def __init__(
        self, addresses: Iterable[Address], *, check_interval: float = 2.0,
        ping_timeout: float = 1.0, on_status: StatusCallback | None = None,
    ) -> None:  # fmt: skip
        self.nodes = [MediaNode((h, p), NgClient((h, p))) for h, p in addresses]
        self.check_interval = check_interval
        self.ping_timeout = ping_timeout
        self.on_status = on_status
        self._probes = {n: NgClient(n.address, timeout=ping_timeout) for n in self.nodes}
        self._by_call: dict[str, MediaNode] = {}
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.check_once()
        self._task = asyncio.create_task(self._check_forever())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for node in self.nodes:
            node.client.close()
            self._probes[node].close()

    async def _check_forever(self) -> None:
        while True:
            await asyncio.sleep(self.check_interval)
            await self.check_once()

    async def check_once(self) -> None:
        results = await asyncio.gather(
            *(self._probes[n].ping() for n in self.nodes), return_exceptions=True
        )
        for node, result in zip(self.nodes, results, strict=True):
            if isinstance(result, BaseException) and not isinstance(result, MediaError):
                raise result
            self._set_health(node, result is None)

    def _set_health(self, node: MediaNode, healthy: bool) -> None:
        if node.healthy == healthy:
            return
        node.healthy = healthy
        logger.warning("media node %s:%s is %s", *node.address, "up" if healthy else "down")
        if self.on_status is not None:
            self.on_status(node, healthy)

    def mark_down(self, node: MediaNode) -> None:
        self._set_health(node, False)

    @property
    def healthy_nodes(self) -> list[MediaNode]:
        return [n for n in self.nodes if n.healthy]

    def allocate(self, call_id: str) -> MediaNode:
        """The node for this call: the one it already has, else the least loaded healthy one."""
        if (node := self._by_call.get(call_id)) is not None:
            return node
        if not (candidates := self.healthy_nodes):
            raise MediaNodeError("no healthy media node")
        node = min(candidates, key=lambda n: len(n.calls))
        node.calls.add(call_id)
        self._by_call[call_id] = node
        return node

    def release(self, call_id: str) -> None:
        if (node := self._by_call.pop(call_id, None)) is not None:
            node.calls.discard(call_id)
