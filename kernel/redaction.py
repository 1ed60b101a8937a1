"""Redacting a free text within its field: the one rule the exporter (what leaves for the
diary) and the journal (an erasure's texts) both apply to a text the name guard changed.

The guard itself (`services.common.name_guard`, morphology) is given as a function, so that
this stays pure.
"""

from __future__ import annotations

from collections.abc import Callable

Redact = Callable[[str], tuple[str, int]]
"""A text -> (the text with every mention replaced, how many were replaced)."""


def redact_within(text: str, limit: int, redact: Redact) -> tuple[str, int]:
    """The text with every mention replaced and how many were; the very same text and 0 when
    none was. A replacement can be longer than the name it replaces («Ли Ян» is five
    characters, «[ученик]» eight): the result is cut to `limit`, its field's length, never
    refused."""
    redacted, count = redact(text)
    return (redacted[:limit], count) if count else (text, 0)
