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


async def rebuild_view(settings: Settings) -> int:
    """Rebuild the diary and the messages into fresh schemas and swap them in."""
    async with bootstrap.build(settings.model_copy(update={"run_projector": False})) as runtime:
        diary = await bootstrap.rebuild_view(runtime, settings)
        messages = await bootstrap.rebuild_messages(runtime, settings)
    print(f"diary rebuilt: {diary}")
    print(f"messages rebuilt: {messages}")
    return 0


async def view_status(settings: Settings) -> int:
    """Print where the diary's projections stand."""
    async with bootstrap.build(settings.model_copy(update={"run_projector": False})) as runtime:
        print(await runtime.projector.describe())
        print(await runtime.messages_projector.describe())
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    return projection_main(
        "diary",
        __doc__,
        argv,
        what="the diary's projections",
        rebuild=lambda: rebuild_view(Settings()),  # required fields come from the environment
        status=lambda: view_status(Settings()),
    )


if __name__ == "__main__":
    sys.exit(main())
