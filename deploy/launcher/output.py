"""The launcher's own output: its `launcher | ` lines and its children's prefixed lines.

Every child writes into one pipe (stdout and stderr merged); a thread copies it to the launcher's
stdout with `name | ` in front of every line, colored when stdout is a terminal. Carriage returns
and the cursor controls after them are kept, so a child's progress bar still redraws in place.
"""

from __future__ import annotations

import collections
import os
import re
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

TAIL_LINES = 25
_COLORS = ("36", "33", "35", "32", "34", "91", "96")
_TOKENS = re.compile(r"\r\n|\n|\r|\x1b\[[0-9;?]*[A-Za-z]|\x1b|[^\r\n\x1b]+")
_NEWLINES = frozenset({"\n", "\r\n", "\r"})
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_lock = threading.Lock()
INFO_LINES = re.compile(
    r"\[(?:\x1b\[[0-9;]*m)*(?:debug|info)\b"  # the services' console log, colored or not
    r"|^[\d-]+ [\d:,.]+ (?:DEBUG|INFO) "  # a library's own handler (faststream's)
    r'|"level": "(?:debug|info)"'  # a command's JSON log (the exporter's CLI)
)
"""The debug and info lines of a service or a one-off command: into its log file only. A first
start writes thousands; the terminal keeps the launcher's lines, the warnings and errors, and the
summary."""


def kept_off_terminal(verbose: bool) -> re.Pattern[str] | None:
    """The lines of a child that go to its log file only: its debug and info lines, or none
    when the launcher runs `--verbose`."""
    return None if verbose else INFO_LINES


def use_color() -> bool:
    """True when the launcher's stdout is a terminal (and NO_COLOR is unset)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def prefix_for(name: str, index: int, width: int) -> str:
    """`name | ` padded to `width`, colored by `index` when the output is a terminal."""
    text = f"{name:<{width}} | "
    if not use_color():
        return text
    return f"\x1b[{_COLORS[index % len(_COLORS)]}m{text}\x1b[0m"


def write_out(text: str) -> None:
    """Write to stdout from any thread without interleaving half lines."""
    with _lock:
        sys.stdout.write(text)
        sys.stdout.flush()


def say(message: str, *, loud: bool = False) -> None:
    """A message of the launcher itself, one `launcher | ` line each."""
    head = prefix_for("launcher", 0, 8) if not loud or not use_color() else "\x1b[1;31m"
    tail = "\x1b[0m" if loud and use_color() else ""
    if loud and not use_color():
        message = f"!!! {message}"
    write_out("".join(f"{head}{line}{tail}\n" for line in message.splitlines() or [""]))


@dataclass(frozen=True, slots=True)
class Output:
    """Where a child's output goes: to the terminal behind `prefix` (lines matching `quiet` only
    into the tail kept for error reports) and, whole, into the `log` file."""

    prefix: str
    quiet: re.Pattern[str] | None = None
    log: Path | None = None


class Prefixer:
    """Puts a prefix in front of every line of a stream of text, remembering the last lines."""

    def __init__(self, prefix: str, quiet: re.Pattern[str] | None = None) -> None:
        self.prefix = prefix
        self.quiet = quiet
        self.keep_ansi = use_color()
        self.tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
        self._at_line_start = True
        self._line: list[str] = []

    def feed(self, text: str) -> str:
        """The text with the prefix inserted at each line start (after cursor controls).

        With `quiet`, output goes line by line and matching lines are only kept for `tail`.
        """
        if self.quiet is not None:
            return self._feed_lines(text, self.quiet)
        out: list[str] = []
        for token in _TOKENS.findall(text):
            escape = token.startswith("\x1b")
            if escape and not self.keep_ansi:
                continue
            if token in _NEWLINES:
                self._end_line(token)
                self._at_line_start = True
            elif self._at_line_start and (not escape or token.endswith("m")):
                out.append(self.prefix)  # after cursor moves, before colors and text
                self._at_line_start = False
            if not escape and token not in _NEWLINES:
                self._line.append(token)
            out.append(token)
        return "".join(out)

    def flush(self) -> str:
        """Whatever ends an unfinished last line (the stream has ended)."""
        if self.quiet is not None:
            return self._feed_lines("\n", self.quiet) if "".join(self._line).strip() else ""
        if self._at_line_start:
            return ""
        self._end_line("\n")
        return "\n"

    def _feed_lines(self, text: str, quiet: re.Pattern[str]) -> str:
        *lines, rest = ("".join(self._line) + text).split("\n")
        self._line[:] = [rest]
        lines = [line if self.keep_ansi else _ANSI.sub("", line) for line in lines]
        self.tail.extend(_ANSI.sub("", line.rstrip()) for line in lines)
        return "".join(f"{self.prefix}{line}\n" for line in lines if not quiet.search(line))

    def _end_line(self, newline: str) -> None:
        line = "".join(self._line).rstrip()
        self._line.clear()
        if line.strip() and newline != "\r":  # a redrawn line (progress bar) is not kept
            self.tail.append(_ANSI.sub("", line))
