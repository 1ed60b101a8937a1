"""`python -m services.exporter <command>`: the exporter's operator commands.

run --kind delta|full --school S --year Y    export now (full --force: a new batch anyway)
runs --school S --year Y [--limit N]         recent runs
grant --school S --year Y --uid N --pupil P [--relation parent|pupil]
grant --school S --year Y --uid N --class C [--subject X]
revoke ... (the same scope) [--reason R]     end a grant
check --school S --year Y [--limit N]        compare the journal with the diary (exit 1: differ)
projection status|rebuild                    the export state (documents folded from the journal)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from rich.console import Console

from contracts.diary import AccessGranted, AccessRevoked, BatchKind, ClassScope, PupilScope
from services.exporter import bootstrap
from services.exporter.application import grants
from services.exporter.application.exporting import ExportFailed, export
from services.exporter.entrypoints.check_routes import CheckOut
from services.exporter.entrypoints.dto import RunOut
from services.exporter.settings import Settings

_console = Console(stderr=True)


def _offline(settings: Settings) -> Settings:
    """A one-shot command never runs the schedule."""
    return settings.model_copy(update={"schedule_enabled": False})


def _show(run: RunOut) -> None:
    print(json.dumps(run.model_dump(mode="json"), ensure_ascii=False))


async def run_export(
    settings: Settings, kind: BatchKind, school: str, year: int, *, force: bool = False
) -> int:
    """Run one export and print its record (exit 1 when it failed)."""
    async with bootstrap.build(_offline(settings)) as runtime:
        with _console.status(f"exporting {kind} of {school} {year}…"):
            try:
                outcome = await export(runtime.deps, school, year, kind, "cli", force=force)
            except ExportFailed as failure:
                _show(RunOut.of(failure.run))
                return 1
    _show(RunOut.of(outcome.run, already=outcome.already))
    return 0


async def list_runs(settings: Settings, school: str, year: int, limit: int) -> int:
    """Print the recent runs, newest first, one JSON object a line."""
    async with bootstrap.build(_offline(settings)) as runtime:
        for run in await runtime.deps.runs.recent(school, year, limit):
            _show(RunOut.of(run))
    return 0


def _scope(args: argparse.Namespace, runtime: bootstrap.Runtime) -> PupilScope | ClassScope:
    if args.pupil is not None:
        pupil = runtime.pseudonymiser.of(args.pupil)
        return PupilScope(pupil=pupil, relation=args.relation)
    return ClassScope(class_id=args.class_id, subject_id=args.subject)


async def change_access(settings: Settings, args: argparse.Namespace) -> int:
    """Publish a grant or its revocation and print it."""
    async with bootstrap.build(_offline(settings)) as runtime:
        publisher, clock = runtime.deps.publisher, runtime.deps.clock
        scope = _scope(args, runtime)
        where = {"school": args.school, "year": args.year, "uid": args.uid, "scope": scope}
        if args.command == "grant":
            event: AccessGranted | AccessRevoked = await grants.grant(publisher, clock, **where)
        else:
            event = await grants.revoke(publisher, clock, **where, reason=args.reason)
    print(event.model_dump_json())
    return 0


async def diary_check(settings: Settings, school: str, year: int, limit: int) -> int:
    """Print the diary check's report as JSON; exit 1 when the diary differs from the journal."""
    async with bootstrap.build(_offline(settings)) as runtime:
        with _console.status(f"comparing the journal with the diary for {school} {year}…"):
            report = await runtime.check.run(school, year, runtime.deps.clock.now(), keep=limit)
    print(CheckOut.of(report).model_dump_json(indent=2))
    return 0 if report.agrees else 1


async def projection(settings: Settings, command: str) -> int:
    """Print where the export state stands, or rebuild it from sequence 1."""
    async with bootstrap.build(_offline(settings)) as runtime:
        if command == "rebuild":
            with _console.status("replaying the journal into the export state…"):
                result = await bootstrap.rebuild_state(runtime)
            print(f"export state rebuilt: {result}")
        else:
            print(await runtime.state.projector.describe())
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
        sub.add_argument("--school", required=True)
        sub.add_argument("--year", type=int, required=True)
    for name in ("grant", "revoke"):
        access = commands.add_parser(name, help=f"{name} a portal user's access")
        access.add_argument("--school", required=True)
        access.add_argument("--year", type=int, required=True)
        access.add_argument("--uid", type=int, required=True)
        scope = access.add_mutually_exclusive_group(required=True)
        scope.add_argument("--pupil", help="pupil id (exported as its pseudonym)")
        scope.add_argument("--class", dest="class_id", help="class id")
        access.add_argument("--relation", choices=("parent", "pupil"), default="parent")
        access.add_argument("--subject", default=None, help="with --class: one subject only")
        access.add_argument("--reason", default="revoked", help="revoke: a reason token")
    state = commands.add_parser("projection", help="the export state")
    state.add_argument("action", choices=("status", "rebuild"))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    args = _parser().parse_args(argv)
    settings = Settings()  # required fields come from the environment
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
        case "grant" | "revoke":
            return asyncio.run(change_access(settings, args))
        case _:
            return asyncio.run(projection(settings, args.action))


if __name__ == "__main__":
    sys.exit(main())
