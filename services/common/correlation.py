"""Correlation ids and the canonical request log line: every request carries an id (the
caller's `X-Correlation-Id`, or a new one) into its log lines, its answer's header and the calls
it makes to other services; one log line and one latency observation per request."""

from __future__ import annotations

import os
import re
import time
import uuid
from dataclasses import dataclass
from typing import Final

import structlog
from fastapi import Response
from prometheus_client import Histogram
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common import metrics
from services.common.logging import info_line
from services.common.outage import outage_of, outage_response, summary
from services.common.problems import problem

CORRELATION_HEADER: Final = "X-Correlation-Id"
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
_QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})
_UNMATCHED_ROUTE = "<unmatched>"

_log = structlog.get_logger(__name__)


def correlation_id() -> str:
    """The current request's (or message's) correlation id; a new one is bound when none is."""
    current = structlog.contextvars.get_contextvars().get("correlation_id")
    if isinstance(current, str):
        return current
    fresh = uuid.uuid4().hex
    structlog.contextvars.bind_contextvars(correlation_id=fresh)
    return fresh


def internal_error_response() -> Response:
    """The 500 problem, carrying the correlation id so an operator can find the log line."""
    return problem(
        500,
        "internal_error",
        "an unexpected error occurred; quote the correlation id when reporting it",
        headers={CORRELATION_HEADER: correlation_id()},
    )


@dataclass(slots=True)
class _Exchange:
    """What the middleware learns about a response while it is sent."""

    status: int = 500
    started: bool = False


class CorrelationIdMiddleware:
    """Pure ASGI middleware: correlation id in and out, one canonical log line, latency metric.

    Reads `X-Correlation-Id` (or makes one), clears and binds the structlog context, echoes the
    header, logs `http_request` (method, route template, status, duration_ms) and observes
    `http_request_duration_seconds`. An exception that escapes the app becomes a 500 problem
    (logged once, with its traceback) when the response has not started yet.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI call; only HTTP requests are instrumented."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cid = _incoming_correlation_id(scope)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            correlation_id=cid, method=scope["method"], path=scope["path"]
        )
        exchange = _Exchange()
        started_at = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                exchange.status, exchange.started = message["status"], True
                MutableHeaders(scope=message)[CORRELATION_HEADER] = cid
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            outage = None if exchange.started else outage_of(exc)
            if outage is not None:  # an outage met outside the handlers: still a 503
                await outage_response(outage, exc)(scope, receive, send_with_id)
                _finish(scope, exchange, started_at, None)
                return
            _finish(scope, exchange, started_at, exc)
            if exchange.started:
                raise
            await internal_error_response()(scope, receive, send_with_id)
        else:
            _finish(scope, exchange, started_at, None)


def _incoming_correlation_id(scope: Scope) -> str:
    """The caller's correlation id when it is a sane token, else a new one."""
    for name, value in scope["headers"]:
        if name == b"x-correlation-id":
            text: str = value.decode("latin-1")
            if _INCOMING_ID.match(text):
                return text
    return os.urandom(16).hex()  # as random as uuid4().hex, without building a UUID


def _finish(scope: Scope, exchange: _Exchange, started_at: float, exc: Exception | None) -> None:
    """Log the canonical line and observe the latency of one request."""
    seconds = time.perf_counter() - started_at
    route: str = getattr(scope.get("route"), "path", _UNMATCHED_ROUTE)
    status = 500 if exc is not None and not exchange.started else exchange.status
    _latency(scope["method"], route, status).observe(seconds)
    fields = {"route": route, "status": status, "duration_ms": round(seconds * 1000, 1)}
    if exc is not None and exchange.started:  # cut mid-response: no traceback to chase
        _log.error("http_request", **fields, error=summary(exc))
    elif exc is not None:
        _log.error("http_request", **fields, exc_info=exc)
    elif route in _QUIET_ROUTES and (status < 400 or status == 503):
        _log.debug("http_request", **fields)
    elif status == 503:  # an outage: expected, one line per request (repeats are thinned)
        _log.warning("http_request", **fields)
    elif status >= 500:
        _log.error("http_request", **fields)
    elif not info_line(__name__, "http_request", fields):  # the line, written directly
        _log.info("http_request", **fields)


_LATENCIES: dict[tuple[str, str, int], Histogram] = {}


def _latency(method: str, route: str, status: int) -> Histogram:
    """The latency histogram of one method, route template and status (found once: looking a
    labelled child up costs a lock and the labels' checks on every request)."""
    key = (method, route, status)
    found = _LATENCIES.get(key)
    if found is None:
        found = metrics.instruments().http_request_duration.labels(
            method=method, route=route, status=str(status)
        )
        _LATENCIES[key] = found
    return found
