"""The school's pages × the staff's roles: every page enforces the APIs' access rules simply by
calling them with the signed-in person's token.

The expectation of each row is derived, not written: each page names the API routes it cannot
do without, and the roles those routes let through are read from the APIs' own access matrix
(tests/e2e/test_access_matrix.py, which DESIGN.md §6 is tested by), so the two never disagree.
Where the matrix lets a teacher through only for their own data (the e2e matrix's teacher
teaches maths in 5А), the page also names whose data it shows: the journal's rule (the lesson's
teacher, the subject's teachers in the class, the class teacher), computed from the roster.

For each role the person signs in through the development page and asks for every page through
the browser context's request API (the session cookie, no script): 200 when the role may, else
403 with the refusal page's Russian text; signed out, 303 to the sign-in page. A teacher who
opens another teacher's lesson or an administrator's page gets the refusal page in the browser.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.support.web import assert_accessible, sign_in

SCHOOL, YEAR, CLASS_ID, SUBJECT_ID = "s1", 2026, "5a", "math"
TEACHER = "t015"  # teaches maths in 5А (and leads 5Б)
REFUSAL_TEXT = "У вас нет доступа к этой странице."
API_MATRIX = Path(__file__).resolve().parents[1] / "e2e" / "test_access_matrix.py"


def api_matrix() -> ModuleType:
    """The APIs' access matrix, loaded from its test module (tests/ is not a package)."""
    spec = importlib.util.spec_from_file_location("api_access_matrix", API_MATRIX)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


MATRIX = api_matrix()
GROUPS = {
    "journal": MATRIX.JOURNAL,
    "enrollment": MATRIX.ENROLLMENT,
    "exporter": MATRIX.EXPORTER,
    "audit": MATRIX.AUDIT,
}


def allowed(api: str, route: str) -> frozenset[str]:
    """The personas the API's matrix lets through `route` ("GET /roster", as the matrix
    writes it after the service's prefix)."""
    method, path = route.split(" ", 1)
    found = [g.allowed for g in GROUPS[api] if (method, path) in g.routes]
    assert len(found) == 1, f"{api} {route} is in {len(found)} groups of the API matrix"
    return found[0]


@dataclass(frozen=True)
class Facts:
    """Who teaches what, from the journal's roster, and the lesson the table opens."""

    lesson_id: str
    lesson_teachers: frozenset[str]  # the lesson's teacher and its timetabled teacher
    subject_teachers: frozenset[str]  # maths in 5А
    class_teacher: str  # of 5А
    pupil_id: str = ""  # the first of 5А's journal in September


Owners = Callable[[Facts], frozenset[str]]


def class_subject_owners(facts: Facts) -> frozenset[str]:
    """The journal's rule for a class's subject: its teachers there and the class teacher."""
    return facts.subject_teachers | {facts.class_teacher}


def lesson_owners(facts: Facts) -> frozenset[str]:
    """The journal's rule for a lesson: its teachers, else as for its class and subject."""
    return facts.lesson_teachers | class_subject_owners(facts)


@dataclass(frozen=True)
class PageRule:
    """A page: its address, the API routes it cannot do without, and (for data a teacher
    reads only when it is theirs) whose it is. None: the page shows the teacher their own."""

    path: str
    reads: tuple[tuple[str, str], ...]
    owners: Owners | None = None

    def address(self, facts: Facts) -> str:
        return self.path.format(
            class_id=CLASS_ID, subject_id=SUBJECT_ID, lesson=facts.lesson_id, pupil=facts.pupil_id
        )

    def expected(self, role: str, staff_id: str, facts: Facts) -> int:
        """200 when every route lets the role through (and, for a teacher, the data is
        theirs), else 403."""
        ok = all(role in allowed(api, route) for api, route in self.reads)
        if ok and role == "teacher" and self.owners is not None:
            ok = staff_id in self.owners(facts)
        return 200 if ok else 403


ROSTER = ("journal", "GET /roster")
PUPILS = ("journal", "GET /pupils")
ROLLOVER = ("journal", "GET /rollover")
ERASURES = ("journal", "GET /journal/v1/schools/{school}/erasures")
PAGES = (
    PageRule("/day", (("journal", "GET /teachers/{teacher_id}/day"), ROSTER)),  # days off
    PageRule(
        "/lessons/{class_id}/{lesson}",
        (("journal", "GET /classes/{class_id}/lessons/{lesson_id}"), ROSTER),
        lesson_owners,
    ),
    PageRule(
        "/journal/{class_id}/{subject_id}",
        (("journal", "GET /classes/{class_id}/subjects/{subject_id}/grid"), ROSTER),
        class_subject_owners,
    ),
    PageRule(
        "/journal/{class_id}/{subject_id}/download/xlsx?from=2026-09-01&to=2026-09-30",
        (("journal", "GET /classes/{class_id}/subjects/{subject_id}/journal.{file_format}"),),
        class_subject_owners,
    ),
    PageRule(
        "/class/{class_id}/period-marks/csv?period_id=q1",
        (("journal", "GET /classes/{class_id}/period-marks.{file_format}"),),
        lambda facts: frozenset({facts.class_teacher}),  # the whole class: its class teacher
    ),
    PageRule(
        "/class/{class_id}/pupil-marks?pupil_id={pupil}&format=xlsx&from=2026-09-01&to=2026-09-30",
        (("journal", "GET /classes/{class_id}/pupils/{pupil_id}/marks.{file_format}"),),
        lambda facts: frozenset({facts.class_teacher}),
    ),
    PageRule(
        "/class/{class_id}/archive.pdf", (("journal", "GET /classes/{class_id}/archive.pdf"),)
    ),
    PageRule("/remarks", (("journal", "GET /teachers/{teacher_id}/remarks"),)),
    PageRule("/class", (ROSTER,)),  # a class teacher's own class; others choose or are told
    PageRule("/checks", (("journal", "GET /checks"), ROSTER)),
    PageRule("/admin/roster", (PUPILS, ROSTER)),
    PageRule("/admin/staff", (("enrollment", "GET /staff"), ROSTER)),
    PageRule("/admin/applications", (("enrollment", "GET /applications"), PUPILS, ROSTER)),
    PageRule("/admin/exports", (("exporter", "GET /runs"),)),
    PageRule("/admin/periods", (ROLLOVER, ROSTER)),
    # The plan's forms only: shown to whom the journal lets set the plan.
    PageRule("/admin/year-plan", (ROLLOVER, ROSTER, ("journal", "PUT /config/calendar"))),
    PageRule("/admin/rollover", (ROLLOVER, PUPILS, ROSTER)),  # the plan: admin only, optional
    # The next year's roster and proposals: none before the rollover (the demo's year is open).
    PageRule("/admin/rollover/timetables", (ROLLOVER,)),
    PageRule(
        "/admin/erasures", (ERASURES, ("journal", "GET /journal/v1/schools/{school}/erasures/due"))
    ),
    PageRule("/audit", (("audit", "GET /schools/{school}/anchors"),)),  # the roster: optional
    PageRule("/audit/verify", (("audit", "GET /schools/{school}/anchors"),)),
)
PEOPLE = (
    ("t015", "teacher"),  # the lesson's and the journal's teacher
    ("t033", "teacher"),  # another teacher: English in 5А, leads no class
    ("dep1", "deputy"),
    ("adm1", "admin"),
    ("head1", "head"),
    ("t064", "auditor"),  # the auditor comes from outside; any name of the list will do
)


async def facts_of(system) -> Facts:
    """The roster's teachers of maths in 5А, its class teacher, and t015's first lesson there."""
    token = system.tokens["ADMIN_TOKEN"]
    base = f"{system.api_urls['journal']}/journal/v1/schools/{SCHOOL}/years/{YEAR}"
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=30, headers=headers) as client:
        roster = (await client.get(f"{base}/roster")).json()
        grid = (
            await client.get(
                f"{base}/classes/{CLASS_ID}/subjects/{SUBJECT_ID}/grid",
                params={"from": "2026-09-01", "to": "2026-09-30"},
            )
        ).json()
        lesson_id = next(x["lesson_id"] for x in grid["lessons"] if x["teacher_id"] == TEACHER)
        lesson = (await client.get(f"{base}/classes/{CLASS_ID}/lessons/{lesson_id}")).json()
    return Facts(
        lesson_id=lesson_id,
        lesson_teachers=frozenset(
            {lesson["teacher"]["staff_id"], lesson["timetabled_teacher"]["staff_id"]}
        ),
        subject_teachers=frozenset(
            a["teacher_id"]
            for a in roster["assignments"]
            if (a["class_id"], a["subject_id"]) == (CLASS_ID, SUBJECT_ID)
        ),
        class_teacher=next(
            c["class_teacher_id"] for c in roster["classes"] if c["class_id"] == CLASS_ID
        ),
        pupil_id=grid["rows"][0]["pupil_id"],
    )


def test_every_page_names_routes_of_the_api_matrix():
    for page in PAGES:
        for api, route in page.reads:
            assert allowed(api, route), f"{page.path}: {api} {route} lets no one through"


def test_the_table_tells_the_teacher_apart_from_another():
    facts = Facts("l1", frozenset({TEACHER}), frozenset({TEACHER}), "t023")
    lesson = PAGES[1]

    assert lesson.expected("teacher", TEACHER, facts) == 200
    assert lesson.expected("teacher", "t033", facts) == 403
    assert lesson.expected("auditor", "t064", facts) == 403
    assert lesson.expected("head", "head1", facts) == 200


@pytest.mark.parametrize(("staff_id", "role"), PEOPLE, ids=[f"{r}-{s}" for s, r in PEOPLE])
async def test_each_page_answers_each_role_as_the_apis_do(system, page: Page, staff_id, role):
    facts = await facts_of(system)
    await sign_in(page, system.web_url, staff_id, role)
    wrong: list[str] = []
    for rule in PAGES:
        address = rule.address(facts)
        want = rule.expected(role, staff_id, facts)
        response = await page.context.request.get(f"{system.web_url}{address}", max_redirects=0)
        body = await response.text()
        if response.status != want:
            wrong.append(f"{address}: {response.status}, want {want} ({body[:120]!r})")
        elif want == 403 and REFUSAL_TEXT not in body:
            wrong.append(f"{address}: 403 without the refusal page")
    assert not wrong, f"{role} {staff_id}:\n" + "\n".join(wrong)


async def test_signed_out_every_page_sends_to_the_sign_in_page(system, page: Page):
    facts = await facts_of(system)
    wrong: list[str] = []
    for rule in PAGES:
        address = rule.address(facts)
        response = await page.context.request.get(f"{system.web_url}{address}", max_redirects=0)
        location = response.headers.get("location", "")
        if response.status != 303 or not location.startswith("/signin?next="):
            wrong.append(f"{address}: {response.status} to {location!r}")
    assert not wrong, "\n".join(wrong)


async def test_another_teachers_lesson_shows_the_refusal_page(system, page: Page):
    facts = await facts_of(system)
    await sign_in(page, system.web_url, "t033", "teacher")
    response = await page.goto(f"{system.web_url}/lessons/{CLASS_ID}/{facts.lesson_id}")
    assert response is not None
    assert response.status == 403
    await expect(page.get_by_role("heading", level=1)).to_have_text(REFUSAL_TEXT)
    await expect(page.locator("main code")).to_have_text("not_your_class")
    await assert_accessible(page)


async def test_an_administrators_page_shows_a_teacher_the_refusal_page(system, browser: Browser):
    context = await browser.new_context(viewport={"width": 1366, "height": 768}, locale="ru-RU")
    page = await context.new_page()
    await sign_in(page, system.web_url, TEACHER, "teacher")
    response = await page.goto(f"{system.web_url}/admin/applications")
    assert response is not None
    assert response.status == 403
    await expect(page.get_by_role("heading", level=1)).to_have_text(REFUSAL_TEXT)
    await expect(page.locator("main code")).to_have_text("role_not_allowed")
    await context.close()
