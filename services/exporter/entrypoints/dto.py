"""What the exporter's HTTP API accepts and answers."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.diary import BatchKind
from services.exporter.application.ports import RunRecord, RunStatus, Trigger


class RunRequest(BaseModel):
    """`POST /runs`: which kind of export to run now."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"kind": "delta"}, {"kind": "full", "force": True}]},
    )

    kind: BatchKind
    force: bool = Field(
        default=False,
        description="full only: publish a new batch even if nothing changed since the last "
        "full one (to repair a batch the diary rejected)",
    )

    @model_validator(mode="after")
    def _force_is_for_full(self) -> RunRequest:
        if self.force and self.kind != "full":
            msg = "only a full export can be forced"
            raise ValueError(msg)
        return self


class RunOut(BaseModel):
    """One export run."""

    run_id: uuid.UUID
    batch_id: str | None
    school: str
    year: int
    kind: BatchKind
    trigger: Trigger
    from_seq: int
    to_seq: int | None
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: RunStatus
    records: int
    files_copied: int
    files_missing: int
    checksum: str | None
    duration_ms: int | None
    error: str | None
    names_redacted: int = Field(
        default=0,
        description="mentions of pupils' names replaced with «[ученик]» in the batch's free texts",
    )
    already_exported: bool = False

    @classmethod
    def of(cls, run: RunRecord, *, already: bool = False) -> RunOut:
        """The API form of a run record."""
        return cls(
            run_id=run.run_id,
            batch_id=run.batch_id,
            school=run.school,
            year=run.year,
            kind=run.kind,
            trigger=run.trigger,
            from_seq=run.from_seq,
            to_seq=run.to_seq,
            started_at=run.started_at,
            finished_at=run.finished_at,
            status=run.status,
            records=run.records,
            files_copied=run.files_copied,
            files_missing=run.files_missing,
            checksum=run.checksum,
            duration_ms=run.duration_ms,
            error=run.error,
            names_redacted=run.names_redacted,
            already_exported=already,
        )
