"""`/admin/rollover`: the year's rollover, the plan first (with the administrator's exceptions
in the address), then running it; clearing a pupil's academic debt afterwards.

The page first reads the rollover's status (`GET …/rollover`), which the journal gives the
administration only; it also says whether the year is sealed.
"""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.common.limits import long_running
from services.common.webapp.session import Session, SignedIn
from services.web.application.ports import ApiRefused, Backends
from services.web.domain.admin import (
    Decision,
    decisions_of,
    pupils_by_class,
    rollover_body,
)
from services.web.domain.first_grade import (
    MAX_CLASSES,
    ClassRow,
    FirstGrade,
    first_grade_of,
    placed,
    problems_of,
)
from services.web.entrypoints.admin_forms import (
    Command,
    FormRefusal,
    form_context,
    journal_year,
    posted,
    posted_list,
    present,
    refusal_of,
    seg,
    send_form,
    settled,
    status_of,
)
from services.web.entrypoints.pages import deps_of, render

router = APIRouter(tags=["admin"])
ROLLOVER = "/admin/rollover"


def _decisions(request: Request) -> list[Decision]:
    """The exceptions in the address (`o=`), and the one the form adds (`pupil_id`, …)."""
    query = request.query_params
    texts = query.getlist("o")
    pupil, outcome = query.get("pupil_id", ""), query.get("outcome", "")
    if pupil and outcome:
        texts.append(Decision(pupil, outcome, tuple(query.getlist("debts"))).encoded())
    return decisions_of(texts)


@router.get(ROLLOVER, summary="The rollover: its status and the plan, with exceptions")
async def rollover_page(request: Request, session: SignedIn) -> HTMLResponse:
    return await _rollover(request, session, _decisions(request))


async def _rollover(
    request: Request,
    session: Session,
    decisions: list[Decision],
    refusal: FormRefusal | None = None,
    first: FirstGrade | None = None,
) -> HTMLResponse:
    backends, base = deps_of(request).backends, journal_year(request, session)
    first = first or FirstGrade()
    status = await backends.get("journal", f"{base}/rollover", session.token)
    plan, plan_refusal = await _plan(backends, session, base, decisions, first)
    context = await _year_names(backends, session, base)
    context |= {
        "status": status,
        "archive": await _kept_archive(backends, session, base) if status["closed_into"] else None,
        "plan": plan,
        "decisions": decisions,
        "removal": _removal_links(request, decisions),
        "special": [p for p in status["pupils"] if p["outcome"] or p["open_debts"]],
        **_first_grade_context(first, refusal or plan_refusal),
        **form_context(request, refusal or plan_refusal),
    }
    shown = refusal or (plan_refusal if plan_refusal and plan_refusal.status != 403 else None)
    return render(request, "admin/rollover.html", context, status=status_of(shown))


def _first_grade_context(first: FirstGrade, refusal: FormRefusal | None) -> dict[str, Any]:
    """The first grade's rows to show (those typed and one empty row for another class),
    the problems beside them, and a refused rollover's problems in the school's words."""
    problems = (
        problems_of(refusal.detail) if refusal and refusal.reason == "rollover_refused" else []
    )
    beside = dict(first.problems)
    for name, messages in placed(problems, first.rows).items():
        beside[name] = beside.get(name, []) + messages
    rows = first.rows + ((ClassRow(),) if len(first.rows) < MAX_CLASSES else ())
    return {"first": first, "first_rows": rows, "first_problems": beside, "problems": problems}


FIRST_GRADE_REFUSED = FormRefusal(
    "first",
    422,
    "invalid_first_grade",
    "",
    "Список первого класса не отправлен: исправьте отмеченные поля и строки.",
)


async def _plan(
    backends: Backends,
    session: Session,
    base: str,
    decisions: list[Decision],
    first: FirstGrade,
) -> tuple[dict[str, Any] | None, FormRefusal | None]:
    """The rollover's plan (a dry run: nothing recorded), or why the journal gave none: only
    the administrator plans it, so the head and the deputy see the status without a plan. A
    first grade the web can tell is wrong is not sent: its problems are the refusal."""
    if first.problems:
        return None, FIRST_GRADE_REFUSED
    body = rollover_body(decisions, dry_run=True, first_grade=first.body)
    try:
        plan = await backends.send("journal", "POST", f"{base}/rollover", session.token, json=body)
    except ApiRefused as error:
        if error.status == 401:
            raise
        return None, refusal_of("plan", error, {})
    return plan, None


async def _kept_archive(backends: Backends, session: Session, base: str) -> dict[str, Any] | None:
    """The manifests of the archive's editions the journal keeps of the sealed year (the latest
    as `latest`, the ones before it as `earlier`); None while the first is being printed (the
    journal prints it within a minute or so of sealing)."""
    try:
        editions: list[dict[str, Any]] = await backends.get(
            "journal", f"{base}/archive/editions", session.token
        )
    except ApiRefused as error:
        if error.status != 404:
            raise
        return None
    return {"latest": editions[-1], "earlier": editions[:-1]}


async def _year_names(backends: Backends, session: Session, base: str) -> dict[str, Any]:
    """The names the rollover's pages show for ids: pupils, classes, subjects, staff."""
    pupils = (await backends.get("journal", f"{base}/pupils", session.token))["pupils"]
    roster = await backends.get("journal", f"{base}/roster", session.token)
    labels = {k["class_id"]: k["label"] for k in roster["classes"]}
    return {
        "pupil_names": {p["pupil_id"]: p["full_name"] for p in pupils},
        "labels": labels,
        "subjects": {s["subject_id"]: s["name"] for s in roster["subjects"]},
        "staff": {s["staff_id"]: s["full_name"] for s in roster["staff"]},
        "pupil_options": [
            (
                f"Класс {labels.get(k, k)}" if k else "Не в классе",
                [(p["pupil_id"], f"{p['full_name']} ({p['pupil_id']})") for p in group],
            )
            for k, group in pupils_by_class(pupils, list(labels))
        ],
    }


def _removal_links(request: Request, decisions: list[Decision]) -> dict[str, str]:
    """For each exception, the address of the plan without it."""
    chosen = request.query_params.get("year", "")
    links = {}
    for decision in decisions:
        rest = [("o", d.encoded()) for d in decisions if d is not decision]
        query = urlencode(([("year", chosen)] if chosen else []) + rest)
        links[decision.pupil_id] = f"{ROLLOVER}?{query}" if query else ROLLOVER
    return links


@router.post(
    ROLLOVER + "/plan", summary="The plan again, with the new first grade the form carries"
)
async def plan_with_first_grade(request: Request, session: SignedIn) -> HTMLResponse:
    """The plan of the posted exceptions (one added, one removed) and first grade: posted, not
    in the address, since the pupils' lists are long."""
    values = await posted(request)
    texts = [
        o for o in await posted_list(request, "o") if not o.startswith(f"{values.get('remove')}:")
    ]
    pupil, outcome = values.get("pupil_id", ""), values.get("outcome", "")
    if pupil and outcome:
        texts.append(Decision(pupil, outcome, tuple(await posted_list(request, "debts"))).encoded())
    return await _rollover(request, session, decisions_of(texts), first=first_grade_of(values))


@router.post(ROLLOVER, summary="Run the rollover as planned: the year closes")
@long_running
async def run_rollover(request: Request, session: SignedIn) -> Response:
    values = await posted(request)
    decisions = decisions_of(await posted_list(request, "o"))
    first = first_grade_of(values)
    again = partial(_rollover, request, session, decisions, first=first)
    if values.get("confirm") != "yes":
        unconfirmed = FormRefusal(
            "run", 422, "not_confirmed", "", "Подтвердите перевод.", {"confirm": "не отмечено"}
        )
        return await again(unconfirmed)
    if first.problems:
        return await again(FIRST_GRADE_REFUSED)
    base = journal_year(request, session)
    body = rollover_body(decisions, dry_run=False, first_grade=first.body)
    command: Command = ("journal", "POST", f"{base}/rollover")
    result, refusal = await send_form(request, session, "run", values, command, body)
    if refusal is not None:
        return await again(refusal)
    context = await _year_names(deps_of(request).backends, session, base)
    context |= {"result": result, **form_context(request, None)}
    return render(request, "admin/rollover_result.html", context)


@router.post(ROLLOVER + "/debts", summary="A pupil cleared an academic debt")
async def clear_debt(request: Request, session: SignedIn) -> Response:
    values = await posted(request)
    pupil, subject = seg(values.get("pupil_id", "")), seg(values.get("subject_id", ""))
    path = f"{journal_year(request, session)}/pupils/{pupil}/debts/{subject}/clear"
    command: Command = ("journal", "POST", path)
    body = present(values, "cleared_on")
    _, refusal = await send_form(request, session, "debt", values, command, body)
    page_again = partial(_rollover, request, session, [])
    return await settled(request, refusal, page_again, ROLLOVER, done="debt")
