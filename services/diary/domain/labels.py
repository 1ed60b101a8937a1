"""How a participant of a thread is shown to the others: by role, with the label they chose.

Never by UID: a bare number means nothing to a parent. The role words come from how the user
takes part in the thread and, for a teacher, from their grant for the thread's class:

- a teacher whose live grant for the class has no subject (the class teacher):
  «Классный руководитель»;
- another teacher: «Учитель», and «Учитель — Математика» when the thread has a subject;
- a parent: «Родитель»; a pupil: «Ученик».

The user's own label follows in brackets when they set one: «Родитель (мама Маши)». Pure: the
grants, the subject's name and the labels come in as values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from contracts.portal import Participant, ParticipantRole
from services.diary.domain.access import Grant

CLASS_TEACHER = "Классный руководитель"
TEACHER = "Учитель"
PARENT = "Родитель"
PUPIL = "Ученик"
SOMEONE = "Участник"
"""For a UID that is not among the thread's participants (never expected: authors are)."""


def shown_as(
    role: ParticipantRole,
    *,
    class_teacher: bool = False,
    subject_name: str | None = None,
    label: str | None = None,
) -> str:
    """The words a participant is shown by: role words, then their own label in brackets."""
    if role == "teacher":
        words = CLASS_TEACHER if class_teacher else TEACHER
        if not class_teacher and subject_name:
            words = f"{words} — {subject_name}"
    else:
        words = PARENT if role == "parent" else PUPIL
    return f"{words} ({label})" if label else words


def is_class_teacher(uid: int, grants: Iterable[Grant], class_id: str) -> bool:
    """`uid` holds a live grant for the whole class (no subject): the class teacher's."""
    return any(
        g.uid == uid
        and not g.revoked
        and g.scope_kind == "class"
        and g.class_id == class_id
        and g.subject_id is None
        for g in grants
    )


def participant_labels(
    participants: Iterable[Participant],
    *,
    class_id: str,
    grants: Iterable[Grant],
    subject_name: str | None,
    labels: Mapping[int, str],
) -> dict[int, str]:
    """Each participant's words by UID. `grants`: the live grants of the thread's teachers;
    `subject_name`: the thread's subject's (None without a subject, or when unknown);
    `labels`: the users' own labels (a user without one is shown by role only)."""
    grants = list(grants)
    return {
        p.uid: shown_as(
            p.role,
            class_teacher=p.role == "teacher" and is_class_teacher(p.uid, grants, class_id),
            subject_name=subject_name,
            label=labels.get(p.uid),
        )
        for p in participants
    }
