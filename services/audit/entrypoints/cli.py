"""`python -m services.audit cli ...`: the audit's operator commands.

projection rebuild   replay every stream into a fresh event log and swap it in
projection status    checkpoints, the streams' last sequences, dead letters
"""

from __future__ import annotations

import sys

from services.audit import bootstrap
from services.audit.settings import Settings
from services.common.projection_cli import projection_main


async def rebuild_log(settings: Settings) -> int:
    """Rebuild the event log from sequence 1 of every stream and swap it in."""
    async with bootstrap.build(settings.model_copy(update={"run_projector": False})) as runtime:
        results = await bootstrap.rebuild_log(runtime, settings.pg.schema_name)
    for projector, result in zip(runtime.projectors, results, strict=True):
        print(f"{projector.name} rebuilt: {result}")
    return 0


async def log_status(settings: Settings) -> int:
    """Print where each stream's projection stands."""
    async with bootstrap.build(settings.model_copy(update={"run_projector": False})) as runtime:
        for projector in runtime.projectors:
            print(await projector.describe())
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    return projection_main(
        "audit",
        __doc__,
        argv,
        what="the event log of every stream",
        rebuild=lambda: rebuild_log(Settings()),  # required fields come from the environment
        status=lambda: log_status(Settings()),
    )


if __name__ == "__main__":
    sys.exit(main())
