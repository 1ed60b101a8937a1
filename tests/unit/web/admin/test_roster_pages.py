"""The administrator's roster pages with fake APIs: every admin page shows, the classes and the
diary check; joining, transferring and registering a pupil send the API one command each with
the form's request id as its Idempotency-Key; a missing id is refused beside its field.

The APIs are a fake `Backends` (`admin_world`); the app, its session, CSRF check, templates and
error pages are the real ones.
"""

from __future__ import annotations

import pytest

from tests.unit.web.admin.admin_world import (
    PAGES,
    J,
    post,
)


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
