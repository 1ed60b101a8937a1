"""Logging: JSON lines with the bound context, for structlog and stdlib loggers alike."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from structlog.testing import capture_logs

from services.common.logging import configure_logging


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
