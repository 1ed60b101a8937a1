"""A lean closed-loop HTTP/1.1 load generator: one keep-alive connection per worker, so the
measuring side costs little next to the server it measures (a shared httpx pool with dozens of
concurrent requests costs more than the server itself)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Call:
    """One request: method, path, JSON body and extra headers."""

    method: str
    path: str
    body: object | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    """What the workers measured."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)


def _encode(call: Call, host: str, auth: str) -> bytes:
    body = b"" if call.body is None else json.dumps(call.body).encode()
    lines = [
        f"{call.method} {call.path} HTTP/1.1",
        f"Host: {host}",
        f"Authorization: {auth}",
        f"Content-Length: {len(body)}",
        "Content-Type: application/json",
    ]
    lines += [f"{k}: {v}" for k, v in call.headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


async def closed_loop(
    base: str, auth: str, clients: int, seconds: float, make: Callable[[int], Call]
) -> tuple[Outcome, float]:
    """`clients` connections each sending `make(n)` back to back for `seconds`."""
    url = urlsplit(base)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    outcome = Outcome()
    counter = iter(range(10**12))
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.perf_counter() < deadline:
                request = _encode(make(next(counter)), f"{host}:{port}", auth)
                started = time.perf_counter()
                writer.write(request)
                status = await _read_response(reader)
                outcome.latencies.append(time.perf_counter() - started)
                outcome.statuses[status] = outcome.statuses.get(status, 0) + 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return outcome, time.perf_counter() - started
