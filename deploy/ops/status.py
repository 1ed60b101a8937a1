"""`ops status`: the system at a glance, as tables.

- streams: messages, bytes, first and last sequence;
- consumers of every stream with their lag (`num_pending`: not yet delivered,
  `num_ack_pending`: delivered, not yet acknowledged);
- dead letters per service schema (`<schema>.dead_letters`, one row per event a projection
  could not apply);
- the last export run of each kind per school and year (the exporter's `runs` table).

Read only: nothing is created, migrated or acknowledged. What cannot be reached is shown as such.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import asyncpg
import nats
from rich.console import Console
from rich.table import Table

from deploy.ops.env import ServiceDb
from services.common.db import quote_ident
from services.common.projector_writer import TEXT_REPAIRS_BY_PROJECTION

if TYPE_CHECKING:
    from nats.js import JetStreamContext

_RUNS = """
SELECT DISTINCT ON (school, year, kind)
       school, year, kind, status, started_at, from_seq, to_seq, records, error
FROM {schema}.runs
ORDER BY school, year, kind, started_at DESC
"""


async def stream_tables(js: JetStreamContext) -> list[Table]:
    """The streams table, and one table of consumers per stream that has any."""
    streams = Table(title="streams")
    for column in ("stream", "messages", "bytes", "first seq", "last seq", "consumers"):
        streams.add_column(column, justify="left" if column == "stream" else "right")
    tables = [streams]
    for info in sorted(await js.streams_info(), key=lambda i: str(i.config.name)):
        name, state = str(info.config.name), info.state
        streams.add_row(
            name,
            str(state.messages),
            str(state.bytes),
            str(state.first_seq),
            str(state.last_seq),
            str(state.consumer_count),
        )
        consumers = await js.consumers_info(name)
        if not consumers:
            continue
        table = Table(title=f"consumers of {name}")
        for column in ("consumer", "filter", "delivered", "ack floor", "pending", "ack pending"):
            table.add_column(
                column, justify="left" if column in ("consumer", "filter") else "right"
            )
        for consumer in sorted(consumers, key=lambda c: str(c.name)):
            table.add_row(
                str(consumer.name),
                str(consumer.config.filter_subject or ""),
                str(consumer.delivered.stream_seq if consumer.delivered else ""),
                str(consumer.ack_floor.stream_seq if consumer.ack_floor else ""),
                str(consumer.num_pending),
                str(consumer.num_ack_pending),
            )
        tables.append(table)
    return tables


async def _fetch(db: ServiceDb, query: str) -> list[asyncpg.Record] | str:
    """Rows of `query` in the service's database ({schema} filled in), or why there are none."""
    if db.dsn is None:
        return "not configured"
    try:
        conn = await asyncpg.connect(db.dsn, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        return f"unreachable ({type(error).__name__})"
    try:
        return list(await conn.fetch(query.format(schema=quote_ident(db.schema))))
    except asyncpg.UndefinedTableError:
        return "no such table (never started?)"
    finally:
        await conn.close()


async def dead_letters_table(dbs: Sequence[ServiceDb]) -> Table:
    """Dead letters per service schema and projection."""
    table = Table(title="dead letters")
    for column in ("service", "schema", "projection", "dead letters"):
        table.add_column(column, justify="right" if column == "dead letters" else "left")
    query = "SELECT projection, count(*) FROM {schema}.dead_letters GROUP BY 1 ORDER BY 1"
    for db in dbs:
        rows = await _fetch(db, query)
        if isinstance(rows, str):
            table.add_row(db.service, db.schema, "", rows)
        elif not rows:
            table.add_row(db.service, db.schema, "(all)", "0")
        for row in rows if not isinstance(rows, str) else []:
            table.add_row(db.service, db.schema, str(row[0]), str(row[1]))
    return table


async def text_repairs_table(dbs: Sequence[ServiceDb]) -> Table:
    """Events applied after their unstorable text (NUL, lone surrogates) became U+FFFD, per
    service schema and projection (`<schema>.text_repairs`)."""
    table = Table(title="text repairs")
    for column in ("service", "schema", "projection", "text repairs"):
        table.add_column(column, justify="right" if column == "text repairs" else "left")
    for db in dbs:
        rows = await _fetch(db, TEXT_REPAIRS_BY_PROJECTION)
        if isinstance(rows, str):
            table.add_row(db.service, db.schema, "", rows)
            continue
        if not rows:
            table.add_row(db.service, db.schema, "(all)", "0")
        for row in rows:
            table.add_row(db.service, db.schema, str(row[0]), str(row[1]))
    return table


async def runs_table(exporter: ServiceDb) -> Table:
    """The last export run of each kind per school and year."""
    table = Table(title=f"last export runs ({exporter.schema}.runs, UTC)")
    columns = ("school", "year", "kind", "status", "started", "journal seq", "records", "error")
    for column in columns:
        table.add_column(column, overflow="fold", no_wrap=column == "started")
    rows = await _fetch(exporter, _RUNS)
    if isinstance(rows, str):
        table.add_row(rows, *[""] * (len(columns) - 1))
        return table
    for row in rows:
        seqs = f"{row['from_seq']}..{row['to_seq'] if row['to_seq'] is not None else ''}"
        table.add_row(
            row["school"],
            str(row["year"]),
            row["kind"],
            row["status"],
            f"{row['started_at']:%Y-%m-%d %H:%M:%S}",
            seqs,
            str(row["records"]),
            (row["error"] or "")[:80],
        )
    return table


async def collect(url: str, dbs: Sequence[ServiceDb]) -> list[Table]:
    """Every table of the status, in the order shown."""
    try:
        nc = await nats.connect(url, name="ops-status", connect_timeout=5, allow_reconnect=False)
    except (OSError, nats.errors.Error) as error:
        unreachable = Table(title="streams")
        unreachable.add_column(f"NATS at {url}")
        unreachable.add_row(f"unreachable ({type(error).__name__})")
        tables = [unreachable]
    else:
        try:
            tables = await stream_tables(nc.jetstream())
        finally:
            await nc.close()
    tables.append(await dead_letters_table(dbs))
    tables.append(await text_repairs_table(dbs))
    exporter = next(db for db in dbs if db.service == "exporter")
    tables.append(await runs_table(exporter))
    return tables


def show(url: str, dbs: Sequence[ServiceDb]) -> int:
    """`status`: print the tables; 0."""
    console = Console(file=sys.stdout)
    for table in asyncio.run(collect(url, dbs)):
        console.print(table)
    return 0
