"""Thinning repeated log lines: more than `_BURST` identical warnings or errors within
`_WINDOW_SECONDS` are dropped, and the next one that passes says how many were (a burst of
one outage's lines is what fills a disk)."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Final

_BURST: Final = 5
_WINDOW_SECONDS: Final = 10.0
_KEYS: Final = 1_000


@dataclass(slots=True)
class _Seen:
    start: float
    count: int = 1
    suppressed: int = 0


class RepeatFilter(logging.Filter):
    """Drops identical warnings and errors beyond a burst per window (see the module)."""

    def __init__(self) -> None:
        super().__init__()
        self._seen: dict[tuple[object, ...], _Seen] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        """True when the record is logged; a passing one may carry a suppressed count."""
        if record.levelno < logging.WARNING:
            return True
        key, now = _repeat_key(record), time.monotonic()
        with self._lock:
            seen = self._seen.get(key)
            if seen is None or now - seen.start >= _WINDOW_SECONDS:
                if len(self._seen) >= _KEYS:
                    self._seen.clear()
                self._seen[key] = _Seen(now)
                if seen is not None and seen.suppressed:
                    _note_suppressed(record, seen.suppressed)
                return True
            seen.count += 1
            if seen.count <= _BURST:
                return True
            seen.suppressed += 1
            return False


_KEY_FIELDS: Final = ("route", "status", "reason", "why", "projection", "connection")


def _repeat_key(record: logging.LogRecord) -> tuple[object, ...]:
    """What makes two records the same line: logger, level, event and a few fields."""
    message = record.msg
    if isinstance(message, dict):
        error = message.get("exc_info") or message.get("error")
        fields = tuple(message.get(name) for name in _KEY_FIELDS)
        kind = type(error).__name__ if isinstance(error, BaseException) else str(error)[:80]
        return (record.name, record.levelno, message.get("event"), kind, *fields)
    exc_type = record.exc_info[0] if record.exc_info else None
    return (record.name, record.levelno, str(message), exc_type)


def _note_suppressed(record: logging.LogRecord, count: int) -> None:
    if isinstance(record.msg, dict):
        record.msg["suppressed_before"] = count
    else:
        record.msg = f"{record.msg} ({count} similar lines suppressed before)"
