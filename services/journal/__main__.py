"""`python -m services.journal [api|worker|cli ...]`: the HTTP API (with the projector unless
`JOURNAL_RUN_PROJECTOR=false`), the projector alone, or an operator command (`entrypoints/cli`)."""

from __future__ import annotations

from services.common.entry import Service
from services.journal.entrypoints import cli, worker
from services.journal.entrypoints.http import create_app
from services.journal.settings import Settings

SERVICE = Service("journal", Settings, create_app, worker.main, {"cli": cli.main})

if __name__ == "__main__":
    SERVICE.run()
