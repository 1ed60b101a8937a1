"""The year's plan as the end-to-end tests set it over HTTP: halves for grades 10–11 and a
grade 10 class beside the small school's grade 5 class (`tests.support.journal`)."""

from __future__ import annotations

from tests.support.journal import MATH_TEACHER

SENIOR, SENIOR_PUPIL = "10a", "p60"
HALVES = {
    "name": "Полугодия",
    "grades": [10, 11],
    "periods": [
        {
            "period_id": "h1",
            "name": "1 полугодие",
            "starts_on": "2026-09-01",
            "ends_on": "2026-12-28",
        },
        {
            "period_id": "h2",
            "name": "2 полугодие",
            "starts_on": "2027-01-12",
            "ends_on": "2027-05-31",
        },
    ],
}


def senior_class_steps(scheduled_to: str) -> list[tuple[str, str, dict[str, object]]]:
    """(method, path under the year, body) opening 10А with one pupil and maths on Mondays
    (slot 3), its lessons scheduled from 1 September to `scheduled_to`."""
    slot = {"weekday": 1, "slot": 3, "subject_id": "math", "teacher_id": MATH_TEACHER.id}
    return [
        ("PUT", f"/pupils/{SENIOR_PUPIL}", {"full_name": "Орлов Иван", "birth_date": "2010-04-02"}),
        ("PUT", f"/classes/{SENIOR}", {"grade": 10, "label": "10А", "class_teacher_id": "t-rus"}),
        ("POST", f"/classes/{SENIOR}/members", {"pupil_id": SENIOR_PUPIL, "since": "2026-09-01"}),
        (
            "POST",
            f"/classes/{SENIOR}/assignments",
            {"teacher_id": MATH_TEACHER.id, "subject_id": "math"},
        ),
        ("PUT", f"/classes/{SENIOR}/timetable", {"effective_from": "2026-09-01", "slots": [slot]}),
        ("POST", f"/classes/{SENIOR}/lessons/schedule", {"from": "2026-09-01", "to": scheduled_to}),
    ]
