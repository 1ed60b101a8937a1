"""`ops status` as tables: one of streams, one of consumers per stream that has any, dead
letters, text repairs and the last export runs (`deploy.ops.status` gathers what they show)."""

from __future__ import annotations

from typing import Any, Final

from rich.table import Table

_LAG: Final = ("delivered", "ack floor", "pending", "ack pending")
_CONSUMER_KEYS: Final = ("consumer", "filter", "delivered", "ack_floor", "pending", "ack_pending")


def _table(title: str, columns: tuple[str, ...], right: tuple[str, ...]) -> Table:
    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="right" if column in right else "left")
    return table


def _text(value: object) -> str:
    return "" if value is None else str(value)


def stream_tables(nats_part: dict[str, Any]) -> list[Table]:
    """The streams, then the consumers of each stream that has any (or NATS unreachable)."""
    if "state" in nats_part:
        unreachable = Table(title="streams")
        unreachable.add_column(f"NATS at {nats_part['url']}")
        unreachable.add_row(nats_part["state"])
        return [unreachable]
    numbers = ("messages", "bytes", "first seq", "last seq", "consumers")
    streams = _table("streams", ("stream", *numbers), numbers)
    found = [streams]
    for stream in nats_part["streams"]:
        streams.add_row(
            stream["stream"],
            *(_text(stream[k]) for k in ("messages", "bytes", "first_seq", "last_seq")),
            str(len(stream["consumers"])),
        )
        if not stream["consumers"]:
            continue
        title = f"consumers of {stream['stream']}"
        consumers = _table(title, ("consumer", "filter", *_LAG), _LAG)
        for c in stream["consumers"]:
            consumers.add_row(*(_text(c[k]) for k in _CONSUMER_KEYS))
        found.append(consumers)
    return found


def counts_table(title: str, rows: list[dict[str, Any]]) -> Table:
    """Counts per service schema and projection, or the schema's state."""
    table = _table(title, ("service", "schema", "projection", title), (title,))
    for row in rows:
        last = row["state"] if "state" in row else str(row["count"])
        table.add_row(row["service"], row["schema"], row.get("projection", ""), last)
    return table


def runs_table(runs: list[dict[str, Any]] | str) -> Table:
    """The last export run of each kind per school and year."""
    columns = ("school", "year", "kind", "status", "started", "journal seq", "records", "error")
    table = Table(title="last export runs (UTC)")
    for column in columns:
        table.add_column(column, overflow="fold", no_wrap=column == "started")
    if isinstance(runs, str):
        table.add_row(runs, *[""] * (len(columns) - 1))
        return table
    for run in runs:
        table.add_row(
            run["school"],
            str(run["year"]),
            run["kind"],
            run["status"],
            run["started_at"][:19].replace("T", " "),
            f"{run['from_seq']}..{_text(run['to_seq'])}",
            str(run["records"]),
            (run["error"] or "")[:80],
        )
    return table


def tables(status: dict[str, Any]) -> list[Table]:
    """Every table of the status, in the order shown."""
    return [
        *stream_tables(status["nats"]),
        counts_table("dead letters", status["dead_letters"]),
        counts_table("text repairs", status["text_repairs"]),
        runs_table(status["export_runs"]),
    ]
