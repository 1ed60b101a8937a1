"""RFC 9457 problem details, the one shape of every error answer (`application/problem+json`).

`{"type": "urn:problem:<reason>", "title": ..., "status": ..., "reason": ..., "detail": ...}`
where `reason` is machine-readable snake_case; extra members (e.g. `errors`) may follow. Kept
apart from `services.common.http` so that the ASGI middlewares and the outage mapping, which
answer before FastAPI's handlers run, build the same body without importing the whole app.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from fastapi.responses import JSONResponse

PROBLEM_MEDIA_TYPE: Final = "application/problem+json"


def problem(
    status: int,
    reason: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    **extra: object,
) -> JSONResponse:
    """An RFC 9457 problem+json response; `extra` adds members (e.g. `errors`)."""
    body = {
        "type": f"urn:problem:{reason}",
        "title": reason.replace("_", " ").capitalize(),
        "status": status,
        "reason": reason,
        "detail": detail,
        **extra,
    }
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)
