"""The guard against deliveries lost between two batches (FastStream's, or a pull request's
messages in flight when a node of the cluster went away), in the live session and the feed."""

from __future__ import annotations

import asyncio

import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg

from contracts.registry import JOURNAL_REGISTRY
from services.common.projector_live import BACKLOG, LiveSession
from services.common.projector_source import StreamSource
from services.common.pullfeed import DeliveryLostError, delivery_seq, follows


def delivery(number: int, *, v2: bool = False, pending: int = 0) -> Msg:
    """A delivered message with consumer sequence `number`, `pending` more on the server."""
    head = "$JS.ACK.hub.ACC.JOURNAL.view" if v2 else "$JS.ACK.JOURNAL.view"
    stamp = 1700000000000000000
    return Msg(Client(), reply=f"{head}.1.{100 + number}.{number}.{stamp}.{pending}")


@pytest.mark.parametrize("v2", [False, True])
def test_delivery_seq_reads_both_ack_subject_layouts(v2: bool) -> None:
    assert delivery_seq(delivery(7, v2=v2).reply) == 7


async def session_applying(
    applied: list[list[int]],
) -> tuple[LiveSession, asyncio.Future[Exception | None]]:
    async def apply(msgs: list[Msg]) -> None:
        applied.append([delivery_seq(m.reply) for m in msgs])

    source = StreamSource(
        Client().jetstream(),
        stream="JOURNAL",
        filter_subject="jrn.>",
        batch_size=10,
        fetch_timeout=1.0,
    )
    session = LiveSession(
        source,
        consumer=source.durable_config("view", 1),
        events=JOURNAL_REGISTRY.types(),
        apply=apply,
        on_pending=lambda _: None,
    )
    failure = session._outcome = asyncio.get_running_loop().create_future()
    return session, failure


async def test_batches_that_follow_on_are_applied_and_redeliveries_pass() -> None:
    applied: list[list[int]] = []
    session, failure = await session_applying(applied)

    await session._handle([delivery(1), delivery(2)])
    await session._handle([delivery(2), delivery(3)])  # a redelivered 2, then the next

    assert applied == [[1, 2], [2, 3]]
    assert not failure.done()


async def test_a_skipped_delivery_ends_the_session_and_nothing_after_it_is_applied() -> None:
    applied: list[list[int]] = []
    session, failure = await session_applying(applied)

    await session._handle([delivery(1), delivery(2)])
    await session._handle([delivery(5), delivery(6)])  # 3 and 4 were lost on the way
    await session._handle([delivery(7)])

    assert applied == [[1, 2]]
    assert isinstance(failure.result(), DeliveryLostError)
    assert "3..4" in str(failure.result())


async def test_a_backlog_ends_the_session_after_the_delivery_that_shows_it() -> None:
    applied: list[list[int]] = []
    session, outcome = await session_applying(applied)

    await session._handle([delivery(1, pending=BACKLOG - 1)])
    assert not outcome.done()
    await session._handle([delivery(2, pending=BACKLOG)])
    await session._handle([delivery(3, pending=BACKLOG - 1)])

    assert applied == [[1], [2]]  # the rest is left to the hand-driven catch-up
    assert outcome.result() is None


def test_deliveries_that_follow_on_move_the_count_and_redeliveries_may_come_again() -> None:
    assert follows(0, [delivery(1), delivery(2), delivery(3)], "view") == 3
    assert follows(3, [delivery(2), delivery(4), delivery(3), delivery(5)], "view") == 5
    assert follows(5, [], "view") == 5


@pytest.mark.parametrize(
    ("delivered", "numbers"), [(0, [2]), (3, [4, 6]), (0, [1, 3]), (3, [2, 5]), (0, [1, 1, 3])]
)
def test_a_skipped_delivery_is_lost(delivered: int, numbers: list[int]) -> None:
    with pytest.raises(DeliveryLostError):
        follows(delivered, [delivery(n) for n in numbers], "view")
