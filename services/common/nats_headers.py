"""Message headers parsed as nats-py parses them, without a Python step per character.

nats-py 2.16 parses every message's header block in `Client._process_headers`, checking each
header name character by character for white space (`_parse_header_lines`): about a tenth of
a replay's CPU time. A stream message carries the same handful of names every time (the event
store's seven), so `parse_header_lines` checks a name once and remembers the answer. The
result is the same dictionary, byte for byte, as the stock parser's: the tests compare the two
on random header blocks. Status lines (`NATS/1.0 404 No Messages`, heartbeats, 409s), rare, go
to the stock code as they are.
"""

from __future__ import annotations

from typing import Final

_CRLF: Final = b"\r\n"
_PREAMBLE: Final = len(b"NATS/1.0")
"""The version line's length; a status follows it after a space, else a CRLF ends it."""
_SPACE: Final = 32
_NAMES_KEPT: Final = 256
"""Header names remembered (a stream message uses a handful; a stray name is checked anew)."""

_names: dict[bytes, str | None] = {}
"""A raw header name (before its colon) -> the key it gives, or None when the line is skipped."""


def parse_header_lines(raw: bytes) -> dict[str, str]:
    """`Client._parse_header_lines(raw)` of nats-py 2.16: `Name: Value` per CRLF-ended line,
    lines without a colon skipped, names stripped and ASCII without inner white space (others
    skipped), values stripped and decoded as UTF-8 with replacement; a later name wins."""
    out: dict[str, str] = {}
    names = _names
    for line in raw.split(_CRLF):
        name, colon, value = line.partition(b":")
        if not colon:  # an empty line too
            continue
        try:
            key = names[name]
        except KeyError:
            key = _header_name(name)
        if key is not None:
            out[key] = value.strip().decode("utf-8", "replace")
    return out


def _header_name(name: bytes) -> str | None:
    """The key of a raw name as nats-py makes it, or None when nats-py skips the line."""
    try:
        key: str | None = name.strip().decode("ascii")
    except UnicodeDecodeError:
        key = None
    if key is not None and any(c.isspace() for c in key):
        key = None
    if len(_names) < _NAMES_KEPT:
        _names[name] = key
    return key


def is_plain(headers: object) -> bool:
    """Whether `headers` is a block nats-py's parser passes without a status line: the ones
    `plain_headers` reads (any other goes to nats-py's own `_process_headers`)."""
    return type(headers) is bytes and len(headers) > _PREAMBLE and headers[_PREAMBLE] != _SPACE


def plain_headers(headers: bytes) -> dict[str, str] | None:
    """What nats-py's `Client._process_headers` answers for a block `is_plain` accepts."""
    if len(headers) <= _PREAMBLE + len(_CRLF):
        return None  # nats-py: nothing after the version line
    return parse_header_lines(headers[_PREAMBLE + len(_CRLF) :]) or None
