"""`python -m services.journal [api|worker|cli ...]`: the HTTP API (with the projector unless
`JOURNAL_RUN_PROJECTOR=false`), the projector alone, or an operator command (`entrypoints/cli`)."""

from __future__ import annotations

import sys

from services.common.entry import run_service
from services.journal.entrypoints import cli, worker
from services.journal.entrypoints.http import create_app
from services.journal.settings import Settings


def main(argv: list[str]) -> int:
    """Run the chosen process until it is stopped, or the command until it is done."""
    return run_service(
        "journal",
        argv,
        settings=Settings,
        create_app=create_app,
        worker=worker.main,
        commands={"cli": cli.main},
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
