"""Limits every request meets before the app sees it: body size and time.

- **Body**: a body over the limit (1 MiB unless the route is an upload) is refused with 413
  `body_too_large` *before* anything parses it: at once when `Content-Length` says so, else as
  soon as the streamed bytes pass the limit. Parsing 10 MB of JSON only to refuse it costs the
  event loop what every other request is waiting for.
- **Time**: once the body has arrived, the request has `deadline_seconds` (routes marked
  `long_running` more); past it, it is cancelled and answered 503 with `Retry-After`, so that a
  dependency that hangs (rather than refusing) cannot hold a request forever. Within the
  request, a PostgreSQL connection is waited for at most `dependency_timeout_seconds`
  (`services.common.db.ACQUIRE_TIMEOUT`), so an outage answers 503 at once. A long-running
  route is batch work (a rollover runs dozens of commands side by side over small pools): it
  waits for a connection as the background does, since its own workers are what it queues
  behind; an outage still fails its connection attempts at once, and its deadline bounds it.
  Likewise only a long-running route sends a timed-out JetStream call again
  (`services.common.patience`); any other request answers 503 at the first timeout. While the
  NATS connection is lost, every request's JetStream call fails at once (`WAITS_FOR_RECONNECT`).

Routes declare their own needs with the decorators `upload` and `long_running` (on the
endpoint function, under the router's decorator). The middleware runs before routing, so it
finds the marked routes itself, once, by their path patterns (routers are included without a
prefix of their own, as `services.common.http.service_app` does).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final, TypeVar

from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.db import ACQUIRE_TIMEOUT, BACKGROUND_ACQUIRE_SECONDS
from services.common.outage import deadline_outage, outage_response
from services.common.patience import PATIENT, WAITS_FOR_RECONNECT
from services.common.problems import problem
from services.common.routes import flat_routes
from services.common.settings import MIB, HttpSettings

F = TypeVar("F", bound=Callable[..., object])
_UPLOAD: Final = "__upload_route__"
_LONG_RUNNING: Final = "__long_running_route__"
MULTIPART_OVERHEAD: Final = 64 * 1024
"""Room for a multipart body's boundaries, part headers and small form fields besides files."""


def upload(reason: str = "body_too_large") -> Callable[[F], F]:
    """Mark a route that receives files: its body may be as large as the app's upload limit,
    and a larger one is refused (413) with `reason` (the route's own word for a file too
    large, so that the refusal reads the same whichever check met it first)."""

    def mark(endpoint: F) -> F:
        setattr(endpoint, _UPLOAD, reason)
        return endpoint

    return mark


def long_running(endpoint: F) -> F:
    """Mark a route whose work may legitimately take long (an export, a verification)."""
    setattr(endpoint, _LONG_RUNNING, True)
    return endpoint


@dataclass(frozen=True, slots=True)
class RequestLimits:
    """The limits of one app (from the service's `HttpSettings` and its file limits)."""

    body_bytes: int = MIB
    upload_bytes: int = MIB
    deadline_seconds: float = 10.0
    long_deadline_seconds: float = 300.0
    dependency_seconds: float = 1.5


def request_limits(http: HttpSettings, *, upload_bytes: int = 0) -> RequestLimits:
    """The limits `http` configures; upload routes take `upload_bytes` (the files' own limit)
    plus room for the multipart framing."""
    body = http.body_limit_bytes
    return RequestLimits(
        body_bytes=body,
        upload_bytes=max(body, upload_bytes + MULTIPART_OVERHEAD),
        deadline_seconds=http.deadline_seconds,
        long_deadline_seconds=http.long_deadline_seconds,
        dependency_seconds=http.dependency_timeout_seconds,
    )


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a streamed body passes its limit (FastAPI lets an
    HTTPException through its body parsing; `services.common.http` answers it)."""

    def __init__(self, limit: int, reason: str = "body_too_large") -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")
        self.limit = limit
        self.reason = reason


def too_large(limit: int, reason: str = "body_too_large") -> ASGIApp:
    """The 413 problem of a body over `limit` bytes."""
    return problem(413, reason, f"the request body is larger than {limit} bytes")


@dataclass(frozen=True, slots=True)
class _Marked:
    """A route that declared its own limits: its path pattern, methods and marks."""

    pattern: re.Pattern[str]
    methods: frozenset[str]
    upload: str | None  # the refusal's reason of an upload route
    long_running: bool


def _marked(routes: Iterable[BaseRoute]) -> Iterator[_Marked]:
    """The marked routes among `routes`, looking into included routers."""
    for route in flat_routes(routes):
        endpoint = getattr(route, "endpoint", None)
        upload_route = getattr(endpoint, _UPLOAD, None)
        long_route = getattr(endpoint, _LONG_RUNNING, False)
        pattern = getattr(route, "path_regex", None)
        if (upload_route or long_route) and isinstance(pattern, re.Pattern):
            methods = frozenset(getattr(route, "methods", None) or ())
            yield _Marked(pattern, methods, upload_route, long_route)


@dataclass(slots=True)
class _Request:
    """What the middleware tracks of one request while it runs."""

    limit: int
    reason: str
    received: int = 0
    started: bool = False


class RequestLimitsMiddleware:
    """Pure ASGI middleware enforcing `RequestLimits` (see the module's docstring)."""

    def __init__(
        self, app: ASGIApp, *, routes: Callable[[], Sequence[BaseRoute]], limits: RequestLimits
    ) -> None:
        self.app = app
        self.routes = routes
        self.limits = limits
        self._marked: list[_Marked] | None = None  # found on the first request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse a declared oversized body at once; run the rest under the deadline."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._marked is None:
            self._marked = list(_marked(self.routes()))
        route = _route_of(scope, self._marked)
        limits = self.limits
        reason = route.upload if route and route.upload else "body_too_large"
        limit = limits.upload_bytes if route and route.upload else limits.body_bytes
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await too_large(limit, reason)(scope, receive, send)
            return
        long = route is not None and route.long_running
        deadline = limits.long_deadline_seconds if long else limits.deadline_seconds
        token = ACQUIRE_TIMEOUT.set(
            BACKGROUND_ACQUIRE_SECONDS if long else limits.dependency_seconds
        )
        patience = PATIENT.set(long)
        refused_while_lost = WAITS_FOR_RECONNECT.set(False)
        try:
            await self._run(scope, receive, send, _Request(limit, reason), deadline)
        finally:
            WAITS_FOR_RECONNECT.reset(refused_while_lost)
            PATIENT.reset(patience)
            ACQUIRE_TIMEOUT.reset(token)

    async def _run(
        self, scope: Scope, receive: Receive, send: Send, request: _Request, deadline: float
    ) -> None:
        loop = asyncio.get_running_loop()
        timer = asyncio.timeout_at(loop.time() + deadline)

        async def counted() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                request.received += len(message.get("body", b""))
                if request.received > request.limit:
                    raise BodyTooLarge(request.limit, request.reason)
                # A slow upload is not a slow dependency: the clock starts with the body.
                timer.reschedule(loop.time() + deadline)
            return message

        async def tracked(message: Message) -> None:
            if message["type"] == "http.response.start":
                request.started = True
                timer.reschedule(None)  # an answer is on its way: a stream may take its time
            await send(message)

        try:
            async with timer:
                await self.app(scope, counted, tracked)
        except TimeoutError as error:
            if not timer.expired() or request.started:
                raise
            await outage_response(deadline_outage(error), error)(scope, receive, send)


def _route_of(scope: Scope, marked: Sequence[_Marked]) -> _Marked | None:
    """The marked route this request is for, None for any other."""
    path, method = scope["path"], scope["method"]
    for route in marked:
        if method in route.methods and route.pattern.match(path):
            return route
    return None


def _content_length(scope: Scope) -> int | None:
    """The declared body size; None when absent or unreadable (then the bytes are counted)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
