"""Who edits a lesson or a period mark over HTTP: teachers; the administration only with a
correction reason, acting in its corrector role even when the user is a teacher too."""

from __future__ import annotations

import pytest

from contracts.envelope import Actor
from services.common.auth import AuthError
from services.journal.entrypoints.deps import Editor
from tests.support.journal import meta


def editor(role: str, *roles: str) -> Editor:
    return Editor(meta(Actor(id="u1", role=role)), frozenset((role, *roles)))


def test_a_teacher_edits_as_a_teacher():
    assert editor("teacher").acting(None).actor.role == "teacher"


def test_a_teacher_who_is_also_deputy_corrects_as_deputy():
    assert editor("teacher", "deputy").acting("ошибка").actor == Actor(id="u1", role="deputy")
    assert editor("teacher", "deputy").acting(None).actor.role == "teacher"


@pytest.mark.parametrize("role", ["admin", "deputy"])
def test_the_administration_needs_a_correction_reason(role):
    with pytest.raises(AuthError) as refused:
        editor(role).acting(None)
    assert (refused.value.status, refused.value.reason) == (403, "role_not_allowed")
    assert editor(role).acting("ошибка").actor.role == role


def test_a_plain_teachers_correction_is_left_to_the_domain():
    assert editor("teacher").acting("ошибка").actor.role == "teacher"
