"""Events already stored with text PostgreSQL cannot hold: found and repaired in one place.

Before `contracts.text` refused them at the door, a NUL (or, from a client escaping its own
JSON, a lone surrogate) could reach a stream inside any string of an event. PostgreSQL's `text`
and `jsonb` cannot hold either, and pydantic refuses a lone surrogate in any string, so such an
event failed every projection and became a dead letter: the fact missing from every view.
Stored events are never rewritten, so every reader bound for PostgreSQL repairs them on the
way in instead: each offending character becomes U+FFFD (visible: "something was here"), the
event is applied, and the projector records the repair (`text_repairs`) beside its rows.

`repair_body` is that one function; the projector's decode and `eventstore.read_envelope` go
through it, and the audit's verification counts the events it would repair
(`has_unstorable_text`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Final

from contracts.text import UNSTORABLE

REPLACEMENT: Final = "\ufffd"
# A JSON escape of NUL or of a surrogate (a lone one once parsed, or half of a pair). A body
# written by our event store carries neither as raw bytes: JSON escapes every control character
# and UTF-8 cannot encode a surrogate. Nearly every body has no "\u" at all: one fast search.
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89abcdefABCDEF][0-9a-fA-F]{2})")


@dataclass(frozen=True, slots=True)
class Repaired:
    """A body with its unstorable characters replaced, and where they were (`data.topic`,
    `data.marks[2].comment`; a key as `data.<key>{key}`)."""

    body: bytes
    fields: tuple[str, ...]


def repair_body(body: bytes) -> Repaired | None:
    """The body with every NUL and lone surrogate of its JSON strings (and keys) replaced by
    U+FFFD; None when there is none, or the body is not JSON at all (left to the caller)."""
    if b"\\u" not in body or _SUSPECT_ESCAPE.search(body) is None:
        return None
    try:
        document = json.loads(body)
    except ValueError:  # not JSON (or not UTF-8): a dead letter as before, nothing to repair
        return None
    fields: list[str] = []
    repaired = _repair(document, "", fields)
    if not fields:
        return None
    text = json.dumps(repaired, ensure_ascii=False, separators=(",", ":"))
    return Repaired(text.encode(), tuple(fields))


def has_unstorable_text(body: bytes) -> bool:
    """Whether a stored body holds a string PostgreSQL cannot store (`repair_body` would act)."""
    return repair_body(body) is not None


def _repair(value: object, path: str, fields: list[str]) -> object:
    """`value` with its strings repaired; the paths of the repaired ones appended to `fields`."""
    if isinstance(value, str):
        if UNSTORABLE.search(value) is None:
            return value
        fields.append(path or "(body)")
        return UNSTORABLE.sub(REPLACEMENT, value)
    if isinstance(value, list):
        return [_repair(item, f"{path}[{index}]", fields) for index, item in enumerate(value)]
    if isinstance(value, dict):
        return {
            _repair_key(key, path, fields): _repair(item, _join(path, _clean(key)), fields)
            for key, item in value.items()
        }
    return value


def _repair_key(key: str, path: str, fields: list[str]) -> str:
    if UNSTORABLE.search(key) is None:
        return key
    fields.append(f"{_join(path, _clean(key))}{{key}}")
    return _clean(key)


def _clean(text: str) -> str:
    return UNSTORABLE.sub(REPLACEMENT, text)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
