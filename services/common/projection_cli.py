"""`projection rebuild|status`: the operator commands of a service whose read models are
projections, parsed and run the same way in every service."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from typing import TypeVar

from pydantic_settings import BaseSettings
from rich.progress import TaskID

from services.common.logging import configure_command_logging
from services.common.progress import progress_bar
from services.common.projector import Projector
from services.common.projector_rebuild import REBUILD_PROGRESS

S = TypeVar("S", bound=BaseSettings)
R = TypeVar("R")

STATUS_HELP = "checkpoints, stream positions, dead letters"


def projection_main(  # noqa: PLR0913 - what differs between services, keyword-only
    prog: str,
    description: str | None,
    argv: Sequence[str] | None,
    *,
    what: str,
    settings: Callable[[], S],
    build: Callable[[S], AbstractAsyncContextManager[R]],
    projectors: Callable[[R], Iterable[Projector]],
    rebuild: Callable[[R, S], Awaitable[Iterable[str]]],
    status_help: str = STATUS_HELP,
) -> int:
    """Parse `projection rebuild|status` and run it on the service's runtime (`build`), its
    projectors not running (`run_projector=False`): `status` prints where each of
    `projectors(runtime)` stands; `rebuild(runtime, settings)` rebuilds, and what it returns is
    printed once the runtime is closed; a bar per projection on stderr follows it up to the
    stream's end as of its start. The exit code.

    The settings are read after the command line is parsed, so that `--help` works without the
    environment a real run needs.
    """
    parser = argparse.ArgumentParser(
        prog=prog, description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    groups = parser.add_subparsers(dest="group", required=True)
    projection = groups.add_parser("projection", help=what)
    commands = projection.add_subparsers(dest="cmd", required=True)
    commands.add_parser("rebuild", help="rebuild from sequence 1 and swap in")
    commands.add_parser("status", help=status_help)
    args = parser.parse_args(argv)
    configure_command_logging()
    config = settings()  # required fields come from the environment
    offline = build(config.model_copy(update={"run_projector": False}))
    if args.cmd == "rebuild":
        with rebuild_bars():
            return asyncio.run(_rebuild(offline, lambda runtime: rebuild(runtime, config)))
    return asyncio.run(_status(offline, projectors))


@contextlib.contextmanager
def rebuild_bars() -> Iterator[None]:
    """The rebuilds run inside show a bar each (`REBUILD_PROGRESS`)."""
    with progress_bar() as bar:
        tasks: dict[str, TaskID] = {}

        def report(projection: str, done: int, total: int) -> None:
            if projection not in tasks:
                tasks[projection] = bar.add_task(projection, total=total)
            bar.update(tasks[projection], completed=done, total=total)

        following = REBUILD_PROGRESS.set(report)
        try:
            yield
        finally:
            REBUILD_PROGRESS.reset(following)


async def _rebuild(
    offline: AbstractAsyncContextManager[R], rebuild: Callable[[R], Awaitable[Iterable[str]]]
) -> int:
    async with offline as runtime:
        done = await rebuild(runtime)
    for line in done:
        print(line)  # noqa: T201 - an operator command prints its answer
    return 0


async def _status(
    offline: AbstractAsyncContextManager[R], projectors: Callable[[R], Iterable[Projector]]
) -> int:
    async with offline as runtime:
        for projector in projectors(runtime):
            print(await projector.describe())  # noqa: T201 - likewise
    return 0
