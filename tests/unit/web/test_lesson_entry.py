"""The lesson page's form read into the journal's whole-class save (pure)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from services.web.domain.lesson_entry import (
    KEY_PATTERN,
    file_key,
    plan_save,
    read_letter,
    reason_key,
)

PUPILS = ("p1", "p2", "p3")


def form(**fields: str) -> dict[str, str]:
    """A lesson form of three pupils with one new-mark column, plus `fields` (dots as __)."""
    base = {"key": "k", "kind.0": "classwork"}
    base |= {f"mark.0.{p}": "" for p in PUPILS} | {f"att.{p}": "" for p in PUPILS}
    return base | {name.replace("__", "."): value for name, value in fields.items()}


def test_letters_are_read_in_either_case_and_a_lone_o_means_late():
    assert [read_letter(t) for t in ("н", "Б", " у ", "п", "оп", "ОП", "о", "")] == [
        "Н", "Б", "У", "П", "ОП", "ОП", "ОП", "",
    ]  # fmt: skip


def test_a_text_that_is_no_letter_of_the_school_is_not_read():
    assert read_letter("X") is None
    assert read_letter("НН") is None


def test_marks_are_sent_as_typed_with_their_columns_kind_of_work():
    plan = plan_save(form(mark__0__p1="5", mark__0__p3="7", held="1"))
    assert plan.body["marks"] == [
        {"pupil_id": "p1", "value": "5", "work_kind_id": "classwork"},
        {"pupil_id": "p3", "value": "7", "work_kind_id": "classwork"},  # the journal refuses it
    ]
    assert [m.field for m in plan.marks] == ["mark.0.p1", "mark.0.p3"]
    assert not plan.problems


def test_a_cell_may_hold_several_marks_and_each_column_has_its_kind():
    fields = form(mark__0__p2="5 4", **{"kind.1": "test", "mark.1.p2": "3"})
    plan = plan_save(fields)
    assert [(m["value"], m["work_kind_id"]) for m in plan.body["marks"]] == [
        ("5", "classwork"),
        ("4", "classwork"),
        ("3", "test"),
    ]
    assert [m.kind_field for m in plan.marks] == ["kind.0", "kind.0", "kind.1"]


def test_held_lesson_sends_the_whole_class_attendance_even_when_everyone_was_there():
    plan = plan_save(form(held="1"))
    assert plan.body["held"] is True
    assert plan.body["attendance"] == []


def test_attendance_is_left_alone_when_not_held_never_taken_and_nobody_is_marked():
    plan = plan_save(form(topic="Дроби"))
    assert plan.body == {"held": False, "topic": "Дроби", "marks": []}


def test_attendance_taken_before_is_sent_again_whole():
    plan = plan_save(form(att_taken="1"))
    assert plan.body["attendance"] == []


def test_letters_become_observations_and_reasons_to_set_after_the_save():
    plan = plan_save(form(held="1", att__p1="Н", att__p2="Б", att__p3="ОП"))
    assert plan.body["attendance"] == [
        {"pupil_id": "p1", "kind": "absent"},
        {"pupil_id": "p2", "kind": "absent"},
        {"pupil_id": "p3", "kind": "late"},
    ]
    assert plan.reasons == (("p2", "illness"),)
    assert plan.attendance_pupils == ("p1", "p2", "p3")


def test_a_reason_the_journal_already_holds_is_not_set_again():
    plan = plan_save(form(att__p1="У", reason0__p1="valid", att__p2="Н", reason0__p2="illness"))
    assert plan.reasons == (("p2", "unknown"),)  # Н over an earlier reason: unknown again


def test_lateness_keeps_its_minutes():
    plan = plan_save(form(att__p1="ОП", late__p1="10"))
    assert plan.body["attendance"] == [{"pupil_id": "p1", "kind": "late", "minutes_late": 10}]


def test_homework_is_sent_when_any_of_it_is_filled_in():
    assert "homework" not in plan_save(form()).body
    assert plan_save(form(hw_text=" № 5 ")).body["homework"] == {"text": "№ 5", "due_on": None}
    due_only = plan_save(form(hw_due="2026-12-07")).body["homework"]
    assert due_only == {"text": "", "due_on": "2026-12-07"}  # the journal says the text is missing


def test_an_unreadable_letter_is_a_problem_beside_its_cell_and_nothing_is_sent():
    plan = plan_save(form(att__p2="Ж"))
    assert set(plan.problems) == {"att.p2"}
    assert "Ж" in plan.problems["att.p2"]


def test_the_keys_of_reasons_and_files_are_derived_from_the_forms_key():
    assert reason_key("abc", "p0415") == "abc.r.p0415"
    assert file_key("abc", 2) == "abc.f2"
    assert reason_key("abc", "p1") != reason_key("abc", "p2")


@given(st.text(min_size=1, max_size=120), st.text(max_size=70))
def test_derived_keys_always_have_the_journals_key_format(key, pupil):
    assert KEY_PATTERN.fullmatch(reason_key(key, pupil))
    assert KEY_PATTERN.fullmatch(file_key(key, 0))


LETTER = st.sampled_from(["", "Н", "Б", "У", "П", "ОП", "н", "б", "у", "п", "оп"])


@given(st.lists(LETTER, min_size=1, max_size=30), st.booleans())
def test_every_pupil_marked_is_in_the_attendance_once_and_no_one_else(letters, held):
    pupils = [f"p{i}" for i in range(len(letters))]
    fields = {"kind.0": "classwork"} | {f"att.{p}": t for p, t in zip(pupils, letters, strict=True)}
    if held:
        fields["held"] = "1"
    plan = plan_save(fields)
    marked = [p for p, t in zip(pupils, letters, strict=True) if t]
    sent = [a["pupil_id"] for a in plan.body.get("attendance", [])]
    assert sent == marked
    assert ("attendance" in plan.body) == (held or bool(marked))
    late = {p for p, t in zip(pupils, letters, strict=True) if t.upper() == "ОП"}
    assert {a["pupil_id"] for a in plan.body.get("attendance", []) if a["kind"] == "late"} == late
    reasons = dict(plan.reasons)
    assert set(reasons) <= set(marked) - late
    assert all(reasons[p] in {"illness", "valid", "unexcused"} for p in reasons)
    assert not plan.problems


@given(st.dictionaries(st.text(max_size=12), st.text(max_size=12), max_size=12))
def test_any_form_at_all_gives_a_plan_never_an_error(fields):
    plan = plan_save(fields)
    assert isinstance(plan.body["marks"], list)
    assert len(plan.marks) == len(plan.body["marks"])
