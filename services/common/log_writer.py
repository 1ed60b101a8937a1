"""Writing log lines off the event loop: one daemon thread per process writes the rendered
lines from a bounded queue to stderr, so a slow or full pipe never blocks a caller; a full queue
drops lines and counts them instead (the next written line says how many)."""

from __future__ import annotations

import atexit
import logging
import queue
import sys
import threading
import time
from typing import Final, TextIO

_QUEUE_LINES: Final = 10_000
_BATCH_LINES: Final = 500


class LogWriter:
    """One daemon thread writing rendered lines from a bounded queue to their stream.

    The stream is `sys.stderr` as it was when the line was logged (pytest swaps it between
    tests); a full queue drops lines and counts them instead of blocking the logger.
    """

    def __init__(self) -> None:
        self.lines: queue.Queue[tuple[TextIO, str]] = queue.Queue(maxsize=_QUEUE_LINES)
        self.dropped = 0
        thread = threading.Thread(target=self._run, name="log-writer", daemon=True)
        thread.start()

    def put(self, line: str) -> None:
        """Queue a line for stderr, or count it as dropped when the queue is full."""
        try:
            self.lines.put_nowait((sys.stderr, line))
        except queue.Full:
            self.dropped += 1

    def _run(self) -> None:
        while True:
            lines = [self.lines.get()]
            # What else is queued by now goes out with it: one write and one flush for a
            # burst of lines (a busy service logs a line per request), not one for each.
            while len(lines) < _BATCH_LINES:
                try:
                    lines.append(self.lines.get_nowait())
                except queue.Empty:
                    break
            try:
                self._write(lines)
            finally:
                for _ in lines:
                    self.lines.task_done()

    def _write(self, lines: list[tuple[TextIO, str]]) -> None:
        if self.dropped:
            dropped, self.dropped = self.dropped, 0
            stream, first = lines[0]
            note = f"log_lines_dropped count={dropped} (the log queue was full)\n"
            lines[0] = (stream, note + first)
        start = 0
        while start < len(lines):  # runs of lines bound for the same stream
            stream = lines[start][0]
            end = start + 1
            while end < len(lines) and lines[end][0] is stream:
                end += 1
            try:
                stream.write("".join(line for _, line in lines[start:end]))
                stream.flush()
            except (OSError, ValueError):  # a closed stream: nothing left to tell
                pass
            start = end

    def flush(self, timeout: float) -> None:
        """Wait (at most `timeout` seconds) until every queued line is written."""
        deadline = time.monotonic() + timeout
        while self.lines.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.005)


_writer_lock = threading.Lock()
_the_writer: LogWriter | None = None


def shared_writer() -> LogWriter:
    """The process's one writer, started on first use (and flushed at exit)."""
    global _the_writer  # noqa: PLW0603 - one writer thread per process
    with _writer_lock:
        if _the_writer is None:
            _the_writer = LogWriter()
            atexit.register(flush_logs)
        return _the_writer


def flush_logs(timeout: float = 2.0) -> None:
    """Write out what is queued (before an exit, or before a test reads stderr)."""
    if _the_writer is not None:
        _the_writer.flush(timeout)


class BackgroundHandler(logging.Handler):
    """Renders in the caller's thread (the log context lives there) and hands the line over."""

    def __init__(self, writer: LogWriter) -> None:
        super().__init__()
        self._writer = writer

    def emit(self, record: logging.LogRecord) -> None:
        """Queue the rendered line; never block, never raise."""
        try:
            self._writer.put(self.format(record) + "\n")
        except Exception:  # a log line must never fail the caller
            self.handleError(record)
