"""The journal-vs-diary check: a merge of two ordered record sequences, named differences."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from services.exporter.application.agreement import check
from services.exporter.domain.agreement import Line


class Feed:
    """A side of the check, from a list."""

    def __init__(self, lines):
        self._lines = lines

    async def lines(self, school, year):
        for line in self._lines:
            yield line


def compare(journal, diary, pseudonym):
    report = asyncio.run(
        check(
            journal=Feed(journal),
            diary=Feed(diary),
            pseudonym=pseudonym,
            school="s1",
            year=2026,
            now=dt.datetime(2026, 11, 29, tzinfo=dt.UTC),
        )
    )
    assert report.total_differences == len(report.differences)
    assert report.agrees == (report.total_differences == 0)
    return report.differences


def pseudonym(pupil_id: str) -> str:
    return "p" + pupil_id.encode().hex().ljust(32, "0")[:32]


def journal_lesson(lesson_id: str = "5a-20260907-1", **changes) -> Line:
    content = {
        "lesson_id": lesson_id,
        "class_id": "5a",
        "subject_id": "math",
        "date": "2026-09-07",
        "slot": 1,
        "group": None,
        "teacher_id": "t-math",
        "status": "held",
        "topic": "Дроби",
        "homework": "§12",
        "homework_due_on": "2026-09-09",
        "files": [],
        "marks": [
            {
                "mark_id": "m1",
                "pupil_id": "p01",
                "value": "5",
                "work_kind_id": "test",
                "weight": 2.0,
                "comment": None,
                "counts": True,
                "corrected": False,
            }
        ],
        "absences": [
            {
                "pupil_id": "p02",
                "kind": "absent",
                "minutes_late": None,
                "reason": "unknown",
                "letter": "Н",
            }
        ],
    }
    content.update(changes)
    return Line("lesson", lesson_id, content)


def as_diary(line: Line) -> Line:
    """What a diary in agreement holds for the journal's line: pseudonyms, weights as strings."""
    content = copy.deepcopy(dict(line.content))
    for name in ("members", "marks", "absences"):
        for item in content.get(name, []):
            item["pupil"] = pseudonym(item.pop("pupil_id"))
    for mark in content.get("marks", []):
        mark["weight"] = f"{mark['weight']:.2f}"
    return Line(line.kind, line.record_id, content)


def journal_class(class_id: str = "5a") -> Line:
    return Line(
        "class",
        class_id,
        {
            "class_id": class_id,
            "grade": 5,
            "label": "5А",
            "class_teacher_id": "t-rus",
            "members": [{"pupil_id": "p01", "since": "2026-09-01", "last_day": None}],
            "teaching": [{"teacher_id": "t-math", "subject_id": "math", "group": None}],
        },
    )


def test_agreeing_sides_have_no_differences():
    journal = [journal_class(), journal_lesson()]
    diary = [as_diary(line) for line in journal]
    assert compare(journal, diary, pseudonym) == []


def test_a_changed_mark_value_is_named_down_to_the_field():
    diary = as_diary(journal_lesson())
    diary.content["marks"][0]["value"] = "4"
    [difference] = compare([journal_lesson()], [diary], pseudonym)
    assert (difference.problem, difference.where) == ("different", "marks[m1].value")
    assert (difference.journal, difference.diary) == ("5", "4")


def test_missing_and_extra_marks_and_records():
    diary = as_diary(journal_lesson())
    diary.content["marks"][0]["mark_id"] = "m9"
    found = list(
        compare(
            [journal_class(), journal_lesson()],
            [diary, as_diary(journal_lesson("5a-20260908-1"))],
            pseudonym,
        )
    )
    summary = [(d.kind, d.record_id, d.problem, d.where) for d in found]
    assert summary == [
        ("class", "5a", "missing_in_diary", ""),
        ("lesson", "5a-20260907-1", "missing_in_diary", "marks[m1]"),
        ("lesson", "5a-20260907-1", "extra_in_diary", "marks[m9]"),
        ("lesson", "5a-20260908-1", "extra_in_diary", ""),
    ]


def test_a_pupil_under_the_wrong_pseudonym_is_a_difference():
    diary = as_diary(journal_lesson())
    diary.content["absences"][0]["pupil"] = pseudonym("p03")
    problems = {d.problem for d in compare([journal_lesson()], [diary], pseudonym)}
    assert problems == {"missing_in_diary", "extra_in_diary"}


def test_the_school_configuration_is_not_compared():
    school = Line("school", "s1", {"anything": 1})
    journal = [journal_lesson()]
    assert list(compare(journal, [as_diary(journal[0]), school], pseudonym)) == []


@given(
    ours=st.sets(st.integers(0, 30), max_size=12),
    theirs=st.sets(st.integers(0, 30), max_size=12),
)
def test_the_merge_reports_exactly_the_symmetric_difference(ours, theirs):
    def lesson_ids(numbers):
        # Byte order, as both sides send them: "…-10" sorts before "…-2".
        return sorted((f"5a-20260907-{n}" for n in numbers), key=str.encode)

    journal = [journal_lesson(i) for i in lesson_ids(ours)]
    diary = [as_diary(journal_lesson(i)) for i in lesson_ids(theirs)]
    found = list(compare(journal, diary, pseudonym))
    missing = {d.record_id for d in found if d.problem == "missing_in_diary"}
    extra = {d.record_id for d in found if d.problem == "extra_in_diary"}
    assert missing == set(lesson_ids(ours - theirs))
    assert extra == set(lesson_ids(theirs - ours))
    assert all(d.problem != "different" for d in found)
