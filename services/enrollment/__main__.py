"""`python -m services.enrollment [api|worker|cli ...]`: the HTTP API (with the projectors
unless `ENROLLMENT_RUN_PROJECTOR=false`), the projectors alone, or an operator command."""

from __future__ import annotations

from services.common.entry import Service
from services.enrollment.entrypoints import cli, worker
from services.enrollment.entrypoints.http import create_app
from services.enrollment.settings import Settings

SERVICE = Service("enrollment", Settings, create_app, worker.main, {"cli": cli.main})

if __name__ == "__main__":
    SERVICE.run()
