"""`python -m services.diary [api|worker|cli ...]`: the HTTP API (with the projectors unless
`DIARY_RUN_PROJECTOR=false`), the projectors alone, or an operator command (`entrypoints/cli`)."""

from __future__ import annotations

from services.common.entry import Service
from services.diary.entrypoints import cli, worker
from services.diary.entrypoints.http import create_app
from services.diary.settings import Settings

SERVICE = Service("diary", Settings, create_app, worker.main, {"cli": cli.main})

if __name__ == "__main__":
    SERVICE.run()
