"""«Проверка целостности» (`/audit/verify`): how far the school's events are sealed by signed
anchors, and the audit's verification of every stream run on demand (chains, sequences, time,
anchors, text the database cannot store), with each problem where it is.

The verification walks whole streams (seconds to a minute for a big school), so its route is
`@long_running`; it only reads, and the audit answers the auditor, the head and the deputy
director only — anyone else gets the refusal page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.common.limits import long_running
from services.common.webapp.session import Session, SignedIn
from services.web.adapters.audit_verification import AuditVerification
from services.web.domain.audit_verify import Report, anchor_lines, report_of
from services.web.entrypoints.pages import deps_of, render

router = APIRouter(tags=["audit"])


@router.get("/audit/verify", summary="Проверка целостности: anchors, and a verification button")
async def verify_page(request: Request, session: SignedIn) -> Response:
    return await verify_view(request, session, None)


@router.post("/audit/verify", summary="Run the audit's verification of the school's streams")
@long_running
async def run_verify(request: Request, session: SignedIn) -> Response:
    runtime = request.app.state.runtime
    verification = AuditVerification(runtime.client, request.app.state.settings.api.audit)
    lines = await verification.run(session.token, session.school)
    return await verify_view(request, session, report_of(lines))


async def verify_view(request: Request, session: Session, report: Report | None) -> Response:
    """The anchors per stream and, after a run, the verification's report."""
    anchors: list[dict[str, Any]] = await deps_of(request).backends.get(
        "audit", f"/audit/v1/schools/{session.school}/anchors", session.token
    )
    context = {"anchors": anchor_lines(anchors), "report": report}
    return render(request, "audit/verify.html", context)
