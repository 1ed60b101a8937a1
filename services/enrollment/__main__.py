"""`python -m services.enrollment [api|worker|cli ...]`: the HTTP API (with the projectors
unless `ENROLLMENT_RUN_PROJECTOR=false`), the projectors alone, or an operator command."""

from __future__ import annotations

from services.common.entry import Lazy, Service

SERVICE = Service(
    "enrollment",
    Lazy("services.enrollment.settings:Settings"),
    Lazy("services.enrollment.entrypoints.http:create_app"),
    Lazy("services.enrollment.entrypoints.worker:main"),
    {"cli": Lazy("services.enrollment.entrypoints.cli:main")},
)

if __name__ == "__main__":
    SERVICE.run()
