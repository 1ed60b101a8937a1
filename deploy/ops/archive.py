"""`ops archive year`: every class's journal of a school year as the bound paper journal would
hold it, one PDF per class, with a manifest to check them by later.

The work is the journal's (`services.journal.application.paperwork.class_archive`, the same
document as `GET /journal/v1/schools/{school}/years/{year}/classes/{class}/archive.pdf`), run
in this process against the journal's NATS, database and key store (its `JOURNAL_*`
variables), as `ops person` does. The folder gets `archive-<year>-<class>.pdf` per class,
`manifest.json` (school, year, the date the documents carry, each file with its class, size
and SHA-256) and `SHA256SUMS`, so that `sha256sum -c SHA256SUMS` in the folder checks every
file years later (`services.journal.application.year_archive`, which also prints the archive
the journal keeps of a sealed year). The same journal gives the same bytes: archiving again is
harmless.

Exit codes: 0 written; 2 the command cannot run as asked (no school given and several known).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.console import Console

from deploy.ops.output import print_json
from deploy.ops.person import OK, run_with_journal, school_of
from services.common.progress import progress_bar
from services.common.webapp.school_year import school_year_of
from services.journal.adapters.archive_printer import printing_process
from services.journal.application.ports import Deps
from services.journal.application.year_archive import Edition, YearArchive, print_year


def year(school: str | None, year_start: int | None, folder: Path, as_json: bool) -> int:
    """`archive year`: write the year's class journals and their manifest into `folder`."""
    err = Console(stderr=True)

    async def work(deps: Deps) -> int:
        at = await school_of(deps, school)
        year = year_start or school_year_of(deps.clock.today())
        printed = await _write_year(deps, at, year, folder, err)
        if as_json:
            print_json(printed.model_dump(mode="json"))
        else:
            err.print(f"{len(printed.files)} class journals of {year}/{year + 1} in {folder}")
        return OK

    return run_with_journal(work, err)


async def _write_year(
    deps: Deps, school: str, year: int, folder: Path, err: Console
) -> YearArchive:
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)

    async def keep(name: str, _media_type: str, data: bytes) -> None:
        await asyncio.to_thread((folder / name).write_bytes, data)

    with progress_bar(err) as bar:
        task = bar.add_task("class journals", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        # The manifest says which corrections it holds (its edition number is the shelf's affair).
        edition = Edition(revision=await deps.views.corrections_revision(school, year))
        async with printing_process() as render:
            return await print_year(
                deps, school, year, render, keep, edition=edition, progress=progress
            )
