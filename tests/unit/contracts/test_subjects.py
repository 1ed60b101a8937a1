from __future__ import annotations

import pytest

from contracts import subjects


def test_lesson_subject_has_the_documented_shape():
    assert (
        subjects.lesson(2026, "s1", "5a", "5a-20260901-1") == "jrn.2026.s1.5a.lesson.5a-20260901-1"
    )
    assert subjects.parse_journal("jrn.2026.s1.5a.lesson.l1") == (2026, "s1", "5a", "lesson", "l1")


@pytest.mark.parametrize("token", ["5A", "иванов", "a.b", "a b", "", "a*", ">"])
def test_tokens_outside_the_alphabet_are_refused(token):
    with pytest.raises(ValueError, match="invalid subject token"):
        subjects.lesson(2026, "s1", "5a", token)


def test_the_school_wide_token_is_not_a_class():
    with pytest.raises(ValueError, match="reserved"):
        subjects.school_class(2026, "s1", subjects.SCHOOL_WIDE)
