"""structlog configuration shared by every process (the structlog best-practices recipe).

structlog loggers and stdlib loggers (uvicorn, asyncpg, nats) go through the same processors
and one handler on stderr, so every line has the same shape: a JSON object in production, a
console line in development. Context bound with `structlog.contextvars.bind_contextvars` (the
correlation id, command id, subject, ...) is merged into every line.

Logging must stay cheap and bounded even when everything fails at once (an outage under load):

- the line is rendered where it is logged (the context is there) but written by a background
  thread from a bounded queue (`services.common.log_writer`), so a slow or full stderr pipe
  never blocks the event loop; when the queue is full, lines are dropped and counted, not waited
  for;
- tracebacks never carry local variables (they held request bodies and tokens) and are cut at
  `_MAX_FRAMES`; expected failures (a NATS or PostgreSQL outage, `services.common.outage`) are
  one line with a short error summary instead, wherever they are logged;
- more than a burst of identical warnings or errors within a window are dropped, and the next
  one that passes says how many were (`services.common.log_repeats`);
- anything that looks like a bearer token or a JWT, and the input a validation error quotes,
  is masked in the rendered line.

Personal data is never logged: no names, birth dates, addresses, free text about a pupil, request
or response bodies, tokens or query strings. Bind ids (pupil refs are pseudonymous), route
templates, counts and durations only; keep personal data out of exception messages.
"""

from __future__ import annotations

import datetime as dt
import json as jsonlib
import logging
import re
import sys
from dataclasses import dataclass
from typing import Any, Final

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from services.common.log_repeats import RepeatFilter
from services.common.log_writer import BackgroundHandler, LogWriter, flush_logs, shared_writer
from services.common.outage import outage_of, summary

__all__ = ["configure_command_logging", "configure_logging", "flush_logs", "info_line"]

_HANDLER_NAME: Final = "services.common.logging"
_QUIET_LOGGERS: Final = {
    "uvicorn.access": logging.WARNING,  # the HTTP middleware logs each request, without query
    "httpx": logging.WARNING,  # logs every URL it calls at INFO
    "httpcore": logging.WARNING,
}
_MAX_FRAMES: Final = 20
_SECRETS = re.compile(
    r"(?i)(?P<bearer>bearer)\s+[^\s\"',;]+|eyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,2}"
)


_INPUTS = re.compile(r"input_value=.*?, input_type=")
"""What pydantic quotes of the invalid input in a validation error's message (a request body)."""


def _mask(text: str) -> str:
    """The text with bearer tokens, JWTs (or their first part) and quoted inputs masked."""
    lowered = text.lower()
    if "eyj" not in lowered and "bearer" not in lowered and "input_value=" not in text:
        return text  # nothing to mask: spared two scans of every line
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
    handler = _install_root_handler(formatter, level_no)
    global _direct  # noqa: PLW0603 - the process's one logging configuration
    processors = tuple(structlog.get_config()["processors"])  # capture_logs edits the list
    _direct = _Direct(processors, handler, shared_writer(), level_no) if json else None


@dataclass(frozen=True, slots=True)
class _Direct:
    """What `info_line` needs of the JSON configuration it renders for, to tell that it is
    still the one in force."""

    processors: tuple[Processor, ...]
    handler: logging.Handler
    writer: LogWriter
    level: int


_direct: _Direct | None = None


def info_line(logger: str, event: str, fields: dict[str, Any]) -> bool:
    """Write an INFO line of `logger` as the JSON configuration renders it (the same keys:
    the fields, `event`, the bound context, `level`, `logger`, `timestamp`; masked), straight to
    the log writer: a tenth of the cost of the way through structlog and the stdlib `logging`
    (a LogRecord, the handler's lock, the formatter's processors), which the canonical request
    line paid on every request. False, writing nothing, unless that configuration is in force
    as `configure_logging(json=True)` left it (not in console mode, nor while a test captures
    logs, nor with another handler on the root logger, nor above INFO): then log it the
    ordinary way."""
    direct = _direct
    if (
        direct is None
        or direct.level > logging.INFO
        or tuple(structlog.get_config()["processors"]) != direct.processors
        or logging.root.handlers != [direct.handler]
    ):
        return False
    line = {**fields, "event": event}
    for key, value in structlog.contextvars.get_contextvars().items():
        line.setdefault(key, value)
    line["level"] = "info"
    line["logger"] = logger
    line["timestamp"] = dt.datetime.now(tz=dt.UTC).isoformat().replace("+00:00", "Z")
    direct.writer.put(_mask(jsonlib.dumps(line, default=repr)) + "\n")
    return True


def configure_command_logging() -> None:
    """Logging of an operator's command (ops, the demo load, a projection command): its
    warnings and errors on stderr, as console lines; stdout carries the command's answer alone
    (`--json`: one document)."""
    configure_logging(json=False, level="WARNING")


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


def _install_root_handler(formatter: logging.Formatter, level: int) -> logging.Handler:
    """Replace our previous handler on the root logger (and return the new one); send
    uvicorn's loggers to the root."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(handler)
    handler = BackgroundHandler(shared_writer())
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(formatter)
    handler.addFilter(RepeatFilter())
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "httpx", "httpcore"):
        named = logging.getLogger(name)
        named.handlers.clear()
        named.propagate = True
        named.setLevel(_QUIET_LOGGERS.get(name, logging.NOTSET))
    return handler
