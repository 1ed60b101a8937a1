"""Fixtures of the operator CLI's tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def no_state(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    nats_url: str,
    database_url: str,
    pg_schema: str,
) -> Path:
    """Only the journal configured (on the test servers); a state folder that does not exist."""
    for name in list(os.environ):
        if name.startswith(("JOURNAL_", "DIARY_", "EXPORTER_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("JOURNAL_NATS__URL", nats_url)
    monkeypatch.setenv("JOURNAL_PG__DSN", database_url)
    monkeypatch.setenv("JOURNAL_PG__SCHEMA_NAME", pg_schema)
    monkeypatch.setenv("COLUMNS", "240")  # rich tables: no wrapped or cut cells
    return tmp_path / "no-launcher-state"
