"""`/files/{attachment_id}`: a homework file, downloaded from the diary with the reader's token.

The diary answers only a file of a lesson the reader sees (404 otherwise), so the portal passes
the bytes through with the diary's name for the file, and never lets the browser guess another
type for them.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.common.webapp.session import SignedIn
from services.portal.entrypoints.family_common import checked_id
from services.portal.entrypoints.pages import deps_of, year_path

router = APIRouter(tags=["files"])


@router.get("/files/{attachment_id}", summary="A homework file (the diary's download)")
async def homework_file(request: Request, session: SignedIn, attachment_id: str) -> Response:
    checked_id(attachment_id)
    path = f"{year_path(request)}/files/{attachment_id}"
    file = await deps_of(request).diary.download(path, session.token)
    return file.response()
