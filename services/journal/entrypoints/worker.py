"""The journal's consumers without the HTTP API: `python -m services.journal worker`.

For deployments that run the projector apart from the API replicas (set
`JOURNAL_RUN_PROJECTOR=false` on those), and for the crash tests that kill it mid-batch.
"""

from __future__ import annotations

import asyncio

from services.common.logging import configure_logging
from services.common.worker import run_until_signalled
from services.journal import bootstrap
from services.journal.settings import Settings


async def run(settings: Settings) -> None:
    """Apply the journal view until SIGTERM or SIGINT."""
    configure_logging(json=settings.log_json)
    await run_until_signalled(bootstrap.build(settings.model_copy(update={"run_projector": True})))


def main() -> None:
    """Run the worker until it is stopped."""
    asyncio.run(run(Settings()))  # required fields come from the environment
