"""Which errors a projector retries, how long it waits between two tries, and when it stops."""

from __future__ import annotations

import asyncio

import asyncpg
import nats.errors
import nats.js.errors

from services.common.projector_batch import CheckpointMovedError
from services.common.pullfeed import ConsumerGoneError, DeliveryLostError

# Errors that say nothing about the event: retry later, never dead-letter.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.TransactionRollbackError,
    asyncpg.exceptions.InsufficientResourcesError,
)
# Errors that mean the tables were swapped under a prepared statement (a rebuild): resync.
SCHEMA_CHANGED_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.InvalidCachedStatementError,
    asyncpg.exceptions.OutdatedSchemaCacheError,
    asyncpg.exceptions.UndefinedTableError,
)

# NATS failures that pass: a lost or reconnecting connection, a server that did not answer.
NATS_TRANSIENT: tuple[type[BaseException], ...] = (
    nats.errors.TimeoutError,
    nats.errors.NoRespondersError,
    nats.errors.StaleConnectionError,
    nats.errors.ConnectionClosedError,
    nats.errors.ConnectionReconnectingError,
    nats.errors.NoServersError,
    nats.errors.OutboundBufferLimitError,
    nats.js.errors.ServiceUnavailableError,
    nats.js.errors.NotFoundError,  # our consumer vanished: recreate it
)
# What is retried after a resync (and logged as a warning); anything else is a bug: it
# propagates from `run_until`, and `run` logs it as an error before it tries again.
RETRYABLE: tuple[type[BaseException], ...] = (
    *TRANSIENT_ERRORS,
    *SCHEMA_CHANGED_ERRORS,
    *NATS_TRANSIENT,
    CheckpointMovedError,
    ConsumerGoneError,
    DeliveryLostError,
)


class Backoff:
    """Exponential pauses between retries, from `first` up to `limit` seconds."""

    # A short cap: once NATS or PostgreSQL is back, the projector (and so /readyz) must follow
    # within seconds; a retry per second against a server that is down costs nothing.
    def __init__(self, first: float = 0.1, limit: float = 1.0) -> None:
        self._first, self._limit, self._delay = first, limit, first

    async def wait(self) -> None:
        await asyncio.sleep(self._delay)
        self._delay = min(self._delay * 2, self._limit)

    def reset(self) -> None:
        self._delay = self._first


def raise_if_cancelled() -> None:
    """Raise CancelledError if the current task was asked to stop."""
    # Some awaits inside client libraries (asyncio.wait_for on 3.11) can swallow a cancellation
    # that races with their result; the request stays counted on the task, so honour it here.
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
