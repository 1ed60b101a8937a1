"""The services' header parsing against nats-py's own, on random header blocks (no servers)."""

from __future__ import annotations

import asyncio

from hypothesis import example, given, settings
from hypothesis import strategies as st
from nats.aio.client import Client

from services.common import nats_headers
from services.common.jetstream import ServiceConnection

STORED = (
    b"NATS/1.0\r\nNats-Expected-Last-Subject-Sequence: 0\r\nNats-Msg-Id: demo-s1-2026-0000001\r\n"
    b"Event-Type: journal.SchoolYearOpened\r\nSchema-Version: 1\r\nPrev-Hash: 00ab\r\n"
    b"Correlation-Id: demo-load\r\nNats-Expected-Stream: JOURNAL\r\n\r\n"
)
STATUS = (
    b"NATS/1.0 404 No Messages\r\n\r\n",
    b"NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 3\r\nNats-Pending-Bytes: 9\r\n\r\n",
    b"NATS/1.0 409 Consumer Deleted\r\n\r\n",
    b"NATS/1.0 409 Exceeded MaxRequestBatch of 100\r\n\r\n",
    b"NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 1016\r\nNats-Last-Stream: 1024\r\n\r\n",
    b"NATS/1.0 100 FlowControl Request\r\n\r\n",
    b"NATS/1.0 503\r\n\r\n",
)

_piece = st.sampled_from(
    [
        *(b"Nats-Msg-Id", b"Event-Type", b" ", b"\t", b"\x1c", b"\x0b", b":", b"\r", b"\n"),
        *(b"\r\n", b"a", b"-", b"\xd0\x90", b"\xff", b"\xe2\x80\xa8", b"\x00", b"", b"NATS/1.0"),
        b" 404",
    ]
)
_name = st.one_of(st.binary(max_size=12), st.lists(_piece, max_size=4).map(b"".join))
_value = st.one_of(st.binary(max_size=20), st.lists(_piece, max_size=5).map(b"".join))
_line = st.one_of(
    st.tuples(_name, st.sampled_from([b":", b": ", b":\t", b" : "]), _value).map(b"".join),
    _value,
)
_block = st.lists(_line, max_size=8).map(b"\r\n".join)
_start = st.sampled_from([b"NATS/1.0\r\n", b"NATS/1.0 404 No Messages\r\n", b"NATS/1.0", b""])
_end = st.sampled_from([b"\r\n\r\n", b"\r\n", b""])


def stock(headers: bytes | None) -> object:
    """What nats-py's own client answers, or the type of the error it raises."""
    return _outcome(Client(), headers)


def ours(headers: bytes | None) -> object:
    """What the services' connection answers, or the type of the error it raises."""
    return _outcome(ServiceConnection(), headers)


def _outcome(client: Client, headers: bytes | None) -> object:
    try:
        return asyncio.run(client._process_headers(headers))
    except Exception as error:  # compared, not handled
        return type(error)


@settings(max_examples=400)
@given(_start, _block, _end)
@example(b"NATS/1.0\r\n", b"", b"\r\n\r\n")
@example(b"NATS/1.0\r\n", b"Name-Seen-Twice: 1\r\nName-Seen-Twice: 2", b"\r\n\r\n")
@example(b"NATS/1.0\r\n", b"Bad\x1cName: x\r\n Spaced : y\r\nNon\xd0\x90scii: z", b"\r\n\r\n")
@example(b"NATS/1.0\r\n", b"Value: \xff\xfe broken", b"\r\n\r\n")
def test_a_random_block_reads_as_nats_py_reads_it(start: bytes, block: bytes, end: bytes) -> None:
    headers = start + block + end
    assert ours(headers) == stock(headers)


@settings(max_examples=200)
@given(st.binary(max_size=60))
def test_any_bytes_read_as_nats_py_reads_them(headers: bytes) -> None:
    # nats-py's own parser raises IndexError on a block shorter than its version line: so do we
    assert ours(headers) == stock(headers)


def test_stored_event_and_status_blocks_read_as_nats_py_reads_them() -> None:
    for headers in (STORED, *STATUS, None, b""):
        assert ours(headers) == stock(headers)
    assert ours(STORED) == {
        "Nats-Expected-Last-Subject-Sequence": "0",
        "Nats-Msg-Id": "demo-s1-2026-0000001",
        "Event-Type": "journal.SchoolYearOpened",
        "Schema-Version": "1",
        "Prev-Hash": "00ab",
        "Correlation-Id": "demo-load",
        "Nats-Expected-Stream": "JOURNAL",
    }


def test_status_lines_go_to_nats_py() -> None:
    assert not any(nats_headers.is_plain(headers) for headers in STATUS)
    assert nats_headers.is_plain(STORED)


def test_names_remembered_are_bounded() -> None:
    for n in range(2 * nats_headers._NAMES_KEPT):
        name = f"X-{n}".encode()
        assert nats_headers.parse_header_lines(name + b": v\r\n") == {f"X-{n}": "v"}
    assert len(nats_headers._names) <= nats_headers._NAMES_KEPT
