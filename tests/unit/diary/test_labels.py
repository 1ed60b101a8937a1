"""How participants of a thread are shown: role words and their own label, never a UID."""

from __future__ import annotations

import pytest

from contracts.portal import Participant
from services.diary.domain import labels as lb
from services.diary.domain.access import Grant
from tests.support.diary import pseudonym

ANNA = pseudonym("anna")


@pytest.mark.parametrize(
    ("role", "class_teacher", "subject", "label", "shown"),
    [
        ("teacher", True, "Математика", None, "Классный руководитель"),
        ("teacher", False, "Математика", None, "Учитель — Математика"),
        ("teacher", False, None, None, "Учитель"),
        ("teacher", False, "Математика", "Анна Петровна", "Учитель — Математика (Анна Петровна)"),
        ("parent", False, "Математика", None, "Родитель"),
        ("parent", False, None, "мама Маши", "Родитель (мама Маши)"),
        ("pupil", False, None, None, "Ученик"),
        ("pupil", False, "Математика", "Маша", "Ученик (Маша)"),
    ],
)
def test_role_words_then_the_users_own_label(role, class_teacher, subject, label, shown):
    assert (
        lb.shown_as(role, class_teacher=class_teacher, subject_name=subject, label=label) == shown
    )


def test_the_class_teacher_is_the_teacher_granted_the_whole_class():
    grants = [
        Grant("g1", 301, "class", class_id="5a", subject_id="math"),
        Grant("g2", 302, "class", class_id="5a"),
        Grant("g3", 303, "class", class_id="5b"),
        Grant("g4", 304, "class", class_id="5a", revoked=True),
    ]
    found = [lb.is_class_teacher(uid, grants, "5a") for uid in (301, 302, 303, 304)]
    assert found == [False, True, False, False]


def test_every_participant_of_a_thread_gets_words():
    participants = [
        Participant(uid=302, role="teacher"),
        Participant(uid=301, role="teacher"),
        Participant(uid=101, role="parent", pupils=(ANNA,)),
        Participant(uid=401, role="pupil", pupils=(ANNA,)),
    ]
    grants = [
        Grant("g1", 301, "class", class_id="5a", subject_id="math"),
        Grant("g2", 302, "class", class_id="5a"),
    ]
    words = lb.participant_labels(
        participants,
        class_id="5a",
        grants=grants,
        subject_name="Математика",
        labels={101: "мама Маши"},
    )
    assert words == {
        302: "Классный руководитель",
        301: "Учитель — Математика",
        101: "Родитель (мама Маши)",
        401: "Ученик",
    }
