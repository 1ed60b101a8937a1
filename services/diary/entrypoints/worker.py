"""The diary's consumers without the HTTP API: `python -m services.diary worker`.

For deployments that run the projector apart from the API replicas (set
`DIARY_RUN_PROJECTOR=false` on those), and for the crash tests that kill it mid-batch.
"""

from __future__ import annotations

import asyncio

from services.common.logging import configure_logging
from services.common.worker import run_until_signalled
from services.diary import bootstrap
from services.diary.settings import Settings


async def run(settings: Settings) -> None:
    """Apply the DIARY feed until SIGTERM or SIGINT."""
    configure_logging(json=settings.log_json)
    await run_until_signalled(bootstrap.build(settings.model_copy(update={"run_projector": True})))


def main() -> None:
    """Run the worker until it is stopped."""
    asyncio.run(run(Settings()))  # required fields come from the environment
