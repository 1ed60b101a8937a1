"""`python -m demo load [--seed N] [--weeks N]` (`ops demo load`): the demo school into the journal.

The school `demo.generate` makes goes through the journal's real handlers (see `demo.loader`),
on the journal's settings from the environment (`JOURNAL_...`, as the launcher and `ops` give
them to the journal's tools). Loading again records nothing new: every step is a duplicate.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

import demo
from demo import loader
from services.journal import bootstrap
from services.journal.settings import Settings


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=not sys.stderr.isatty(),
    )


async def load_demo(settings: Settings, seed: int, weeks: int) -> int:
    """Generate the demo school and send it through the handlers; idempotent."""
    school = demo.generate(seed, term_weeks=weeks)
    async with bootstrap.build(settings.model_copy(update={"run_projector": False})) as runtime:
        with _progress() as bar:
            task = bar.add_task("demo school", total=len(school.steps))
            report = await loader.load(
                runtime.deps, school, progress=lambda done, _total: bar.update(task, completed=done)
            )
    print(f"demo school: {report}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and load the demo."""
    parser = argparse.ArgumentParser(
        prog="python -m demo",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="cmd", required=True)
    load = commands.add_parser("load", help="load the demo school (idempotent)")
    load.add_argument("--seed", type=int, default=2026)
    load.add_argument("--weeks", type=int, default=8, help="weeks of lessons from 1 September")
    args = parser.parse_args(argv)
    settings = Settings()  # required fields come from the environment
    return asyncio.run(load_demo(settings, args.seed, args.weeks))


if __name__ == "__main__":
    sys.exit(main())
