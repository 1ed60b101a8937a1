"""`python -m services.audit [api|worker|cli ...|verify ...|anchor ...|keygen]`: the HTTP API
(with the event-log projectors unless `AUDIT_RUN_PROJECTOR=false`), the projectors alone, an
operator command on the event log, or the tamper evidence (`entrypoints.verify_cli`)."""

from __future__ import annotations

import sys

from services.audit.entrypoints import cli, verify_cli, worker
from services.audit.entrypoints.http import create_app
from services.audit.settings import Settings
from services.common.entry import run_service


def main(argv: list[str]) -> int:
    """Run the chosen process until it is stopped, or the command until it is done."""
    return run_service(
        "audit",
        argv,
        settings=Settings,
        create_app=create_app,
        worker=worker.main,
        commands={
            "cli": cli.main,
            **dict.fromkeys(("verify", "anchor", "keygen"), verify_cli.main),
        },
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
