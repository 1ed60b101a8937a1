"""`ops person erase|erasures|retention`: erasing a person's personal data, as the journal does.

The work is the journal's (`services.journal.application.erasure` and `.retention`), run in
this process against the journal's NATS, database and key store (its `JOURNAL_*` variables),
as `ops demo load` runs the journal's handlers: the same command, the same record, the same
destruction of keys as `POST /journal/v1/schools/{school}/people/{kind}/{person}/erasure`.
Answers print as a table, or with `--json` as the API's JSON.

Exit codes: 0 done (erased now, or erased before: the data is gone either way; a dry run
listed); 1 something failed (an erasure of the retention run, the lease held by a run
elsewhere, a refusal); 2 the command cannot run as asked (no school given and several known,
no retention rule set); 3 the person is unknown (neither the key store nor any year's roster
knows them).
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from rich.console import Console
from rich.table import Table

from contracts.envelope import Actor
from deploy.ops.output import print_json, stdout_console
from services.common.webapp.school_year import school_year_of
from services.journal import bootstrap
from services.journal.application.erasure import erase_person, erasure_list
from services.journal.application.handling import Meta
from services.journal.application.ports import Deps
from services.journal.application.retention import LEASE, due_for, run_retention
from services.journal.domain.erasure import PersonNotFound
from services.journal.domain.errors import DomainError
from services.journal.domain.retention import RetentionRule
from services.journal.entrypoints.erasure_dto import DueList, DueOut, ErasureOut
from services.journal.settings import Settings

OK, FAILED, USAGE, UNKNOWN = 0, 1, 2, 3


class Usage(Exception):
    """The command cannot run as asked (exit 2)."""


@dataclass(frozen=True, slots=True)
class Output:
    """Where answers go: JSON lines on stdout, or tables; messages on stderr."""

    as_json: bool
    out: Console
    err: Console

    def data(self, value: Any) -> None:  # noqa: ANN401 - any JSON-able answer
        """Print an answer as JSON."""
        print_json(value)


def _output(as_json: bool) -> Output:
    return Output(as_json, stdout_console(), Console(stderr=True))


@contextlib.asynccontextmanager
async def journal_deps() -> AsyncIterator[Deps]:
    """The journal's Deps, its projector and schedule not running."""
    settings = Settings()  # required fields come from the environment
    quiet = settings.model_copy(
        update={
            "run_projector": False,
            "retention": settings.retention.model_copy(update={"schedule": False}),
        }
    )
    async with bootstrap.build(quiet) as runtime:
        yield runtime.deps


async def school_of(deps: Deps, school: str | None) -> str:
    """The school asked for, or the only one the journal knows."""
    if school:
        return school
    known = await deps.erasure_views.schools()
    if len(known) != 1:
        msg = f"name the school with --school (the journal knows {len(known)}: {known[:10]})"
        raise Usage(msg)
    return known[0]


def operator() -> str:
    """Who runs the command, as the erasure records it (`ops:<user>`)."""
    try:
        return f"ops:{getpass.getuser()}"[:64]
    except (KeyError, OSError):  # no user name in a bare container
        return "ops"


def run_with_journal(work: Callable[[Deps], Awaitable[int]], err: Console) -> int:
    """`work` on the journal's Deps; a `Usage` refusal printed on `err` (exit 2)."""

    async def main() -> int:
        async with journal_deps() as deps:
            return await work(deps)

    try:
        return asyncio.run(main())
    except Usage as error:
        err.print(str(error))
        return USAGE


def erase(
    kind: Literal["pupil", "staff"],
    person: str,
    reason: str,
    school: str | None,
    by: str | None,
    as_json: bool,
) -> int:
    """`person erase`: record the erasure and destroy the keys."""
    output = _output(as_json)

    async def work(deps: Deps) -> int:
        at = await school_of(deps, school)
        command = uuid.uuid4().hex
        actor = Actor(id=by or operator(), role="admin")
        meta = Meta(command, command, actor, at, school_year_of(deps.clock.today()))
        try:
            done = ErasureOut.of(await erase_person(deps, meta, kind, person, reason))
        except PersonNotFound as error:
            output.err.print(str(error))
            return UNKNOWN
        except DomainError as error:
            output.err.print(f"refused: {error}")
            return FAILED
        _show_erasure(done, output)
        return OK

    return run_with_journal(work, output.err)


def _show_erasure(done: ErasureOut, output: Output) -> None:
    if output.as_json:
        output.data(done.model_dump(mode="json"))
        return
    what = "was erased before" if done.already_erased else "erased"
    output.out.print(
        f"{done.kind} {done.person} {what}: {done.keys_destroyed} key(s) destroyed"
        f" {done.erased_at:%Y-%m-%d %H:%M} by {done.erased_by} ({done.reason})"
    )
    if done.applications:
        output.out.print(f"applicants' data erased with them: {', '.join(done.applications)}")


def erasures(school: str | None, as_json: bool) -> int:
    """`person erasures`: every erasure of the school."""
    output = _output(as_json)

    async def work(deps: Deps) -> int:
        at = await school_of(deps, school)
        items = await erasure_list(deps, at)
        if output.as_json:
            output.data({"school": at, "erasures": [i.model_dump(mode="json") for i in items]})
            return OK
        table = Table(title=f"{at}: {len(items)} erasure(s)")
        for column in ("when", "who", "by", "reason", "keys"):
            table.add_column(column, overflow="fold")
        for i in items:
            table.add_row(
                f"{i.erased_at:%Y-%m-%d %H:%M}",
                f"{i.kind} {i.person}",
                f"{i.erased_by} ({i.erased_by_role})",
                i.reason,
                "destroyed" if i.keys_destroyed else "NOT destroyed: erase again to finish",
            )
        output.out.print(table)
        return OK

    return run_with_journal(work, output.err)


def retention(school: str | None, dry_run: bool, leaver_years: int | None, as_json: bool) -> int:
    """`person retention`: who the rule erases (`--dry-run`), or erase them now."""
    output = _output(as_json)

    async def work(deps: Deps) -> int:
        at = await school_of(deps, school)
        rule = RetentionRule(leaver_years) if leaver_years is not None else deps.retention
        if rule is None:
            msg = "no retention rule: set JOURNAL_RETENTION__LEAVER_YEARS or --leaver-years"
            raise Usage(msg)
        if dry_run:
            return _show_due(deps, at, rule, await due_for(deps, at, rule), output)
        async with deps.erasure_views.lease(LEASE) as held:
            if not held:
                output.err.print("the retention rule is running elsewhere now: try again later")
                return FAILED
            run = await run_retention(deps, at, rule)
        _show_run(at, rule, run.erased, run.failures, output)
        return FAILED if run.failures else OK

    return run_with_journal(work, output.err)


def _show_due(deps: Deps, school: str, rule: RetentionRule, due: list[Any], output: Output) -> int:
    listed = DueList(
        school=school,
        today=deps.clock.today(),
        leaver_years=rule.leaver_years,
        configured=rule == deps.retention,
        due=[DueOut.of(d) for d in due],
    )
    if output.as_json:
        output.data(listed.model_dump(mode="json"))
        return OK
    table = Table(title=f"{school}: {len(due)} pupil(s) due (rule: {rule.leaver_years} years)")
    for column in ("pupil", "name", "class", "left", "due since", "reason"):
        table.add_column(column, overflow="fold")
    for d in listed.due:
        table.add_row(d.pupil_id, d.full_name, d.class_id, str(d.left_on), str(d.due_on), d.reason)
    output.out.print(table)
    return OK


def _show_run(
    school: str,
    rule: RetentionRule,
    erased: list[Any],
    failures: list[tuple[str, str]],
    output: Output,
) -> None:
    answers = [ErasureOut.of(done) for done in erased]
    if output.as_json:
        output.data(
            {
                "school": school,
                "leaver_years": rule.leaver_years,
                "erased": [a.model_dump(mode="json") for a in answers],
                "failures": [{"pupil_id": p, "error": e} for p, e in failures],
            }
        )
        return
    output.out.print(f"{school}: {len(answers)} pupil(s) erased by the rule")
    for a in answers:
        output.out.print(f"  {a.person}: {a.reason}")
    for pupil, error in failures:
        output.err.print(f"  {pupil} FAILED: {error}")
