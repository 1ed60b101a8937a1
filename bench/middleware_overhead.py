"""What the project's own HTTP layers cost: a do-nothing route served behind them (the app every
service builds, `services.common.http.service_app`: correlation ids, the request log line and
latency metric, request limits, problem+json handlers, JSON logs), the same route behind them
with the bearer-token check, and the route on a bare FastAPI app, in the same run, each in a
uvicorn process of its own and loaded by 32 keep-alive clients.

    uv run python -m bench.middleware_overhead [--clients 32] [--seconds 5] [--runs 3]

Prints one JSON line: the medians over the runs, the ratio of the project's rate to the bare
rate (the target is >= 0.7), the same ratio of the servers' CPU time per request (bare over
project: the rate ratio of servers with a core each, which a busy machine does not disturb as
much), and every run's figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx

from bench.harness import SCHOOL, SECRET, median, percentile, process_cpu_seconds
from bench.http_load import Call, closed_loop
from deploy.launcher.ports import free_port
from services.common.auth import PrincipalDep
from services.common.dev_tokens import DevTokenIssuer

KINDS = ("bare", "project", "project_auth")


def build_app(kind: str) -> object:
    """The app of one kind: `bare` FastAPI, or the project's app with the route open
    (`project`) or behind a verified bearer token (`project_auth`)."""
    from fastapi import FastAPI  # noqa: PLC0415 - the child process alone serves

    if kind == "bare":
        bare = FastAPI()

        @bare.get("/noop")
        async def noop() -> dict[str, bool]:
            return {"ok": True}

        return bare
    from fastapi import APIRouter  # noqa: PLC0415

    from services.common.http import service_app  # noqa: PLC0415
    from services.common.logging import configure_logging  # noqa: PLC0415
    from services.common.settings import AuthSettings  # noqa: PLC0415

    router = APIRouter()
    if kind == "project":

        @router.get("/noop")
        async def open_noop() -> dict[str, bool]:
            return {"ok": True}

    else:

        @router.get("/noop")
        async def checked_noop(principal: PrincipalDep) -> dict[str, bool]:
            return {"ok": principal.school == SCHOOL}

    @contextlib.asynccontextmanager
    async def runtime() -> AsyncIterator[object]:
        yield type("Runtime", (), {"deps": None, "idempotency": None})()

    async def ready(_runtime: object) -> dict[str, bool | str]:
        return {}

    configure_logging(json=True)
    return service_app(
        title="noop",
        description="a do-nothing route behind the project's layers",
        auth=AuthSettings(mode="dev", dev_secret=os.environ["NOOP_SECRET"]),
        open_runtime=runtime,
        readiness=ready,
        routers=[router],
    )


def serve(kind: str, port: int) -> None:
    """The child process: the app of `kind` under uvicorn, as `services.common.entry` runs a
    service (its start-up objects frozen out of the collector, no access log)."""
    import uvicorn  # noqa: PLC0415

    app = build_app(kind)
    gc.collect()
    gc.freeze()
    # Without uvicorn's access log, as `services.common.entry` serves (the bare app too: the
    # comparison is of the app's own layers)
    uvicorn.run(app, host="127.0.0.1", port=port, log_config=None, access_log=False)  # type: ignore[arg-type]


@contextlib.contextmanager
def served(kind: str) -> Iterator[tuple[str, int]]:
    """The app of `kind` in a process of its own; yields its base URL and process id."""
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix=f"noop-{kind}-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603 - this module, by its fixed name
        [sys.executable, "-m", "bench.middleware_overhead", "--serve", kind, "--port", str(port)],
        env={**os.environ, "NOOP_SECRET": SECRET},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(f"{base}/noop")
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
        Path(log.name).unlink()


def _wait_ready(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        time.sleep(0.1)
    msg = f"{url} did not answer"
    raise TimeoutError(msg)


async def load(base: str, pid: int, clients: int, seconds: float) -> dict[str, float]:
    """GET /noop from `clients` keep-alive connections for `seconds`; `cpu_us` is the server
    process's CPU time per request (what the rate comes to when the server has a core to
    itself: the figure to compare on a machine others are busy on)."""
    token = DevTokenIssuer(SECRET).mint("t-bench", ["teacher"], SCHOOL)
    cpu = process_cpu_seconds(pid)
    outcome, elapsed = await closed_loop(
        base, f"Bearer {token}", clients, seconds, lambda _n: Call("GET", "/noop")
    )
    used = process_cpu_seconds(pid) - cpu
    failures = sum(count for status, count in outcome.statuses.items() if status != 200)
    return {
        "per_s": round(len(outcome.latencies) / elapsed, 1),
        "p50_ms": round(percentile(outcome.latencies, 0.5) * 1000, 2),
        "p99_ms": round(percentile(outcome.latencies, 0.99) * 1000, 2),
        "cpu_us": round(used * 1e6 / max(len(outcome.latencies), 1), 1),
        "failures": failures,
    }


def one_run(clients: int, seconds: float) -> dict[str, dict[str, float]]:
    """Each kind of app in turn, warmed for a second, then loaded."""
    figures: dict[str, dict[str, float]] = {}
    for kind in KINDS:
        with served(kind) as (base, pid):
            asyncio.run(load(base, pid, clients, 1.0))
            figures[kind] = asyncio.run(load(base, pid, clients, seconds))
    return figures


def main() -> None:
    """Run the benchmark and print one JSON line (or, with --serve, be the child process)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--serve", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return
    runs = [one_run(args.clients, args.seconds) for _ in range(args.runs)]
    summary = {
        f"{kind}_{figure}": median([run[kind][figure] for run in runs])
        for kind in KINDS
        for figure in ("per_s", "p50_ms", "p99_ms", "cpu_us")
    }
    for kind in KINDS[1:]:
        summary[f"{kind}_to_bare_ratio"] = round(
            summary[f"{kind}_per_s"] / summary["bare_per_s"], 3
        )
        summary[f"{kind}_to_bare_cpu_ratio"] = round(
            summary["bare_cpu_us"] / summary[f"{kind}_cpu_us"], 3
        )
    print(
        json.dumps(
            {
                "bench": "middleware_overhead",
                "clients": args.clients,
                "seconds": args.seconds,
                "runs": args.runs,
                "median": summary,
                "each_run": runs,
            }
        )
    )


if __name__ == "__main__":
    main()
