"""`python -m services.diary.entrypoints.cli`: the diary's operator commands.

projection rebuild   rebuild the diary (DIARY stream) and the messages (PORTAL stream) from
                     sequence 1 and swap them in
projection status    the projections' checkpoints, the streams' last sequences, dead letters
"""

from __future__ import annotations

import argparse
import asyncio
import sys

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
    parser = argparse.ArgumentParser(
        prog="diary", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    groups = parser.add_subparsers(dest="group", required=True)
    view = groups.add_parser("projection", help="the diary's projections")
    view_cmd = view.add_subparsers(dest="cmd", required=True)
    view_cmd.add_parser("rebuild", help="rebuild from sequence 1 and swap in")
    view_cmd.add_parser("status", help="checkpoint, stream position, dead letters")
    args = parser.parse_args(argv)
    settings = Settings()  # required fields come from the environment
    if args.cmd == "rebuild":
        return asyncio.run(rebuild_view(settings))
    return asyncio.run(view_status(settings))


if __name__ == "__main__":
    sys.exit(main())
