"""Progress bars of the operator's long commands (the demo load, a rebuild, an audit walk):
what is done out of a known total, on stderr so that stdout keeps only the command's answer.

Into a pipe or a file the bar is transient (it leaves no lines behind); on a terminal it stays
as the last word of how long the work took.
"""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


def progress_bar(console: Console | None = None) -> Progress:
    """A bar per task: its description, the bar, done/total and the time so far."""
    shown_on = console or Console(stderr=True)
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=shown_on,
        transient=not shown_on.is_terminal,
    )
