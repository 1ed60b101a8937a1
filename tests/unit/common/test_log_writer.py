"""The log writer: lines written off the caller's thread, in order, in batches, to the stream
each was logged for; a full queue drops and counts."""

from __future__ import annotations

import io
import sys

import pytest

from services.common.log_writer import LogWriter


def test_lines_are_written_in_order_to_the_stream_each_was_logged_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = io.StringIO(), io.StringIO()
    writer = LogWriter()
    monkeypatch.setattr(sys, "stderr", first)
    for n in range(300):
        writer.put(f"a{n}\n")
    monkeypatch.setattr(sys, "stderr", second)
    writer.put("b0\n")
    monkeypatch.setattr(sys, "stderr", first)
    writer.put("a300\n")
    writer.flush(timeout=5)

    assert first.getvalue().splitlines() == [f"a{n}" for n in range(301)]
    assert second.getvalue() == "b0\n"


def test_a_full_queue_drops_lines_and_the_next_batch_says_how_many(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = io.StringIO()
    monkeypatch.setattr(sys, "stderr", out)
    writer = LogWriter()
    writer.dropped = 7  # as if the queue had been full
    writer.put("after\n")
    writer.flush(timeout=5)

    assert out.getvalue() == "log_lines_dropped count=7 (the log queue was full)\nafter\n"
    assert writer.dropped == 0
