"""«Профиль», the pure part: how the portal user is shown to the others in messages.

The diary shows every participant by role words and the label they chose (its
`services/diary/domain/labels.py`): «Родитель (мама Маши)», «Ученик (Маша)», «Классный
руководитель (Анна Петровна)», «Учитель — Математика». The page previews those words so a
person sees what their label changes before and after saving it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

_WORDS: Final = {"parent": "Родитель", "pupil": "Ученик"}


def shown_as(profile: Mapping[str, Any], label: str | None) -> list[str]:
    """How the user of `ProfileOut` is shown with `label`: once per way they take part (a
    class teacher, a subject teacher in each subject, a parent, a pupil), each once."""
    suffix = f" ({label})" if label else ""
    found: dict[str, None] = {}
    roles = set(profile.get("roles") or ())
    if "teacher" in roles:
        for entry in profile.get("classes") or ():
            if entry.get("subject_id"):
                subject = entry.get("subject_name") or entry["subject_id"]
                found.setdefault(f"Учитель — {subject}{suffix}", None)
            else:
                found.setdefault(f"Классный руководитель{suffix}", None)
    for role, words in _WORDS.items():
        if role in roles:
            found.setdefault(f"{words}{suffix}", None)
    return list(found)
