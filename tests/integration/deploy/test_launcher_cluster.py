"""`python -m deploy.launcher --cluster`: three private NATS nodes forming one JetStream cluster,
every stream and bucket the services create at R3 with all three copies current, the services
ready on it and a write through the journal recorded; SIGTERM stops everything."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import nats
import pytest

from contracts.streams import ALL_STREAMS, BUCKETS, IDEMPOTENCY_KEYS_BUCKET
from deploy.launcher.launched import LaunchedSystem
from services.common.jetstream import servers_of

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

START_TIMEOUT = 180.0
PUPIL = "/journal/v1/schools/s1/years/2026/pupils/p01"


@pytest.fixture
def launched() -> Iterator[LaunchedSystem]:
    """The launcher with `--cluster` on a fresh state folder the postgres OS user can reach."""
    base = Path(tempfile.mkdtemp(prefix="launcher-cluster-"))
    base.chmod(0o711)
    system = LaunchedSystem(base / "state", options=("--cluster",))
    try:
        system.start(START_TIMEOUT)
        yield system
    finally:
        system.stop()


async def _copies(url: str) -> dict[str, tuple[int, int]]:
    """Stream name -> (replicas configured, copies current) of every stream on the cluster."""
    connection = await nats.connect(servers_of(url), connect_timeout=5)
    try:
        js = connection.jetstream()
        found = {}
        for info in await js.streams_info():
            peers = info.cluster.replicas or [] if info.cluster else []
            current = 1 + sum(1 for peer in peers if peer.current)  # the leader and its peers
            found[info.config.name] = (info.config.num_replicas, current)
        return found
    finally:
        await connection.close()


def test_the_launcher_runs_the_services_on_a_three_node_cluster(launched):
    nats_url = launched.url("nats")
    assert len(servers_of(nats_url)) == 3

    headers = {"Authorization": f"Bearer {launched.tokens()['ADMIN_TOKEN']}"}
    body = {"full_name": "Ученик Номер", "birth_date": "2015-03-01"}
    answer = httpx.put(f"{launched.url('journal')}{PUPIL}", json=body, headers=headers)
    assert answer.is_success, answer.text

    copies = asyncio.run(_copies(nats_url))
    wanted = {spec.name for spec in ALL_STREAMS} | {f"OBJ_{bucket}" for bucket in BUCKETS}
    wanted.add(f"KV_{IDEMPOTENCY_KEYS_BUCKET}")
    assert wanted <= set(copies), wanted - set(copies)
    assert {name: copies[name] for name in wanted} == dict.fromkeys(wanted, (3, 3))

    assert launched.stop() == 0
    for node in ("n1", "n2", "n3"):
        pid_file = launched.state / f"nats-{node}.pid"
        assert not pid_file.exists() or not Path(f"/proc/{pid_file.read_text().strip()}").exists()
