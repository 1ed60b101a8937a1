"""`ops status`: the system at a glance, as tables or (`--json`) as one JSON document.

- streams: messages, bytes, first and last sequence, and the consumers of each with their lag
  (`pending`: not yet delivered, `ack_pending`: delivered, not yet acknowledged);
- dead letters per service schema and projection (`<schema>.dead_letters`, one row per event a
  projection could not apply), and the events applied after a text repair;
- the last export run of each kind per school and year (the exporter's `runs` table).

Read only: nothing is created, migrated or acknowledged. What cannot be reached is shown as such.
The exit code says what a script needs to know: 0 all is well, 1 something needs attention (a
dead letter, a failed last export run), 2 something could not be looked at (NATS or a
configured database unreachable). A service with no settings here is "not configured", not
an error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

import asyncpg

from deploy.ops.connection import NatsUnreachable, connect_once
from deploy.ops.env import ServiceDb
from deploy.ops.output import print_json, stdout_console
from deploy.ops.status_tables import tables
from services.common.db import quote_ident
from services.common.projector_writer import TEXT_REPAIRS_BY_PROJECTION

if TYPE_CHECKING:
    from nats.js import JetStreamContext

OK, ATTENTION, UNREACHABLE = 0, 1, 2
_RUNS: Final = """
SELECT DISTINCT ON (school, year, kind)
       school, year, kind, status, started_at, from_seq, to_seq, records, error
FROM {schema}.runs
ORDER BY school, year, kind, started_at DESC
"""
_DEAD_LETTERS: Final = (
    "SELECT projection, count(*) FROM {schema}.dead_letters GROUP BY 1 ORDER BY 1"
)
_NOT_CONFIGURED: Final = "not configured"
_NO_TABLE: Final = "no such table (never started?)"


async def streams(js: JetStreamContext) -> list[dict[str, Any]]:
    """Every stream with its state and its consumers' positions."""
    found = []
    for info in sorted(await js.streams_info(), key=lambda i: str(i.config.name)):
        name, state = str(info.config.name), info.state
        consumers = await js.consumers_info(name)
        found.append(
            {
                "stream": name,
                "messages": state.messages,
                "bytes": state.bytes,
                "first_seq": state.first_seq,
                "last_seq": state.last_seq,
                "consumers": [
                    {
                        "consumer": str(c.name),
                        "filter": c.config.filter_subject or "",
                        "delivered": c.delivered.stream_seq if c.delivered else None,
                        "ack_floor": c.ack_floor.stream_seq if c.ack_floor else None,
                        "pending": c.num_pending,
                        "ack_pending": c.num_ack_pending,
                    }
                    for c in sorted(consumers, key=lambda c: str(c.name))
                ],
            }
        )
    return found


async def _fetch(db: ServiceDb, query: str) -> list[asyncpg.Record] | str:
    """Rows of `query` in the service's database ({schema} filled in), or why there are none."""
    if db.dsn is None:
        return _NOT_CONFIGURED
    try:
        conn = await asyncpg.connect(db.dsn, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        return f"unreachable ({type(error).__name__})"
    try:
        return list(await conn.fetch(query.format(schema=quote_ident(db.schema))))
    except asyncpg.UndefinedTableError:
        return _NO_TABLE
    finally:
        await conn.close()


async def counts(dbs: Sequence[ServiceDb], query: str) -> list[dict[str, Any]]:
    """Per service schema: the count of each projection (`query` groups by projection), or the
    schema's `state` when it cannot be read."""
    found: list[dict[str, Any]] = []
    for db in dbs:
        rows = await _fetch(db, query)
        where = {"service": db.service, "schema": db.schema}
        if isinstance(rows, str):
            found.append({**where, "state": rows})
            continue
        found.extend({**where, "projection": str(r[0]), "count": int(r[1])} for r in rows)
        if not rows:
            found.append({**where, "projection": "(all)", "count": 0})
    return found


async def export_runs(exporter: ServiceDb) -> list[dict[str, Any]] | str:
    """The last export run of each kind per school and year, or why there are none."""
    rows = await _fetch(exporter, _RUNS)
    if isinstance(rows, str):
        return rows
    return [
        {
            "school": r["school"],
            "year": r["year"],
            "kind": r["kind"],
            "status": r["status"],
            "started_at": r["started_at"].isoformat(),
            "from_seq": r["from_seq"],
            "to_seq": r["to_seq"],
            "records": r["records"],
            "error": r["error"],
        }
        for r in rows
    ]


async def gather(url: str, dbs: Sequence[ServiceDb]) -> dict[str, Any]:
    """The whole status, as `--json` prints it."""
    nats_part: dict[str, Any] = {"url": url}
    try:
        nc = await connect_once(url, name="ops-status")
    except NatsUnreachable as error:
        nats_part["state"] = f"unreachable ({type(error.__cause__).__name__})"
    else:
        try:
            nats_part["streams"] = await streams(nc.jetstream())
        finally:
            await nc.close()
    exporter = next(db for db in dbs if db.service == "exporter")
    status: dict[str, Any] = {
        "nats": nats_part,
        "dead_letters": await counts(dbs, _DEAD_LETTERS),
        "text_repairs": await counts(dbs, TEXT_REPAIRS_BY_PROJECTION),
        "export_runs": await export_runs(exporter),
    }
    status["exit_code"] = exit_code(status)
    return status


def exit_code(status: dict[str, Any]) -> int:
    """2 when something could not be looked at, else 1 when something needs attention, else 0."""
    schemas = [*status["dead_letters"], *status["text_repairs"]]
    runs = status["export_runs"]
    unread = [s["state"] for s in schemas if "state" in s]
    if isinstance(runs, str):
        unread.append(runs)
    if "state" in status["nats"] or any(s.startswith("unreachable") for s in unread):
        return UNREACHABLE
    dead = any(s.get("count", 0) > 0 for s in status["dead_letters"])
    failed = not isinstance(runs, str) and any(r["status"] == "failed" for r in runs)
    return ATTENTION if dead or failed else OK


def show(url: str, dbs: Sequence[ServiceDb], *, as_json: bool = False) -> int:
    """`status`: print the tables (or the JSON document); the exit code of `exit_code`."""
    status = asyncio.run(gather(url, dbs))
    if as_json:
        print_json(status)
    else:
        out = stdout_console()
        for table in tables(status):
            out.print(table)
    code: int = status["exit_code"]
    return code
