"""structlog configuration shared by every process (the structlog best-practices recipe).

structlog loggers and stdlib loggers (uvicorn, asyncpg, nats) go through the same processors
and one handler on stderr, so every line has the same shape: a JSON object in production, a
console line in development. Context bound with `structlog.contextvars.bind_contextvars` (the
correlation id, command id, subject, ...) is merged into every line.

Logging must stay cheap and bounded even when everything fails at once (an outage under load):

- the line is rendered where it is logged (the context is there) but written by a background
  thread from a bounded queue, so a slow or full stderr pipe never blocks the event loop; when
  the queue is full, lines are dropped and counted, not waited for;
- tracebacks never carry local variables (they held request bodies and tokens) and are cut at
  `_MAX_FRAMES`; expected failures (a NATS or PostgreSQL outage, `services.common.outage`) are
  one line with a short error summary instead, wherever they are logged;
- more than `_BURST` identical warnings or errors within `_WINDOW_SECONDS` are dropped, and
  the next one that passes says how many were;
- anything that looks like a bearer token or a JWT, and the input a validation error quotes,
  is masked in the rendered line.

Personal data is never logged: no names, birth dates, addresses, free text about a pupil, request
or response bodies, tokens or query strings. Bind ids (pupil refs are pseudonymous), route
templates, counts and durations only; keep personal data out of exception messages.
"""

from __future__ import annotations

import atexit
import logging
import queue
import re
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, Final, TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from services.common.outage import outage_of, summary

_HANDLER_NAME: Final = "services.common.logging"
_QUIET_LOGGERS: Final = {
    "uvicorn.access": logging.WARNING,  # the HTTP middleware logs each request, without query
    "httpx": logging.WARNING,  # logs every URL it calls at INFO
    "httpcore": logging.WARNING,
}
_MAX_FRAMES: Final = 20
_QUEUE_LINES: Final = 10_000
_BURST: Final = 5
_WINDOW_SECONDS: Final = 10.0
_KEYS: Final = 1_000
_SECRETS = re.compile(
    r"(?i)(?P<bearer>bearer)\s+[^\s\"',;]+|eyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,2}"
)


_INPUTS = re.compile(r"input_value=.*?, input_type=")
"""What pydantic quotes of the invalid input in a validation error's message (a request body)."""


def _mask(text: str) -> str:
    """The text with bearer tokens, JWTs (or their first part) and quoted inputs masked."""
    text = _SECRETS.sub(lambda m: "Bearer [masked]" if m["bearer"] else "[masked-jwt]", text)
    return _INPUTS.sub("input_value=[masked], input_type=", text)


def _masked(renderer: Processor) -> Processor:
    def render(logger: WrappedLogger, name: str, event_dict: EventDict) -> Any:  # noqa: ANN401
        rendered = renderer(logger, name, event_dict)
        return _mask(rendered) if isinstance(rendered, str) else rendered

    return render


def configure_logging(*, json: bool, level: str = "INFO") -> None:
    """Configure structlog and the stdlib root logger; safe to call more than once."""
    level_no = logging.getLevelNamesMapping().get(level.upper())
    if level_no is None:
        raise ValueError(f"unknown log level {level!r}")
    pre_chain = _pre_chain(json=json)
    structlog.configure(
        processors=[*pre_chain, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        wrapper_class=structlog.make_filtering_bound_logger(level_no),
        logger_factory=structlog.stdlib.LoggerFactory(),
        context_class=dict,
        cache_logger_on_first_use=False,  # so that tests can capture logs
    )
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(exception_formatter=structlog.dev.plain_traceback)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=pre_chain,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, _masked(renderer)],
    )
    _install_root_handler(formatter, level_no)


def _pre_chain(*, json: bool) -> list[Processor]:
    """Processors applied to structlog and stdlib events alike, before rendering."""
    chain: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        _outages_in_one_line,
    ]
    if json:
        tracebacks = structlog.tracebacks.ExceptionDictTransformer(
            show_locals=False, max_frames=_MAX_FRAMES
        )
        chain.append(structlog.processors.ExceptionRenderer(tracebacks))
    return chain


def _outages_in_one_line(_logger: WrappedLogger, _name: str, event_dict: EventDict) -> EventDict:
    """A dependency outage logged with its traceback (a retry loop, say) becomes one line: its
    traceback says nothing an operator needs, and a burst of them is what filled the disk."""
    error = event_dict.get("exc_info")
    if error is True:
        error = sys.exc_info()[1]
    elif isinstance(error, tuple):
        error = error[1]
    if isinstance(error, BaseException) and outage_of(error) is not None:
        del event_dict["exc_info"]
        event_dict.setdefault("error", summary(error))
    return event_dict


def _install_root_handler(formatter: logging.Formatter, level: int) -> None:
    """Replace our previous handler on the root logger; send uvicorn's loggers to the root."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(handler)
    handler = _BackgroundHandler(_writer())
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(formatter)
    handler.addFilter(_RepeatFilter())
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "httpx", "httpcore"):
        named = logging.getLogger(name)
        named.handlers.clear()
        named.propagate = True
        named.setLevel(_QUIET_LOGGERS.get(name, logging.NOTSET))


class _Writer:
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
            stream, line = self.lines.get()
            try:
                if self.dropped:
                    dropped, self.dropped = self.dropped, 0
                    line = f"log_lines_dropped count={dropped} (the log queue was full)\n{line}"
                stream.write(line)
                stream.flush()
            except (OSError, ValueError):  # a closed stream: nothing left to tell
                pass
            finally:
                self.lines.task_done()

    def flush(self, timeout: float) -> None:
        """Wait (at most `timeout` seconds) until every queued line is written."""
        deadline = time.monotonic() + timeout
        while self.lines.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.005)


_writer_lock = threading.Lock()
_the_writer: _Writer | None = None


def _writer() -> _Writer:
    global _the_writer  # noqa: PLW0603 - one writer thread per process
    with _writer_lock:
        if _the_writer is None:
            _the_writer = _Writer()
            atexit.register(flush_logs)
        return _the_writer


def flush_logs(timeout: float = 2.0) -> None:
    """Write out what is queued (before an exit, or before a test reads stderr)."""
    if _the_writer is not None:
        _the_writer.flush(timeout)


class _BackgroundHandler(logging.Handler):
    """Renders in the caller's thread (the log context lives there) and hands the line over."""

    def __init__(self, writer: _Writer) -> None:
        super().__init__()
        self._writer = writer

    def emit(self, record: logging.LogRecord) -> None:
        """Queue the rendered line; never block, never raise."""
        try:
            self._writer.put(self.format(record) + "\n")
        except Exception:  # a log line must never fail the caller
            self.handleError(record)


@dataclass(slots=True)
class _Seen:
    start: float
    count: int = 1
    suppressed: int = 0


class _RepeatFilter(logging.Filter):
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
