"""The administrator's page of the year's plan with fake APIs: the periods of each grade, how
each subject is assessed, the calendar; a scheme, an assessment and a day off sent to the
journal once (the page's request id as the key), the calendar always whole; a refusal shown
beside its form and field in Russian; anyone but the administrator refused the page.

The APIs are a fake `Backends` (`admin_world`); the app, its session, CSRF check, templates and
error pages are the real ones.
"""

from __future__ import annotations

import pytest

from services.web.application.ports import ApiRefused
from tests.unit.web.admin.admin_world import ROSTER, J, key_of, post, signed_in

QUARTERS = list(range(1, 10))
PLANNED = ROSTER | {
    "periods": [
        {"period_id": "q1", "name": "1 четверть", "starts_on": "2026-09-01",
         "ends_on": "2026-10-26", "closed": True, "grades": QUARTERS},
        {"period_id": "h1", "name": "1 полугодие", "starts_on": "2026-09-01",
         "ends_on": "2026-12-28", "closed": False, "grades": [10, 11]},
        {"period_id": "q2", "name": "2 четверть", "starts_on": "2026-11-05",
         "ends_on": "2026-12-28", "closed": False, "grades": QUARTERS},
    ],
    "schemes": [{"scheme_id": "halves", "name": "Полугодия", "grades": [10, 11],
                 "period_ids": ["h1"]}],
    "subjects": [{"subject_id": "math", "name": "Математика"},
                 {"subject_id": "pe", "name": "Физическая культура"}],
    "assessments": [
        {"subject_id": "math", "grade": 1, "assessment": "unmarked"},
        {"subject_id": "pe", "grade": 1, "assessment": "unmarked"},
        {"subject_id": "pe", "grade": 10, "assessment": "pass_fail"},
    ],
    "days_off": [{"name": "Осенние каникулы", "kind": "vacation", "starts_on": "2026-10-27",
                  "ends_on": "2026-11-04"}],
}  # fmt: skip
PAGE = "/admin/year-plan"


@pytest.fixture(autouse=True)
def planned(apis):
    apis.gets["journal", f"{J}/roster"] = PLANNED


async def test_the_page_shows_each_grades_periods_the_assessments_and_the_calendar(admin):
    page = await admin.get(PAGE)

    assert page.status_code == 200
    html = page.text
    assert '<th scope="row">1–9 классы</th>' in html
    assert "периоды учебного года" in html
    assert '<th scope="row">10–11 классы</th>' in html
    assert "1 полугодие (01.09.2026 — 28.12.2026)" in html
    assert "Изменить «Полугодия»" in html
    assert "отметки: 2–11 классы; без отметок: 1 класс" in html
    assert "отметки: 2–9, 11 классы; зачёт/незачёт: 10 класс; без отметок: 1 класс" in html
    assert "Осенние каникулы" in html
    assert "27 октября – 4 ноября 2026" in html
    assert "Убрать «Осенние каникулы»" in html


async def test_a_scheme_to_change_fills_the_form(admin):
    html = (await admin.get(PAGE + "?scheme=halves")).text

    assert "Изменить схему «Полугодия»" in html
    assert 'name="scheme_id" value="halves"' in html
    assert 'name="grades" value="10" checked' in html
    assert 'name="grades" value="9">' in html
    assert 'name="period_id.0" value="h1"' in html
    assert 'name="starts_on.0" value="2026-09-01"' in html


async def test_a_scheme_is_sent_once_with_the_pages_request_id(admin, apis):
    shown = await admin.get(PAGE)
    answer = await post(admin, PAGE, PAGE + "/schemes", scheme_id="halves", name="Полугодия",
                        grades=["10", "11"], **{"period_id.1": "h1", "period_name.1": "1 полугодие",
                        "starts_on.1": "2026-09-01", "ends_on.1": "2026-12-28"})  # fmt: skip

    assert answer.headers["location"] == PAGE + "?done=scheme"
    [(api, method, path, body, key)] = apis.sent
    assert (api, method, path) == ("journal", "PUT", f"{J}/config/period-schemes/halves")
    assert body == {
        "name": "Полугодия",
        "grades": [10, 11],
        "periods": [{"period_id": "h1", "name": "1 полугодие", "starts_on": "2026-09-01",
                     "ends_on": "2026-12-28"}],
    }  # fmt: skip
    assert key
    assert key != key_of(shown)  # each showing of the page has its own
    assert "Периоды классов записаны" in (await admin.get(answer.headers["location"])).text


async def test_a_refused_scheme_is_shown_beside_its_row_with_what_was_typed(admin, apis):
    apis.refusal = ApiRefused(
        422, "invalid_request", "invalid",
        [{"loc": ["body", "periods", 0, "ends_on"], "type": "date_from_datetime_parsing",
          "msg": "Input should be a valid date"}],
    )  # fmt: skip
    row = {"period_id.2": "h9", "starts_on.2": "2026-09-01"}
    answer = await post(admin, PAGE, PAGE + "/schemes", scheme_id="halves", name="Полугодия",
                        grades=["10"], **row)  # fmt: skip

    assert answer.status_code == 422
    html = answer.text
    assert 'id="scheme-refusal"' in html
    assert 'id="scheme-ends_on-2-problem">нужна дата</span>' in html
    assert 'name="period_id.2" value="h9"' in html
    assert 'name="grades" value="10" checked' in html
    assert 'name="grades" value="11">' in html


async def test_periods_in_use_are_refused_in_russian(admin, apis):
    apis.refusal = ApiRefused(409, "periods_in_use", "grade 10 has closed period(s) h1")
    answer = await post(admin, PAGE, PAGE + "/schemes", scheme_id="halves", name="Полугодия",
                        grades=["10"], **{"period_id.0": "h1"})  # fmt: skip

    assert answer.status_code == 409
    assert "Периоды этих классов уже не меняются: один из их периодов закрыт" in answer.text


async def test_a_scheme_without_its_code_is_refused_here_and_nothing_is_sent(admin, apis):
    answer = await post(admin, PAGE, PAGE + "/schemes", name="Полугодия", grades=["10"])

    assert answer.status_code == 422
    assert 'id="scheme-scheme_id-problem">обязательное поле' in answer.text
    assert apis.sent == []


async def test_an_assessment_is_sent_for_the_subject_and_grades(admin, apis):
    answer = await post(admin, PAGE, PAGE + "/assessments", subject_id="pe",
                        assessment="pass_fail", grades=["10", "11"])  # fmt: skip

    assert answer.headers["location"] == PAGE + "?done=assessment"
    [(_api, method, path, body, _key)] = apis.sent
    assert (method, path) == ("PUT", f"{J}/subjects/pe/assessment")
    assert body == {"grades": [10, 11], "assessment": "pass_fail"}


async def test_a_day_off_is_added_to_the_whole_calendar(admin, apis):
    answer = await post(admin, PAGE, PAGE + "/calendar", name="Зимние каникулы",
                        kind="vacation", starts_on="2026-12-29", ends_on="2027-01-11")  # fmt: skip

    assert answer.headers["location"] == PAGE + "?done=added"
    [(_api, method, path, body, _key)] = apis.sent
    assert (method, path) == ("PUT", f"{J}/config/calendar")
    assert [d["name"] for d in body["days_off"]] == ["Осенние каникулы", "Зимние каникулы"]


async def test_a_day_off_outside_the_year_is_refused_beside_the_form(admin, apis):
    apis.refusal = ApiRefused(422, "invalid_calendar", "'Лето' is not inside the school year")
    answer = await post(admin, PAGE, PAGE + "/calendar", name="Лето", kind="vacation",
                        starts_on="2027-06-01")  # fmt: skip

    assert answer.status_code == 422
    assert 'id="day_off-refusal"' in answer.text
    assert "Выходные должны быть внутри учебного года" in answer.text
    assert 'value="Лето"' in answer.text


async def test_a_day_off_is_removed_and_a_second_removal_sends_nothing(admin, apis):
    key = "2026-10-27|2026-11-04|vacation|Осенние каникулы"
    removed = await post(admin, PAGE, PAGE + "/calendar/remove", key=key)
    apis.gets["journal", f"{J}/roster"] = PLANNED | {"days_off": []}
    again = await post(admin, PAGE, PAGE + "/calendar/remove", key=key)

    assert removed.headers["location"] == again.headers["location"] == PAGE + "?done=removed"
    [(_api, method, path, body, _key)] = apis.sent
    assert (method, path, body) == ("PUT", f"{J}/config/calendar", {"days_off": []})


@pytest.mark.parametrize(("staff_id", "role"), [("t015", "teacher"), ("dep1", "deputy"),
                                                ("head1", "head")])  # fmt: skip
async def test_only_the_administrator_is_shown_the_page(apis, staff_id, role):
    async with await signed_in(apis, staff_id, role) as other:
        page = await other.get(PAGE)

    assert page.status_code == 403
    assert "У вас нет доступа к этой странице." in page.text
    assert "role_not_allowed" in page.text


async def test_the_periods_page_says_which_grades_work_in_each_period(admin):
    html = (await admin.get("/admin/periods")).text
    confirm = (await admin.get("/admin/periods?close=h1")).text

    assert "<td>10–11 классы</td>" in html
    assert "<td>1–9 классы</td>" in html
    assert "Открыть снова" in html  # q1 is closed, as the roster says
    assert "2026-09-01 — 2026-12-28, 10–11 классы." in confirm
