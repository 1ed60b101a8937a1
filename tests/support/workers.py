"""A service's worker run as its own process against the tests' private servers, for the
crash tests that kill it (SIGKILL) mid-batch and start it again."""

from __future__ import annotations

import asyncio
import os
import sys

DEV_SECRET = "x" * 32


def worker_env(service: str, nats_url: str, database_url: str, schema: str) -> dict[str, str]:
    """This process's environment with `service`'s settings pointing at the servers and
    `schema` (JSON logs, a development secret)."""
    prefix = service.upper()
    return {
        **os.environ,
        f"{prefix}_NATS__URL": nats_url,
        f"{prefix}_PG__DSN": database_url,
        f"{prefix}_PG__SCHEMA_NAME": schema,
        f"{prefix}_AUTH__DEV_SECRET": DEV_SECRET,
        f"{prefix}_LOG_JSON": "true",
    }


async def start_worker(
    service: str, env: dict[str, str], *, read_log: bool = False
) -> asyncio.subprocess.Process:
    """`python -m services.<service> worker` in `env`, its output discarded, or readable on its
    `stdout` (`read_log`, with `worker_env`'s JSON lines: see `logged`)."""
    output = asyncio.subprocess.PIPE if read_log else asyncio.subprocess.DEVNULL
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        f"services.{service}",
        "worker",
        env=env,
        stdout=output,
        stderr=asyncio.subprocess.STDOUT if read_log else asyncio.subprocess.DEVNULL,
    )


async def logged(worker: asyncio.subprocess.Process, event: str, timeout: float) -> None:  # noqa: ASYNC109
    """Read the worker's log until a line of `event` (TimeoutError after `timeout` seconds),
    then drop the rest as it comes, so that the worker never blocks on a full pipe."""
    stdout = worker.stdout
    assert stdout is not None, "started without read_log"
    wanted = f'"event": "{event}"'.encode()
    async with asyncio.timeout(timeout):
        while wanted not in await stdout.readline():
            pass
    task = asyncio.create_task(_drop(stdout))
    _DROPPING.add(task)
    task.add_done_callback(_DROPPING.discard)


_DROPPING: set[asyncio.Task[None]] = set()


async def _drop(stdout: asyncio.StreamReader) -> None:
    while await stdout.read(65536):
        pass
