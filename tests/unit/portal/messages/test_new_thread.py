"""A new thread by a teacher UID: the grants and audiences to choose, the start with files through
the diary's multipart start and without them through its JSON start, the refusals beside their
field, and a parent, who may not start one.
"""

from __future__ import annotations

import re

import httpx
import pytest

from services.diary.entrypoints.message_dto import StartBody
from services.portal.application.ports import ApiRefused
from tests.unit.portal.messages.messages_world import (
    NOTICE,
    REFUSED_FILES,
    field,
    form_of,
)
from tests.unit.portal.staff_diary import MESSAGES


async def new_form(http: httpx.AsyncClient) -> dict[str, str]:
    return await form_of(http, "/messages/new")


def files_error(page: str) -> str:
    found = re.search(r'<p class="error field-error" id="files-error">([^<]+)</p>', page)
    assert found
    return found.group(1)


async def test_a_teacher_chooses_among_their_grants_and_audiences(teacher):
    page = await teacher.get("/messages/new")

    assert page.status_code == 200
    assert '<option value="5a:math">5А — Математика</option>' in page.text
    assert '<option value="6b:">6Б — классное руководство</option>' in page.text
    assert 'value="parents" checked' in page.text
    assert 'value="both"' in page.text
    assert NOTICE in page.text
    assert 'action="/messages/new" enctype="multipart/form-data"' in page.text
    assert '<input type="file" id="files" name="files" multiple' in page.text
    assert "До 5 файлов, каждый до 5 МБ" in page.text
    assert "следующему сообщению" not in page.text


async def test_a_new_thread_is_started_with_the_forms_key_and_opens(teacher, diary):
    page = (await teacher.get("/messages/new")).text
    fields = {
        "csrf_token": field(page, "csrf_token"),
        "key": field(page, "key"),
        "class": "6b:",
        "audience": "both",
        "title": " Собрание ",
        "text": "В пятницу в 18:00.",
    }

    answer = await teacher.post("/messages/new", data=fields)

    assert answer.status_code == 303
    assert answer.headers["location"] == "/messages/t-new"
    start = diary.sent[-1]
    assert (start.method, start.path, start.key) == ("POST", f"{MESSAGES}/threads", fields["key"])
    assert start.json == {
        "class_id": "6b",
        "subject_id": None,
        "year": 2026,
        "to": {"pupils": "all", "audience": "both"},
        "title": "Собрание",
        "text": "В пятницу в 18:00.",
    }


async def test_a_new_thread_with_files_goes_to_the_diarys_multipart_start(teacher, diary):
    form = await new_form(teacher)
    fields = {**form, "class": "5a:math", "audience": "parents", "title": "Контрольная",
              "text": "Задачи во вложении."}  # fmt: skip
    files = [
        ("files", ("задачи.pdf", b"%PDF-1.4 tasks", "application/pdf")),
        ("files", ("схема.png", b"\x89PNG\r\n\x1a\n", "image/png")),
        ("files", ("", b"", "application/octet-stream")),  # an input left empty
    ]

    answer = await teacher.post("/messages/new", data=fields, files=files)

    assert answer.status_code == 303
    assert answer.headers["location"] == "/messages/t-new"
    (start,) = diary.sent
    assert (start.method, start.path, start.key, start.json) == (
        "POST", f"{MESSAGES}/threads/with-files", form["key"], None
    )  # fmt: skip
    assert set(start.data or {}) == {"start"}
    body = StartBody.model_validate_json((start.data or {})["start"])  # as the diary reads it
    assert body.model_dump(mode="json") == {
        "class_id": "5a",
        "subject_id": "math",
        "year": 2026,
        "to": {"pupils": "all", "audience": "parents"},
        "title": "Контрольная",
        "text": "Задачи во вложении.",
    }
    assert start.files == [
        ("files", ("задачи.pdf", b"%PDF-1.4 tasks", "application/pdf")),
        ("files", ("схема.png", b"\x89PNG\r\n\x1a\n", "image/png")),
    ]


async def test_a_new_thread_takes_files_larger_than_a_forms_body_limit(teacher, diary):
    form = await new_form(teacher)
    fields = {**form, "class": "5a:math", "audience": "parents", "title": "Т", "text": "Т"}
    scan = b"%PDF-1.4" + b"0" * (4 * 1024 * 1024)  # within the diary's 5 MB a file

    answer = await teacher.post("/messages/new", data=fields, files=[("files", ("скан.pdf", scan))])

    assert answer.status_code == 303
    assert diary.sent[-1].files[0][1][1] == scan


async def test_a_new_thread_without_files_goes_to_the_json_start(teacher, diary):
    form = await new_form(teacher)
    fields = {**form, "class": "5a:math", "audience": "pupils", "title": "Т", "text": "Т"}
    empty_input = [("files", ("", b"", "application/octet-stream"))]

    await teacher.post("/messages/new", data=fields, files=empty_input)

    (start,) = diary.sent
    assert (start.path, start.data, start.files) == (f"{MESSAGES}/threads", None, None)
    assert start.json["title"] == "Т"


@pytest.mark.parametrize(("status", "reason", "expected"), REFUSED_FILES)
async def test_a_file_the_diary_refuses_at_the_start_is_shown_beside_the_files(
    teacher, diary, status, reason, expected
):
    form = await new_form(teacher)
    diary.refusal = ApiRefused(status, reason, "refused")
    fields = {**form, "class": "6b:", "audience": "both", "title": "Собрание",
              "text": "Повестка во вложении."}  # fmt: skip
    files = [("files", ("повестка.exe", b"MZ", "application/octet-stream"))]

    page = await teacher.post("/messages/new", data=fields, files=files)

    assert page.status_code == status
    assert expected in files_error(page.text)
    assert reason in files_error(page.text)
    assert 'aria-describedby="files-hint files-error"' in page.text
    assert "Выберите файлы заново." in page.text
    assert 'value="6b:" selected' in page.text  # what was filled in stays
    assert 'value="Собрание"' in page.text
    assert ">Повестка во вложении.</textarea>" in page.text
    assert field(page.text, "key") != form["key"]  # the diary bound the old key
    assert diary.sent[-1].path == f"{MESSAGES}/threads/with-files"


async def test_a_title_the_diary_refuses_in_the_multipart_start_is_shown_beside_it(teacher, diary):
    form = await new_form(teacher)
    diary.refusal = ApiRefused(
        422, "invalid_request", "start", [{"loc": ["body", "start", "title"], "msg": "control"}]
    )
    fields = {**form, "class": "5a:math", "audience": "parents", "title": "a\u0007b", "text": "Т"}
    files = [("files", ("a.pdf", b"%PDF-1.4", "application/pdf"))]

    page = await teacher.post("/messages/new", data=fields, files=files)

    assert page.status_code == 422
    assert re.search(r'id="title-error">Напишите тему[^<]*\(invalid_request\)', page.text)
    assert "Выберите файлы заново." in page.text


async def test_a_form_the_portal_refuses_asks_for_the_files_again_and_sends_nothing(teacher, diary):
    form = await new_form(teacher)
    fields = {**form, "class": "5a:math", "audience": "parents", "title": " ", "text": "Т"}
    files = [("files", ("a.pdf", b"%PDF-1.4", "application/pdf"))]

    page = await teacher.post("/messages/new", data=fields, files=files)

    assert page.status_code == 422
    assert 'id="title-error"' in page.text
    assert "Выберите файлы заново." in page.text
    assert field(page.text, "key") == form["key"]  # nothing sent: the key is still free
    assert diary.sent == []


async def test_a_class_outside_the_grants_is_refused_beside_the_choice(teacher, diary):
    page = (await teacher.get("/messages/new")).text
    fields = {"csrf_token": field(page, "csrf_token"), "key": field(page, "key"),
              "class": "7v:math", "audience": "pupils", "title": "Т", "text": "Т"}  # fmt: skip

    answer = await teacher.post("/messages/new", data=fields)

    assert answer.status_code == 422
    assert 'id="class-error"' in answer.text
    assert diary.sent == []


async def test_no_recipients_is_said_on_the_form(teacher, diary):
    page = (await teacher.get("/messages/new")).text
    diary.refusal = ApiRefused(422, "no_recipients", "nobody to write to")
    fields = {"csrf_token": field(page, "csrf_token"), "key": field(page, "key"),
              "class": "5a:math", "audience": "pupils", "title": "Т", "text": "Т"}  # fmt: skip

    answer = await teacher.post("/messages/new", data=fields)

    assert answer.status_code == 422
    assert "Некому отправить" in answer.text
    assert 'value="5a:math" selected' in answer.text


async def test_a_parent_cannot_start_a_thread(parent, diary):
    page = await parent.get("/messages/new")

    assert page.status_code == 403
    assert "wrong_role" in page.text
