"""The stored archive of a sealed school year: every class's journal as a PDF, printed and kept
by the journal when the year is sealed (`application/year_archive`), with its manifest and
`SHA256SUMS`. The readers of everything (DESIGN.md §6), as for a class's bound year."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from services.common.openapi_doc import produces
from services.common.path_params import SchoolPath, YearPath
from services.journal.application import year_archive
from services.journal.application.year_archive import (
    MANIFEST,
    PDF_MEDIA_TYPE,
    SUMS,
    YearArchive,
    media_type,
)
from services.journal.entrypoints.deps import DepsDep, WholeJournalReader

router = APIRouter(prefix="/journal/v1/schools/{school}/years/{year}", tags=["paperwork"])
FileName = Annotated[
    str,
    Path(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$",
        description="a file the manifest lists, `manifest.json` or `SHA256SUMS`",
    ),
]


@router.get(
    "/archive",
    summary="The stored archive of a sealed school year: its latest edition's manifest",
    description="Every class's journal of the year as the paper journal would be bound, printed "
    "and kept by the journal once the year is sealed (the rollover's last step), and printed "
    "again as a new edition after a correction: each file with its class, size and SHA-256. "
    "The head, the deputy and the administrator. 404 `archive_not_made` (the year is not "
    "sealed, or its archive is still being printed).",
)
async def stored_archive(
    school: SchoolPath, year: YearPath, _reader: WholeJournalReader, deps: DepsDep
) -> YearArchive:
    return await year_archive.stored(deps, school, year)


@router.get(
    "/archive/editions",
    summary="Every stored edition of a sealed school year's archive: their manifests",
    description="Edition 1 is printed when the year is sealed; each correction made after that "
    "(with its reason) leads the journal to print the next edition beside the earlier ones, "
    "which stay as they were. Oldest first; each manifest says the year's `revision` it holds. "
    "The head, the deputy and the administrator. 404 `archive_not_made` (no edition yet).",
)
async def stored_archive_editions(
    school: SchoolPath, year: YearPath, _reader: WholeJournalReader, deps: DepsDep
) -> list[YearArchive]:
    editions = await year_archive.stored_editions(deps, school, year)
    if not editions:
        raise year_archive.not_made(school, year)
    return editions


@router.get(
    "/archive/editions/{edition}/{file_name}",
    summary="A file of one stored edition of a sealed school year's archive",
    description="As `/archive/{file_name}`, from the edition numbered `edition` (1: as printed "
    "when the year was sealed). 404 `archive_not_made` (no such edition or file).",
    response_class=Response,
    responses=produces(PDF_MEDIA_TYPE, media_type(MANIFEST), media_type(SUMS)),
)
async def stored_edition_file(
    school: SchoolPath,
    year: YearPath,
    edition: Annotated[int, Path(ge=1, le=10_000)],
    file_name: FileName,
    _reader: WholeJournalReader,
    deps: DepsDep,
) -> Response:
    content = await year_archive.stored_file(deps, school, year, file_name, edition)
    return _attachment(file_name, content)


@router.get(
    "/archive/{file_name}",
    summary="A file of the latest edition of a sealed school year's stored archive",
    description="A class's journal (PDF), `manifest.json` or `SHA256SUMS` (`sha256sum -c` "
    "checks the PDFs against it). The head, the deputy and the administrator. 404 "
    "`archive_not_made` (no stored archive, or no such file in it).",
    response_class=Response,
    responses=produces(PDF_MEDIA_TYPE, media_type(MANIFEST), media_type(SUMS)),
)
async def stored_archive_file(
    school: SchoolPath,
    year: YearPath,
    file_name: FileName,
    _reader: WholeJournalReader,
    deps: DepsDep,
) -> Response:
    content = await year_archive.stored_file(deps, school, year, file_name)
    return _attachment(file_name, content)


def _attachment(file_name: str, content: bytes) -> Response:
    disposition = f'attachment; filename="{file_name}"'
    return Response(
        content, media_type=media_type(file_name), headers={"Content-Disposition": disposition}
    )
