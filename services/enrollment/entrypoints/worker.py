"""The enrollment's projectors without the HTTP API: `python -m services.enrollment worker`.

For deployments that run the projectors apart from the API replicas (set
`ENROLLMENT_RUN_PROJECTOR=false` on those).
"""

from __future__ import annotations

import asyncio

from services.common.logging import configure_logging
from services.common.worker import run_until_signalled
from services.enrollment import bootstrap
from services.enrollment.settings import Settings


async def run(settings: Settings) -> None:
    """Apply the read model and the roster until SIGTERM or SIGINT."""
    configure_logging(json=settings.log_json)
    await run_until_signalled(bootstrap.build(settings.model_copy(update={"run_projector": True})))


def main() -> None:
    """Run the worker until it is stopped."""
    asyncio.run(run(Settings()))  # required fields come from the environment
