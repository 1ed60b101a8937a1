"""The family's pages' world: the diary as a fake of its HTTP API (`Diary`; answers by path,
writes recorded, `down` for an outage) with a parent's profile, a week, a day, a subject and
the changes of «Что нового».
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from services.portal.application.ports import ApiRefused, ApiUnavailable, Download
from tests.support.fake_apis import Call, FakeDiaryApi, stored

BASE = "/schools/s1/years/2026"
MINE = "p" + "a" * 32
OTHER = "p" + "b" * 32
SECOND = "p" + "c" * 32
TODAY = dt.date(2026, 9, 16)  # a Wednesday
PROFILE = {
    "uid": 100001, "roles": ["parent"], "label": None, "classes": [],
    "children": [{"pupil": MINE, "relation": "parent", "label": "Маша", "class_id": "5a",
                  "class_label": "5А", "seen_up_to": 5_000_001}],
    "periods": [
        {"period_id": "q1", "name": "1 четверть", "starts_on": "2026-09-01",
         "ends_on": "2026-10-25"},
        {"period_id": "q2", "name": "2 четверть", "starts_on": "2026-11-05",
         "ends_on": "2026-12-28"},
    ],
}  # fmt: skip
MATH = {
    "lesson_id": "5a-20260914-1", "class_id": "5a", "date": "2026-09-14", "slot": 1,
    "subject_id": "math", "subject_name": "Математика", "teacher_id": "t023",
    "teacher_name": "Иванова А. В.", "status": "held", "topic": "Сложение дробей",
    "homework": "№ 12, 14", "homework_due_on": "2026-09-18",
    "files": [{"attachment_id": "att-1", "name": "задание.pdf", "size": 12_345,
               "media_type": "application/pdf",
               "url": f"/diary/v1{BASE}/files/att-1"}],
    "marks": [{"mark_id": "m1", "value": "5", "work_kind_id": "test",
               "work_kind_name": "Контрольная работа", "weight": "2.00", "comment": None,
               "counts": True, "corrected": False, "corrected_after_close": False}],
    "absence": None, "corrected_after_close": False,
}  # fmt: skip
RUSSIAN = {
    **MATH, "lesson_id": "5a-20260914-4", "slot": 4, "subject_id": "russian",
    "subject_name": "Русский язык", "teacher_name": None, "topic": None, "homework": None,
    "homework_due_on": None, "files": [], "marks": [],
    "absence": {"letter": "Б", "kind": "absent", "minutes_late": None, "reason": "illness"},
}  # fmt: skip
FRIDAY = {**RUSSIAN, "lesson_id": "5a-20260918-2", "date": "2026-09-18", "slot": 2, "absence": None}
WEEK = {"pupil": MINE, "starts_on": "2026-09-14", "ends_on": "2026-09-20",
        "lessons": [MATH, RUSSIAN, FRIDAY]}  # fmt: skip
SUBJECT = {
    "pupil": MINE, "subject_id": "math", "subject_name": "Математика", "period_id": "q1",
    "starts_on": "2026-09-01", "ends_on": "2026-10-26",
    "marks": [
        {"lesson_id": "l1", "date": "2026-09-14", "mark": MATH["marks"][0]},  # type: ignore[index]
        {"lesson_id": "l2", "date": "2026-09-21",
         "mark": {**MATH["marks"][0], "mark_id": "m2", "value": "3",  # type: ignore[index]
                  "work_kind_name": "Работа на уроке", "weight": "1.00"}},
    ],
    "average": "4.33",
    "period_mark": {"period_id": "q1", "value": "4", "average": "4.33",
                    "corrected_after_close": False},
    "period_marks": [{"period_id": "q1", "value": "4", "average": "4.33",
                      "corrected_after_close": False}],
}  # fmt: skip


def change(change_id: int, kind: str, old: str | None, new: str | None) -> dict[str, Any]:
    return {
        "change_id": change_id, "kind": kind, "recorded_at": "2026-09-16T11:03:00+00:00",
        "lesson_id": "5a-20260914-1", "date": "2026-09-14", "subject_id": "math",
        "subject_name": "Математика", "class_id": "5a", "period_id": None, "old": old,
        "new": new, "work_kind_name": "Контрольная работа", "weight": "2.00", "due_on": None,
    }  # fmt: skip


CHANGES = {
    "pupil": MINE,
    "latest": 7_000_001,
    "changes": [
        change(7_000_001, "mark_corrected", "3", "4"),
        change(6_000_000, "mark_added", None, "3"),
        change(5_000_001, "mark_added", None, "5"),
    ],
}


@dataclass
class FakeDiary(FakeDiaryApi):
    """GET answers by path (an exception is raised); writes recorded; `down` fails every call."""

    gets: dict[str, Any] = field(default_factory=dict)
    asked: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    sent: list[tuple[str, str, Any, str | None]] = field(default_factory=list)
    down: bool = False

    def answer_get(self, call: Call) -> Any:
        self.asked.append((call.path, dict(call.params or {})))
        if self.down:
            raise ApiUnavailable("diary", "down")
        no_grant = ApiRefused(403, "no_grant", "you have no live grant for this pupil")
        return stored(self.gets, call.path, no_grant)

    def answer_download(self, call: Call) -> Download:
        if call.path != f"{BASE}/files/att-1":
            raise ApiRefused(404, "not_found", "no such file")
        return Download(b"%PDF-1.4", "application/pdf", "attachment; filename*=UTF-8''x.pdf")

    def answer_send(self, call: Call) -> Any:
        if self.down:
            raise ApiUnavailable("diary", "down")
        self.sent.append((call.method, call.path, call.json, call.idempotency_key))
        return call.json


def the_diary() -> FakeDiary:
    """The fake diary with the parent's profile and their child's week, day, subject and news."""
    return FakeDiary(
        gets={
            f"{BASE}/me/profile": PROFILE,
            f"{BASE}/pupils/{MINE}/weeks/2026-09-14": WEEK,
            f"{BASE}/pupils/{MINE}/days/2026-09-14": {**WEEK, "lessons": [MATH, RUSSIAN]},
            f"{BASE}/pupils/{MINE}/subjects/math": SUBJECT,
            f"{BASE}/pupils/{MINE}/changes": CHANGES,
        }
    )


def text_of(page: str) -> str:
    """The page's words without tags or repeated spaces."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
