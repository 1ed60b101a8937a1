"""`ops archive year`: every class's journal of a school year as the bound paper journal would
hold it, one PDF per class, with a manifest to check them by later.

The work is the journal's (`services.journal.application.paperwork.class_archive`, the same
document as `GET /journal/v1/schools/{school}/years/{year}/classes/{class}/archive.pdf`), run
in this process against the journal's NATS, database and key store (its `JOURNAL_*`
variables), as `ops person` does. The folder gets `archive-<year>-<class>.pdf` per class,
`manifest.json` (school, year, the date the documents carry, each file with its class, size
and SHA-256) and `SHA256SUMS`, so that `sha256sum -c SHA256SUMS` in the folder checks every
file years later. The same journal gives the same bytes: archiving again is harmless.

Exit codes: 0 written; 2 the command cannot run as asked (no school given and several known).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path
from typing import Any

from rich.console import Console

from deploy.ops.output import print_json
from deploy.ops.person import OK, run_with_journal, school_of
from services.common.progress import progress_bar
from services.common.webapp.school_year import school_year_of
from services.journal.adapters.archive_pdf import render_archive
from services.journal.application import paperwork
from services.journal.application.ports import Deps


def year(school: str | None, year_start: int | None, folder: Path, as_json: bool) -> int:
    """`archive year`: write the year's class journals and their manifest into `folder`."""
    err = Console(stderr=True)

    async def work(deps: Deps) -> int:
        at = await school_of(deps, school)
        year = year_start or school_year_of(deps.clock.today())
        manifest = await _write_year(deps, at, year, folder, err)
        if as_json:
            print_json(manifest)
        else:
            err.print(f"{len(manifest['files'])} class journals of {year}/{year + 1} in {folder}")
        return OK

    return run_with_journal(work, err)


async def _write_year(
    deps: Deps, school: str, year: int, folder: Path, err: Console
) -> dict[str, Any]:
    roster = await deps.roster_views.roster(school, year)
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    files: list[dict[str, Any]] = []
    closed_on = ""
    with progress_bar(err) as bar:
        task = bar.add_task("class journals", total=len(roster.classes))
        for klass in roster.classes:
            archive = await paperwork.class_archive(deps, school, year, klass.class_id)
            content = await asyncio.to_thread(render_archive, archive)
            name = f"{archive.file_name}.pdf"
            await asyncio.to_thread((folder / name).write_bytes, content)
            closed_on = archive.closed_on.isoformat()
            files.append(
                {
                    "file": name,
                    "class_id": klass.class_id,
                    "class": klass.label,
                    "bytes": len(content),
                    "sha256": hashlib.sha256(content).hexdigest(),
                }
            )
            bar.advance(task)
    manifest = {"school": school, "year": year, "dated": closed_on, "files": files}
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    sums = "".join(f"{f['sha256']}  {f['file']}\n" for f in files)
    await asyncio.to_thread((folder / "manifest.json").write_text, text, "utf-8")
    await asyncio.to_thread((folder / "SHA256SUMS").write_text, sums, "utf-8")
    return manifest
