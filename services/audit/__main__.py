"""`python -m services.audit [api|worker|cli ...|verify ...|anchor ...|keygen]`: the HTTP API
(with the event-log projectors unless `AUDIT_RUN_PROJECTOR=false`), the projectors alone, an
operator command on the event log, or the tamper evidence (`entrypoints.verify_cli`)."""

from __future__ import annotations

from services.audit.entrypoints import cli, verify_cli, worker
from services.audit.entrypoints.http import create_app
from services.audit.settings import Settings
from services.common.entry import Service

COMMANDS = {"cli": cli.main, **dict.fromkeys(("verify", "anchor", "keygen"), verify_cli.main)}

SERVICE = Service("audit", Settings, create_app, worker.main, COMMANDS)

if __name__ == "__main__":
    SERVICE.run()
