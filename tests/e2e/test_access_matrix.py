"""DESIGN.md §6 as a table: every role × every endpoint group of every service, over HTTP.

Each service's table names its endpoint groups (method and path) and the personas a group lets
through. The test walks the app's own routes, so a route that no group names fails the test
(a new endpoint must take its place in the matrix). For every route and persona it sends a
request with an empty body: a persona the group lets through must not be refused (any answer but
401/403; an empty body is then a 422, an unknown id a 404), every other persona gets a 403 with
a machine-readable reason. Then every route refuses a request without a token, with a forged
token, with an expired one (401) and with a token of another school (403).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pytest
import pytest_asyncio

from services.common.dev_tokens import DevTokenIssuer
from tests.support.diary import lesson_record
from tests.support.diary_served import (
    ANNA,
    PARENT,
    PUPIL,
    TEACHER,
    anna_in_5a,
    feed_applied,
    publish_granted,
)
from tests.support.journal import seed_small_school
from tests.support.running import (
    RunningApp,
    running_audit,
    running_diary,
    running_enrollment,
    running_exporter,
    running_journal,
)
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

SCHOOL, YEAR = "s1", 2026


@dataclass(frozen=True)
class Persona:
    """Who calls: the token's user, roles and portal UID."""

    user: str
    roles: tuple[str, ...]
    uid: int | None = None


PERSONAS: Mapping[str, Persona] = {
    "admin": Persona("admin-1", ("admin",)),
    "head": Persona("head-1", ("head",)),
    "deputy": Persona("deputy-1", ("deputy",)),
    "teacher": Persona("t-math", ("teacher",)),  # teaches maths in 5a
    "auditor": Persona("auditor-1", ("auditor",)),
    "system": Persona("exporter", ("system",)),
    "parent": Persona("parent-1", ("parent",), PARENT),  # Anna's parent
    "pupil": Persona("pupil-1", ("pupil",), PUPIL),  # Anna
    "teacher-uid": Persona("t-math", ("teacher",), TEACHER),  # maths in 5a, on the portal
}
SCHOOL_STAFF = frozenset({"admin", "head", "deputy", "teacher", "teacher-uid"})
READ_ALL = frozenset({"admin", "head", "deputy"})
PORTAL = frozenset({"parent", "pupil", "teacher-uid"})
# Why a persona is refused: the role, or (with the right role) no right to this data.
REFUSALS = frozenset(
    {"role_not_allowed", "wrong_role", "not_your_class", "not_your_day", "no_grant", "no_uid"}
)

# Path parameters: the ids of the data each service holds in this test.
PATH_VALUES: Mapping[str, str] = {
    "school": SCHOOL,
    "year": str(YEAR),
    "class_id": "5a",
    "subject_id": "math",
    "lesson_id": "l1",
    "pupil_id": "p01",
    "pupil": ANNA,
    "teacher_id": "t-math",
    "staff_id": "t-math",
    "mark_id": "m1",
    "period_id": "q1",
    "scheme_id": "halves",
    "attachment_id": "att1",
    "date": "2026-09-07",
    "run_id": "r1",
    "thread_id": "t1",
    "application_id": "p01-0123456789",
    "uid": "101",
    "kind": "class",
    "check_id": "c1",
    "remark_id": "r1",
    "person": "p01",
    "file_format": "xlsx",
    "file_name": "SHA256SUMS",
    "edition": "1",
}
# Query parameters some routes require, so that a persona let through reaches the handler.
QUERY: Mapping[str, Mapping[str, str]] = {
    "grid": {"from": "2026-09-01", "to": "2026-09-30"},
    "day": {"date": "2026-09-07"},
    "period-marks": {"period_id": "q1"},
    "journal.xlsx": {"from": "2026-09-01", "to": "2026-09-30"},
    "period-marks.xlsx": {"period_id": "q1"},
    "marks.xlsx": {"from": "2026-09-01", "to": "2026-09-30"},
}


@dataclass(frozen=True)
class Group:
    """Routes (method, path pattern after the service's prefix) and who they let through."""

    name: str
    routes: tuple[tuple[str, str], ...]
    allowed: frozenset[str]
    public: bool = False  # needs no token at all (published public keys)


def _routes(*spec: str) -> tuple[tuple[str, str], ...]:
    return tuple((s.split(" ", 1)[0], s.split(" ", 1)[1]) for s in spec)


JOURNAL = (
    Group(
        "roster and configuration",
        _routes(
            "PUT ",
            "PUT /config/mark-scale",
            "PUT /config/work-kinds",
            "PUT /subjects/{subject_id}",
            "PUT /staff/{staff_id}",
            "PUT /pupils/{pupil_id}",
            "PUT /classes/{class_id}",
            "PUT /classes/{class_id}/class-teacher",
            "POST /classes/{class_id}/members",
            "POST /classes/{class_id}/members/{pupil_id}/leave",
            "POST /classes/{class_id}/assignments",
            "POST /classes/{class_id}/assignments/remove",
            "PUT /classes/{class_id}/timetable",
            "POST /classes/{class_id}/lessons/schedule",
            "POST /classes/{class_id}/lessons",
        ),
        frozenset({"admin", "system"}),
    ),
    Group(
        "lesson entries with an optional body",
        _routes(
            "POST /classes/{class_id}/lessons/{lesson_id}/held",
            "POST /classes/{class_id}/lessons/{lesson_id}/entries",
        ),
        # An empty body is valid here: without a correction_reason the administration is refused.
        frozenset({"teacher", "teacher-uid"}),
    ),
    Group(
        "lesson entries",
        _routes(
            "PUT /classes/{class_id}/lessons/{lesson_id}/topic",
            "PUT /classes/{class_id}/lessons/{lesson_id}/homework",
            "POST /classes/{class_id}/lessons/{lesson_id}/homework/attachments",
            "POST /classes/{class_id}/lessons/{lesson_id}/marks",
            "POST /classes/{class_id}/lessons/{lesson_id}/marks/{mark_id}/correct",
            "POST /classes/{class_id}/lessons/{lesson_id}/marks/{mark_id}/cancel",
            "PUT /classes/{class_id}/lessons/{lesson_id}/attendance",
            "PUT /classes/{class_id}/lessons/{lesson_id}/absences/{pupil_id}/reason",
        ),
        # The administrator and deputy only as a correction of a closed period: an empty body
        # is invalid before that is looked at (tests/e2e/test_period_marks.py checks the rule).
        frozenset({"teacher", "teacher-uid", "admin", "deputy"}),
    ),
    Group(
        "grading rules, the year's plan and closing periods",
        _routes(
            "PUT /config/grading-rules",
            "PUT /config/period-schemes/{scheme_id}",
            "PUT /subjects/{subject_id}/assessment",
            "PUT /config/calendar",
            "POST /periods/{period_id}/close",
            "POST /periods/{period_id}/reopen",
        ),
        frozenset({"admin", "system"}),
    ),
    Group(
        "set a period mark",
        _routes(
            "PUT /classes/{class_id}/subjects/{subject_id}/period-marks/{period_id}/{pupil_id}"
        ),
        frozenset({"teacher", "teacher-uid", "admin", "deputy"}),  # as lesson entries
    ),
    Group(
        "period marks sheet",
        _routes("GET /classes/{class_id}/subjects/{subject_id}/period-marks"),
        READ_ALL | {"teacher", "teacher-uid"},
    ),
    Group(
        "a class journal page as a spreadsheet",
        _routes("GET /classes/{class_id}/subjects/{subject_id}/journal.{file_format}"),
        READ_ALL | {"teacher", "teacher-uid"},  # as the grid
    ),
    Group(
        "a class's year as the bound journal; the stored archive of a sealed year",
        _routes(
            "GET /classes/{class_id}/archive.pdf",
            "GET /archive",
            "GET /archive/{file_name}",
            "GET /archive/editions",
            "GET /archive/editions/{edition}/{file_name}",
        ),
        READ_ALL,
    ),
    Group(
        "the period marks of a class in every subject; a pupil's marks in every subject",
        _routes(
            "GET /classes/{class_id}/period-marks.{file_format}",
            "GET /classes/{class_id}/pupils/{pupil_id}/marks.{file_format}",
        ),
        READ_ALL,  # and the class teacher: the test's teacher teaches maths only
    ),
    Group(
        "cancel a lesson",
        _routes("POST /classes/{class_id}/lessons/{lesson_id}/cancel"),
        frozenset({"teacher", "teacher-uid", "admin", "deputy"}),
    ),
    Group(
        "substitution",
        _routes("POST /classes/{class_id}/lessons/{lesson_id}/substitute"),
        frozenset({"admin", "deputy"}),
    ),
    Group(
        "journal view",
        _routes(
            "GET /classes/{class_id}/subjects/{subject_id}/grid",
            "GET /classes/{class_id}/lessons/{lesson_id}",
            "GET /classes/{class_id}/lessons/{lesson_id}/homework/attachments/{attachment_id}",
            "GET /teachers/{teacher_id}/day",
        ),
        READ_ALL | {"teacher", "teacher-uid"},
    ),
    Group("record facts", _routes("GET /record-facts"), READ_ALL | {"system"}),
    Group("the year's roster", _routes("GET /roster"), READ_ALL | {"teacher", "teacher-uid"}),
    Group(
        "a class's pupils",
        _routes("GET /classes/{class_id}/members"),
        READ_ALL | {"teacher", "teacher-uid"},  # the teacher teaches maths in 5a
    ),
    Group("every pupil of the year", _routes("GET /pupils"), READ_ALL),
    Group(
        "school-year rollover",
        _routes(
            "POST /rollover",
            "POST /pupils/{pupil_id}/outcome",
            "POST /pupils/{pupil_id}/outcome/undo",
            "POST /pupils/{pupil_id}/debts/{subject_id}/clear",
            "POST /classes/{class_id}/timetable/draft/confirm",
        ),
        frozenset({"admin", "system"}),
    ),
    Group(
        "rollover status",
        _routes("GET /rollover", "GET /classes/{class_id}/timetable/draft"),
        READ_ALL,
    ),
    Group(
        "monthly check: the deputy acts",
        _routes(
            "POST /checks",
            "POST /checks/{check_id}/remarks",
            "POST /checks/{check_id}/remarks/{remark_id}/confirm",
            "POST /checks/{check_id}/remarks/{remark_id}/reopen",
            "POST /checks/{check_id}/close",
        ),
        frozenset({"deputy"}),
    ),
    Group(
        "monthly check: read",
        _routes("GET /checks", "GET /checks/{check_id}", "GET /checks/{check_id}/report"),
        READ_ALL,
    ),
    Group(
        "monthly check: the teacher resolves",
        _routes("POST /checks/{check_id}/remarks/{remark_id}/resolve"),
        frozenset({"teacher", "teacher-uid"}),
    ),
    Group(
        "monthly check: a teacher's remarks",
        _routes("GET /teachers/{teacher_id}/remarks"),
        READ_ALL | {"teacher", "teacher-uid"},
    ),
    # Per school, not per year (the prefix is not theirs): a person's records span years.
    Group(
        "personal data: erase a person",
        _routes("POST /journal/v1/schools/{school}/people/{kind}/{person}/erasure"),
        frozenset({"admin"}),
    ),
    Group(
        "personal data: the erasures and the retention rule's dry run",
        _routes(
            "GET /journal/v1/schools/{school}/erasures",
            "GET /journal/v1/schools/{school}/erasures/due",
        ),
        frozenset({"admin", "head"}),
    ),
)

SCHOOL_PATH = "/diary/v1/schools/{school}"
MESSAGES = f"{SCHOOL_PATH}/messages"
DIARY = (
    Group(
        "a pupil's diary",
        _routes(
            "GET /pupils/{pupil}/days/{date}",
            "GET /pupils/{pupil}/weeks/{date}",
            "GET /pupils/{pupil}/subjects/{subject_id}",
            "GET /pupils/{pupil}/changes",
            "GET /files/{attachment_id}",
        ),
        PORTAL,
    ),
    Group("who am I", _routes("GET /me", "GET /me/profile"), PORTAL),
    Group("my own label", _routes(f"PUT {SCHOOL_PATH}/me/label"), PORTAL),
    # A child's label and seen marker: only who holds the pupil's own or a parent's grant.
    Group(
        "my child's label and what I have seen",
        _routes(
            f"PUT {SCHOOL_PATH}/me/children/{{pupil}}/label",
            f"PUT {SCHOOL_PATH}/me/children/{{pupil}}/seen",
        ),
        frozenset({"parent", "pupil"}),
    ),
    Group("the portal's users", _routes("GET /portal-users"), frozenset({"admin", "system"})),
    # Names public by law: every portal user of the school, no grant needed; and operators.
    Group("the school's teachers", _routes("GET /teachers"), PORTAL | {"admin", "system"}),
    Group(
        "a class's diary",
        _routes(
            "GET /classes/{class_id}/days/{date}", "GET /classes/{class_id}/subjects/{subject_id}"
        ),
        frozenset({"teacher-uid"}),
    ),
    Group(
        "operations",
        _routes("GET /batches", "GET /status", "GET /records"),
        frozenset({"admin", "system"}),
    ),
    Group(
        "start a message thread",
        _routes(f"POST {MESSAGES}/threads", f"POST {MESSAGES}/threads/with-files"),
        frozenset({"teacher-uid"}),
    ),
    Group(
        "messages",
        _routes(
            f"GET {MESSAGES}/threads",
            f"GET {MESSAGES}/unread",
            f"GET {MESSAGES}/threads/{{thread_id}}",
            f"POST {MESSAGES}/threads/{{thread_id}}/read",
            f"POST {MESSAGES}/threads/{{thread_id}}/messages",
            f"GET {MESSAGES}/threads/{{thread_id}}/attachments/{{attachment_id}}",
        ),
        PORTAL,
    ),
)

EXPORTER = (
    Group(
        "export runs",
        _routes("GET /runs", "POST /runs", "GET /runs/{run_id}"),
        frozenset({"admin"}),
    ),
    Group("the diary check", _routes("GET /check"), READ_ALL),
    Group("access grants", _routes("GET /grants", "POST /grants/sync"), frozenset({"admin"})),
)

ENROLLMENT = (
    Group(
        "applications, departures and staff UIDs",
        _routes(
            "POST /applications",
            "POST /applications/{application_id}/passport-check",
            "POST /applications/{application_id}/approve",
            "POST /applications/{application_id}/reject",
            "POST /applications/{application_id}/withdraw",
            "POST /pupils/{pupil_id}/departure",
            "PUT /staff/{staff_id}/uid",
            "DELETE /staff/{staff_id}/uid",
        ),
        frozenset({"admin", "system"}),
    ),
    Group(
        "applications, forms, staff and access history (read)",
        _routes(
            "GET /applications",
            "GET /applications/{application_id}",
            "GET /applications/{application_id}/form",
            "GET /applications/{application_id}/form.pdf",
            "GET /pupils/{pupil_id}/access",
            "GET /staff",
        ),
        READ_ALL,
    ),
)

AUDIT_READERS = frozenset({"auditor", "head", "deputy"})
AUDIT = (
    Group(
        "history, the journal as of a moment, reports, verification",
        _routes(
            "GET /schools/{school}/anchors",
            "POST /schools/{school}/anchors",
            "GET /schools/{school}/applications/{application_id}/history",
            "GET /schools/{school}/grants/{uid}/history",
            "GET /schools/{school}/pupils/{pupil_id}/history",
            "GET /schools/{school}/pupils/{pupil_id}/personal-data-access",
            "GET /schools/{school}/staff/{staff_id}/history",
            "POST /schools/{school}/verifications",
            "GET /schools/{school}/years/{year}/classes/{class_id}/lessons/{lesson_id}",
            "GET /schools/{school}/years/{year}/classes/{class_id}/lessons/{lesson_id}"
            "/absences/{pupil_id}/history",
            "GET /schools/{school}/years/{year}/classes/{class_id}/lessons/{lesson_id}/history",
            "GET /schools/{school}/years/{year}/classes/{class_id}/subjects/{subject_id}/changes",
            "GET /schools/{school}/years/{year}/classes/{class_id}/subjects/{subject_id}/grid",
            "GET /schools/{school}/years/{year}/pupils/{pupil_id}/diary",
            "GET /schools/{school}/years/{year}/pupils/{pupil_id}/subjects/{subject_id}"
            "/marks/history",
            "GET /schools/{school}/years/{year}/reports/{kind}/{subject_id}",
        ),
        AUDIT_READERS,
    ),
    Group("public keys", _routes("GET /keys"), frozenset(PERSONAS), public=True),
)


@dataclass(frozen=True)
class Matrix:
    """One service's table and where its routes live."""

    prefix: str
    groups: tuple[Group, ...]


class Checker:
    """Sends the requests of a service's matrix and collects every disagreement."""

    def __init__(self, app: RunningApp[object], matrix: Matrix) -> None:
        self.app = app
        self.matrix = matrix
        self.problems: list[str] = []

    def routes(self) -> list[tuple[Group, str, str]]:
        """(group, method, concrete path) of every operation in the app's OpenAPI document,
        each of which must be in exactly one group."""
        found: list[tuple[Group, str, str]] = []
        for path, operations in self.app.app.openapi()["paths"].items():
            if path in {"/healthz", "/readyz", "/metrics"}:
                continue
            for method in (m.upper() for m in operations):
                suffix = path.removeprefix(self.matrix.prefix)
                groups = [g for g in self.matrix.groups if (method, suffix) in g.routes]
                if len(groups) != 1:
                    self.problems.append(f"{method} {path}: in {len(groups)} groups")
                    continue
                found.append((groups[0], method, _fill(path)))
        return found

    async def check_roles(self) -> int:
        """Every persona on every route; the number of requests sent."""
        sent = 0
        for group, method, path in self.routes():
            for name, persona in PERSONAS.items():
                headers = self.app.headers(persona.user, *persona.roles, uid=persona.uid)
                response = await self._send(method, path, headers)
                sent += 1
                self._expect(group, name, method, path, response, name in group.allowed)
        return sent

    async def check_tokens(self) -> int:
        """Missing, forged, expired and other-school tokens on every route."""
        forged = DevTokenIssuer("f" * 32).mint("admin-1", ["admin"], SCHOOL)
        expired = self.app.issuer.mint(
            "admin-1", ["admin"], SCHOOL, now=dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        )
        cases = {
            "no token": ({}, 401, "missing_token"),
            "forged": ({"Authorization": f"Bearer {forged}"}, 401, "invalid_signature"),
            "expired": ({"Authorization": f"Bearer {expired}"}, 401, "expired_token"),
        }
        sent = 0
        for group, method, path in self.routes():
            if group.public:
                response = await self._send(method, path, {})
                sent += 1
                if response.status_code != 200:
                    self.problems.append(f"public {method} {path}: {response.status_code}")
                continue
            for case, (headers, status, reason) in cases.items():
                response = await self._send(method, path, headers)
                sent += 1
                if response.status_code != status or _reason(response) != reason:
                    self.problems.append(
                        f"{case} on {method} {path} ({group.name}): "
                        f"{response.status_code} {_reason(response)}, want {status} {reason}"
                    )
            elsewhere = {
                name: self.app.headers(p.user, *p.roles, uid=p.uid, school="s2")
                for name, p in PERSONAS.items()
                if name in group.allowed
            }
            for name, headers in elsewhere.items():
                response = await self._send(method, path, headers)
                sent += 1
                if response.status_code != 403 or _reason(response) != "wrong_school":
                    self.problems.append(
                        f"{name} of school s2 on {method} {path}: "
                        f"{response.status_code} {_reason(response)}"
                    )
        return sent

    async def _send(self, method: str, path: str, headers: Mapping[str, str]):
        body = {} if method in {"POST", "PUT"} else None
        query = QUERY.get(path.rsplit("/", 1)[-1], {})
        return await self.app.http.request(
            method, path, json=body, params=query, headers=dict(headers)
        )

    def _expect(
        self, group: Group, persona: str, method: str, path: str, response, allowed: bool
    ) -> None:
        status, reason = response.status_code, _reason(response)
        if allowed and status in {401, 403}:
            self.problems.append(
                f"{persona} refused on {method} {path} ({group.name}): {status} {reason}"
            )
        elif not allowed and (status != 403 or reason not in REFUSALS):
            self.problems.append(
                f"{persona} let through on {method} {path} ({group.name}): {status} {reason}"
            )

    def assert_clean(self, sent: int) -> None:
        """Fail with every disagreement at once."""
        assert not self.problems, "\n".join(self.problems)
        assert sent > 0


def _fill(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], path)


def _reason(response) -> str | None:
    media_type = response.headers.get("content-type", "").split(";")[0]
    if media_type not in {"application/json", "application/problem+json"}:
        return None
    body = response.json()
    return body.get("reason") if isinstance(body, dict) else None


async def _check(app: RunningApp[object], matrix: Matrix) -> None:
    checker = Checker(app, matrix)
    sent = await checker.check_roles()
    sent += await checker.check_tokens()
    checker.assert_clean(sent)


# ---------------------------------------------------------------- the services


@pytest_asyncio.fixture(loop_scope="session")
async def journal(nats_url, database_url, pg_schema, js):
    async with running_journal(nats_url, database_url, pg_schema) as running:
        await seed_small_school(running.runtime.deps)
        last = (await js.stream_info("JOURNAL")).state.last_seq

        def caught_up() -> None:  # a teacher's right to a class is read from the view
            assert running.runtime.projector.status().last_seq >= last

        await eventually(caught_up, timeout=10)
        yield running


@pytest_asyncio.fixture(loop_scope="session")
async def diary(nats_url, database_url, pg_schema, js):
    async with running_diary(nats_url, database_url, pg_schema) as running:
        records = [
            *anna_in_5a(since=dt.date(2026, 9, 1)),
            lesson_record("l1", dt.date(2026, 9, 7), seq=11),
        ]
        await publish_granted(js, records, (PARENT, PUPIL, TEACHER))
        await feed_applied(running, js)
        yield running


async def test_journal_matrix(journal):
    await _check(journal, Matrix("/journal/v1/schools/{school}/years/{year}", JOURNAL))


async def test_diary_matrix(diary):
    await _check(diary, Matrix("/diary/v1/schools/{school}/years/{year}", DIARY))


NO_GIVENS = {
    "exporter": (running_exporter, Matrix("/exporter/v1/schools/{school}/years/{year}", EXPORTER)),
    "enrollment": (running_enrollment, Matrix("/enrollment/v1/schools/{school}", ENROLLMENT)),
    "audit": (running_audit, Matrix("/audit/v1", AUDIT)),
}
"""The services whose matrix needs nothing recorded first: the runner and the table of each."""


@pytest.mark.parametrize("service", NO_GIVENS)
async def test_matrix_of_a_service_on_empty_streams(service, nats_url, database_url, pg_schema, js):
    run, matrix = NO_GIVENS[service]
    async with run(nats_url, database_url, pg_schema) as running:
        await _check(running, matrix)
