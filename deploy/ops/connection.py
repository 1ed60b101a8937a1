"""The operator commands' NATS connection: a first attempt and one retry, then a clear failure.

The services connect for good (`services.common.jetstream.connect` retries forever, which is
right for a process that must come back on its own); a command typed by an operator or run by
a script must say instead, within seconds, that NATS cannot be reached (exit code 2).
"""

from __future__ import annotations

import nats
from nats.aio.client import Client

from services.common.jetstream import servers_of


class NatsUnreachable(Exception):
    """NATS did not answer the command's connection."""


async def _quiet(_error: Exception) -> None:
    """nats-py's error callback: the command reports the failure itself, once."""


async def connect_once(url: str, *, name: str) -> Client:
    """A connection to `url`, or `NatsUnreachable` after one retry (nats-py would otherwise
    retry a refused first connection 60 times, 2 s apart)."""
    try:
        return await nats.connect(
            servers_of(url),
            name=name,
            connect_timeout=5,
            allow_reconnect=False,
            max_reconnect_attempts=1,
            error_cb=_quiet,
        )
    except (OSError, nats.errors.Error) as error:
        msg = f"NATS at {url} is unreachable ({type(error).__name__})"
        raise NatsUnreachable(msg) from error
