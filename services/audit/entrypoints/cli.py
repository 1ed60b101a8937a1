"""`python -m services.audit cli ...`: the audit's operator commands.

projection rebuild   replay every stream into a fresh event log and swap it in
projection status    checkpoints, the streams' last sequences, dead letters
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from services.audit import bootstrap
from services.audit.settings import Settings


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
    parser = argparse.ArgumentParser(
        prog="audit", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    groups = parser.add_subparsers(dest="group", required=True)
    log = groups.add_parser("projection", help="the event log of every stream")
    log_cmd = log.add_subparsers(dest="cmd", required=True)
    log_cmd.add_parser("rebuild", help="rebuild from sequence 1 and swap in")
    log_cmd.add_parser("status", help="checkpoints, stream positions, dead letters")
    args = parser.parse_args(argv)
    settings = Settings()  # required fields come from the environment
    if args.cmd == "rebuild":
        return asyncio.run(rebuild_log(settings))
    return asyncio.run(log_status(settings))


if __name__ == "__main__":
    sys.exit(main())
