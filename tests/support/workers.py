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


async def start_worker(service: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    """`python -m services.<service> worker` in `env`, its output discarded."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        f"services.{service}",
        "worker",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
