"""The administrator's pages through the web app with fake APIs: each form sends the API one
command with the form's request id as its Idempotency-Key and goes back to the page (303), or
shows the page again with the API's refusal beside the form; the rollover's plan is a dry run
of the exceptions in the address; a reader the API refuses gets the refusal page.

The APIs are a fake `Backends` (answers by API and path, writes recorded); the app, its session,
CSRF check, templates and error pages are the real ones.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import pytest_asyncio

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
    answered by `answers` (by path), or refused by `refusal`."""

    gets: dict[tuple[str, str], Any] = field(default_factory=dict)
    sent: list[tuple[str, str, str, Any, str | None]] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    refusal: ApiRefused | None = None

    def answer_get(self, call: Call) -> Any:
        return stored(self.gets, (call.api, call.path), ApiRefused(404, "not_found", call.path))

    def answer_download(self, call: Call) -> Download:
        assert (call.api, call.path) in {
            ("enrollment", f"{E}/applications/p0001-abc/form.pdf"),
            ("journal", f"{J}/archive/archive-2026-5a.pdf"),
        }
        return Download(b"%PDF-1.7 ...", "application/pdf", 'inline; filename="a.pdf"')

    def answer_send(self, call: Call) -> Any:
        self.sent.append((call.api, call.method, call.path, call.json, call.idempotency_key))
        if self.refusal is not None and not (call.json or {}).get("dry_run"):
            raise self.refusal
        return copy.deepcopy(self.answers.get(call.path, {"seq": 1}))


@pytest.fixture
def apis() -> FakeApis:
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


@pytest_asyncio.fixture
async def admin(apis: FakeApis) -> AsyncIterator[httpx.AsyncClient]:
    async with await signed_in(apis, "adm1", "admin") as http:
        yield http


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


async def test_the_roster_lists_classes_with_their_teacher_and_size_and_suggests_an_id(admin):
    page = await admin.get("/admin/roster")

    assert page.status_code == 200
    assert '<a href="/admin/roster/5a">5А</a>' in page.text
    assert "Федотова Нина Сергеевна" in page.text
    assert 'name="pupil_id" value="p0003"' in page.text


@pytest.mark.parametrize("path", PAGES)
async def test_every_page_shows(admin, path):
    page = await admin.get(path)

    assert page.status_code == 200, page.text
    assert "<h1>" in page.text


async def test_the_diary_check_lists_the_differences_in_the_schools_words(admin):
    page = await admin.get("/admin/exports/check")

    assert "Найдено расхождений: 2." in page.text
    assert "нет в дневнике — 1" in page.text
    assert '<code>{"topic": "Дробь"}</code>' in page.text.replace("&#34;", '"')


async def test_joining_a_class_sends_the_pupil_and_date_once(admin, apis):
    answer = await post(admin, "/admin/roster/5a", "/admin/roster/5a/join",
                        pupil_id="p0002", since="2026-12-07")  # fmt: skip

    assert answer.status_code == 303
    assert answer.headers["location"] == "/admin/roster/5a?done=join"
    [(api, method, path, body, key)] = apis.sent
    assert (api, method, path, body) == (
        "journal", "POST", f"{J}/classes/5a/members", {"pupil_id": "p0002", "since": "2026-12-07"}
    )  # fmt: skip
    assert key


async def test_a_transfer_leaves_this_class_and_joins_the_other_the_next_day(admin, apis):
    answer = await post(admin, "/admin/roster/5a", "/admin/roster/5a/transfer",
                        pupil_id="p0001", to_class_id="5b", last_day="2026-12-31",
                        reason="")  # fmt: skip

    assert answer.headers["location"] == "/admin/roster/5b?done=transferred"
    assert [(path, body) for _a, _m, path, body, _k in apis.sent] == [
        (f"{J}/classes/5a/members/p0001/leave",
         {"last_day": "2026-12-31", "reason": "перевод в другой класс"}),
        (f"{J}/classes/5b/members", {"pupil_id": "p0001", "since": "2027-01-01"}),
    ]  # fmt: skip


async def test_registering_a_pupil_into_a_class_puts_the_pupil_then_joins(admin, apis):
    answer = await post(admin, "/admin/roster", "/admin/roster/pupils", pupil_id="p0003",
                        full_name="Новикова Ольга", birth_date="2015-05-05", class_id="5a",
                        since="2026-12-07")  # fmt: skip

    assert answer.headers["location"] == "/admin/roster/5a?done=joined"
    assert [(m, path, body) for _a, m, path, body, _k in apis.sent] == [
        ("PUT", f"{J}/pupils/p0003", {"full_name": "Новикова Ольга", "birth_date": "2015-05-05"}),
        ("POST", f"{J}/classes/5a/members", {"pupil_id": "p0003", "since": "2026-12-07"}),
    ]


async def test_a_pupil_without_an_id_is_refused_beside_the_field_with_nothing_sent(admin, apis):
    answer = await post(admin, "/admin/roster", "/admin/roster/pupils", pupil_id="",
                        full_name="Новикова Ольга")  # fmt: skip

    assert answer.status_code == 422
    assert 'id="pupil-refusal"' in answer.text
    assert 'id="pupil-pupil_id-problem">обязательное поле' in answer.text
    assert 'value="Новикова Ольга"' in answer.text  # what was typed stays
    assert apis.sent == []


async def test_recording_an_application_sends_the_filled_fields_and_opens_it(admin, apis):
    answer = await post(admin, "/admin/applications", "/admin/applications", pupil_id="p0001",
                        relation="parent", applicant_name="Соколова Ирина Павловна",
                        kinship="mother", uid="733001", contact="")  # fmt: skip

    assert answer.status_code == 303
    assert answer.headers["location"] == "/admin/applications/p0001-new?done=recorded"
    [(_api, _m, _path, body, key)] = apis.sent
    assert body == {"pupil_id": "p0001", "uid": "733001", "relation": "parent",
                    "applicant_name": "Соколова Ирина Павловна", "kinship": "mother"}  # fmt: skip
    assert key


async def test_a_validation_refusal_marks_the_field_it_concerns(admin, apis):
    apis.refusal = ApiRefused(
        422, "invalid_request", "1 error", [{"type": "int_parsing", "loc": ["body", "uid"]}]
    )

    answer = await post(admin, "/admin/applications", "/admin/applications", pupil_id="p0001",
                        relation="parent", applicant_name="Соколова", uid="abc")  # fmt: skip

    assert answer.status_code == 422
    assert "Проверьте отмеченные поля формы." in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert 'id="application-uid-problem">нужно целое число' in answer.text
    assert 'name="uid" value="abc"' in answer.text


async def test_approving_too_early_shows_the_refusal_beside_the_approval(admin, apis):
    apis.refusal = ApiRefused(409, "not_checked", "the passport was not checked")
    page = await admin.get("/admin/applications/p0001-abc")

    answer = await post(admin, "/admin/applications/p0001-abc",
                        "/admin/applications/p0001-abc/approve")  # fmt: skip

    assert answer.status_code == 409
    assert 'id="approve-refusal"' in answer.text
    assert "Сначала отметьте проверку паспорта." in answer.text
    assert key_of(answer) != key_of(page)  # a corrected try is a new request
    assert apis.sent[0][:4] == ("enrollment", "POST", f"{E}/applications/p0001-abc/approve", None)


async def test_the_passport_check_names_who_saw_the_passport(admin, apis):
    answer = await post(admin, "/admin/applications/p0001-abc",
                        "/admin/applications/p0001-abc/passport-check",
                        checked_by="t023")  # fmt: skip

    assert answer.headers["location"] == "/admin/applications/p0001-abc?done=passport-check"
    assert apis.sent[0][2:4] == (
        f"{E}/applications/p0001-abc/passport-check",
        {"checked_by": "t023"},
    )


async def test_the_printed_form_is_the_enrollments_pdf_with_its_disposition(admin):
    answer = await admin.get("/admin/applications/p0001-abc/form.pdf")

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == 'inline; filename="a.pdf"'
    assert answer.content.startswith(b"%PDF-")


async def test_revoking_a_uid_sends_the_reason_with_a_delete(admin, apis):
    answer = await post(admin, "/admin/staff", "/admin/staff/uid/revoke", staff_id="t015",
                        reason="уволилась")  # fmt: skip

    assert answer.headers["location"] == "/admin/staff?done=revoke"
    assert apis.sent[0][:4] == (
        "enrollment",
        "DELETE",
        f"{E}/staff/t015/uid",
        {"reason": "уволилась"},
    )


async def test_a_full_export_can_be_forced_and_the_page_shows_the_run(admin, apis):
    answer = await post(admin, "/admin/exports", "/admin/exports/runs", kind="full", force="1")

    assert answer.headers["location"] == f"/admin/exports?run={RUN['run_id']}"
    assert apis.sent[0][2:4] == (f"{X}/runs", {"kind": "full", "force": True})
    shown = await admin.get(answer.headers["location"])
    assert "Выгрузка выполнена." in shown.text


async def test_closing_a_period_asks_first_then_closes(admin, apis):
    asked = await post(admin, "/admin/periods", "/admin/periods/q1/close")
    assert asked.headers["location"] == "/admin/periods?close=q1"
    assert apis.sent == []
    confirm = await admin.get(asked.headers["location"])
    assert "Закрыть период «1 четверть»?" in confirm.text

    closed = await post(admin, "/admin/periods?close=q1", "/admin/periods/q1/close", confirm="yes")

    assert closed.headers["location"] == "/admin/periods?done=closed"
    assert apis.sent[0][1:3] == ("POST", f"{J}/periods/q1/close")


async def test_the_rollover_plan_is_a_dry_run_of_the_exceptions_in_the_address(admin, apis):
    page = await admin.get("/admin/rollover?o=p0001:repeating&pupil_id=p0002&outcome=promoted_"
                           "conditionally&debts=math")  # fmt: skip

    assert page.status_code == 200
    [(_api, method, path, body, key)] = apis.sent
    assert (method, path, key) == ("POST", f"{J}/rollover", None)
    assert body == {
        "outcomes": {
            "p0001": {"outcome": "repeating", "debts": []},
            "p0002": {"outcome": "promoted_conditionally", "debts": ["math"]},
        },
        "dry_run": True,
    }
    assert 'name="o" value="p0002:promoted_conditionally:math"' in page.text
    assert "оставлен на повторное обучение" in page.text


async def test_the_rollover_runs_only_when_confirmed(admin, apis):
    unconfirmed = await post(admin, "/admin/rollover", "/admin/rollover", o="p0001:repeating")
    assert unconfirmed.status_code == 422
    assert "Подтвердите перевод." in unconfirmed.text
    assert all(body["dry_run"] for _a, _m, _p, body, _k in apis.sent)

    apis.answers[f"{J}/rollover"] = PLAN | {"dry_run": False, "closed": True, "steps": 9}
    done = await post(admin, "/admin/rollover", "/admin/rollover", o="p0001:repeating",
                      confirm="yes")  # fmt: skip

    assert done.status_code == 200
    assert "Учебный год закрыт, ученики переведены в 2027/28." in done.text
    run = apis.sent[-1]
    assert run[3] == {"outcomes": {"p0001": {"outcome": "repeating", "debts": []}},
                      "dry_run": False}  # fmt: skip
    assert run[4]  # the form's request id: a second click is the same rollover


async def test_a_sealed_years_page_links_the_archive_the_journal_kept(admin, apis):
    apis.gets["journal", f"{J}/rollover"] = STATUS | {"closed_into": 2027}
    printing = await admin.get("/admin/rollover")
    apis.gets["journal", f"{J}/archive"] = {
        "school": "s1", "year": 2026, "dated": "2027-05-31",
        "files": [{"file": "archive-2026-5a.pdf", "class_id": "5a", "label": "5А",
                   "size": 240_000, "sha256": "ab" * 32}],
    }  # fmt: skip
    kept = await admin.get("/admin/rollover")
    file = await admin.get("/archive/2026/archive-2026-5a.pdf")
    not_a_name = await admin.get("/archive/2026/..secret")

    assert "Архив года печатается" in printing.text
    assert '<a href="/archive/2026/archive-2026-5a.pdf" download>5А</a>' in kept.text
    assert '<a href="/archive/2026/SHA256SUMS" download>SHA256SUMS</a>' in kept.text
    assert (file.status_code, file.content) == (200, b"%PDF-1.7 ...")
    assert not_a_name.status_code == 404


async def test_a_reader_the_api_refuses_gets_the_refusal_page(apis):
    apis.gets["journal", f"{J}/pupils"] = ApiRefused(403, "role_not_allowed", "needs admin")
    async with await signed_in(apis, "t015", "teacher") as teacher:
        page = await teacher.get("/admin/roster")

    assert page.status_code == 403
    assert "У вас нет доступа к этой странице." in page.text
    assert "Классы" not in page.text


async def test_a_form_without_the_csrf_token_is_refused(admin, apis):
    answer = await admin.post("/admin/staff/uid", data={"staff_id": "t015", "uid": "1"})

    assert answer.status_code == 403
    assert apis.sent == []
