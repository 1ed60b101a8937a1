"""The administrator's pages' world: the APIs as a fake `Backends` (answers by API and path,
writes recorded), their answers (the roster, pupils, an application, the rollover, an export
run, the diary check), and posting a page's form as the browser would.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import httpx

from services.web.application.ports import ApiRefused, Download
from tests.support.fake_apis import Call, FakeBackends, stored
from tests.support.page_forms import csrf_of, field_of
from tests.support.web import signed_in_client

J = "/schools/s1/years/2026"
E = "/enrollment/v1/schools/s1"
X = "/exporter/v1/schools/s1/years/2026"
ROSTER = {
    "school_name": "Школа № 17",
    "periods": [
        {"period_id": "q1", "name": "1 четверть", "starts_on": "2026-09-01",
         "ends_on": "2026-10-26"},
        {"period_id": "q2", "name": "2 четверть", "starts_on": "2026-11-05",
         "ends_on": "2026-12-28"},
    ],
    "staff": [
        {"staff_id": "t015", "full_name": "Пестова Жанна Руслановна", "position": "учитель"},
        {"staff_id": "t023", "full_name": "Федотова Нина Сергеевна", "position": "учитель"},
        {"staff_id": "adm1", "full_name": "Вишневский Руслан Олегович", "position": "админ"},
    ],
    "classes": [
        {"class_id": "5a", "grade": 5, "label": "5А", "class_teacher_id": "t023"},
        {"class_id": "5b", "grade": 5, "label": "5Б", "class_teacher_id": "t015"},
    ],
    "subjects": [{"subject_id": "math", "name": "Математика"}],
    "assignments": [{"class_id": "5a", "subject_id": "math", "teacher_id": "t015", "group": None}],
}  # fmt: skip
PUPILS = {
    "pupils": [
        {"pupil_id": "p0001", "full_name": "Акимова Вероника", "birth_date": "2015-01-02",
         "class_id": "5a"},
        {"pupil_id": "p0002", "full_name": "Белов Кирилл", "birth_date": "2015-03-04",
         "class_id": "5b"},
    ]
}  # fmt: skip
MEMBERS = {
    "members": [
        {"pupil_id": "p0001", "full_name": "Акимова Вероника", "since": "2026-09-01",
         "last_day": None},
    ]
}  # fmt: skip
APPLICATION = {
    "application_id": "p0001-abc",
    "pupil_id": "p0001",
    "uid": 733001,
    "relation": "parent",
    "applicant_name": "Соколова Ирина Павловна",
    "kinship": "mother",
    "contact": None,
    "status": "submitted",
    "submitted_at": "2026-12-05T10:00:00Z",
    "submitted_by": "adm1",
    "checked_at": None,
    "checked_by": None,
    "check_recorded_by": None,
    "decided_at": None,
    "decided_by": None,
    "rejection_reason": None,
    "linked_from": None,
    "linked_to": None,
    "ended_by": None,
    "end_requested_by": None,
    "end_reason": None,
}
STATUS = {"year": 2026, "closed_into": None, "counts": {"none": 2}, "open_debts": 0, "pupils": []}
PLAN = {
    "year": 2026, "next_year": 2027, "dry_run": True, "closed": False, "seconds": 0.1,
    "steps": 0, "recorded": 0, "duplicates": 0, "already": 0,
    "outcomes": {"promoted": 1, "repeating": 1}, "staff": 3, "pupils": 2,
    "classes": [{"class_id": "6a", "grade": 6, "label": "6А", "class_teacher_id": "t023",
                 "assignments": 1, "pupils": 1, "source": "5a"}],
    "moves": [{"pupil_id": "p0001", "from_class": "5a", "outcome": "repeating",
               "to_class_id": "5a", "debts": []}],
    "differs": [], "failures": [],
}  # fmt: skip
RUN = {
    "run_id": "8641996e-c310-434d-a300-8f56b6ec78fc", "batch_id": "b-1", "school": "s1",
    "year": 2026, "kind": "delta", "trigger": "api", "from_seq": 1, "to_seq": 9,
    "started_at": "2026-12-05T10:00:00Z", "finished_at": "2026-12-05T10:00:01Z",
    "status": "published", "records": 12, "files_copied": 0, "files_missing": 0,
    "checksum": "c", "duration_ms": 900, "error": None, "already_exported": False,
}  # fmt: skip
CHECK = {
    "school": "s1", "year": 2026, "checked_at": "2026-12-05T10:00:00+00:00", "agrees": False,
    "journal_records": 10, "diary_records": 9, "total_differences": 2,
    "by_problem": {"missing_in_diary": 1, "different": 1},
    "differences": [
        {"kind": "lesson", "record_id": "5a-20260909-2", "problem": "missing_in_diary",
         "where": "", "journal": None, "diary": None},
        {"kind": "lesson", "record_id": "5a-20260910-1", "problem": "different",
         "where": "topic", "journal": "Дроби", "diary": {"topic": "Дробь"}},
    ],
}  # fmt: skip
PAGES = (
    "/admin/roster", "/admin/roster/5a", "/admin/staff", "/admin/staff?edit=t015",
    "/admin/applications", "/admin/applications?status=approved",
    "/admin/applications/p0001-abc", "/admin/exports", "/admin/exports/check",
    "/admin/periods", "/admin/periods?close=q2", "/admin/rollover",
)  # fmt: skip


@dataclass
class FakeApis(FakeBackends):
    """GET answers by (api, path); writes recorded as (api, method, path, body, key) and
    answered by `answers` (by path), or refused by `refusal` (the rollover's plan by
    `plan_refusal`)."""

    gets: dict[tuple[str, str], Any] = field(default_factory=dict)
    sent: list[tuple[str, str, str, Any, str | None]] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    refusal: ApiRefused | None = None
    plan_refusal: ApiRefused | None = None  # of the rollover's plan (a dry run)

    def answer_get(self, call: Call) -> Any:
        return stored(self.gets, (call.api, call.path), ApiRefused(404, "not_found", call.path))

    def answer_download(self, call: Call) -> Download:
        assert (call.api, call.path) in {
            ("enrollment", f"{E}/applications/p0001-abc/form.pdf"),
            ("journal", f"{J}/archive/archive-2026-5a.pdf"),
            ("journal", f"{J}/archive/editions/1/archive-2026-5a.pdf"),
        }
        return Download(b"%PDF-1.7 ...", "application/pdf", 'inline; filename="a.pdf"')

    def answer_send(self, call: Call) -> Any:
        self.sent.append((call.api, call.method, call.path, call.json, call.idempotency_key))
        if self.refusal is not None and not (call.json or {}).get("dry_run"):
            raise self.refusal
        if self.plan_refusal is not None and (call.json or {}).get("dry_run"):
            raise self.plan_refusal
        return copy.deepcopy(self.answers.get(call.path, {"seq": 1}))


def the_apis() -> FakeApis:
    """The fake APIs with every page's answers (a period not closed yet)."""
    sheet = {"closed": False}
    return FakeApis(
        gets={
            ("journal", f"{J}/roster"): ROSTER,
            ("journal", f"{J}/pupils"): PUPILS,
            ("journal", f"{J}/classes/5a/members"): MEMBERS,
            ("journal", f"{J}/rollover"): STATUS,
            ("journal", f"{J}/classes/5a/subjects/math/period-marks"): sheet,
            ("enrollment", f"{E}/applications"): [APPLICATION],
            ("enrollment", f"{E}/applications/p0001-abc"): APPLICATION,
            ("enrollment", f"{E}/staff"): [],
            ("exporter", f"{X}/runs"): [RUN],
            ("exporter", f"{X}/check"): CHECK,
        },
        answers={
            f"{E}/applications": {"application_id": "p0001-new"},
            f"{X}/runs": RUN,
            f"{J}/rollover": PLAN,
        },
    )


async def signed_in(apis: FakeApis, staff_id: str, role: str) -> httpx.AsyncClient:
    return signed_in_client(apis, staff_id, role)


async def post(http: httpx.AsyncClient, page: str, path: str, **fields: Any) -> httpx.Response:
    """Open `page`, then post to `path` with its CSRF token and its forms' request id."""
    html = (await http.get(page)).text
    key = field_of(html, "request_id")
    sent = {"csrf_token": csrf_of(html)} | ({"request_id": key} if key else {})
    return await http.post(path, data=sent | fields)


def key_of(answer: httpx.Response) -> str:
    """The request id the page was shown with (each showing has its own)."""
    found = field_of(answer.text, "request_id")
    assert found
    return found
