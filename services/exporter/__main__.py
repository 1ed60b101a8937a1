"""`python -m services.exporter [api|run|runs|grants|check|projection ...]`: the HTTP API with
the export schedule (the default), or one operator command (see `entrypoints/cli.py`)."""

from __future__ import annotations

import sys

from services.common.entry import run_service
from services.exporter.entrypoints import cli
from services.exporter.entrypoints.http import create_app
from services.exporter.settings import Settings


def main(argv: list[str]) -> int:
    """Run the chosen process until it is stopped, or the command until it is done."""
    return run_service(
        "exporter",
        argv,
        settings=Settings,
        create_app=create_app,
        commands=dict.fromkeys(("run", "runs", "grants", "check", "projection"), cli.main),
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
