"""The messages' pages over a fake diary: the list with unread counts and the notice, the menu's
badge fragment, a thread shown with author labels (never a UID) and marked read on opening,
the multipart reply under the form's Idempotency-Key, the CSRF check, the diary's refusals
beside their field (nothing recorded), a new thread by a teacher UID (with files through the
diary's multipart start, without them through its JSON start), a message's file, and the
profile's label.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from services.diary.entrypoints.message_dto import RecordedOut, StartBody, ThreadOut, ThreadsOut
from services.diary.entrypoints.profile_dto import ProfileOut
from services.portal.application.ports import ApiRefused, Download
from tests.support.portal import signed_in_client
from tests.unit.portal.staff_diary import MESSAGES, YEAR_PATH, FakeDiary, Sent, diary_shaped

TODAY = dt.date(2026, 12, 5)
PARENT, TEACHER = 100001, 200001
THREAD = f"{MESSAGES}/threads/t-1"
PROFILE = f"{YEAR_PATH}/me/profile"
NOTICE = "не являются официальной перепиской образовательной организации"
PARENT_PROFILE = diary_shaped(ProfileOut, {
    "uid": PARENT,
    "roles": ["parent"],
    "label": "мама Маши",
    "children": [
        {"pupil": "p" + "a" * 32, "relation": "parent", "label": "Маша", "class_id": "5a",
         "class_label": "5А", "seen_up_to": 0}
    ],
    "classes": [],
    "periods": [],
})  # fmt: skip
TEACHER_PROFILE = diary_shaped(ProfileOut, {
    "uid": TEACHER,
    "roles": ["teacher"],
    "label": None,
    "children": [],
    "classes": [
        {"class_id": "5a", "class_label": "5А", "subject_id": "math", "subject_name": "Математика",
         "subjects": [{"subject_id": "math", "subject_name": "Математика"}]},
        {"class_id": "6b", "class_label": "6Б", "subject_id": None, "subject_name": None,
         "subjects": [{"subject_id": "art", "subject_name": "ИЗО"}]},
    ],
    "periods": [],
})  # fmt: skip
THREADS = diary_shaped(ThreadsOut, {
    "notice": "…",
    "unread": 3,
    "threads": [
        {"thread_id": "t-old", "year": 2026, "class_id": "5a", "subject_id": None,
         "subject_name": None, "title": "Экскурсия", "role": "parent", "started_by": TEACHER,
         "started_at": "2026-11-20T07:00:00Z", "last_message_at": "2026-11-20T07:00:00Z",
         "messages": 1, "unread": 0},
        {"thread_id": "t-1", "year": 2026, "class_id": "5a", "subject_id": "math",
         "subject_name": "Математика", "title": "Контрольная в четверг", "role": "parent",
         "started_by": TEACHER, "started_at": "2026-12-04T09:00:00Z",
         "last_message_at": "2026-12-05T07:05:00Z", "messages": 3, "unread": 3},
    ],
})  # fmt: skip


def message(index: int, author: int, label: str, text: str, **more: Any) -> dict[str, Any]:
    return {
        "index": index,
        "message_id": f"msg-{index}",
        "author": author,
        "author_label": label,
        "text": text,
        "posted_at": f"2026-12-0{3 + index}T07:05:00Z",
        "unread": author != PARENT,
        "attachments": [],
        **more,
    }


THREAD_ANSWER = diary_shaped(ThreadOut, {
    "notice": "…",
    "thread_id": "t-1",
    "year": 2026,
    "class_id": "5a",
    "subject_id": "math",
    "subject_name": "Математика",
    "title": "Контрольная в четверг",
    "started_by": TEACHER,
    "started_by_label": "Учитель — Математика",
    "participants": [
        {"uid": TEACHER, "role": "teacher", "pupils": [], "label": "Учитель — Математика"},
        {"uid": PARENT, "role": "parent", "pupils": ["p" + "a" * 32],
         "label": "Родитель (мама Маши)"},
        {"uid": 100003, "role": "parent", "pupils": ["p" + "b" * 32], "label": "Родитель"},
    ],
    "messages": [
        message(1, TEACHER, "Учитель — Математика", "Повторите дроби.\nСтраницы 10–12.",
                attachments=[{"attachment_id": "a-1", "name": "задачи.pdf", "size": 3 * 1024,
                              "media_type": "application/pdf",
                              "url": f"/diary/v1{THREAD}/attachments/a-1"}]),
        message(2, PARENT, "Родитель (мама Маши)", "Спасибо!"),
        message(3, TEACHER, "Учитель — Математика", "Пожалуйста."),
    ],
    "read_up_to": 1,
    "unread": 1,
    "can_post": True,
})  # fmt: skip


def recorded(sent: Sent) -> dict[str, Any]:
    """The diary's answer to a post or a start: message 4 of t-1, or a new thread t-new."""
    if sent.path in (f"{MESSAGES}/threads", f"{MESSAGES}/threads/with-files"):
        files = [
            {"attachment_id": f"a-{n}", "name": name, "size": len(content), "media_type": kind,
             "url": f"/diary/v1{MESSAGES}/threads/t-new/attachments/a-{n}"}
            for n, (_field, (name, content, kind)) in enumerate(sent.files or (), start=1)
        ]  # fmt: skip
        return diary_shaped(RecordedOut, {
            "thread_id": "t-new", "index": 1, "message_id": "msg-1", "recipients": 25,
            "attachments": files, "duplicate": False,
        })  # fmt: skip
    if sent.path.endswith("/read"):
        return {"thread_id": "t-1", "read_up_to": 3, "unread": 0}
    if sent.path.endswith("/label"):
        return {"label": sent.json["label"]}
    duplicate = sum(s.key == sent.key for s in recorded_keys) > 0
    recorded_keys.append(sent)
    return {"thread_id": "t-1", "index": 4, "duplicate": duplicate}


recorded_keys: list[Sent] = []


@pytest.fixture
def diary() -> FakeDiary:
    recorded_keys.clear()
    return FakeDiary(
        gets={
            PROFILE: PARENT_PROFILE,
            f"{MESSAGES}/threads": THREADS,
            f"{MESSAGES}/unread": {"notice": "…", "unread": 3},
            THREAD: THREAD_ANSWER,
        },
        files={
            f"{THREAD}/attachments/a-1": Download(
                b"%PDF-1.4", "application/pdf", "attachment; filename*=UTF-8''x.pdf"
            )
        },
        answer=recorded,
    )


@pytest_asyncio.fixture
async def parent(diary: FakeDiary) -> AsyncIterator:
    async with signed_in_client(diary, PARENT, "parent", TODAY) as http:
        yield http


@pytest_asyncio.fixture
async def teacher(diary: FakeDiary) -> AsyncIterator:
    diary.gets[PROFILE] = TEACHER_PROFILE
    async with signed_in_client(diary, TEACHER, "teacher", TODAY) as http:
        yield http


def field(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, name
    return found.group(1)


def messages_of(page: str) -> str:
    return page[page.index('<ol class="messages">') : page.index("</ol>")]


async def reply_form(http) -> dict[str, str]:
    page = (await http.get("/messages/t-1")).text
    return {"csrf_token": field(page, "csrf_token"), "key": field(page, "key")}


# ---------------------------------------------------------------- the list and the badge


async def test_the_list_shows_threads_newest_first_with_unread_counts_and_the_notice(parent):
    page = await parent.get("/messages")

    assert page.status_code == 200
    html = page.text
    assert NOTICE in html
    assert html.index("Контрольная в четверг") < html.index("Экскурсия")
    assert "Непрочитанных сообщений: 3." in html
    assert 'href="/messages/t-1">Контрольная в четверг</a> <span class="badge">3' in html
    # The subject by the name the diary gives the thread (a parent's profile names none).
    assert "5А · Математика · сообщений: 3 · последнее: сегодня, 10:05" in html  # Moscow time
    assert "5А · сообщений: 1 · последнее: пт, 20 ноября, 10:00" in html  # no subject
    assert "Написать классу" not in html  # a parent starts no thread


async def test_a_teacher_sees_the_subject_named_and_may_write_to_a_class(teacher):
    page = await teacher.get("/messages")

    assert "5А · Математика" in page.text
    assert 'href="/messages/new"' in page.text


async def test_the_badge_is_a_small_fragment_with_the_unread_count(parent, diary):
    badge = await parent.get("/messages/badge")

    assert badge.status_code == 200
    assert badge.headers["Cache-Control"] == "no-store"
    assert "<html" not in badge.text
    assert re.fullmatch(r'<span class="badge">3<span class="visually-hidden"> непрочитанных'
                        r"</span></span>\s*", badge.text)  # fmt: skip
    diary.gets[f"{MESSAGES}/unread"] = {"notice": "…", "unread": 0}
    assert (await parent.get("/messages/badge")).text.strip() == "<span></span>"


async def test_the_badge_stays_empty_during_an_outage_or_signed_out(parent, diary):
    diary.down = True
    assert (await parent.get("/messages/badge")).text.strip() == "<span></span>"
    parent.cookies.clear()
    signed_out = await parent.get("/messages/badge")
    assert signed_out.status_code == 200
    assert signed_out.text.strip() == "<span></span>"


# ---------------------------------------------------------------- reading a thread


async def test_a_thread_shows_authors_by_label_never_by_uid_and_the_reader_as_you(parent):
    page = await parent.get("/messages/t-1")

    assert page.status_code == 200
    shown = messages_of(page.text)
    assert re.findall(r'<span class="author">([^<]+)</span>', shown) == [
        "Учитель — Математика",
        "Вы",
        "Учитель — Математика",
    ]
    assert str(TEACHER) not in page.text
    assert str(PARENT) not in shown
    assert "Повторите дроби.\nСтраницы 10–12." in shown
    assert 'href="/messages/t-1/files/a-1">задачи.pdf</a> <span class="muted">(3 КБ)' in shown
    assert "1 учитель, 2 родителя" in page.text
    assert "5А · Математика · начал(а): Учитель — Математика" in page.text
    assert NOTICE in page.text
    assert 'enctype="multipart/form-data"' in page.text


async def test_opening_a_thread_marks_it_read_up_to_the_last_message_shown(parent, diary):
    await parent.get("/messages/t-1")

    (read,) = diary.sent
    assert (read.method, read.path, read.json) == ("POST", f"{THREAD}/read", {"up_to": 3})


async def test_a_thread_already_read_is_not_marked_again(parent, diary):
    diary.gets[THREAD] = {**THREAD_ANSWER, "unread": 0}

    await parent.get("/messages/t-1")

    assert diary.sent == []


async def test_someone_elses_thread_is_the_refusal_page(parent, diary):
    diary.gets[f"{MESSAGES}/threads/t-2"] = ApiRefused(404, "thread_not_found", "no such thread")

    page = await parent.get("/messages/t-2")

    assert page.status_code == 404
    assert "thread_not_found" in page.text
    assert diary.sent == []


async def test_a_participant_whose_grant_ended_reads_without_a_reply_form(parent, diary):
    diary.gets[THREAD] = {**THREAD_ANSWER, "can_post": False, "unread": 0}

    page = await parent.get("/messages/t-1")

    assert "Ответить нельзя" in page.text
    assert "<textarea" not in page.text


async def test_a_message_file_is_streamed_from_the_diary(parent):
    answer = await parent.get("/messages/t-1/files/a-1")

    assert answer.status_code == 200
    assert answer.content == b"%PDF-1.4"
    assert answer.headers["content-disposition"] == "attachment; filename*=UTF-8''x.pdf"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert (await parent.get("/messages/t-1/files/nope")).status_code == 404


# ---------------------------------------------------------------- replying


async def test_a_reply_posts_multipart_with_the_forms_idempotency_key(parent, diary):
    form = await reply_form(parent)
    files = [
        ("files", ("ответ.pdf", b"%PDF-1.4 a", "application/pdf")),
        ("files", ("фото.png", b"\x89PNG\r\n\x1a\n", "image/png")),
        ("files", ("", b"", "application/octet-stream")),  # an input left empty
    ]
    answer = await parent.post("/messages/t-1", data={**form, "text": " Приложила. "}, files=files)

    assert answer.status_code == 303
    assert answer.headers["location"] == "/messages/t-1#m4"
    post = diary.sent[-1]
    assert (post.method, post.path, post.key) == ("POST", f"{THREAD}/messages", form["key"])
    assert post.data == {"text": " Приложила. "}
    assert post.files == [
        ("files", ("ответ.pdf", b"%PDF-1.4 a", "application/pdf")),
        ("files", ("фото.png", b"\x89PNG\r\n\x1a\n", "image/png")),
    ]


async def test_a_double_submit_sends_the_same_key_twice_and_lands_on_one_message(parent, diary):
    form = await reply_form(parent)
    fields = {**form, "text": "Один раз"}

    first = await parent.post("/messages/t-1", data=fields)
    second = await parent.post("/messages/t-1", data=fields)

    assert first.headers["location"] == second.headers["location"] == "/messages/t-1#m4"
    posts = [s for s in diary.sent if s.path.endswith("/messages")]
    assert [p.key for p in posts] == [form["key"], form["key"]]


async def test_a_forged_reply_is_refused_and_nothing_is_sent(parent, diary):
    without_token = await parent.post("/messages/t-1", data={"text": "x", "key": "k" * 24})
    other_site = await parent.post(
        "/messages/t-1",
        data={**(await reply_form(parent)), "text": "x"},
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )

    assert without_token.status_code == other_site.status_code == 403
    assert "csrf_failed" in without_token.text
    assert not [s for s in diary.sent if s.path.endswith("/messages")]


async def test_an_empty_reply_is_refused_beside_the_text_without_asking_the_diary(parent, diary):
    form = await reply_form(parent)

    page = await parent.post("/messages/t-1", data={**form, "text": "   "})

    assert page.status_code == 422
    assert 'id="text-error"' in page.text
    assert field(page.text, "key") == form["key"]  # nothing sent: the key is still free
    assert not [s for s in diary.sent if s.path.endswith("/messages")]


@pytest.mark.parametrize(
    ("status", "reason", "expected"),
    [
        (413, "attachment_too_large", "Файл слишком большой"),
        (413, "too_many_attachments", "не больше 5"),
        (415, "unsupported_attachment_type", "Такой файл дневник не принимает"),
        (422, "empty_attachment", "Файл пустой"),
    ],
)
async def test_a_refused_file_is_shown_beside_the_files_with_a_new_key(
    parent, diary, status, reason, expected
):
    form = await reply_form(parent)
    diary.refusal = ApiRefused(status, reason, "refused")
    files = [("files", ("big.pdf", b"%PDF-1.4", "application/pdf"))]

    page = await parent.post("/messages/t-1", data={**form, "text": "Вот файл"}, files=files)

    assert page.status_code == status
    error = re.search(r'<p class="error field-error" id="files-error">([^<]+)</p>', page.text)
    assert error
    assert expected in error.group(1)
    assert reason in error.group(1)
    assert 'aria-describedby="files-hint files-error"' in page.text
    assert ">Вот файл</textarea>" in page.text  # what was typed stays
    assert field(page.text, "key") != form["key"]  # the diary bound the old key


async def test_a_text_the_diary_refuses_is_shown_beside_the_text(parent, diary):
    form = await reply_form(parent)
    diary.refusal = ApiRefused(
        422, "invalid_text", "text", [{"type": "x", "loc": ["body", "text"], "msg": "control"}]
    )

    page = await parent.post("/messages/t-1", data={**form, "text": "a\u0007b"})

    assert page.status_code == 422
    assert re.search(r'id="text-error">Напишите текст сообщения[^<]*\(invalid_text\)', page.text)


async def test_a_reply_refused_for_access_is_the_refusal_page(parent, diary):
    form = await reply_form(parent)
    diary.refusal = ApiRefused(403, "access_revoked", "the grant ended")

    page = await parent.post("/messages/t-1", data={**form, "text": "Ещё вопрос"})

    assert page.status_code == 403
    assert "access_revoked" in page.text


async def test_a_reply_during_an_outage_is_the_503_page(parent, diary):
    form = await reply_form(parent)
    diary.down = True

    page = await parent.post("/messages/t-1", data={**form, "text": "Ещё вопрос"})

    assert page.status_code == 503
    assert page.headers["Retry-After"]


# ---------------------------------------------------------------- a new thread


async def new_form(http) -> dict[str, str]:
    page = (await http.get("/messages/new")).text
    return {"csrf_token": field(page, "csrf_token"), "key": field(page, "key")}


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


@pytest.mark.parametrize(
    ("status", "reason", "expected"),
    [
        (413, "attachment_too_large", "Файл слишком большой"),
        (413, "too_many_attachments", "не больше 5"),
        (415, "unsupported_attachment_type", "Такой файл дневник не принимает"),
        (422, "empty_attachment", "Файл пустой"),
    ],
)
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


# ---------------------------------------------------------------- the profile


async def test_the_profile_shows_how_the_user_is_shown_and_saves_a_new_label(parent, diary):
    page = await parent.get("/profile")

    assert "<strong>Родитель (мама Маши)</strong>" in page.text
    assert 'value="мама Маши"' in page.text
    fields = {"csrf_token": field(page.text, "csrf_token"), "key": field(page.text, "key")}
    answer = await parent.post("/profile", data={**fields, "label": " папа Маши "})

    assert answer.status_code == 303
    assert answer.headers["location"] == "/profile?saved=1"
    put = diary.sent[-1]
    assert (put.method, put.path, put.json, put.key) == (
        "PUT", "/schools/s1/me/label", {"label": "папа Маши"}, fields["key"]
    )  # fmt: skip


async def test_a_label_the_diary_refuses_is_shown_beside_the_field(parent, diary):
    page = (await parent.get("/profile")).text
    diary.refusal = ApiRefused(
        422, "invalid_text", "label", [{"type": "x", "loc": ["body", "label"], "msg": "bad"}]
    )
    fields = {"csrf_token": field(page, "csrf_token"), "key": field(page, "key")}

    answer = await parent.post("/profile", data={**fields, "label": "мама\u0000"})

    assert answer.status_code == 422
    assert 'id="label-error"' in answer.text
    assert field(answer.text, "key") != fields["key"]
