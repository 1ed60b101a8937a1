"""`python -m services.enrollment.entrypoints.cli`: the enrollment's operator commands.

projection rebuild   rebuild the read model and the roster from sequence 1 and swap them in
projection status    checkpoints, the streams' last sequences, dead letters
"""

from __future__ import annotations

import sys

from services.common.projection_cli import projection_main
from services.enrollment import bootstrap
from services.enrollment.settings import Settings


async def rebuild_views(settings: Settings) -> int:
    """Rebuild both projections into fresh schemas and swap them in."""
    async with bootstrap.build(settings.model_copy(update={"run_projector": False})) as runtime:
        view, roster = await bootstrap.rebuild_views(runtime, settings)
    print(f"read model rebuilt: {view}")
    print(f"roster rebuilt: {roster}")
    return 0


async def view_status(settings: Settings) -> int:
    """Print where both projections stand."""
    async with bootstrap.build(settings.model_copy(update={"run_projector": False})) as runtime:
        print(await runtime.projector.describe())
        print(await runtime.roster_projector.describe())
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    return projection_main(
        "enrollment",
        __doc__,
        argv,
        what="the read model and the roster copy",
        rebuild=lambda: rebuild_views(Settings()),  # required fields come from the environment
        status=lambda: view_status(Settings()),
    )


if __name__ == "__main__":
    sys.exit(main())
