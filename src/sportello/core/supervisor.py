"""Child processes of the embedded `serve` command: started together, stopped together."""

import asyncio
import contextlib
import logging
import os
import signal

log = logging.getLogger(__name__)


class Children:
    def __init__(self) -> None:
        self._procs: list[tuple[str, asyncio.subprocess.Process]] = []

    async def start(self, name: str, argv: list[str]) -> asyncio.subprocess.Process:
        proc = await asyncio.create_subprocess_exec(*argv, env=os.environ.copy())
        self._procs.append((name, proc))
        log.info("started %s (pid %s)", name, proc.pid)
        return proc

    async def stop(self, timeout: float = 10.0) -> None:
        for _name, proc in self._procs:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for name, proc in self._procs:
            try:
                await asyncio.wait_for(proc.wait(), timeout)
            except TimeoutError:
                log.warning("%s did not stop in %ss; killing", name, timeout)
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()


async def start_switchboard():
    """Start the media node and the switchboard engine in this process, if installed."""
    try:
        from sportello.switchboard.engine.embedded import start_embedded
    except ModuleNotFoundError:
        return None
    return await start_embedded()
