"""Batch work outlasting a pause of its own process: a JetStream call that timed out is sent
again, a few times, where the caller would rather wait than fail.

A timed-out call is not always an outage. A full garbage collection stops a service's process
for as long as it takes to walk every object it holds: a journal holding its caches after the
demo school's load walks about 660,000 objects in 0.5 s on an idle machine, and for longer when
the cores are busy. An answer that arrives meanwhile is read only after the timer has fired, so
the call times out although the server answered at once.

An interactive request answers 503 at the first timeout and its client retries
(`services.common.limits` makes such a request impatient). Batch work would otherwise fail
whole: a rollover's thousand commands, the demo's thirty thousand, a scheduled run. It sends
the call again instead. Every call sent through here is safe to send twice: a
load only reads, and an append carries its command id (JetStream's duplicate window, or the
subject's history, answers a resend with the first record).

A real outage still ends the wait: after `ATTEMPTS` the last timeout goes up.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Final, TypeVar

import nats.errors
import structlog

T = TypeVar("T")
ATTEMPTS: Final = 4
PATIENT: ContextVar[bool] = ContextVar("patient_with_nats", default=True)
"""Whether a timed-out JetStream call is sent again: yes for background and batch work, no
for the interactive request the HTTP middleware serves."""
WAITS_FOR_RECONNECT: ContextVar[bool] = ContextVar("waits_for_nats_reconnect", default=True)
"""Whether a JetStream call made while the NATS connection is lost waits for it to come back
(background and batch work: a server restart or a failover is over in seconds) or is refused at
once (every HTTP request, long-running ones too: patience is for a slow answer, not for a server
known to be gone; the client gets its 503 and retries, as when PostgreSQL is down). See
`services.common.jetstream.ServiceConnection`."""
_FIRST_PAUSE_SECONDS: Final = 0.25
_LONGEST_PAUSE_SECONDS: Final = 2.0

_log = structlog.get_logger(__name__)


async def patiently(call: Callable[[], Awaitable[T]]) -> T:
    """`call()`, sent again after a NATS timeout while the caller is patient (`PATIENT`).

    A plain loop rather than tenacity's: nearly every call answers at once, and building the
    retry machinery for each would cost about 15 µs per call on the batch write path.
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await call()
        except nats.errors.TimeoutError:
            if attempt == ATTEMPTS or not PATIENT.get():
                raise
        _log.warning("nats.timeout_retried", attempt=attempt, of=ATTEMPTS)
        await asyncio.sleep(_pause(attempt))
    raise AssertionError  # unreachable: the last attempt answers or raises


def _pause(attempt: int) -> float:
    """Before the next attempt, a pause drawn from [0, 0.25 * 2**(attempt - 1)] seconds (at most
    2 s): the process catches up with what it read meanwhile, and parallel workers do not
    resend at once."""
    longest = min(_LONGEST_PAUSE_SECONDS, _FIRST_PAUSE_SECONDS * 2 ** (attempt - 1))
    return random.uniform(0, longest)  # noqa: S311 - jitter, not a secret
