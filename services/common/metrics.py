"""The process's Prometheus metrics: one registry, created on first use (nothing at import time).

Use `instruments()` to record, e.g.
`instruments().events_appended.labels(stream="JRN", event_type="journal.MarkRecorded").inc()`,
and `render()` to expose them (`services.common.http.health_router` serves GET /metrics).
Labels never carry personal data or unbounded values such as ids: use route templates, stream
names, event types and projection names.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

EXPORT_BUCKETS = (0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)


@dataclass(frozen=True, slots=True)
class Instruments:
    """Every metric the services record, registered in `registry`."""

    registry: CollectorRegistry
    http_request_duration: Histogram
    events_appended: Counter
    projection_lag: Gauge
    projection_applied: Counter
    dead_letters: Gauge
    text_repairs: Counter
    export_runs: Counter
    export_duration: Histogram
    export_names_redacted: Counter


_lock = threading.Lock()
_instruments: list[Instruments] = []  # at most one: the process's instruments


def instruments() -> Instruments:
    """The process's metrics, created (with their registry) on the first call."""
    with _lock:
        if not _instruments:
            _instruments.append(_create())
        return _instruments[0]


def registry() -> CollectorRegistry:
    """The process's Prometheus registry."""
    return instruments().registry


def render() -> tuple[bytes, str]:
    """The Prometheus text exposition of every metric, and its content type."""
    return generate_latest(registry()), CONTENT_TYPE_LATEST


def _create() -> Instruments:
    """A fresh registry with the runtime collectors and the platform's metrics."""
    reg = CollectorRegistry(auto_describe=True)
    ProcessCollector(registry=reg)
    PlatformCollector(registry=reg)
    GCCollector(registry=reg)
    return Instruments(
        registry=reg,
        http_request_duration=Histogram(
            "http_request_duration_seconds",
            "HTTP request latency by method, route template and status.",
            ("method", "route", "status"),
            registry=reg,
        ),
        events_appended=Counter(
            "events_appended",
            "Events appended to a stream.",
            ("stream", "event_type"),
            registry=reg,
        ),
        projection_lag=Gauge(
            "projection_lag_events",
            "Events a projection still has to apply.",
            ("projection",),
            registry=reg,
        ),
        projection_applied=Counter(
            "projection_applied", "Events applied by a projection.", ("projection",), registry=reg
        ),
        # A gauge set from the dead-letter table, not a counter of what this process parked:
        # a replay meeting the same poison again, or a restart, must not change the count.
        dead_letters=Gauge(
            "dead_letters",
            "Events in the projection's dead-letter table (each poison message once).",
            ("projection",),
            registry=reg,
        ),
        text_repairs=Counter(
            "text_repairs",
            "Events a projection applied after replacing text PostgreSQL cannot store.",
            ("projection",),
            registry=reg,
        ),
        export_runs=Counter(
            "export_runs", "Export runs by kind and outcome.", ("kind", "outcome"), registry=reg
        ),
        export_duration=Histogram(
            "export_duration_seconds",
            "Duration of an export run by kind.",
            ("kind",),
            buckets=EXPORT_BUCKETS,
            registry=reg,
        ),
        export_names_redacted=Counter(
            "export_names_redacted",
            "Mentions of pupils' names replaced in exported free text, by kind of export.",
            ("kind",),
            registry=reg,
        ),
    )
