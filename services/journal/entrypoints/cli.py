"""`python -m services.journal.entrypoints.cli`: the journal's operator commands.

projection rebuild   rebuild the journal view from sequence 1 and swap it in
projection status    the view's checkpoint, the stream's last sequence, dead letters
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from services.journal import bootstrap
from services.journal.settings import Settings


async def rebuild_view(settings: Settings) -> int:
    """Rebuild the journal view into a fresh schema and swap it in."""
    async with bootstrap.build(settings.model_copy(update={"run_projector": False})) as runtime:
        result = await bootstrap.rebuild_view(runtime, settings)
    print(f"journal view rebuilt: {result}")
    return 0


async def view_status(settings: Settings) -> int:
    """Print where the journal view stands."""
    async with bootstrap.build(settings.model_copy(update={"run_projector": False})) as runtime:
        print(await runtime.projector.describe())
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    parser = argparse.ArgumentParser(
        prog="journal", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    groups = parser.add_subparsers(dest="group", required=True)
    view = groups.add_parser("projection", help="the journal view")
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
