"""The monthly check pages through the web app with a fake journal: the list and the form that
opens a check, a check's findings and the deputy's actions (each a plain POST that redirects back,
or the page again with the refusal beside the form), the report and its CSV, the teacher's
remarks, and what the head sees.

The journal is a fake standing in for the HTTP APIs (`Backends`): its views follow a write at
once. The app, its session, CSRF check, templates and error pages are the real ones.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import pytest_asyncio

from services.web.application.ports import ApiRefused
from tests.support.fake_apis import Call, FakeBackends, check_findings, stored
from tests.support.page_forms import csrf_of
from tests.support.web import signed_in_client
from tests.unit.web.check_givens import remark_json

BASE = "/schools/s1/years/2026"
CHECK = f"{BASE}/checks/c-1"
ROSTER = {
    "school_name": "Школа № 17",
    "staff": [
        {"staff_id": "t015", "full_name": "Пестова Жанна Руслановна", "position": "учитель"},
        {"staff_id": "dep1", "full_name": "Лукьянова Вероника", "position": "завуч"},
    ],
    "classes": [{"class_id": "5a", "grade": 5, "label": "5А", "class_teacher_id": "t015"}],
    "subjects": [{"subject_id": "math", "name": "Математика"}],
    "assignments": [{"class_id": "5a", "subject_id": "math", "teacher_id": "t015", "group": None}],
}
NO_TOPIC = {
    "finding_id": "no_topic:5a-20260909-2",
    "kind": "no_topic",
    "class_id": "5a",
    "teacher_id": "t015",
    "date": "2026-09-09",
    "lesson_id": "5a-20260909-2",
    "subject_id": "math",
    "pupil_id": None,
    "detail": "",
}
ABSENCE = NO_TOPIC | {
    "finding_id": "absence_without_reason:5a-20260909-2:p1",
    "kind": "absence_without_reason",
    "pupil_id": "p1",
    "detail": "причина пропуска не указана за 3 дн.",
}
DETAIL = {
    "check_id": "c-1",
    "month": "2026-09",
    "scope": "class",
    "target_id": "5a",
    "opened_by": "dep1",
    "opened_at": "2026-10-02T08:00:00Z",
    "closed": False,
    "closed_at": None,
    "findings": check_findings([NO_TOPIC, ABSENCE], [NO_TOPIC, ABSENCE]),
    "remarks": [],
}
MEMBERS = {"members": [{"pupil_id": "p1", "full_name": "Акимова Вероника", "since": "2026-09-01"}]}


def remark(status: str, shown: str | None = None, **extra: Any) -> dict[str, Any]:
    defaults = {"text": "Запишите тему урока", "finding_id": NO_TOPIC["finding_id"]}
    return remark_json(status, shown, **(defaults | extra))


@dataclass
class FakeJournal(FakeBackends):
    """GET answers by path; writes recorded, refused (`refusal`) or shown in the views; the
    check pages download nothing from the APIs."""

    gets: dict[str, Any] = field(default_factory=dict)
    sent: list[tuple[str, Any, str | None]] = field(default_factory=list)
    refusal: ApiRefused | None = None

    def answer_get(self, call: Call) -> Any:
        return stored(self.gets, call.path, ApiRefused(404, "not_found", call.path))

    def answer_send(self, call: Call) -> Any:
        self.sent.append((call.path, call.json, call.idempotency_key))
        if self.refusal is not None:
            raise self.refusal
        return self._show(call.path.removeprefix(BASE), call.json)

    def _show(self, path: str, body: Any) -> dict[str, Any]:
        """The views follow the write (as the journal's projections do a moment later)."""
        detail = self.gets[CHECK]
        if path == "/checks":
            self.gets[f"{BASE}/checks/c-2"] = DETAIL | {"check_id": "c-2"}
            return {"check_id": "c-2"}
        if path.endswith("/remarks"):
            detail["remarks"].append(remark("issued", text=body["text"]))
            return {"remark_id": "r-1"}
        if path.endswith("/close"):
            detail["closed"] = True
        for action, status in (("confirm", "confirmed"), ("reopen", "reopened")):
            if path.endswith(f"/{action}"):
                detail["remarks"][0].update(status=status, shown_status=status)
        if path.endswith("/resolve"):
            self.gets[f"{BASE}/teachers/t015/remarks"][0].update(
                status="resolved", shown_status="resolved", resolve_note=body["note"]
            )
        return {"seq": 1}


@pytest.fixture
def journal() -> FakeJournal:
    listed = {k: DETAIL[k] for k in ("check_id", "month", "scope", "target_id", "opened_by")}
    return FakeJournal(
        gets={
            f"{BASE}/roster": ROSTER,
            f"{BASE}/checks": [listed | {"opened_at": DETAIL["opened_at"], "closed": False,
                                         "findings_at_opening": 2, "remarks": 0}],
            CHECK: copy.deepcopy(DETAIL),
            f"{BASE}/classes/5a/members": MEMBERS,
            f"{BASE}/teachers/t015/remarks": [remark("issued")],
        }
    )  # fmt: skip


async def signed_in(journal: FakeJournal, staff_id: str, role: str) -> httpx.AsyncClient:
    return signed_in_client(journal, staff_id, role)


@pytest_asyncio.fixture
async def deputy(journal: FakeJournal) -> AsyncIterator[httpx.AsyncClient]:
    async with await signed_in(journal, "dep1", "deputy") as http:
        yield http


async def post(http: httpx.AsyncClient, path: str, **fields: str) -> httpx.Response:
    page = (await http.get("/checks")).text
    return await http.post(path, data={"csrf_token": csrf_of(page), "key": "k-1"} | fields)


async def test_the_list_shows_the_checks_in_russian_and_the_form_opens_last_month(deputy):
    page = await deputy.get("/checks")

    assert page.status_code == 200
    assert '<a href="/checks/c-1">сентябрь 2026</a>' in page.text
    assert "класс 5А" in page.text
    assert 'id="month" name="month" value="2026-11"' in page.text
    assert '<option value="5a">5А</option>' in page.text


async def test_opening_a_check_sends_the_scopes_target_and_goes_to_the_check(deputy, journal):
    answer = await post(deputy, "/checks", month="2026-09", scope="class", class_id="5a",
                        teacher_id="t015")  # fmt: skip

    assert answer.status_code == 303
    assert answer.headers["location"] == "/checks/c-2?by=teacher&done=opened"
    assert journal.sent == [
        (f"{BASE}/checks", {"month": "2026-09", "scope": "class", "target_id": "5a"}, "k-1")
    ]


async def test_a_refused_opening_is_shown_beside_the_form_with_what_was_typed(deputy, journal):
    journal.refusal = ApiRefused(422, "invalid_check", "month 2027-01 has not begun")

    answer = await post(deputy, "/checks", month="2027-01", scope="school")

    assert answer.status_code == 422
    assert (
        'id="open-error" class="error" role="alert">Проверку с такими данными открыть нельзя.'
        in (answer.text)
    )
    assert 'value="2027-01"' in answer.text


async def test_the_check_groups_findings_links_lessons_and_prefills_a_remark(deputy):
    page = await deputy.get("/checks/c-1")

    assert page.status_code == 200
    html = page.text
    assert "Проверка журнала за сентябрь 2026: класс 5А" in html
    assert '<a href="/lessons/5a/5a-20260909-2">09.09.2026, 5А, Математика</a>' in html
    assert "урок без темы" in html
    assert "пропуск без причины</span>: Акимова Вероника" in html  # the pupil by name
    assert "Урок 09.09.2026, 5А, Математика: урок без темы. Исправьте" in html
    assert html.count("Выдать замечание</button>") == 2
    assert (await deputy.get("/checks/c-1?by=class")).text.count('<h3 id="g-5a">5А') == 1


async def test_issuing_a_remark_sends_the_finding_and_returns_to_the_remark(deputy, journal):
    answer = await post(
        deputy, "/checks/c-1/remarks", finding_id=NO_TOPIC["finding_id"], text="Тема?", by="class"
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == "/checks/c-1?by=class&done=issued#r-1"
    assert journal.sent == [
        (f"{CHECK}/remarks", {"text": "Тема?", "finding_id": NO_TOPIC["finding_id"]}, "k-1")
    ]
    page = (await deputy.get("/checks/c-1?by=class&done=issued")).text
    assert "Замечание выдано." in page
    assert '<tr id="r-1">' in page


async def test_a_refused_remark_is_shown_beside_its_form_with_its_text(deputy, journal):
    journal.refusal = ApiRefused(
        422, "validation_failed", "", [{"loc": ["body", "text"], "msg": "too short"}]
    )

    answer = await post(deputy, "/checks/c-1/remarks", finding_id=NO_TOPIC["finding_id"], text=" ")

    assert answer.status_code == 422
    assert 'role="alert">Проверьте: Текст замечания: too short.</p>' in answer.text
    assert '<details class="issue no-print" open>' in answer.text


async def test_a_resolved_remark_is_confirmed_or_returned_with_a_reason(deputy, journal):
    journal.gets[CHECK]["remarks"] = [remark("resolved", resolve_note="Готово")]
    page = (await deputy.get("/checks/c-1")).text
    assert "исправлено учителем" in page
    assert 'action="/checks/c-1/remarks/r-1/confirm"' in page

    answer = await post(deputy, "/checks/c-1/remarks/r-1/reopen", reason="Тема не та", by="teacher")

    assert answer.headers["location"] == "/checks/c-1?by=teacher&done=reopened#r-1"
    assert journal.sent[-1] == (f"{CHECK}/remarks/r-1/reopen", {"reason": "Тема не та"}, "k-1")


async def test_a_refused_confirmation_is_said_in_russian_beside_the_remark(deputy, journal):
    journal.gets[CHECK]["remarks"] = [remark("issued", "fixed_automatically")]
    journal.refusal = ApiRefused(409, "remark_not_awaiting_confirmation", "issued")

    answer = await post(deputy, "/checks/c-1/remarks/r-1/confirm")

    assert answer.status_code == 409
    assert "Подтвердить или вернуть можно только исправленное замечание. (issued)" in answer.text
    assert journal.sent[-1][1] is None


async def test_closing_the_check_leaves_no_action(deputy, journal):
    answer = await post(deputy, "/checks/c-1/close")

    assert answer.headers["location"] == "/checks/c-1?by=teacher&done=closed"
    page = (await deputy.get("/checks/c-1")).text
    assert "Проверка закрыта." in page
    assert "Выдать замечание</button>" not in page


async def test_the_report_is_a_printable_page_and_a_csv_for_excel(deputy, journal):
    journal.gets[CHECK]["remarks"] = [remark("confirmed")]

    page = await deputy.get("/checks/c-1/report?by=teacher")
    assert page.status_code == 200
    assert "Отчёт о проверке журнала за сентябрь 2026" in page.text
    assert "data-print>Печать</button>" in page.text
    assert '<span class="status status-confirmed">подтверждено</span>' in page.text

    csv_file = await deputy.get("/checks/c-1/report.csv?by=class")
    assert csv_file.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="proverka-c-1-klassy.csv"' in csv_file.headers["content-disposition"]
    assert csv_file.content.startswith(b"\xef\xbb\xbf")
    lines = csv_file.content.decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith("Класс;Код;Нарушений при открытии;Нарушений сейчас;Замечаний;")
    assert lines[1] == "5А;5a;2;2;1;0;0;0;1;0"


async def test_the_head_reads_the_check_without_its_actions(journal):
    journal.gets[CHECK]["remarks"] = [remark("resolved")]
    async with await signed_in(journal, "head1", "head") as head:
        page = (await head.get("/checks/c-1")).text
        listed = (await head.get("/checks")).text

    assert "Только просмотр" in page
    assert '<form method="post" action="/checks/c-1' not in page
    assert "Открыть проверку</button>" not in listed


async def test_a_teacher_marks_a_remark_done_and_sees_it_below(journal):
    async with await signed_in(journal, "t015", "teacher") as teacher:
        page = (await teacher.get("/remarks")).text
        assert 'href="/lessons/5a/5a-20260909-2">Урок 09.09.2026, 5А, Математика</a>' in page
        assert 'action="/remarks/c-1/r-1/resolve"' in page
        answer = await teacher.post(
            "/remarks/c-1/r-1/resolve",
            data={"csrf_token": csrf_of(page), "key": "k-2", "note": "Тема записана"},
        )
        assert answer.status_code == 303
        assert answer.headers["location"] == "/remarks?done=resolved#r-1"
        page = (await teacher.get("/remarks?done=resolved")).text

    assert journal.sent == [(f"{CHECK}/remarks/r-1/resolve", {"note": "Тема записана"}, "k-2")]
    assert "Замечание отмечено как исправленное." in page
    assert "Открытых замечаний нет." in page
    assert "Ваш ответ: Тема записана" in page


async def test_a_teacher_reading_the_checks_gets_the_journals_refusal(journal):
    journal.gets[f"{BASE}/checks"] = ApiRefused(403, "role_not_allowed", "deputy, head, admin")
    async with await signed_in(journal, "t015", "teacher") as teacher:
        page = await teacher.get("/checks")

    assert page.status_code == 403
    assert "У вас нет доступа к этой странице." in page.text


async def test_an_id_that_cannot_be_the_journals_is_not_found_without_asking_it(deputy, journal):
    page = await deputy.get("/checks/C..1")

    assert page.status_code == 404
    assert journal.sent == []
