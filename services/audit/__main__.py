"""`python -m services.audit [api|worker|cli ...|verify ...|anchor ...|keygen]`: the HTTP API
(with the event-log projectors unless `AUDIT_RUN_PROJECTOR=false`), the projectors alone, an
operator command on the event log, or the tamper evidence (`entrypoints.verify_cli`)."""

from __future__ import annotations

from services.common.entry import Lazy, laid_out

VERIFY = Lazy("services.audit.entrypoints.verify_cli:main")
COMMANDS = {
    "cli": Lazy("services.audit.entrypoints.cli:main"),
    **dict.fromkeys(("verify", "anchor", "keygen"), VERIFY),
}
SERVICE = laid_out("audit", commands=COMMANDS)

if __name__ == "__main__":
    SERVICE.run()
