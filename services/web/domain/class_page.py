"""The administrator's page of one class, its pure part: what it shows of the year's roster,
where each membership stands on the day, and the pupils offered by its selects."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.web.domain.admin import membership, pupils_by_class


def class_of_roster(roster: dict[str, Any], class_id: str) -> dict[str, Any]:
    """What the class page shows from the year's roster: the class, its teachers, the names."""
    labels = {k["class_id"]: k["label"] for k in roster["classes"]}
    return {
        "class_id": class_id,
        "klass": next((k for k in roster["classes"] if k["class_id"] == class_id), None),
        "labels": labels,
        "assignments": [a for a in roster["assignments"] if a["class_id"] == class_id],
        "staff": {s["staff_id"]: s for s in roster["staff"]},
        "teacher_options": [
            (s["staff_id"], f"{s['full_name']} — {s['position']}") for s in roster["staff"]
        ],
        "subjects": {s["subject_id"]: s["name"] for s in roster["subjects"]},
        "other_classes": [(k, v) for k, v in labels.items() if k != class_id],
    }


def with_states(members: list[dict[str, Any]], on: dt.date) -> list[dict[str, Any]]:
    """The membership intervals, each with where it stands on the day (`state`)."""
    for member in members:
        last_day = member["last_day"]
        member["state"] = membership(
            dt.date.fromisoformat(member["since"]),
            None if last_day is None else dt.date.fromisoformat(last_day),
            on,
        )
    return members


def current_pupils(members: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The pupils in the class now (or about to join), once each, for a select."""
    found = {
        m["pupil_id"]: f"{m['full_name'] or m['pupil_id']} ({m['pupil_id']})"
        for m in members
        if m["state"] != "left"
    }
    return sorted(found.items(), key=lambda item: item[1])


def grouped_pupils(
    pupils: list[dict[str, Any]], order: list[str], labels: dict[str, str]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Pupils for a select, grouped by their class today (`optgroup`s)."""
    return [
        (
            f"Класс {labels.get(k, k)}" if k else "Не в классе",
            [(p["pupil_id"], f"{p['full_name']} ({p['pupil_id']})") for p in group],
        )
        for k, group in pupils_by_class(pupils, order)
    ]
