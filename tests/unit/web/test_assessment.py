"""The marks a lesson page offers per assessment: the school's scale, «зач»/«незач» (with the
scale's values that count in no average) for a pass/fail subject, none for a subject without
marks; and how a subject is assessed in a grade, as the roster lists it."""

from __future__ import annotations

from services.web.domain.assessment import (
    MarkChoice,
    assessment_label,
    assessment_of,
    mark_choices,
    mark_title,
)

ROSTER = {
    "scale": [{"value": "2", "numeric": 2}, {"value": "3", "numeric": 3},
              {"value": "4", "numeric": 4}, {"value": "5", "numeric": 5},
              {"value": "н/а", "numeric": None}],
    "subjects": [{"subject_id": "math", "name": "Математика"},
                 {"subject_id": "pe", "name": "Физическая культура"},
                 {"subject_id": "music", "name": "Музыка"}],
    "assessments": [
        {"subject_id": "math", "grade": 1, "assessment": "unmarked"},
        {"subject_id": "pe", "grade": 1, "assessment": "unmarked"},
        {"subject_id": "pe", "grade": 10, "assessment": "pass_fail"},
        {"subject_id": "pe", "grade": 11, "assessment": "pass_fail"},
    ],
}  # fmt: skip


def values(choices: tuple[MarkChoice, ...]) -> list[str]:
    return [c.value for c in choices]


def test_a_subject_on_the_scale_offers_the_schools_scale():
    assert assessment_of(ROSTER, "math", 5) == "scale"
    assert values(mark_choices(ROSTER, "math", 5)) == ["2", "3", "4", "5", "н/а"]


def test_a_pass_fail_subject_offers_pass_and_fail_labelled_and_the_scales_non_numbers():
    choices = mark_choices(ROSTER, "pe", 10)

    assert assessment_of(ROSTER, "pe", 10) == "pass_fail"
    assert choices == (
        MarkChoice("зач", "зачтено"),
        MarkChoice("незач", "не зачтено"),
        MarkChoice("н/а", "н/а"),
    )


def test_a_subject_without_marks_offers_none():
    assert assessment_of(ROSTER, "pe", 1) == "unmarked"
    assert mark_choices(ROSTER, "pe", 1) == ()


def test_a_first_grade_subject_the_roster_does_not_list_is_on_the_scale():
    # The school set music in grade 1 to the scale: the roster lists only what is not.
    assert assessment_of(ROSTER, "music", 1) == "scale"
    assert values(mark_choices(ROSTER, "music", 1))[0] == "2"


def test_a_class_of_no_known_grade_is_marked_on_the_scale():
    assert assessment_of(ROSTER, "pe", None) == "scale"
    assert values(mark_choices(ROSTER, "pe", None)) == ["2", "3", "4", "5", "н/а"]


def test_an_assessment_a_newer_journal_names_is_taken_as_the_scale():
    newer = ROSTER | {"assessments": [{"subject_id": "pe", "grade": 5, "assessment": "grades"}]}
    assert assessment_of(newer, "pe", 5) == "scale"


def test_the_words_come_from_the_kernel():
    assert [assessment_label(a) for a in ("scale", "pass_fail", "unmarked")] == [
        "отметки",
        "зачёт/незачёт",
        "без отметок",
    ]
    assert (mark_title("зач"), mark_title("незач"), mark_title("5")) == (
        "зачтено",
        "не зачтено",
        "",
    )
