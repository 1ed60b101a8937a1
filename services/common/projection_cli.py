"""`projection rebuild|status`: the operator commands of a service whose read models are
projections, parsed and run the same way in every service."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Coroutine, Sequence
from typing import Any


def projection_main(
    prog: str,
    description: str | None,
    argv: Sequence[str] | None,
    *,
    what: str,
    rebuild: Callable[[], Coroutine[Any, Any, int]],
    status: Callable[[], Coroutine[Any, Any, int]],
) -> int:
    """Parse `projection rebuild|status` and run the matching coroutine (its exit code).

    `rebuild` and `status` build the service's settings themselves, so that `--help` works
    without the environment a real run needs.
    """
    parser = argparse.ArgumentParser(
        prog=prog, description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    groups = parser.add_subparsers(dest="group", required=True)
    projection = groups.add_parser("projection", help=what)
    commands = projection.add_subparsers(dest="cmd", required=True)
    commands.add_parser("rebuild", help="rebuild from sequence 1 and swap in")
    commands.add_parser("status", help="checkpoints, stream positions, dead letters")
    args = parser.parse_args(argv)
    return asyncio.run(rebuild() if args.cmd == "rebuild" else status())
