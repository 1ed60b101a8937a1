"""Failures of a dependency answered as 503 with `Retry-After`, never as a 500 or a hang.

A request that meets a NATS or PostgreSQL outage fails fast (the clients' timeouts are short on
the HTTP path, see `services.common.limits`) with one of the exceptions below; this module says
which dependency it was, so the answer names it (`reason: nats_unavailable`,
`postgres_unavailable`) and the client knows it may retry. One log line per failure is enough
for an outage: the canonical request line carries the reason and a one-line summary of the
error (bound here), never a traceback — a burst of failing requests must not become a burst of
tracebacks that keeps the event loop busy.

An aggregate whose history holds an event this process cannot decode is answered here too: 503
when the event is of a newer version than this code knows (a newer replica wrote it; retry
once this one is upgraded) or sealed under a key the key store lacks (503
`key_store_incomplete`: restore the key store), 409 `corrupt_history` when the stored event is
broken.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, TypeVar

import asyncpg
import nats.errors
import nats.js.errors
import structlog

from contracts.registry import UnknownEventType, UnsupportedVersion
from services.common.eventstore import CorruptEvent
from services.common.problems import problem
from services.common.sealing import MissingKey

if TYPE_CHECKING:
    from types import TracebackType

    from fastapi import Request
    from fastapi.responses import JSONResponse

T = TypeVar("T")
RETRY_AFTER_SECONDS: Final = 2
NATS_UNAVAILABLE: Final = "nats_unavailable"
POSTGRES_UNAVAILABLE: Final = "postgres_unavailable"
DEPENDENCY_UNAVAILABLE: Final = "dependency_unavailable"
DEADLINE_EXCEEDED: Final = "deadline_exceeded"
_SUMMARY_CHARS = 200

NATS_ERRORS: Final[tuple[type[Exception], ...]] = (
    nats.errors.TimeoutError,
    nats.errors.NoRespondersError,
    nats.errors.ConnectionClosedError,
    nats.errors.ConnectionReconnectingError,
    nats.errors.ConnectionDrainingError,
    nats.errors.OutboundBufferLimitError,
    nats.errors.StaleConnectionError,
    nats.errors.NoServersError,
    nats.errors.FlushTimeoutError,
    nats.js.errors.ServiceUnavailableError,
    # A publish nobody answered: on a cluster, while the stream elects a new leader.
    nats.js.errors.NoStreamResponseError,
)
POSTGRES_ERRORS: Final[tuple[type[Exception], ...]] = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.OperatorInterventionError,  # shutdown, crash, cannot connect now
)
NETWORK_ERRORS: Final[tuple[type[Exception], ...]] = (
    ConnectionError,
    TimeoutError,
    socket.gaierror,
)
"""Raised by either client (connection refused or reset, a timed-out wait): the traceback says
which client it came through."""

HANDLED: Final[tuple[type[Exception], ...]] = (
    *NATS_ERRORS,
    *POSTGRES_ERRORS,
    *NETWORK_ERRORS,
    nats.js.errors.APIError,  # only its 503 (JetStream not available) is an outage
    CorruptEvent,
)
"""The exception classes `services.common.http` hands to `answer` (the rest re-raises)."""


@dataclass(frozen=True, slots=True)
class Outage:
    """Which dependency failed, for the problem's reason, and what to tell the client."""

    reason: str
    detail: str


_DETAILS = {
    NATS_UNAVAILABLE: "the message broker (NATS) is not reachable right now; retry shortly",
    POSTGRES_UNAVAILABLE: "the database (PostgreSQL) is not reachable right now; retry shortly",
    DEPENDENCY_UNAVAILABLE: "a service this one depends on did not answer; retry shortly",
    DEADLINE_EXCEEDED: "the request did not finish in time; retry shortly",
}


def outage_of(exc: BaseException) -> Outage | None:
    """The outage `exc` stands for, or None when it is not a dependency failure (a bug).

    An exception group (the failures of a task group's tasks) is an outage when every failure
    in it is one: the first one's.
    """
    if isinstance(exc, BaseExceptionGroup):
        found = [outage_of(inner) for inner in exc.exceptions]
        return found[0] if all(found) else None
    if isinstance(exc, nats.js.errors.APIError) and exc.code == 503:
        return _outage(NATS_UNAVAILABLE)
    if isinstance(exc, NATS_ERRORS):
        return _outage(NATS_UNAVAILABLE)
    if isinstance(exc, POSTGRES_ERRORS):
        return _outage(POSTGRES_UNAVAILABLE)
    if isinstance(exc, NETWORK_ERRORS):
        return _outage(_client_of(exc.__traceback__) or DEPENDENCY_UNAVAILABLE)
    return None


def deadline_outage(exc: BaseException) -> Outage:
    """The outage of a request cut at its deadline: the client it was waiting on, if known."""
    waiting = exc.__context__ if exc.__context__ is not None else exc
    client = _client_of(waiting.__traceback__)
    return _outage(client) if client else _outage(DEADLINE_EXCEEDED)


def _outage(reason: str) -> Outage:
    return Outage(reason, _DETAILS[reason])


def _client_of(trace: TracebackType | None) -> str | None:
    """`nats_unavailable` or `postgres_unavailable` when a frame of the traceback runs in that
    client's package (the innermost such frame wins), else None."""
    found: str | None = None
    while trace is not None:
        module = str(trace.tb_frame.f_globals.get("__name__", ""))
        if module.startswith("nats.") or module == "nats":
            found = NATS_UNAVAILABLE
        elif module.startswith("asyncpg"):
            found = POSTGRES_UNAVAILABLE
        trace = trace.tb_next
    return found


def summary(exc: BaseException) -> str:
    """`ClassName: message`, on one line and short: what a log line says about an error."""
    text = " ".join(str(exc).split())
    if len(text) > _SUMMARY_CHARS:
        text = text[:_SUMMARY_CHARS] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def outage_response(outage: Outage, exc: BaseException | None = None) -> JSONResponse:
    """503 with `Retry-After`; the reason and the error summary go into the request's log
    context, so the canonical request line is the one line logged about it."""
    structlog.contextvars.bind_contextvars(
        reason=outage.reason, **({"error": summary(exc)} if exc is not None else {})
    )
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return problem(503, outage.reason, outage.detail, headers=headers)


_RETRYABLE_HISTORY: Final = {
    "history_needs_newer_version": "the record holds an event of a newer version than this "
    "server reads; retry",
    "key_store_incomplete": "the record holds personal data sealed under a key the key store "
    "does not hold (restored from an older backup, or the wrong database?); an operator has to "
    "restore it, then retry",
}


def history_response(exc: CorruptEvent) -> JSONResponse:
    """An aggregate's history this process cannot read: 503 for an event of a newer version
    (retry, a newer replica can) or sealed under a key the key store lacks (retry once the
    operator restored it), 409 `corrupt_history` for a broken one."""
    cause = exc.__cause__
    if isinstance(cause, (UnsupportedVersion, UnknownEventType)):
        reason = "history_needs_newer_version"
    elif isinstance(cause, MissingKey):
        reason = "key_store_incomplete"
    else:
        reason = "corrupt_history"
    structlog.contextvars.bind_contextvars(reason=reason, error=summary(exc))
    if reason in _RETRYABLE_HISTORY:
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return problem(503, reason, _RETRYABLE_HISTORY[reason], headers=headers)
    detail = "the record holds an event that cannot be read; an operator has to look at it"
    return problem(409, reason, detail)


async def handle(_request: Request, exc: Exception) -> JSONResponse:
    """The exception handler for `HANDLED`: an outage or an unreadable history; anything else
    of those classes (a NATS usage error, say) is re-raised and becomes a 500."""
    if isinstance(exc, CorruptEvent):
        return history_response(exc)
    outage = outage_of(exc)
    if outage is None:
        raise exc
    return outage_response(outage, exc)


async def primed(chunks: AsyncIterator[T]) -> AsyncIterator[T]:
    """`chunks` with the first one already read: for a streamed response, so that a dependency
    that is down fails the request before the response starts (a 503), not in its middle."""
    try:
        first = await anext(chunks)
    except StopAsyncIteration:
        return _nothing()
    return _after(first, chunks)


async def _nothing() -> AsyncIterator[T]:
    return
    yield  # an async generator that yields nothing


async def _after(first: T, rest: AsyncIterator[T]) -> AsyncIterator[T]:
    yield first
    async for chunk in rest:
        yield chunk
