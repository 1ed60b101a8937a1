"""`python -m services.journal.entrypoints.cli`: the journal's operator commands.

demo load            load the deterministic demo school through the real handlers
projection rebuild   rebuild the journal view from sequence 1 and swap it in
projection status    the view's checkpoint, the stream's last sequence, dead letters
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from services.journal import bootstrap
from services.journal.application import demo, demo_loader
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
            report = await demo_loader.load(
                runtime.deps, school, progress=lambda done, _total: bar.update(task, completed=done)
            )
    print(f"demo school: {report}")
    return 0


async def rebuild_view(settings: Settings) -> int:
    """Rebuild the journal view into a fresh schema and swap it in."""
    async with bootstrap.build(settings.model_copy(update={"run_projector": False})) as runtime:
        result = await bootstrap.rebuild_view(runtime, settings)
    print(f"journal view rebuilt: {result}")
    return 0


async def view_status(settings: Settings) -> int:
    """Print where the journal view stands."""
    async with bootstrap.build(settings.model_copy(update={"run_projector": False})) as runtime:
        print(await runtime.projector.describe())
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    parser = argparse.ArgumentParser(
        prog="journal", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    groups = parser.add_subparsers(dest="group", required=True)
    demo_cmd = groups.add_parser("demo", help="demo data").add_subparsers(dest="cmd", required=True)
    load = demo_cmd.add_parser("load", help="load the demo school (idempotent)")
    load.add_argument("--seed", type=int, default=2026)
    load.add_argument("--weeks", type=int, default=8, help="weeks of lessons from 1 September")
    view = groups.add_parser("projection", help="the journal view")
    view_cmd = view.add_subparsers(dest="cmd", required=True)
    view_cmd.add_parser("rebuild", help="rebuild from sequence 1 and swap in")
    view_cmd.add_parser("status", help="checkpoint, stream position, dead letters")
    args = parser.parse_args(argv)
    settings = Settings()  # required fields come from the environment
    if args.group == "demo":
        return asyncio.run(load_demo(settings, args.seed, args.weeks))
    if args.cmd == "rebuild":
        return asyncio.run(rebuild_view(settings))
    return asyncio.run(view_status(settings))


if __name__ == "__main__":
    sys.exit(main())
