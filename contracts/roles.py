"""The roles a caller acts in: every token names some, every event's actor one. A module of its
own, without pydantic, so that a command line can offer them without importing the contracts."""

from __future__ import annotations

from typing import Final, Literal, get_args

Role = Literal["admin", "head", "deputy", "teacher", "auditor", "system", "parent", "pupil"]
ROLES: Final[frozenset[str]] = frozenset(get_args(Role))
