"""`python -m services.journal.entrypoints.cli`: the journal's operator commands.

projection rebuild   rebuild the journal view from sequence 1 and swap it in
projection status    the view's checkpoint, the stream's last sequence, dead letters
"""

from __future__ import annotations

import sys

from services.common.projection_cli import projection_main
from services.journal import bootstrap
from services.journal.settings import Settings


async def rebuild_view(runtime: bootstrap.Runtime, settings: Settings) -> list[str]:
    """Rebuild the journal view into a fresh schema and swap it in."""
    return [f"journal view rebuilt: {await bootstrap.rebuild_view(runtime, settings)}"]


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    return projection_main(
        "journal",
        __doc__,
        argv,
        what="the journal view",
        status_help="checkpoint, stream position, dead letters",
        settings=Settings,
        build=bootstrap.build,
        projectors=lambda runtime: (runtime.projector,),
        rebuild=rebuild_view,
    )


if __name__ == "__main__":
    sys.exit(main())
