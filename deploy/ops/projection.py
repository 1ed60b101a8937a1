"""`ops projection rebuild|status`: the services' projections.

`rebuild` runs the service's own command (`projection rebuild` of its CLI: replay every
projection of the service from sequence 1 into a fresh schema, swap it in). `status` asks each
service's projectors (`Projector.describe()`, built as the service's CLI builds them, not
running) and shows one table.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import TypeVar

from pydantic import ValidationError
from rich.table import Table

from deploy.ops.output import print_json, stdout_console
from services.common.entry import Lazy
from services.common.projector import Projector, ProjectorStatus

R = TypeVar("R")
_FIELDS = ("service", "projection", "checkpoint", "stream_last_seq", "behind", "dead_letters")
"""A projection's row, as the table's columns and as the JSON's keys."""


def rebuild(service: str) -> int:
    """Rebuild one service's projection with its own CLI (a bar per projection); its exit code.
    The exporter's command rebuilds its export state, then (`--access`) its access projection."""
    cli = Lazy(f"services.{service}.entrypoints.cli:main")  # imported only for this service
    code = int(cli(["projection", "rebuild"]))
    if code or service != "exporter":
        return code
    return int(cli(["projection", "rebuild", "--access"]))


async def _describe(
    build: Callable[[], AbstractAsyncContextManager[R]],
    projectors: Callable[[R], Sequence[Projector]],
) -> list[ProjectorStatus]:
    async with build() as runtime:
        return [await projector.describe() for projector in projectors(runtime)]


async def _journal() -> list[ProjectorStatus]:
    from services.journal import bootstrap  # noqa: PLC0415
    from services.journal.settings import Settings  # noqa: PLC0415

    settings = Settings().model_copy(update={"run_projector": False})
    return await _describe(lambda: bootstrap.build(settings), lambda r: [r.projector])


async def _diary() -> list[ProjectorStatus]:
    from services.diary import bootstrap  # noqa: PLC0415
    from services.diary.settings import Settings  # noqa: PLC0415

    settings = Settings().model_copy(update={"run_projector": False})
    return await _describe(
        lambda: bootstrap.build(settings), lambda r: [r.projector, r.messages_projector]
    )


async def _exporter() -> list[ProjectorStatus]:
    from services.exporter import bootstrap  # noqa: PLC0415
    from services.exporter.settings import Settings  # noqa: PLC0415

    settings = Settings().model_copy(update={"schedule_enabled": False, "grants_follow": False})
    return await _describe(
        lambda: bootstrap.build(settings), lambda r: [r.state.projector, r.access.projector]
    )


async def _enrollment() -> list[ProjectorStatus]:
    from services.enrollment import bootstrap  # noqa: PLC0415
    from services.enrollment.settings import Settings  # noqa: PLC0415

    settings = Settings().model_copy(update={"run_projector": False})
    return await _describe(
        lambda: bootstrap.build(settings), lambda r: [r.projector, r.roster_projector]
    )


async def _audit() -> list[ProjectorStatus]:
    from services.audit import bootstrap  # noqa: PLC0415
    from services.audit.settings import Settings  # noqa: PLC0415

    settings = Settings().model_copy(update={"run_projector": False, "run_anchoring": False})
    return await _describe(lambda: bootstrap.build(settings), lambda r: r.projectors)


_STATUS: dict[str, Callable[[], Awaitable[list[ProjectorStatus]]]] = {
    "journal": _journal,
    "diary": _diary,
    "exporter": _exporter,
    "enrollment": _enrollment,
    "audit": _audit,
}


async def _statuses() -> list[tuple[str, ProjectorStatus | str]]:
    rows: list[tuple[str, ProjectorStatus | str]] = []
    for service, describe in _STATUS.items():
        try:
            rows.extend((service, status) for status in await describe())
        except ValidationError as error:
            missing = ", ".join(".".join(map(str, e["loc"])) for e in error.errors())
            rows.append((service, f"not configured ({missing})"))
        except OSError as error:
            rows.append((service, f"unreachable ({error})"))
    return rows


def status(*, as_json: bool = False) -> int:
    """`projection status`: one row per projection (`as_json`: one JSON document); 0."""
    rows = [_row(service, row) for service, row in asyncio.run(_statuses())]
    if as_json:
        print_json({"projections": rows})
        return 0
    table = Table(title="projections")
    for field in _FIELDS:
        right = field not in {"service", "projection"}
        table.add_column(field.replace("_", " "), justify="right" if right else "left")
    for row in rows:
        table.add_row(*("" if row[field] is None else str(row[field]) for field in _FIELDS))
    stdout_console().print(table)
    return 0


def _row(service: str, status: ProjectorStatus | str) -> dict[str, str | int | None]:
    """A projection's row; a service that could not be read has its reason as `projection`."""
    if isinstance(status, str):
        return dict.fromkeys(_FIELDS) | {"service": service, "projection": status}
    last = status.stream_last_seq
    return {
        "service": service,
        "projection": status.projection,
        "checkpoint": status.last_seq,
        "stream_last_seq": last,
        "behind": None if last is None else max(last - status.last_seq, 0),
        "dead_letters": status.dead_letters,
    }
