"""`/admin/erasures` through the web app with fake APIs: the erasures and the retention rule's
dry run are listed; erasing asks for an explicit confirmation first (nothing sent), then sends
the journal one erasure with the confirmation's request id and reports the result; a refusal
is shown beside the form; the head reads without a form; a teacher gets the refusal page."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from services.web.application.ports import ApiRefused
from services.web.domain.erasures import result_of, when, years
from tests.support.fake_apis import Call, FakeBackends, stored
from tests.support.page_forms import csrf_of, field_of
from tests.support.web import signed_in_client

S = "/schools/s1"
J = "/schools/s1/years/2026"
ERASURES = {
    "school": "s1",
    "erasures": [
        {"kind": "pupil", "person": "p0007", "year": 2026, "applications": ["p0007-abc"],
         "reason": "заявление матери", "erased_at": "2026-12-05T10:00:00Z", "erased_by": "adm1",
         "erased_by_role": "admin", "seq": 40, "keys_destroyed": True},
        {"kind": "staff", "person": "t099", "year": 2026, "applications": [],
         "reason": "срок хранения: выбыл 2020-05-31, прошло 5 лет",
         "erased_at": "2026-12-06T00:30:00Z", "erased_by": "retention",
         "erased_by_role": "system", "seq": 41, "keys_destroyed": False},
    ],
}  # fmt: skip
DUE = {
    "school": "s1", "today": "2026-12-07", "leaver_years": 5, "configured": True,
    "due": [{"pupil_id": "p0009", "full_name": "Громов Илья", "class_id": "11a",
             "left_on": "2021-05-31", "at_year_end": True, "due_on": "2026-05-31",
             "reason": "срок хранения: выбыл 2021-05-31 (по окончании учебного года), "
                       "прошло 5 лет"}],
}  # fmt: skip
PUPILS = {"pupils": [{"pupil_id": "p0001", "full_name": "Акимова Вероника",
                      "birth_date": None, "class_id": "5a"}]}  # fmt: skip
ERASED = {
    "school": "s1", "kind": "pupil", "person": "p0001", "reason": "заявление",
    "applications": ["p0001-abc"], "erased_at": "2026-12-07T09:00:00Z", "erased_by": "adm1",
    "keys_destroyed": 2, "key_ids": ["s1/applicant/p0001-abc", "s1/pupil/p0001"],
    "already_erased": False, "event": {"event_type": "journal.PersonErased", "seq": 42,
                                       "duplicate": False},
}  # fmt: skip


@dataclass
class FakeJournal(FakeBackends):
    """GET answers by path (and the params of the last GET); writes recorded and answered."""

    gets: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Mapping[str, str] | None] = field(default_factory=dict)
    sent: list[tuple[str, str, Any, str | None]] = field(default_factory=list)
    refusal: ApiRefused | None = None

    def answer_get(self, call: Call) -> Any:
        assert call.api == "journal"
        self.params[call.path] = call.params
        return stored(self.gets, call.path, ApiRefused(404, "not_found", call.path))

    def answer_send(self, call: Call) -> Any:
        self.sent.append((call.method, call.path, call.json, call.idempotency_key))
        if self.refusal is not None:
            raise self.refusal
        return copy.deepcopy(ERASED)


@pytest.fixture
def journal() -> FakeJournal:
    return FakeJournal(
        gets={f"{S}/erasures": ERASURES, f"{S}/erasures/due": DUE, f"{J}/pupils": PUPILS}
    )


async def post(http: httpx.AsyncClient, html: str, **fields: str) -> httpx.Response:
    """Post the erasure form with the CSRF token and the request id of `html`."""
    key = field_of(html, "request_id")
    assert key
    return await http.post(
        "/admin/erasures", data={"csrf_token": csrf_of(html), "request_id": key, **fields}
    )


async def test_the_page_lists_the_erasures_and_who_the_rule_erases(journal):
    async with signed_in_client(journal, "adm1", "admin") as http:
        page = await http.get("/admin/erasures")

    assert page.status_code == 200
    text = page.text
    assert "<h1>Удаление персональных данных</h1>" in text
    assert "необратимо" in text
    assert "ученик p0007" in text
    assert "adm1 (администратор)" in text
    assert "по сроку хранения" in text
    assert "2026-12-05 10:00 UTC" in text
    assert "не уничтожены" in text  # an interrupted erasure, to finish
    assert "Громов Илья" in text
    assert "через 5 лет после выбытия" in text
    assert 'aria-label="Удалить данные: Громов Илья"' in text
    assert 'name="reason"' in text


async def test_erasing_asks_first_and_sends_nothing(journal):
    async with signed_in_client(journal, "adm1", "admin") as http:
        page = await http.get("/admin/erasures")
        asked = await post(http, page.text, kind="pupil", person="p0001", reason="заявление")

    assert asked.status_code == 200
    assert journal.sent == []
    assert "Удалить персональные данные ученика p0001 (Акимова Вероника)?" in asked.text
    assert 'id="confirm-title" tabindex="-1" autofocus' in asked.text
    assert "Это действие необратимо." in asked.text
    assert '<input type="hidden" name="confirm" value="yes">' in asked.text


async def test_the_confirmed_erasure_is_sent_once_and_its_result_announced(journal):
    async with signed_in_client(journal, "adm1", "admin") as http:
        page = await http.get("/admin/erasures")
        asked = await post(http, page.text, kind="pupil", person="p0001", reason="заявление")
        key = re.search(r'name="request_id" value="([^"]+)"', asked.text)
        done = await post(
            http, asked.text, kind="pupil", person="p0001", reason="заявление", confirm="yes"
        )
        shown = await http.get(done.headers["location"])

    assert done.status_code == 303
    assert done.headers["location"] == (
        "/admin/erasures?done=erased&kind=pupil&person=p0001&keys=2&apps=1"
    )
    assert key
    assert journal.sent == [
        ("POST", f"{S}/people/pupil/p0001/erasure", {"reason": "заявление"}, key[1])
    ]
    assert 'role="status"' in shown.text
    assert "Персональные данные ученика p0001 удалены: уничтожено ключей — 2" in shown.text


async def test_a_refusal_is_shown_beside_the_form(journal):
    journal.refusal = ApiRefused(404, "person_not_found", "there is no pupil 'p0404'")
    async with signed_in_client(journal, "adm1", "admin") as http:
        page = await http.get("/admin/erasures")
        refused = await post(
            http, page.text, kind="pupil", person="p0404", reason="x", confirm="yes"
        )

    assert refused.status_code == 404
    assert 'id="erase-refusal"' in refused.text
    assert "Такого ученика или сотрудника школа не знает" in refused.text
    assert 'value="p0404"' in refused.text


async def test_an_empty_reason_is_refused_here_with_nothing_sent(journal):
    async with signed_in_client(journal, "adm1", "admin") as http:
        page = await http.get("/admin/erasures")
        refused = await post(http, page.text, kind="staff", person="t001", reason="")

    assert refused.status_code == 422
    assert 'id="erase-reason-problem">обязательное поле' in refused.text
    assert journal.sent == []


async def test_the_head_reads_the_lists_without_the_form(journal):
    async with signed_in_client(journal, "head1", "head") as http:
        page = await http.get("/admin/erasures?leaver_years=3")

    assert page.status_code == 200
    assert "Громов Илья" in page.text
    assert 'name="person"' not in page.text
    assert "Удалить…" not in page.text
    assert journal.params[f"{S}/erasures/due"] == {"leaver_years": "3"}


async def test_a_teacher_gets_the_refusal_page(journal):
    journal.gets[f"{S}/erasures"] = ApiRefused(403, "role_not_allowed", "admin or head")
    async with signed_in_client(journal, "t015", "teacher") as http:
        page = await http.get("/admin/erasures")

    assert page.status_code == 403
    assert "У вас нет доступа к этой странице." in page.text


def test_the_result_in_the_address_is_only_ids_and_counts():
    assert result_of({"done": "erased", "kind": "pupil", "person": "<b>", "keys": "1"}) is None
    already = result_of({"done": "already", "kind": "staff", "person": "t1"})
    assert already is not None
    assert already.text() == (
        "Персональные данные сотрудника t1 уже были удалены раньше; ничего не записано."
    )
    assert [years(n) for n in (1, 4, 5, 12, 22)] == [
        "1 год",
        "4 года",
        "5 лет",
        "12 лет",
        "22 года",
    ]
    assert when("2026-12-05T13:00:00+03:00") == "2026-12-05 10:00 UTC"
