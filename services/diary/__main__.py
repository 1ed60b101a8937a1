"""`python -m services.diary [api|worker|cli ...]`: the HTTP API (with the projectors unless
`DIARY_RUN_PROJECTOR=false`), the projectors alone, or an operator command (`entrypoints/cli`)."""

from __future__ import annotations

from services.common.entry import Lazy, Service

SERVICE = Service(
    "diary",
    Lazy("services.diary.settings:Settings"),
    Lazy("services.diary.entrypoints.http:create_app"),
    Lazy("services.diary.entrypoints.worker:main"),
    {"cli": Lazy("services.diary.entrypoints.cli:main")},
)

if __name__ == "__main__":
    SERVICE.run()
