"""The audit's projectors without the HTTP API: `python -m services.audit worker`.

For deployments that run the event log apart from the API replicas (set
`AUDIT_RUN_PROJECTOR=false` on those).
"""

from __future__ import annotations

import asyncio

from services.audit import bootstrap
from services.audit.settings import Settings
from services.common.logging import configure_logging
from services.common.worker import run_until_signalled


async def run(settings: Settings) -> None:
    """Apply the event log until SIGTERM or SIGINT."""
    configure_logging(json=settings.log_json)
    await run_until_signalled(bootstrap.build(settings.model_copy(update={"run_projector": True})))


def main() -> None:
    """Run the worker until it is stopped."""
    asyncio.run(run(Settings()))  # required fields come from the environment
