"""`python -m services.journal [api|worker|cli ...]`: the HTTP API (with the projector unless
`JOURNAL_RUN_PROJECTOR=false`), the projector alone, or an operator command (`entrypoints/cli`)."""

from __future__ import annotations

from services.common.entry import Lazy, Service

SERVICE = Service(
    "journal",
    Lazy("services.journal.settings:Settings"),
    Lazy("services.journal.entrypoints.http:create_app"),
    Lazy("services.journal.entrypoints.worker:main"),
    {"cli": Lazy("services.journal.entrypoints.cli:main")},
)

if __name__ == "__main__":
    SERVICE.run()
