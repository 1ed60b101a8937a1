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

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Final, TypeVar

import nats.errors
import structlog
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_random_exponential

T = TypeVar("T")
ATTEMPTS: Final = 4
PATIENT: ContextVar[bool] = ContextVar("patient_with_nats", default=True)
"""Whether a timed-out JetStream call is sent again: yes for background and batch work, no
for the interactive request the HTTP middleware serves."""
_PAUSE = wait_random_exponential(multiplier=0.25, max=2.0)
"""Before the next attempt, a pause drawn from [0, 0.25 * 2**n] seconds (at most 2 s): the
process catches up with what it read meanwhile, and parallel workers do not resend at once."""

_log = structlog.get_logger(__name__)


def _log_retry(state: RetryCallState) -> None:
    _log.warning("nats.timeout_retried", attempt=state.attempt_number, of=ATTEMPTS)


async def patiently(call: Callable[[], Awaitable[T]]) -> T:
    """`call()`, sent again after a NATS timeout while the caller is patient (`PATIENT`)."""
    if not PATIENT.get():
        return await call()
    retrying = AsyncRetrying(
        retry=retry_if_exception_type(nats.errors.TimeoutError),
        stop=stop_after_attempt(ATTEMPTS),
        wait=_PAUSE,
        before_sleep=_log_retry,
        reraise=True,
    )
    async for attempt in retrying:
        with attempt:
            return await call()
    raise AssertionError  # unreachable: with reraise=True the last timeout went up
