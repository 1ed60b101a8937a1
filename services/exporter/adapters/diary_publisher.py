"""Publishing to the DIARY stream with JetStream acknowledgements."""

from __future__ import annotations

from collections.abc import Mapping

from nats.js import JetStreamContext

from contracts.streams import DIARY


class JetStreamPublisher:
    """`Publisher` on JetStream: each publish waits for the stream's ack."""

    def __init__(self, js: JetStreamContext, *, timeout: float = 10.0) -> None:
        self._js = js
        self._timeout = timeout

    async def publish(self, subject: str, body: bytes, headers: Mapping[str, str]) -> None:
        """Publish and wait for the ack (a duplicate `Nats-Msg-Id` is acked as a duplicate)."""
        await self._js.publish(
            subject, body, timeout=self._timeout, stream=DIARY.name, headers=dict(headers)
        )
