"""The journal's consumers without the HTTP API: `python -m services.journal worker`.

For deployments that run the projector apart from the API replicas (set
`JOURNAL_RUN_PROJECTOR=false` on those), and for the crash tests that kill it mid-batch.
"""

from __future__ import annotations

import asyncio
import signal

from services.common.logging import configure_logging
from services.journal import bootstrap
from services.journal.settings import Settings


async def run(settings: Settings) -> None:
    """Apply the journal view until SIGTERM or SIGINT."""
    configure_logging(json=settings.log_json)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with bootstrap.build(settings.model_copy(update={"run_projector": True})):
        await stop.wait()


def main() -> None:
    """Run the worker until it is stopped."""
    asyncio.run(run(Settings()))  # required fields come from the environment
