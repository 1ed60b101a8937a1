"""structlog configuration shared by every process (the structlog best-practices recipe).

structlog loggers and stdlib loggers (uvicorn, asyncpg, nats, faststream) go through the same
processors and one handler on stderr, so every line has the same shape: a JSON object in
production, a coloured console line in development. Context bound with
`structlog.contextvars.bind_contextvars` (the correlation id, command id, subject, ...) is merged
into every line.

Personal data is never logged: no names, birth dates, addresses, free text about a pupil, request
or response bodies, tokens or query strings. Bind ids (pupil refs are pseudonymous), route
templates, counts and durations only. Tracebacks of unexpected errors are logged as they are;
keep personal data out of exception messages.
"""

from __future__ import annotations

import logging
import sys

import structlog
from structlog.typing import Processor

_HANDLER_NAME = "services.common.logging"
_QUIET_LOGGERS = {"uvicorn.access": logging.WARNING}  # the HTTP middleware logs each request


class _Stderr:
    """Writes to whatever `sys.stderr` is at the time (pytest swaps it between tests)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


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
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=pre_chain,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
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
    ]
    if json:
        chain.append(structlog.processors.dict_tracebacks)
    return chain


def _install_root_handler(formatter: logging.Formatter, level: int) -> None:
    """Replace our previous handler on the root logger; send uvicorn's loggers to the root."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(handler)
    handler = logging.StreamHandler(_Stderr())
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(formatter)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        named = logging.getLogger(name)
        named.handlers.clear()
        named.propagate = True
        named.setLevel(_QUIET_LOGGERS.get(name, logging.NOTSET))
