"""The monthly check pages' pure logic: the API's JSON read, findings grouped by teacher or class
and lesson, their state against the opening, the teacher's remarks sorted, the form values and
refusals in Russian."""

from __future__ import annotations

import datetime as dt

import pytest

from services.web.domain.check_models import check_of, names_of, remark_of
from services.web.domain.checks import (
    check_target,
    group_findings,
    is_token,
    month_label,
    natural_key,
    previous_month,
    refusal_text,
    remark_text,
    scope_label,
    shown_findings,
    split_remarks,
)
from tests.support.fake_apis import check_findings
from tests.unit.web.check_givens import remark_json

ROSTER = {
    "school_name": "Школа № 17",
    "staff": [
        {"staff_id": "t015", "full_name": "Пестова Жанна Руслановна", "position": "учитель"},
        {"staff_id": "t023", "full_name": "Федотова Нина Сергеевна", "position": "учитель"},
        {"staff_id": "dep1", "full_name": "Лукьянова Вероника", "position": "завуч"},
    ],
    "classes": [
        {"class_id": "5a", "grade": 5, "label": "5А", "class_teacher_id": "t023"},
        {"class_id": "10a", "grade": 10, "label": "10А", "class_teacher_id": "t015"},
    ],
    "subjects": [
        {"subject_id": "math", "name": "Математика"},
        {"subject_id": "russian", "name": "Русский язык"},
    ],
}
NAMES = names_of(ROSTER)


def finding(kind, lesson, *, teacher="t015", klass="5a", day="2026-09-09", pupil=None, **extra):
    ident = f"{kind}:{lesson}:{pupil}" if pupil else f"{kind}:{lesson}"
    return {
        "finding_id": ident,
        "kind": kind,
        "class_id": klass,
        "teacher_id": teacher,
        "date": day,
        "lesson_id": lesson,
        "subject_id": extra.get("subject", "math"),
        "pupil_id": pupil,
        "detail": extra.get("detail", ""),
    }


def remark(remark_id, status, shown=None, *, finding_id=None, issued="2026-10-02T09:00:00Z"):
    return remark_json(status, shown, remark_id=remark_id, finding_id=finding_id, issued_at=issued)


def check(at_opening, now, remarks=()):
    return check_of(
        {
            "check_id": "c-1",
            "month": "2026-09",
            "scope": "school",
            "target_id": None,
            "opened_by": "dep1",
            "opened_at": "2026-10-02T08:00:00Z",
            "closed": False,
            "closed_at": None,
            "findings": check_findings(at_opening, now),
            "remarks": list(remarks),
        }
    )


NO_TOPIC = finding("no_topic", "5a-20260909-2")
NOT_HELD = finding("not_marked_held", "5a-20260909-2")
ABSENCE = finding("absence_without_reason", "5a-20260903-1", day="2026-09-03", pupil="p1")
RUSSIAN = finding("late_entry", "10a-20260910-3", teacher="t023", klass="10a", day="2026-09-10")


def test_findings_group_by_teacher_then_lesson_in_order_of_name_and_day():
    groups = group_findings(check([NO_TOPIC, NOT_HELD, ABSENCE, RUSSIAN], []), "teacher", NAMES)

    assert [(g.key, g.title) for g in groups] == [
        ("t015", "Пестова Жанна Руслановна"),
        ("t023", "Федотова Нина Сергеевна"),
    ]
    lessons = groups[0].lessons
    assert [lesson.lesson_id for lesson in lessons] == ["5a-20260903-1", "5a-20260909-2"]
    # Within a lesson the findings follow the order of their kinds (topic before "not held").
    assert [s.finding.kind for s in lessons[1].findings] == ["no_topic", "not_marked_held"]


def test_findings_group_by_class_with_classes_in_natural_order():
    groups = group_findings(check([RUSSIAN, NO_TOPIC], []), "class", NAMES)

    assert [g.title for g in groups] == ["5А", "10А"]  # 5 before 10, not as text


def test_each_finding_shows_whether_it_still_holds_and_new_ones_are_marked():
    late = finding("late_entry", "5a-20260909-2")
    shown = shown_findings(check([NO_TOPIC, NOT_HELD], [NOT_HELD, late]))

    assert {(s.finding.kind, s.state) for s in shown} == {
        ("no_topic", "gone"),
        ("not_marked_held", "holds"),
        ("late_entry", "new"),
    }


def test_a_group_counts_only_the_findings_that_hold_now():
    (group,) = group_findings(check([NO_TOPIC, NOT_HELD], [NOT_HELD]), "teacher", NAMES)

    assert group.holding == 1


def test_a_finding_carries_the_remarks_issued_about_it():
    issued = remark("r-1", "issued", finding_id=NO_TOPIC["finding_id"])
    shown = shown_findings(check([NO_TOPIC, NOT_HELD], [NO_TOPIC, NOT_HELD], [issued]))

    by_kind = {s.finding.kind: s.remarks for s in shown}
    assert [r.remark_id for r in by_kind["no_topic"]] == ["r-1"]
    assert by_kind["not_marked_held"] == ()


def test_the_api_json_is_read_with_dates_and_the_status_the_api_shows():
    read = check([ABSENCE], [], [remark("r-1", "issued", "fixed_automatically")])

    (f,) = read.at_opening
    assert (f.day, f.pupil_id, f.label) == (dt.date(2026, 9, 3), "p1", "пропуск без причины")
    assert f.anchor == "f-absence_without_reason-5a-20260903-1-p1"
    (r,) = read.remarks
    assert (r.label, r.waits_for_teacher, r.waits_for_deputy) == (
        "исправлено автоматически",
        True,
        True,
    )
    assert read.opened_at == dt.datetime(2026, 10, 2, 8, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("status", "shown", "label", "teacher", "deputy"),
    [
        ("issued", "issued", "открыто", True, False),
        ("resolved", "resolved", "исправлено учителем", False, True),
        ("confirmed", "confirmed", "подтверждено", False, False),
        ("reopened", "reopened", "возвращено", True, False),
    ],
)
def test_a_remark_waits_for_the_teacher_or_the_deputy(status, shown, label, teacher, deputy):
    read = remark_of(remark("r-1", status, shown))

    assert (read.label, read.waits_for_teacher, read.waits_for_deputy) == (label, teacher, deputy)


def test_the_teacher_sees_open_remarks_first_each_part_newest_first():
    remarks = [
        remark_of(remark("r-old", "issued", issued="2026-10-01T09:00:00Z")),
        remark_of(remark("r-done", "confirmed", issued="2026-10-05T09:00:00Z")),
        remark_of(remark("r-new", "reopened", issued="2026-10-03T09:00:00Z")),
        remark_of(remark("r-resolved", "resolved", issued="2026-10-04T09:00:00Z")),
    ]

    waiting, done = split_remarks(remarks)

    assert [r.remark_id for r in waiting] == ["r-new", "r-old"]
    assert [r.remark_id for r in done] == ["r-done", "r-resolved"]


def test_a_remark_about_a_finding_starts_with_the_lesson_and_what_is_wrong():
    text = remark_text(check([ABSENCE], []).at_opening[0], NAMES)

    assert text.startswith("Урок 03.09.2026, 5А, Математика: пропуск без причины")


def test_months_and_scopes_are_said_in_russian():
    assert month_label("2026-09") == "сентябрь 2026"
    assert month_label("garbage") == "garbage"
    assert scope_label("class", "5a", NAMES) == "класс 5А"
    assert scope_label("teacher", "t015", NAMES) == "учитель Пестова Жанна Руслановна"
    assert scope_label("school", None, NAMES) == "вся школа"


def test_the_form_opens_last_month_by_default():
    assert previous_month(dt.date(2026, 12, 5)) == "2026-11"
    assert previous_month(dt.date(2027, 1, 10)) == "2026-12"


def test_the_target_is_the_one_the_scope_names():
    assert check_target("class", "5a", "t015") == "5a"
    assert check_target("teacher", "5a", "t015") == "t015"
    assert check_target("school", "5a", "t015") is None
    assert check_target("class", " ", "t015") is None


def test_names_sort_naturally_and_ids_are_checked_before_they_enter_a_path():
    assert sorted(["11Б", "5А", "10А", "1В"], key=natural_key) == ["1В", "5А", "10А", "11Б"]
    assert is_token("c-0a1b2c")
    assert not is_token("../admin")
    assert not is_token("C-1")


def test_refusals_are_said_in_russian_with_the_apis_words_and_fields():
    assert refusal_text("check_closed", "the check is closed").startswith("Проверка закрыта")
    assert "(the check is closed)" in refusal_text("check_closed", "the check is closed")
    errors = [{"loc": ["body", "reason"], "msg": "String should have at least 1 character"}]
    assert refusal_text("validation_failed", "", errors) == (
        "Проверьте: Причина: String should have at least 1 character."
    )
    assert refusal_text("something_new", "") == "Действие не выполнено."
