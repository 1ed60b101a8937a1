"""The messages' pages' world over a fake diary: a parent's and a teacher UID's profiles, the
threads and one thread the diary answers, what it answers a post or a start, and reading a page's
form (its CSRF token and idempotency key) back."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import httpx

from services.diary.entrypoints.message_dto import RecordedOut, ThreadOut, ThreadsOut
from services.diary.entrypoints.profile_dto import ProfileOut
from services.portal.application.ports import Download
from tests.unit.portal.staff_diary import MESSAGES, YEAR_PATH, FakeDiary, Sent, diary_shaped

TODAY = dt.date(2026, 12, 5)
PARENT, TEACHER = 100001, 200001
THREAD = f"{MESSAGES}/threads/t-1"
PROFILE = f"{YEAR_PATH}/me/profile"
NOTICE = "не являются официальной перепиской образовательной организации"
REFUSED_FILES = [  # the diary's refusals of a message's file: status, reason, the page's words
    (413, "attachment_too_large", "Файл слишком большой"),
    (413, "too_many_attachments", "не больше 5"),
    (415, "unsupported_attachment_type", "Такой файл дневник не принимает"),
    (422, "empty_attachment", "Файл пустой"),
]
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


def a_diary() -> FakeDiary:
    """The diary with the parent's profile, the threads, thread t-1 and its file `a-1`, which
    answers every post and start as `recorded` does (no key recorded yet)."""
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


def field(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, name
    return found.group(1)


def form_fields(page: str) -> dict[str, str]:
    """The CSRF token and the idempotency key of the page's form."""
    return {"csrf_token": field(page, "csrf_token"), "key": field(page, "key")}


async def form_of(http: httpx.AsyncClient, address: str) -> dict[str, str]:
    """`form_fields` of the page at `address`."""
    return form_fields((await http.get(address)).text)
