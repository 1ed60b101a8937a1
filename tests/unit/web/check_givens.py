"""Givens the monthly check's tests share: a remark as the journal's check JSON carries it."""

from __future__ import annotations

from typing import Any


def remark_json(status: str, shown: str | None = None, **fields: Any) -> dict[str, Any]:
    """A remark `r-1` of check `c-1` to t015 about 5А's mathematics lesson of 9 September, in
    `status` (shown as `shown`, by default the same), with `fields` over these."""
    return {
        "check_id": "c-1",
        "remark_id": "r-1",
        "teacher_id": "t015",
        "teacher_name": "Пестова Жанна Руслановна",
        "about": "lesson",
        "text": "Запишите тему",
        "lesson_id": "5a-20260909-2",
        "lesson_date": "2026-09-09",
        "class_id": "5a",
        "class_label": "5А",
        "subject_id": "math",
        "subject_name": "Математика",
        "finding_id": None,
        "status": status,
        "issued_by": "dep1",
        "issued_at": "2026-10-02T09:00:00Z",
        "resolved_at": None,
        "resolve_note": None,
        "confirmed_at": None,
        "reopened_at": None,
        "reopen_reason": None,
        "auto_fixed": False,
        "shown_status": shown or status,
    } | fields
