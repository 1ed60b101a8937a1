"""The file store's sync policy: awaited JetStream publishes per second on one node of the
pinned nats-server with the default policy (fsync every two minutes) and with
`sync_interval: always` (fsync before every acknowledgement), in the same run.

    uv run python -m bench.nats_sync [--runs 3] [--messages 8000] [--clients 32]

Per run and policy a fresh server on a temporary store: `--messages` publishes of 400 bytes
from one client, then from `--clients` concurrent clients, each awaiting its acknowledgement.
Prints one JSON line: the medians per policy and the ratio of `always` to the default
(what deploy/nats/nats.conf's choice costs).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nats

from bench.harness import awaited_publishes, median
from deploy.launcher.nats_binary import required_nats_server_binary
from deploy.launcher.ports import free_port, wait_for_port


@contextlib.contextmanager
def _server(sync_interval: str | None) -> Iterator[str]:
    """A private nats-server with that sync policy (None: the default); yields its URL."""
    binary = required_nats_server_binary()
    folder = Path(tempfile.mkdtemp(prefix="nats-sync-"))
    port = free_port("127.0.0.1")
    policy = f"\n  sync_interval: {sync_interval}" if sync_interval else ""
    config = folder / "nats.conf"
    config.write_text(
        f'listen: 127.0.0.1:{port}\njetstream {{\n  store_dir: "{folder}/data"{policy}\n}}\n'
    )
    process = subprocess.Popen(  # noqa: S603 - the pinned binary, our own config
        [binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for_port("127.0.0.1", port)
        yield f"nats://127.0.0.1:{port}"
    finally:
        process.kill()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


async def _rate(url: str, messages: int, clients: int) -> float:
    """Awaited publishes per second from `clients` concurrent publishers on one connection."""
    connection = await nats.connect(url)
    js = connection.jetstream()
    await js.add_stream(name="SYNC", subjects=["sync.>"])
    rate = await awaited_publishes(js, "SYNC", messages, clients)
    await connection.close()
    return rate


async def measure(runs: int, messages: int, clients: int) -> dict[str, Any]:
    """Both policies, alternating, `runs` times."""
    rates: dict[str, dict[str, list[float]]] = {}
    for _ in range(runs):
        for policy in ("default", "always"):
            with _server(None if policy == "default" else policy) as url:
                one = await _rate(url, messages // 4, 1)
                many = await _rate(url, messages, clients)
            seen = rates.setdefault(policy, {"one_client": [], "many_clients": []})
            seen["one_client"].append(round(one))
            seen["many_clients"].append(round(many))
    medians = {p: {k: median(v) for k, v in r.items()} for p, r in rates.items()}
    return {
        "clients": clients,
        "medians_per_second": medians,
        "always_to_default": {
            k: round(medians["always"][k] / medians["default"][k], 3) for k in medians["default"]
        },
        "runs": rates,
    }


def main(argv: list[str] | None = None) -> None:
    """Parse the options, measure, print one JSON line."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--messages", type=int, default=8000)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(measure(args.runs, args.messages, args.clients))))


if __name__ == "__main__":
    main()
