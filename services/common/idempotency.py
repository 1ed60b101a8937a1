"""Idempotency keys: what a command's id is, and how a retry is told from a reused key.

An `Idempotency-Key` names one request *of one caller on one target*, so the command id is a
hash of (caller, operation, target path, key): the same key from another user, on another
route or on another lesson is another command. The id becomes the event's `Nats-Msg-Id` (so
JetStream's duplicate window still stops concurrent doubles) and the seed of every id the
command makes (mark, application, thread ids), so a retry reproduces them.

Before the command runs, the key is bound to the request's fingerprint in the key ledger
(`services.common.idempotency_ledger`, a JetStream Key-Value bucket kept 48 hours by default,
`app.state.idempotency`): the same key with another request is refused there (422
`idempotency_key_reused`), whichever aggregate the body would choose. So a key belongs to the
first request sent with it even when that request was refused (invalid, forbidden, a conflict).

A retry of the same request is then answered by the services scanning the aggregate's history
for the command id, which lasts as long as the event (not just the stream's duplicate window):
the event carries the request's fingerprint (`Request-Fingerprint` header) and the handler
compares it too (`check_same_request`), which still holds for keys the ledger has forgotten.

The fingerprint is computed here, once for every route, from the request as FastAPI already
parsed it (FastAPI reads the body before it solves dependencies and caches it on the
`Request`): a JSON body re-dumped with sorted keys, a form as its fields sorted by name (files by
name, type and SHA-256 of their bytes), plus the query. Raw bytes would not do: a multipart
body has a new boundary on every retry.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Final, Protocol
from urllib.parse import parse_qsl

from fastapi import Header
from starlette.datastructures import UploadFile

from services.common.http import ApiError

if TYPE_CHECKING:
    from starlette.datastructures import FormData
    from starlette.requests import Request

    from services.common.eventstore import Loaded, StoredEvent

KEY_PATTERN: Final = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
_CHUNK = 1 << 16

HEADER_DESCRIPTION: Final = (
    "Optional request id, 1-100 characters of `[A-Za-z0-9._:-]` (400 "
    "`invalid_idempotency_key` otherwise). It is scoped to the caller (the token's user), the "
    "operation and its target (the request path): the same key from another user or on another "
    "path is unrelated. A retry with the same key and the same request (body and query) records "
    "nothing new and answers what the first request recorded (same ids and `seq`, "
    "`duplicate: true`) for as long as that record exists (at least 24 hours). The same key "
    "with another request is refused for at least 24 hours (48 by default): 422 "
    "`idempotency_key_reused`. A key is bound to the first request sent with it, even when "
    "that request was refused (e.g. 422 or 409): send a corrected request with a new key. "
    "Without a key every request is a new command."
)

IdempotencyKey = Annotated[
    str | None,
    Header(
        description=HEADER_DESCRIPTION,
        # documented only: a key of another shape is answered 400 `invalid_idempotency_key`
        # by `check_key`, not 422 as a validated header would be
        json_schema_extra={"pattern": KEY_PATTERN.pattern, "minLength": 1, "maxLength": 100},
    ),
]
"""The `Idempotency-Key` header of a command route (parameter name `idempotency_key`)."""


@dataclass(frozen=True, slots=True)
class CommandIdentity:
    """A command's id and the fingerprint of the request it came with ("" without a key)."""

    command_id: str
    fingerprint: str = ""


class KeyLedger(Protocol):
    """Where keys are bound to the first request they came with
    (`services.common.idempotency_ledger`)."""

    async def bind(self, command_id: str, fingerprint: str) -> None:
        """Bind the key, or raise `IdempotencyKeyReused` if it is bound to another request."""
        ...


class IdempotencyKeyReused(ApiError):
    """The key was used before, by the same caller on the same target, with another request."""

    def __init__(self) -> None:
        super().__init__(
            422,
            "idempotency_key_reused",
            "this Idempotency-Key was used before with another request; "
            "send a new key for a new request",
        )


def scoped_command_id(caller: str, operation: str, target: str, key: str) -> str:
    """The command id of `key` sent by `caller` to `operation` (method and route template) on
    `target` (the concrete path). JSON keeps the parts apart, whatever characters they hold."""
    material = json.dumps([caller, operation, target, key], ensure_ascii=False)
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def fingerprint(command_id: str, canonical: bytes) -> str:
    """SHA-256 of a canonical request, salted with the command id: the header then says
    nothing about the body to someone who would guess common bodies."""
    return hashlib.sha256(command_id.encode() + b"\0" + canonical).hexdigest()


def check_same_request(recorded: str, sent: str) -> None:
    """Refuse a key that was recorded with another request (422 `idempotency_key_reused`)."""
    if recorded != sent:
        raise IdempotencyKeyReused


def earlier_event(history: Loaded, msg_id: str, fingerprint: str) -> StoredEvent | None:
    """The event the command `msg_id` recorded on the subject before (the request is a retry),
    if any; a key recorded there with another request is refused (`IdempotencyKeyReused`)."""
    earlier = next((e for e in reversed(history.events) if e.msg_id == msg_id), None)
    if earlier is not None:
        check_same_request(earlier.fingerprint, fingerprint)
    return earlier


def check_key(key: str) -> None:
    """400 `invalid_idempotency_key` unless the key has the documented format."""
    if not KEY_PATTERN.match(key):
        raise ApiError(400, "invalid_idempotency_key", "Idempotency-Key: 1-100 of [A-Za-z0-9._:-]")


async def command_identity(request: Request, caller: str, key: str | None) -> CommandIdentity:
    """The identity of the command `request` carries: scoped, fingerprinted and bound in the
    key ledger with a key (422 `idempotency_key_reused` if bound to another request), a random
    id without one. Call it from a route's dependency, after the caller is checked: a refused
    caller binds nothing."""
    if key is None:
        return CommandIdentity(uuid.uuid4().hex)
    check_key(key)
    template = getattr(request.scope.get("route"), "path", request.url.path)
    operation = f"{request.method} {template}"
    command_id = scoped_command_id(caller, operation, request.url.path, key)
    identity = CommandIdentity(
        command_id, fingerprint(command_id, await canonical_request(request))
    )
    await key_ledger(request).bind(identity.command_id, identity.fingerprint)
    return identity


def key_ledger(request: Request) -> KeyLedger:
    """The app's key ledger (`app.state.idempotency`, from the runtime's `idempotency`). Its
    absence is a wiring error, not a reason to accept keys the API could not keep."""
    ledger: KeyLedger | None = getattr(request.app.state, "idempotency", None)
    if ledger is None:
        msg = "Idempotency-Key on an app without a key ledger (app.state.idempotency)"
        raise RuntimeError(msg)
    return ledger


async def canonical_request(request: Request) -> bytes:
    """The request's query and body in a form a genuine retry reproduces byte for byte."""
    query = sorted(parse_qsl(request.url.query, keep_blank_values=True))
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith(_FORM_TYPES):
        body: object = await canonical_form(await request.form())
    else:
        body = canonical_json(await request.body())
    document = {"query": query, "body": body}
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def canonical_json(raw: bytes) -> object:
    """A JSON body as parsed (dumped with sorted keys by the caller), or the SHA-256 of bytes
    that are not JSON."""
    if not raw.strip():
        return None
    try:
        parsed: object = json.loads(raw)
    except ValueError:
        return {"sha256": hashlib.sha256(raw).hexdigest()}
    return parsed


async def canonical_form(form: FormData) -> list[list[str]]:
    """A form's fields sorted by name (order kept among fields of one name: the files of a
    message are numbered); a file is its name, media type and the SHA-256 of its bytes."""
    fields: list[list[str]] = []
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            digest = await _file_digest(value)
            fields.append([name, value.filename or "", value.content_type or "", digest])
        else:
            fields.append([name, value])
    return sorted(fields, key=lambda field: field[0])


async def _file_digest(file: UploadFile) -> str:
    """SHA-256 of an uploaded file, read in chunks and rewound for the route to read."""
    digest = hashlib.sha256()
    await file.seek(0)
    while chunk := await file.read(_CHUNK):
        digest.update(chunk)
    await file.seek(0)
    return digest.hexdigest()
