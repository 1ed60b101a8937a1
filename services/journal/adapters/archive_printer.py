"""Laying out archives in a process of their own.

The layout (`archive_pdf`) is pure Python and takes about a second per class. In the journal's
own process it would hold the interpreter while the API answers; in one worker process it runs
on the other core while the next class is read. The worker is started fresh (`spawn`: a fork of
a process with threads and open connections is not safe) for one printing and stopped after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor

from services.journal.adapters.archive_pdf import render_archive
from services.journal.application.journal_sheets import Archive
from services.journal.application.year_archive import Render


@contextlib.asynccontextmanager
async def printing_process() -> AsyncIterator[Render]:
    """A `Render` that lays archives out in a worker process, for the block."""
    loop = asyncio.get_running_loop()
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))

    async def render(archive: Archive) -> bytes:
        return await loop.run_in_executor(pool, render_archive, archive)

    try:
        yield render
    finally:
        await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
