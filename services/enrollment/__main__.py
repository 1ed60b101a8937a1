"""`python -m services.enrollment [api|worker|cli ...]`: the HTTP API (with the projectors
unless `ENROLLMENT_RUN_PROJECTOR=false`), the projectors alone, or an operator command."""

from __future__ import annotations

import sys

from services.common.entry import run_service
from services.enrollment.entrypoints import cli, worker
from services.enrollment.entrypoints.http import create_app
from services.enrollment.settings import Settings


def main(argv: list[str]) -> int:
    """Run the chosen process until it is stopped, or the command until it is done."""
    return run_service(
        "enrollment",
        argv,
        settings=Settings,
        create_app=create_app,
        worker=worker.main,
        commands={"cli": cli.main},
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
