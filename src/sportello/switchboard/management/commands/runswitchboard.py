"""The switchboard engine as its own process (production)."""

import asyncio
import signal

from django.core.management.base import BaseCommand

from sportello.switchboard.engine.embedded import start_embedded


class Command(BaseCommand):
    help = "Run the switchboard engine: SIP signalling, IVR, queues; drains on SIGTERM."

    def handle(self, *args, **options) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        running = await start_embedded()
        self.stdout.write("Switchboard engine running.")
        await stop.wait()
        await running.stop()
