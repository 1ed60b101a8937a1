"""Stream definitions (for the pinned nats-server, `deploy.launcher.nats_binary`). Created
idempotently at start-up."""

from __future__ import annotations

from dataclasses import dataclass

DUPLICATE_WINDOW_SECONDS = 10 * 60


@dataclass(frozen=True, slots=True)
class StreamSpec:
    """What a stream is called and which subjects it owns; the rest is policy shared by all."""

    name: str
    subjects: tuple[str, ...]
    description: str


JOURNAL = StreamSpec(
    "JOURNAL", ("jrn.>",), "The school journal: roster, lessons, marks, attendance"
)
ENROLLMENT = StreamSpec("ENROLLMENT", ("enr.>",), "Parents' applications, portal UIDs, grants")
DIARY = StreamSpec("DIARY", ("dry.>",), "Depersonalised feed for the e-diary (exporter only)")
PORTAL = StreamSpec("PORTAL", ("prt.>",), "Portal-side facts: messages")
AUDIT = StreamSpec("AUDIT", ("aud.>",), "The audit service's signed daily anchors of the streams")

ALL_STREAMS = (JOURNAL, ENROLLMENT, DIARY, PORTAL, AUDIT)
# The streams the audit service seals and verifies (its own AUDIT stream is checked apart).
AUDITED_STREAMS = (JOURNAL, ENROLLMENT, DIARY, PORTAL)

# Object Store bucket for homework attachments (school side).
HOMEWORK_FILES_BUCKET = "homework-files"
DIARY_FILES_BUCKET = "diary-files"
PORTAL_FILES_BUCKET = "portal-files"
JOURNAL_ARCHIVE_BUCKET = "journal-archive"
# Object Store buckets and what they hold (created like the streams, idempotently).
BUCKETS: dict[str, str] = {
    HOMEWORK_FILES_BUCKET: "homework attachments (school side)",
    DIARY_FILES_BUCKET: "homework files of the e-diary (copied by the exporter)",
    PORTAL_FILES_BUCKET: "attachments of messages in the e-diary (portal side)",
    JOURNAL_ARCHIVE_BUCKET: "the printed archive of every sealed school year (school side)",
}

# Key-Value bucket of idempotency keys: command id -> fingerprint of the first request sent with
# it (`services.common.idempotency_ledger`). The services' own history scan recognises a retry
# only on the aggregate the path names, and JetStream's duplicate window lasts 10 minutes; this
# bucket remembers every key (history 1) for `IDEMPOTENCY_KEYS_HOURS` (a service setting, at
# least the 24 hours the API promises), whichever aggregate the body chose.
IDEMPOTENCY_KEYS_BUCKET = "IDEMPOTENCY_KEYS"
IDEMPOTENCY_KEYS_HOURS = 48.0
KEY_VALUE_BUCKETS: dict[str, str] = {
    IDEMPOTENCY_KEYS_BUCKET: "Idempotency-Key of each command -> its first request's fingerprint",
}


def stream_config(spec: StreamSpec, *, replicas: int = 1) -> dict[str, object]:
    """The JetStream configuration for a stream with `replicas` copies (3 on a three-node
    cluster), as plain fields for `add_stream`."""
    return {
        "name": spec.name,
        "subjects": list(spec.subjects),
        "description": spec.description,
        "storage": "file",
        "retention": "limits",
        "discard": "new",
        "deny_delete": True,
        "deny_purge": True,
        "allow_direct": True,
        "duplicate_window": float(DUPLICATE_WINDOW_SECONDS),
        "max_msgs": -1,
        "max_bytes": -1,
        "max_age": 0.0,
        "num_replicas": replicas,
    }
