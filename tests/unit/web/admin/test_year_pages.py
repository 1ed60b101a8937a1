"""The administrator's pages of the school year with fake APIs: an export run, closing a period
after asking, the rollover's plan (a dry run of the exceptions in the address) and its run
only when confirmed, a sealed year's archive; a reader the API refuses gets the refusal page
and a form without the CSRF token is refused.

The APIs are a fake `Backends` (`admin_world`); the app, its session, CSRF check, templates and
error pages are the real ones.
"""

from __future__ import annotations

from services.web.application.ports import ApiRefused
from tests.unit.web.admin.admin_world import (
    PLAN,
    RUN,
    STATUS,
    J,
    X,
    post,
    signed_in,
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
    first = {
        "school": "s1", "year": 2026, "dated": "2027-05-31", "edition": 1, "revision": 40,
        "files": [{"file": "archive-2026-5a.pdf", "class_id": "5a", "label": "5А",
                   "size": 240_000, "sha256": "ab" * 32}],
    }  # fmt: skip
    apis.gets["journal", f"{J}/archive/editions"] = [first]
    kept = await admin.get("/admin/rollover")
    apis.gets["journal", f"{J}/archive/editions"] = [first, first | {"edition": 2, "revision": 57}]
    corrected = await admin.get("/admin/rollover")
    file = await admin.get("/archive/2026/archive-2026-5a.pdf")
    earlier_file = await admin.get("/archive/2026/editions/1/archive-2026-5a.pdf")
    not_a_name = await admin.get("/archive/2026/..secret")

    assert "Архив года печатается" in printing.text
    assert '<a href="/archive/2026/archive-2026-5a.pdf" download>5А</a>' in kept.text
    assert '<a href="/archive/2026/SHA256SUMS" download>SHA256SUMS</a>' in kept.text
    assert "редакция" not in kept.text.lower()
    assert "Это редакция 2" in corrected.text
    assert "Прежние редакции (1)" in corrected.text
    edition_link = '<a href="/archive/2026/editions/1/archive-2026-5a.pdf" download>5А</a>'
    assert edition_link in corrected.text
    assert (file.status_code, file.content) == (200, b"%PDF-1.7 ...")
    assert (earlier_file.status_code, earlier_file.content) == (200, b"%PDF-1.7 ...")
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
