"""`python -m services.exporter <command>`: the exporter's operator commands.

run --kind delta|full [--school S --year Y]  export now (full --force: a new batch anyway)
runs [--school S --year Y] [--limit N]       recent runs
grants sync [--school S [--year Y]]          bring the portal's access grants in step now (every
                                             known school year, or those given; exit 1: failed)
grants list --school S --year Y              the grants published, one JSON object a line
check [--school S --year Y] [--limit N]      compare the journal with the diary (exit 1: differ)
projection status|rebuild [--access]         the export state (documents folded from the
                                             journal), or with --access the links and staff
                                             UIDs folded from the enrollment

`run`, `runs` and `check` take the school the exporter knows when it knows only one, and its
latest school year (the one a rollover opened, once it has); exit 2 when a school must be named.

Grants are not given by hand: they follow from the enrollment's links and staff UIDs and from
the journal's classes, and the running service keeps them in step.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from rich.console import Console

from contracts.diary import BatchKind
from services.common.logging import configure_logging
from services.common.projection_cli import rebuild_bars
from services.exporter import bootstrap
from services.exporter.application import grants
from services.exporter.application.exporting import ExportFailed, export
from services.exporter.bootstrap import Runtime
from services.exporter.entrypoints.check_routes import CheckOut
from services.exporter.entrypoints.dto import RunOut
from services.exporter.entrypoints.grant_routes import GrantOut, SyncOut
from services.exporter.settings import Settings

_console = Console(stderr=True)


def _offline(settings: Settings) -> Settings:
    """A one-shot command never runs the schedule or the grant sync's loops."""
    return settings.model_copy(update={"schedule_enabled": False, "grants_follow": False})


class SchoolNotNamed(Exception):
    """A command's school year the exporter cannot choose alone (several schools, or none)."""


async def _school_year(runtime: Runtime, school: str | None, year: int | None) -> tuple[str, int]:
    """The school year named; else the only school the exporter knows (documents, grants or
    runs) and its latest year."""
    if school is not None and year is not None:
        return school, year
    known = set(await grants.known_years(runtime.grants, school))
    known.update(k for k in await runtime.deps.runs.years() if school in {None, k[0]})
    schools = sorted({s for s, _ in known})
    if len(schools) != 1:
        listed = ", ".join(schools[:10]) or "none"
        msg = f"name the school year with --school and --year (the exporter knows: {listed})"
        raise SchoolNotNamed(msg)
    return schools[0], year if year is not None else max(y for _, y in known)


def _show(run: RunOut) -> None:
    print(json.dumps(run.model_dump(mode="json"), ensure_ascii=False))


async def run_export(
    settings: Settings,
    kind: BatchKind,
    school: str | None,
    year: int | None,
    *,
    force: bool = False,
) -> int:
    """Run one export and print its record (exit 1 when it failed)."""
    async with bootstrap.build(_offline(settings)) as runtime:
        school, year = await _school_year(runtime, school, year)
        with _console.status(f"exporting {kind} of {school} {year}…"):
            try:
                outcome = await export(runtime.deps, school, year, kind, "cli", force=force)
            except ExportFailed as failure:
                _show(RunOut.of(failure.run))
                return 1
    _show(RunOut.of(outcome.run, already=outcome.already))
    return 0


async def list_runs(settings: Settings, school: str | None, year: int | None, limit: int) -> int:
    """Print the recent runs, newest first, one JSON object a line."""
    async with bootstrap.build(_offline(settings)) as runtime:
        school, year = await _school_year(runtime, school, year)
        for run in await runtime.deps.runs.recent(school, year, limit):
            _show(RunOut.of(run))
    return 0


async def sync_grants(settings: Settings, school: str | None, year: int | None) -> int:
    """Fold both streams, sync the school years asked for (every known one by default) and
    print each outcome; exit 1 when one failed."""
    async with bootstrap.build(_offline(settings)) as runtime:
        deps = runtime.grants
        with _console.status("folding the enrollment and the journal…"):
            await grants.catch_up(deps)
        failed = 0
        if year is not None and school is not None:
            keys = [(school, year)]
        else:
            keys = await grants.known_years(deps, school)
        for key in keys:
            try:
                outcome = await grants.sync(deps, *key)
            except Exception as error:  # report and go on with the next school year
                _console.print(f"sync of {key[0]} {key[1]} failed: {error!r}")
                failed += 1
                continue
            print(SyncOut.of(outcome).model_dump_json())
    return 1 if failed else 0


async def list_grants(settings: Settings, school: str, year: int) -> int:
    """Print the published grants of a school year, one JSON object a line."""
    async with bootstrap.build(_offline(settings)) as runtime:
        for row in await runtime.grants.book.rows(school, year):
            print(GrantOut.of(row).model_dump_json())
    return 0


async def diary_check(settings: Settings, school: str | None, year: int | None, limit: int) -> int:
    """Print the diary check's report as JSON; exit 1 when the diary differs from the journal."""
    async with bootstrap.build(_offline(settings)) as runtime:
        school, year = await _school_year(runtime, school, year)
        with _console.status(f"comparing the journal with the diary for {school} {year}…"):
            report = await runtime.check.run(school, year, runtime.deps.clock.now(), keep=limit)
    print(CheckOut.of(report).model_dump_json(indent=2))
    return 0 if report.agrees else 1


async def projection(settings: Settings, command: str, *, access: bool = False) -> int:
    """Print where the export state (or the access projection) stands, or rebuild it from
    sequence 1."""
    async with bootstrap.build(_offline(settings)) as runtime:
        if command == "rebuild" and access:
            with rebuild_bars():
                result = await bootstrap.rebuild_access(runtime)
            print(f"access projection rebuilt: {result}")
        elif command == "rebuild":
            with rebuild_bars():
                result = await bootstrap.rebuild_state(runtime)
            print(f"export state rebuilt: {result}")
        else:
            projector = runtime.access.projector if access else runtime.state.projector
            print(await projector.describe())
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exporter", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="export now")
    run.add_argument("--kind", choices=("delta", "full"), default="delta")
    run.add_argument(
        "--force", action="store_true", help="full only: a new batch even if nothing changed"
    )
    runs = commands.add_parser("runs", help="recent runs")
    runs.add_argument("--limit", type=int, default=20)
    check = commands.add_parser("check", help="compare the journal with the diary")
    check.add_argument("--limit", type=int, default=100, help="differences to list")
    for sub in (run, runs, check):
        sub.add_argument("--school", help="default: the only school the exporter knows")
        sub.add_argument("--year", type=int, help="default: the school's latest year")
    access = commands.add_parser("grants", help="the portal's access grants")
    access.add_argument("action", choices=("sync", "list"))
    access.add_argument("--school", help="sync: this school only (list: required)")
    access.add_argument("--year", type=int, help="with --school: this school year only")
    state = commands.add_parser("projection", help="the export state")
    state.add_argument("action", choices=("status", "rebuild"))
    state.add_argument(
        "--access", action="store_true", help="the links and staff UIDs, not the export state"
    )
    return parser


def _grants(settings: Settings, args: argparse.Namespace) -> int:
    """`grants sync|list`, with their arguments checked."""
    if args.year is not None and args.school is None:
        _console.print("--year needs --school")
        return 2
    if args.action == "sync":
        return asyncio.run(sync_grants(settings, args.school, args.year))
    if args.school is None or args.year is None:
        _console.print("grants list needs --school and --year")
        return 2
    return asyncio.run(list_grants(settings, args.school, args.year))


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    args = _parser().parse_args(argv)
    configure_logging(json=True)  # logs go to stderr: stdout carries the JSON answers
    settings = Settings()  # required fields come from the environment
    try:
        return _dispatch(settings, args)
    except SchoolNotNamed as unnamed:
        _console.print(str(unnamed))
        return 2


def _dispatch(settings: Settings, args: argparse.Namespace) -> int:
    """Run the command parsed."""
    match args.command:
        case "run":
            if args.force and args.kind != "full":
                _console.print("--force is for --kind full only")
                return 2
            run = run_export(settings, args.kind, args.school, args.year, force=args.force)
            return asyncio.run(run)
        case "runs":
            return asyncio.run(list_runs(settings, args.school, args.year, args.limit))
        case "check":
            return asyncio.run(diary_check(settings, args.school, args.year, args.limit))
        case "grants":
            return _grants(settings, args)
        case _:
            return asyncio.run(projection(settings, args.action, access=args.access))


if __name__ == "__main__":
    sys.exit(main())
