"""`python -m demo load [--seed N] [--weeks N] [--json]` (`ops demo load`): the demo school into
the journal.

The school `demo.generate` makes goes through the journal's real handlers (see `demo.loader`),
on the journal's settings from the environment (`JOURNAL_...`, as the launcher and `ops` give
them to the journal's tools). Loading again records nothing new: every step is a duplicate.
It prints what loading did, as a line or (`--json`) one JSON document; the progress bar goes to
stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sys

import demo
from demo import loader
from services.common.logging import configure_command_logging
from services.common.progress import progress_bar
from services.journal import bootstrap
from services.journal.settings import Settings


async def load_demo(settings: Settings, seed: int, weeks: int, *, as_json: bool = False) -> int:
    """Generate the demo school and send it through the handlers; idempotent."""
    school = demo.generate(seed, term_weeks=weeks)
    async with bootstrap.build(settings.model_copy(update={"run_projector": False})) as runtime:
        with progress_bar() as bar:
            task = bar.add_task("demo school", total=len(school.steps))
            report = await loader.load(
                runtime.deps, school, progress=lambda done, _total: bar.update(task, completed=done)
            )
    if as_json:
        print(
            json.dumps({"school": school.school, "year": school.year, **dataclasses.asdict(report)})
        )
    else:
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
    load.add_argument("--json", action="store_true", help="one JSON document on stdout")
    args = parser.parse_args(argv)
    configure_command_logging()
    settings = Settings()  # required fields come from the environment
    return asyncio.run(load_demo(settings, args.seed, args.weeks, as_json=args.json))


if __name__ == "__main__":
    sys.exit(main())
