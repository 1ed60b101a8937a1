"""The printed archive of a school year: every class's journal as a PDF (`paperwork`'s
`class_archive`, laid out by the caller's `render`), with `manifest.json` (school, year, the date
the documents carry, each file with its class, size and SHA-256) and `SHA256SUMS`, so that
`sha256sum -c SHA256SUMS` checks the files years later.

`print_year` reads the classes one after the other while the previous class is laid out (the
layout may run in another process) and hands each file to `keep`: `ops archive year` keeps them
in a folder; the journal keeps the archive of every sealed year on its shelf (an Object Store
bucket), `archive_sealed_years`, run in the background under a lease so that one replica prints
a year once. The manifest is kept last: a stored manifest says the archive is whole.

A sealed year still changes by corrections with a reason. Each edition's manifest records the
year's `corrections_revision` it was printed at; when the year's revision has grown since, the
watch prints the next edition beside the earlier ones, which stay as they were (a paper archive
keeps the corrected journal next to the bound one). Edition 1 lies under `<school>/<year>/`,
edition n under `<school>/<year>/edition-<n>/`; the archive's routes serve the latest edition
and every earlier one by number.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final

import structlog

from services.common.schedule_loop import run_when_due
from services.journal.application import paperwork, period_marks
from services.journal.application.journal_sheets import Archive
from services.journal.application.ports import Deps, Shelf
from services.journal.application.read_models import ReadModel
from services.journal.domain.errors import NotFound

logger = structlog.get_logger()

PDF_MEDIA_TYPE: Final = "application/pdf"
MANIFEST: Final = "manifest.json"
SUMS: Final = "SHA256SUMS"
LEASE: Final = "journal:archive"
_MEDIA_TYPES: Final = {MANIFEST: "application/json", SUMS: "text/plain; charset=utf-8"}

Render = Callable[[Archive], Awaitable[bytes]]
Keep = Callable[[str, str, bytes], Awaitable[None]]  # file name, media type, bytes
Printer = Callable[[], contextlib.AbstractAsyncContextManager[Render]]


class ArchiveNotMade(NotFound):
    """The year has no stored archive: it is not sealed, or its archive is being printed."""


@dataclass(frozen=True, slots=True)
class Edition:
    """An edition of a year's archive: its number, and the year's `corrections_revision` it
    holds."""

    number: int = 1
    revision: int = 0


FIRST_EDITION: Final = Edition()


class ArchivedFile(ReadModel):
    """One class's journal in the archive."""

    file: str
    class_id: str
    label: str
    size: int
    sha256: str


class YearArchive(ReadModel):
    """The manifest of a year's archive."""

    school: str
    year: int
    dated: str  # the documents' date: the year's last day (ISO), "" for a year without classes
    files: tuple[ArchivedFile, ...]
    edition: int = 1  # 1: printed when the year was sealed; one more per reprint after corrections
    revision: int = 0  # the year's `corrections_revision` this edition holds

    def manifest(self) -> bytes:
        """`manifest.json` as UTF-8 (the same archive gives the same bytes)."""
        return (self.model_dump_json(indent=2) + "\n").encode()

    def sums(self) -> bytes:
        """`SHA256SUMS` as `sha256sum -c` reads it."""
        return "".join(f"{f.sha256}  {f.file}\n" for f in self.files).encode()

    def names(self) -> frozenset[str]:
        """Every file the archive holds, the manifest and the sums included."""
        return frozenset({MANIFEST, SUMS, *(f.file for f in self.files)})


async def print_year(  # noqa: PLR0913 - which year, how it is laid out and kept, which edition
    deps: Deps,
    school: str,
    year: int,
    render: Render,
    keep: Keep,
    *,
    edition: Edition = FIRST_EDITION,
    progress: Callable[[int, int], None] | None = None,
) -> YearArchive:
    """Print every class of the year through `render` and `keep` each file, then the sums and
    the manifest (of `edition`); `progress(done, total)` counts the classes kept."""
    roster = await deps.roster_views.roster(school, year)
    labels = {c.class_id: c.label for c in roster.classes}
    files: list[ArchivedFile] = []
    dated = ""
    laying_out: tuple[str, Archive, asyncio.Future[bytes]] | None = None

    async def finish(class_id: str, archive: Archive, content: Awaitable[bytes]) -> None:
        data = await content
        name = f"{archive.file_name}.pdf"
        await keep(name, media_type(name), data)
        label, digest = labels[class_id], _sha256(data)
        files.append(
            ArchivedFile(file=name, class_id=class_id, label=label, size=len(data), sha256=digest)
        )
        if progress is not None:
            progress(len(files), len(labels))

    if progress is not None:
        progress(0, len(labels))
    for class_id in labels:  # a class is read while the one before it is laid out
        archive = await paperwork.class_archive(deps, school, year, class_id)
        dated = archive.closed_on.isoformat()
        rendering = asyncio.ensure_future(render(archive))
        if laying_out is not None:
            await finish(*laying_out)
        laying_out = (class_id, archive, rendering)
    if laying_out is not None:
        await finish(*laying_out)
    printed = YearArchive(
        school=school,
        year=year,
        dated=dated,
        files=tuple(files),
        edition=edition.number,
        revision=edition.revision,
    )
    await keep(SUMS, media_type(SUMS), printed.sums())
    await keep(MANIFEST, media_type(MANIFEST), printed.manifest())
    return printed


async def stored(deps: Deps, school: str, year: int, edition: int | None = None) -> YearArchive:
    """The manifest of the year's latest stored edition, or of `edition`; ArchiveNotMade when
    there is none (yet)."""
    if edition is None:
        editions = await stored_editions(deps, school, year)
        if editions:
            return editions[-1]
    else:
        manifest = await _shelf(deps).get(_shelf_name(school, year, edition, MANIFEST))
        if manifest is not None:
            return YearArchive.model_validate_json(manifest)
    raise not_made(school, year, edition)


def not_made(school: str, year: int, edition: int | None = None) -> ArchiveNotMade:
    """The error for a year (or an edition of it) without a stored archive."""
    which = "" if edition is None else f" (edition {edition})"
    return ArchiveNotMade(f"the archive of {school} {year}/{year + 1}{which} is not made")


async def stored_editions(deps: Deps, school: str, year: int) -> list[YearArchive]:
    """The manifests of every stored edition of the year, the first one first (empty: none).

    Editions are numbered without gaps and each manifest is kept after its files: the first
    number without a manifest ends the list (an edition being printed is not listed yet).
    """
    shelf, found = _shelf(deps), list[YearArchive]()
    while manifest := await shelf.get(_shelf_name(school, year, len(found) + 1, MANIFEST)):
        found.append(YearArchive.model_validate_json(manifest))
    return found


async def stored_file(
    deps: Deps, school: str, year: int, name: str, edition: int | None = None
) -> bytes:
    """A file of the year's latest stored edition, or of `edition`; ArchiveNotMade for one it
    does not hold."""
    archive = await stored(deps, school, year, edition)
    if name not in archive.names():
        raise ArchiveNotMade(f"the archive of {school} {year}/{year + 1} holds no {name!r}")
    data = await _shelf(deps).get(_shelf_name(school, year, archive.edition, name))
    if data is None:  # listed by the manifest, which is kept last: never without its files
        raise ArchiveNotMade(f"{name!r} of the archive of {school} {year} is missing")
    return data


@dataclass(frozen=True, slots=True)
class _Due:
    """A sealed year whose archive is missing or behind its corrections."""

    school: str
    year: int
    edition: Edition


async def archive_sealed_years(deps: Deps, printer: Printer) -> list[YearArchive]:
    """Print and keep the archive of every sealed year that has none, or the next edition of
    one corrected since its last edition, under the lease (an empty list when another process
    holds it: its run does the same work)."""
    async with deps.erasure_views.lease(LEASE) as held:
        if not held:
            return []
        due = [d for sy in await deps.roster_views.school_years() if (d := await _due(deps, *sy))]
        if not due:
            return []
        async with printer() as render:
            return [await _keep_year(deps, render, year) for year in due]


async def watch(deps: Deps, printer: Printer, every_seconds: float, stop: asyncio.Event) -> None:
    """Until `stop`: every `every_seconds`, archive the sealed years that have no archive yet or
    were corrected since (a failed round is logged and the next one tries again)."""

    async def round_(_: None) -> None:
        await archive_sealed_years(deps, printer)

    await run_when_due(
        now=deps.clock.now,
        next_due=lambda after: (after + dt.timedelta(seconds=every_seconds), None),
        run=round_,
        stop=stop,
        event="archive.round",
    )


async def _due(deps: Deps, school: str, year: int) -> _Due | None:
    if not (await period_marks.school_config(deps, school, year)).sealed:
        return None
    # Read before printing: a correction the view applies meanwhile is in a later edition.
    revision = await deps.views.corrections_revision(school, year)
    editions = await stored_editions(deps, school, year)
    if editions and editions[-1].revision >= revision:
        return None
    return _Due(school, year, Edition(len(editions) + 1, revision))


async def _keep_year(deps: Deps, render: Render, due: _Due) -> YearArchive:
    shelf = _shelf(deps)

    async def keep(name: str, media_type: str, data: bytes) -> None:
        kept_as = _shelf_name(due.school, due.year, due.edition.number, name)
        await shelf.put(kept_as, media_type, data)

    where = {"school": due.school, "year": due.year, "edition": due.edition.number}
    logger.info("archive.printing", revision=due.edition.revision, **where)
    printed = await print_year(deps, due.school, due.year, render, keep, edition=due.edition)
    logger.info("archive.kept", classes=len(printed.files), **where)
    return printed


def media_type(name: str) -> str:
    """The media type of a file of the archive: the manifest, the sums, or a class's PDF."""
    return _MEDIA_TYPES.get(name, PDF_MEDIA_TYPE)


def _shelf(deps: Deps) -> Shelf:
    if deps.archives is None:
        raise ArchiveNotMade("this journal keeps no archives")
    return deps.archives


def _shelf_name(school: str, year: int, edition: int, name: str) -> str:
    # Edition 1 keeps the names archives had before there were editions.
    folder = f"{school}/{year}" if edition == 1 else f"{school}/{year}/edition-{edition}"
    return f"{folder}/{name}"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
