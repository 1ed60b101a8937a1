"""`python -m services.diary.entrypoints.cli`: the diary's operator commands.

projection rebuild   rebuild the diary (DIARY stream) and the messages (PORTAL stream) from
                     sequence 1 and swap them in
projection status    the projections' checkpoints, the streams' last sequences, dead letters
"""

from __future__ import annotations

import sys

from services.common.projection_cli import projection_main
from services.diary import bootstrap
from services.diary.settings import Settings


async def rebuild_views(runtime: bootstrap.Runtime, settings: Settings) -> list[str]:
    """Rebuild the diary and the messages into fresh schemas and swap them in."""
    diary = await bootstrap.rebuild_view(runtime, settings)
    messages = await bootstrap.rebuild_messages(runtime, settings)
    return [f"diary rebuilt: {diary}", f"messages rebuilt: {messages}"]


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    return projection_main(
        "diary",
        __doc__,
        argv,
        what="the diary's projections",
        settings=Settings,
        build=bootstrap.build,
        projectors=lambda runtime: (runtime.projector, runtime.messages_projector),
        rebuild=rebuild_views,
    )


if __name__ == "__main__":
    sys.exit(main())
