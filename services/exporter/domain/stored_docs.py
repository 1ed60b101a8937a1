"""The stored form of each kind of document's state (the `docs` table's jsonb): JSON text, read
back as the same typed state.

Every state is rows (the kernel's, and the exporter's own for the staff roll and directory),
stored positionally (`services.exporter.domain.stored`).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from typing import Any

from services.exporter.domain.docs import DocKind, State
from services.exporter.domain.fold_class import dump_class, load_class
from services.exporter.domain.fold_lesson import dump_lesson, load_lesson
from services.exporter.domain.fold_period_marks import dump_period_marks, load_period_marks
from services.exporter.domain.fold_school import SchoolState
from services.exporter.domain.fold_staff import Directory, Roll
from services.exporter.domain.stored import dumps, load_row


def _itself(state: State) -> State:
    """A state that is one row is stored as that row."""
    return state


_FORMS: Mapping[str, tuple[Callable[[Any], Any], Callable[[Any], State]]] = {
    "lesson": (dump_lesson, load_lesson),
    "class": (dump_class, load_class),
    "period-marks": (dump_period_marks, load_period_marks),
    "school": (_itself, functools.partial(load_row, SchoolState)),
    "staff": (_itself, functools.partial(load_row, Directory)),
    "staff-roll": (_itself, functools.partial(load_row, Roll)),
}


def dump_state(kind: DocKind, state: State) -> str:
    """The state as stored: compact JSON (one state, one text)."""
    return dumps(_FORMS[kind][0](state))


def load_state(kind: DocKind, text: str) -> State:
    """The state `dump_state` stored."""
    return _FORMS[kind][1](json.loads(text))
