"""`python -m services.audit cli ...`: the audit's operator commands.

projection rebuild   replay every stream into a fresh event log and swap it in
projection status    checkpoints, the streams' last sequences, dead letters
"""

from __future__ import annotations

import sys

from services.audit import bootstrap
from services.audit.settings import Settings
from services.common.projection_cli import projection_main


async def rebuild_log(runtime: bootstrap.Runtime, settings: Settings) -> list[str]:
    """Rebuild the event log from sequence 1 of every stream and swap it in."""
    results = await bootstrap.rebuild_log(runtime, settings.pg.schema_name)
    return [
        f"{projector.name} rebuilt: {result}"
        for projector, result in zip(runtime.projectors, results, strict=True)
    ]


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    return projection_main(
        "audit",
        __doc__,
        argv,
        what="the event log of every stream",
        settings=Settings,
        build=bootstrap.build,
        projectors=lambda runtime: runtime.projectors,
        rebuild=rebuild_log,
    )


if __name__ == "__main__":
    sys.exit(main())
