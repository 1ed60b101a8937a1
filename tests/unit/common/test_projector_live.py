"""The live session's guard against deliveries FastStream lost between two batches."""

from __future__ import annotations

import asyncio

import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg

from contracts.registry import JOURNAL_REGISTRY
from services.common.projector_live import BACKLOG, DeliveryLostError, LiveSession
from services.common.projector_source import StreamSource
from services.common.pullfeed import delivery_seq


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
