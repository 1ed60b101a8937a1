"""`python -m services.enrollment.entrypoints.cli`: the enrollment's operator commands.

projection rebuild   rebuild the read model and the roster from sequence 1 and swap them in
projection status    checkpoints, the streams' last sequences, dead letters
"""

from __future__ import annotations

import sys

from services.common.projection_cli import projection_main
from services.enrollment import bootstrap
from services.enrollment.settings import Settings


async def rebuild_views(runtime: bootstrap.Runtime, settings: Settings) -> list[str]:
    """Rebuild both projections into fresh schemas and swap them in."""
    view, roster = await bootstrap.rebuild_views(runtime, settings)
    return [f"read model rebuilt: {view}", f"roster rebuilt: {roster}"]


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    return projection_main(
        "enrollment",
        __doc__,
        argv,
        what="the read model and the roster copy",
        settings=Settings,
        build=bootstrap.build,
        projectors=lambda runtime: (runtime.projector, runtime.roster_projector),
        rebuild=rebuild_views,
    )


if __name__ == "__main__":
    sys.exit(main())
