"""Where the operator commands print: a console on stdout that keeps its tables whole when piped,
or (`--json`) one JSON document a line.

On a terminal rich fits a table to the window; into a pipe or a file it would squeeze every
table to 80 columns and fold the cells, which `grep` and `cut` cannot read. Piped, the tables
get the width they need (up to `_PIPED_WIDTH`).
"""

from __future__ import annotations

import json
import sys
from typing import Any, Final

from rich.console import Console

_PIPED_WIDTH: Final = 400


def stdout_console() -> Console:
    """A console on stdout: the terminal's width, or wide enough for any table when piped."""
    return Console(file=sys.stdout, width=None if sys.stdout.isatty() else _PIPED_WIDTH)


def print_json(document: Any) -> None:  # noqa: ANN401 - any JSON-able answer
    """One JSON document on a line of stdout (dates, UUIDs and the like as their text)."""
    print(json.dumps(document, ensure_ascii=False, default=str))
