"""The messages' list with unread counts and the notice, the menu's badge fragment, a thread
shown with author labels (never a UID) and marked read on opening, a message's file, and the
multipart reply under the form's Idempotency-Key: the CSRF check, the diary's refusals beside
their field (nothing recorded), the refusal and outage pages.
"""

from __future__ import annotations

import re

import httpx
import pytest

from services.portal.application.ports import ApiRefused
from tests.unit.portal.messages.messages_world import (
    NOTICE,
    PARENT,
    REFUSED_FILES,
    TEACHER,
    THREAD,
    THREAD_ANSWER,
    field,
    form_of,
)
from tests.unit.portal.staff_diary import MESSAGES


def messages_of(page: str) -> str:
    return page[page.index('<ol class="messages">') : page.index("</ol>")]


async def reply_form(http: httpx.AsyncClient) -> dict[str, str]:
    return await form_of(http, "/messages/t-1")


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


@pytest.mark.parametrize(("status", "reason", "expected"), REFUSED_FILES)
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
