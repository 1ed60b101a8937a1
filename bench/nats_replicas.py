"""Appends and replays at R1 and R3: one node of the pinned nats-server against a three-node
cluster of it on the same machine, in the same run.

    uv run python -m bench.nats_replicas [--runs 3] [--messages 20000] [--clients 32]

Per run: a fresh single node (its stream at R1, the installation of one school) and a fresh
three-node cluster (a stream at R1 and one at R3). On each stream, `--messages` awaited
publishes of 400 bytes (about a mark's event) from `--clients` concurrent publishers, then one
replay of the whole stream through the projectors' own reader (`services.common.pullfeed`, an
unacknowledged consumer as a rebuild uses). Prints one JSON line: the medians per setting and
the ratios of the cluster's R3 to the single node and to the cluster's R1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import time
from collections.abc import Iterator
from typing import Any

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext, api

from bench.harness import awaited_publishes, median
from deploy.launcher.nats_cluster import NatsCluster
from services.common.jetstream import servers_of
from services.common.pullfeed import PullFeed

_READ_BATCH = 1000


@contextlib.contextmanager
def _nodes(size: int) -> Iterator[str]:
    """A fresh cluster of `size` nodes (one: a plain single server); yields the URL list."""
    cluster = NatsCluster(size)
    try:
        cluster.start_all()
        yield cluster.url
    finally:
        cluster.close()


async def _replay(nc: Client, js: JetStreamContext, stream: str, expected: int) -> float:
    """Messages per second read from sequence 1 to the end through a `PullFeed`."""
    config = api.ConsumerConfig(
        deliver_policy=api.DeliverPolicy.ALL,
        ack_policy=api.AckPolicy.NONE,
        mem_storage=True,
        num_replicas=1,
        inactive_threshold=30.0,
    )
    info = await js.add_consumer(stream, config)
    feed = PullFeed(nc, stream, str(info.name), batch=_READ_BATCH, expires=1.0)
    started = time.perf_counter()
    await feed.start()
    seen = 0
    while seen < expected:
        seen += len(await feed.take(_READ_BATCH, 5.0))
    elapsed = time.perf_counter() - started
    await feed.close()
    return seen / elapsed


async def _measure_stream(url: str, stream: str, replicas: int, n: int, c: int) -> list[float]:
    nc = await nats.connect(servers_of(url))
    try:
        js = nc.jetstream(timeout=10)
        await js.add_stream(name=stream, subjects=[f"{stream.lower()}.>"], num_replicas=replicas)
        appends = await awaited_publishes(js, stream, n, c)
        replay = await _replay(nc, js, stream, n // c * c)
    finally:
        await nc.close()
    return [round(appends), round(replay)]


async def measure(runs: int, messages: int, clients: int) -> dict[str, Any]:
    """Every setting, `runs` times, the single node and the cluster alternately."""
    seen: dict[str, dict[str, list[float]]] = {}

    def keep(setting: str, figures: list[float]) -> None:
        into = seen.setdefault(setting, {"appends": [], "replay": []})
        into["appends"].append(figures[0])
        into["replay"].append(figures[1])

    for _ in range(runs):
        with _nodes(1) as url:
            keep("single_node_r1", await _measure_stream(url, "ONE", 1, messages, clients))
        with _nodes(3) as url:
            keep("cluster_r1", await _measure_stream(url, "CR1", 1, messages, clients))
            keep("cluster_r3", await _measure_stream(url, "CR3", 3, messages, clients))
    medians = {s: {k: median(v) for k, v in f.items()} for s, f in seen.items()}
    r3 = medians["cluster_r3"]
    return {
        "messages": messages,
        "clients": clients,
        "medians_per_second": medians,
        "r3_to_single_node": {k: round(r3[k] / medians["single_node_r1"][k], 3) for k in r3},
        "r3_to_cluster_r1": {k: round(r3[k] / medians["cluster_r1"][k], 3) for k in r3},
        "runs": seen,
    }


def main(argv: list[str] | None = None) -> None:
    """Parse the options, measure, print one JSON line."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(measure(args.runs, args.messages, args.clients))))


if __name__ == "__main__":
    main()
