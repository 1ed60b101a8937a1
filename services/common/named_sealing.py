"""The writer's side of "texts that name a pupil" (`contracts.personal`): each free text of an
event in which the name guard finds pupils of the school travels redacted, its words as typed
sealed under the named pupils' keys, so an erasure takes the name out of every earlier event."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from contracts.free_texts import free_texts, replaced
from contracts.personal import NAMED
from services.common.keystore import KeyStore, PersonErased
from services.common.sealing import seal_text

if TYPE_CHECKING:
    from contracts.base import Event
    from services.common.name_guard import RosterGuard


class PupilNames(Protocol):
    """A writer's guard over the school's pupils, for sealing the texts that name them."""

    async def guard(self, school: str) -> RosterGuard:
        """The guard over every pupil the school registered."""
        ...


async def seal_named_texts(
    keys: KeyStore,
    names: PupilNames,
    school: str,
    model: type[Event],
    payload: dict[str, Any],
) -> dict[str, Any]:
    """A payload (personal fields sealed already) with each free text that names a pupil
    replaced by its redacted form and sealed as typed under the named pupils' keys
    (`contracts.personal`, "Texts that name a pupil"). The roster is read only when the payload
    has a text. A text naming a pupil whose key is already destroyed keeps its redacted form
    only (no new box holds an erased pupil's name); once the roster shows the erasure the guard
    no longer knows the name at all."""
    texts = list(free_texts(model, payload))
    if not texts:
        return payload
    guard = await names.guard(school)
    found = [(text, *guard.named(text.text)) for text in texts]
    naming = [(text, redaction, pupils) for text, redaction, pupils in found if pupils]
    if not naming:
        return payload
    ring = await _pupil_keys(keys, school, {p for *_, pupils in naming for p in pupils})
    named: list[dict[str, Any]] = []
    for text, redaction, pupils in naming:
        payload = replaced(payload, text.path, redaction.text[: text.max_length])
        text_keys = [k for p in pupils if (k := ring[p]) is not None]
        if len(text_keys) == len(pupils):  # else a named pupil was erased: no box
            named.append(seal_text(model.event_type, text.path, text.text, text_keys))
    return {**payload, NAMED: named} if named else payload


async def _pupil_keys(
    keys: KeyStore, school: str, pupils: set[str]
) -> dict[str, tuple[str, bytes] | None]:
    """Each pupil's sealing key, None for an erased pupil; one round trip when none is."""
    wanted = sorted(pupils)
    try:
        return dict(zip(wanted, await keys.sealing_keys(school, "pupil", wanted), strict=True))
    except PersonErased:
        pass
    found: dict[str, tuple[str, bytes] | None] = {}
    for pupil in wanted:
        try:
            found[pupil] = await keys.sealing_key(school, "pupil", pupil)
        except PersonErased:
            found[pupil] = None
    return found
