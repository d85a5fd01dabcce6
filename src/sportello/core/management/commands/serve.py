"""Run the whole product in one command: web (HTTP + WebSocket), task worker, engine, media.

The embedded default. In production run each part on its own (see docs/operations.md).
"""

import asyncio
import logging
import signal
import sys

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand

from sportello.core import supervisor

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Serve Sportello on one machine: web, task worker, switchboard engine and media node."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the task worker."
        )
        parser.add_argument("--no-switchboard", action="store_true", help="Web only.")

    def handle(self, *args, host: str, port: int, no_worker: bool, no_switchboard: bool, **options):
        asyncio.run(self._serve(host, port, not no_worker, not no_switchboard))

    async def _serve(self, host: str, port: int, worker: bool, switchboard: bool) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)

        children = supervisor.Children()
        if worker:
            await children.start(
                "task worker",
                [
                    sys.executable,
                    "-m",
                    "sportello",
                    "db_worker",
                    "--queue-name",
                    "*",
                    "--interval",
                    "1",
                ],
            )
        engine = await supervisor.start_switchboard() if switchboard else None
        periodic = asyncio.create_task(_run_jobs_every(300)) if worker else None

        config = uvicorn.Config(
            settings.ASGI_APPLICATION.replace(".application", ":application"),
            host=host,
            port=port,
            lifespan="off",
            log_level="info",
            ws="websockets",
        )
        server = uvicorn.Server(config)
        server.install_signal_handlers = lambda: None
        web = asyncio.create_task(server.serve())
        self.stdout.write(f"Sportello is running at http://{host}:{port}/  (Ctrl+C to stop)")
        await stop.wait()
        self.stdout.write("Stopping…")
        server.should_exit = True
        await web
        if periodic is not None:
            periodic.cancel()
        if engine is not None:
            await engine.stop()
        await children.stop()


async def _run_jobs_every(seconds: float) -> None:
    """What cron does in production: hand due periodic jobs to the task worker."""
    while True:
        try:
            await asyncio.to_thread(_enqueue_due_jobs)
        except Exception:  # a database hiccup must not stop the next round
            logger.exception("periodic jobs could not be enqueued")
        await asyncio.sleep(seconds)


def _enqueue_due_jobs() -> None:
    from django.db import close_old_connections

    from sportello.core import jobs

    try:
        jobs.enqueue_due()
    finally:
        close_old_connections()
