"""Logging: JSON lines with the bound context, for structlog and stdlib loggers alike."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from pydantic import BaseModel, ValidationError
from structlog.testing import capture_logs

from services.common.logging import configure_logging, flush_logs, info_line


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()
    root.handlers[:] = handlers
    root.setLevel(level)


def json_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    flush_logs()  # lines are written by a background thread
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]


def test_structlog_events_are_json_lines_with_the_bound_context(
    capsys: pytest.CaptureFixture[str],
):
    configure_logging(json=True)
    structlog.contextvars.bind_contextvars(correlation_id="c-1")

    structlog.get_logger("journal").info("mark_recorded", lesson_id="l-1")

    (line,) = json_lines(capsys)
    assert line["event"] == "mark_recorded"
    assert line["lesson_id"] == "l-1"
    assert line["correlation_id"] == "c-1"
    assert line["level"] == "info"
    assert line["timestamp"].endswith("Z")


def test_stdlib_records_such_as_uvicorns_are_json_lines_too(capsys: pytest.CaptureFixture[str]):
    configure_logging(json=True)
    structlog.contextvars.bind_contextvars(correlation_id="c-2")

    logging.getLogger("uvicorn.error").warning("Started server process [%d]", 42)

    (line,) = json_lines(capsys)
    assert line["event"] == "Started server process [42]"
    assert line["level"] == "warning"
    assert line["logger"] == "uvicorn.error"
    assert line["correlation_id"] == "c-2"


def test_exceptions_are_rendered_as_structured_tracebacks(capsys: pytest.CaptureFixture[str]):
    configure_logging(json=True)

    try:
        raise ValueError("boom")
    except ValueError:
        structlog.get_logger().exception("projection_failed")

    (line,) = json_lines(capsys)
    assert line["exception"][0]["exc_type"] == "ValueError"
    assert line["exception"][0]["exc_value"] == "boom"


def test_events_below_the_level_are_dropped(capsys: pytest.CaptureFixture[str]):
    configure_logging(json=True, level="warning")

    structlog.get_logger().info("chatty")
    logging.getLogger("nats").info("chatty too")
    structlog.get_logger().warning("kept")

    assert [line["event"] for line in json_lines(capsys)] == ["kept"]


def test_uvicorn_access_lines_are_left_to_the_http_middleware(capsys: pytest.CaptureFixture[str]):
    configure_logging(json=True)

    logging.getLogger("uvicorn.access").info('127.0.0.1 - "GET /healthz" 200')

    assert json_lines(capsys) == []


def test_console_mode_writes_readable_lines(capsys: pytest.CaptureFixture[str]):
    configure_logging(json=False)

    structlog.get_logger().info("started", port=8001)

    flush_logs()
    output = capsys.readouterr().err
    assert "started" in output
    assert "port" in output
    assert not output.lstrip().startswith("{")


def test_configuring_twice_keeps_a_single_handler(capsys: pytest.CaptureFixture[str]):
    configure_logging(json=True)
    configure_logging(json=True)

    structlog.get_logger().info("once")

    assert len(json_lines(capsys)) == 1


def test_logs_can_still_be_captured_in_tests_after_configuring():
    configure_logging(json=True)

    with capture_logs() as logs:
        structlog.get_logger().info("captured", count=3)

    assert logs == [{"event": "captured", "count": 3, "log_level": "info"}]


def test_unknown_level_is_refused():
    with pytest.raises(ValueError, match="verbose"):
        configure_logging(json=True, level="verbose")


def test_tracebacks_carry_no_local_variables(capsys: pytest.CaptureFixture[str]):
    configure_logging(json=True)

    def handler(authorization: str, body: bytes) -> None:
        raise RuntimeError("boom")

    try:
        handler("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0In0.sig", b'{"full_name": "Ivanov"}')
    except RuntimeError:
        structlog.get_logger().exception("unhandled_exception")

    (line,) = json_lines(capsys)
    frames = line["exception"][0]["frames"]
    assert frames
    assert all("locals" not in frame for frame in frames)
    assert "Ivanov" not in json.dumps(line)


def test_console_tracebacks_carry_no_local_variables(capsys: pytest.CaptureFixture[str]):
    configure_logging(json=False)
    secret_local = "Ivanov-Ivan-Ivanovich"

    try:
        raise RuntimeError(len(secret_local))
    except RuntimeError:
        structlog.get_logger().exception("unhandled_exception")

    flush_logs()
    output = capsys.readouterr().err
    assert "Traceback" in output
    assert "Ivanov-Ivan-Ivanovich" not in output


@pytest.mark.parametrize("json_mode", [True, False])
def test_no_part_of_a_token_reaches_the_log(capsys: pytest.CaptureFixture[str], json_mode: bool):
    configure_logging(json=json_mode)
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0LTEifQ.c2lnbmF0dXJl"

    structlog.get_logger().warning("odd_header", header=f"Bearer {token}")
    logging.getLogger("uvicorn.error").error("bad token %s", token[:12])
    try:
        raise ValueError(f"cannot decode {token[:20]}")
    except ValueError:
        structlog.get_logger().exception("decode_failed")

    flush_logs()
    output = capsys.readouterr().err
    assert output.count("masked") >= 3
    assert "eyJ" not in output
    assert "c2lnbmF0dXJl" not in output


def test_repeated_errors_are_thinned_and_counted(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    now = [1000.0]
    monkeypatch.setattr("services.common.log_repeats.time.monotonic", lambda: now[0])
    configure_logging(json=True)
    log = structlog.get_logger("journal")

    for _ in range(50):
        log.error("http_request", route="/write", status=503)
    log.error("http_request", route="/other", status=503)
    now[0] += 11  # the next window
    log.error("http_request", route="/write", status=503)

    lines = json_lines(capsys)
    writes = [line for line in lines if line["route"] == "/write"]
    assert len(writes) == 6  # a burst of five, then the next window's first
    assert writes[-1]["suppressed_before"] == 45
    assert [line["route"] for line in lines].count("/other") == 1


def test_logging_never_waits_for_a_stuck_stream(monkeypatch: pytest.MonkeyPatch):
    class Stuck:
        def __init__(self) -> None:
            self.release = threading.Event()

        def write(self, text: str) -> int:
            self.release.wait(5)
            return len(text)

        def flush(self) -> None:
            pass

    stuck = Stuck()
    monkeypatch.setattr(sys, "stderr", stuck)
    configure_logging(json=True)
    log = structlog.get_logger()

    started = time.perf_counter()
    for index in range(20_000):  # more than the queue holds: the rest are dropped, not waited for
        log.info("busy", index=index)
    elapsed = time.perf_counter() - started

    stuck.release.set()
    flush_logs()
    assert elapsed < 5.0


@pytest.mark.parametrize("json_mode", [True, False])
def test_an_outage_logged_with_its_traceback_is_one_line(
    capsys: pytest.CaptureFixture[str], json_mode: bool
):
    configure_logging(json=json_mode)

    try:
        raise ConnectionRefusedError(111, "Connect call failed")
    except ConnectionRefusedError:
        structlog.get_logger().exception("grants.follow_failed", loop="journal")

    flush_logs()
    (line,) = capsys.readouterr().err.splitlines()
    assert "grants.follow_failed" in line
    assert "ConnectionRefusedError" in line
    assert "Traceback" not in line


def test_a_validation_error_does_not_carry_the_input_into_the_log(
    capsys: pytest.CaptureFixture[str],
):
    configure_logging(json=True)

    class Pupil(BaseModel):
        birth_date: dt.date

    try:
        Pupil.model_validate({"birth_date": "Ivanov Ivan, 12 Lenina St"})
    except ValidationError:
        structlog.get_logger().exception("unhandled_exception")

    (line,) = json_lines(capsys)
    assert "Lenina" not in json.dumps(line)
    assert line["exception"][0]["exc_type"] == "ValidationError"


def ours_alone() -> None:
    """The root logger with our handler alone, as in a service (pytest adds its own)."""
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if h.get_name() == "services.common.logging"]


def test_the_direct_info_line_is_the_line_structlog_writes(capsys: pytest.CaptureFixture[str]):
    configure_logging(json=True)
    ours_alone()
    structlog.contextvars.bind_contextvars(correlation_id="c-9", method="POST", path="/x")
    fields = {"route": "/lessons/{lesson_id}", "status": 201, "duration_ms": 3.5}

    structlog.get_logger("services.common.correlation").info("http_request", **fields)
    assert info_line("services.common.correlation", "http_request", fields)

    ordinary, direct = json_lines(capsys)
    assert ordinary.pop("timestamp").endswith("Z")
    assert direct.pop("timestamp").endswith("Z")
    assert direct == ordinary


def test_the_direct_line_is_masked_like_any_other(capsys: pytest.CaptureFixture[str]):
    configure_logging(json=True)
    ours_alone()

    assert info_line("x", "http_request", {"path": "/a/eyJhbGciOi.eyJzdWIi.c2ln", "n": 1})

    (line,) = json_lines(capsys)
    assert line["path"] == "/a/[masked-jwt]"


def test_the_direct_line_gives_way_to_captured_logs_and_console_output():
    configure_logging(json=True)
    ours_alone()
    with capture_logs() as logs:
        assert not info_line("x", "http_request", {"status": 200})
    assert logs == []
    configure_logging(json=False)
    assert not info_line("x", "http_request", {"status": 200})
