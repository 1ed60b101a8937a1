"""Decode payloads by their stable wire name and version, upcasting old versions first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError, create_model

from contracts.audit import AUDIT_EVENTS
from contracts.base import Event
from contracts.diary import DIARY_EVENTS
from contracts.enrollment import ENROLLMENT_EVENTS
from contracts.envelope import TypedEnvelope
from contracts.journal import JOURNAL_EVENTS
from contracts.personal import SEALED, Opener, SealedWithoutKeys, holds_sealed, without_named
from contracts.portal import PORTAL_EVENTS
from contracts.text import STORED
from contracts.upcasters import UPCASTERS, Upcaster


class UnknownEventType(ValueError):
    """The registry has no model for this event type."""


class UnsupportedVersion(ValueError):
    """The payload's version is newer than this code knows, or no upcaster chain reaches it."""


class Registry:
    """Maps `event_type` to its current model and upcasts old payloads on decode."""

    def __init__(
        self,
        models: Iterable[type[Event]],
        upcasters: Mapping[tuple[str, int], Upcaster] = UPCASTERS,
    ) -> None:
        self._models = {model.event_type: model for model in models}
        self._upcasters = upcasters
        # Built here, once: making a model costs about a millisecond.
        self._typed = {name: _typed_envelope(model) for name, model in self._models.items()}

    def model(self, event_type: str) -> type[Event]:
        """The current model of an event type."""
        try:
            return self._models[event_type]
        except KeyError:
            raise UnknownEventType(event_type) from None

    def upcast(self, event_type: str, version: int, data: dict[str, Any]) -> dict[str, Any]:
        """Lift a payload to the current version of its type."""
        current = self.model(event_type).schema_version
        if version > current:
            msg = f"{event_type} v{version} is newer than v{current}"
            raise UnsupportedVersion(msg)
        while version < current:
            step = self._upcasters.get((event_type, version))
            if step is None:
                msg = f"no upcaster for {event_type} v{version}"
                raise UnsupportedVersion(msg)
            data = step(data)
            version += 1
        return data

    def decode(
        self,
        event_type: str,
        version: int,
        data: dict[str, Any],
        opener: Opener | None = None,
    ) -> Event:
        """Validate a payload of any known version into the current model.

        Under `contracts.text.STORED`: what was stored is read as it was written. A sealed
        payload (`contracts.personal`) is opened by `opener` first, as written (its texts'
        places are those of its own version); without an opener sealed personal data is
        refused, and the texts that name a pupil read with the mentions replaced.
        """
        model = self.model(event_type)
        if holds_sealed(data):
            if opener is not None:
                data = opener(event_type, data)
            elif SEALED in data:
                msg = f"{event_type} holds sealed personal data and this reader has no keys"
                raise SealedWithoutKeys(msg)
            else:
                data = without_named(data)
        payload = self.upcast(event_type, version, data)
        return model.model_validate(payload, context=STORED)

    def decode_current(self, body: bytes, event_type: str, version: int) -> TypedEnvelope | None:
        """A whole message body validated in one pass, when it is `event_type` at `version`.

        `event_type` and `version` are what the message claims beside its body (its headers);
        the body decides. The answer is None, not an error, when the claim is not the current
        version of a known type, or the body is not valid as such or is of another type or
        version: the caller then reads it the general way (the envelope, then `decode`), which
        upcasts old versions and names what is wrong with a bad message.
        """
        model = self._models.get(event_type)
        if model is None or version != model.schema_version:
            return None
        try:
            # The validator itself, not `model_validate_json`: this runs for every message.
            envelope: TypedEnvelope = self._typed[event_type].__pydantic_validator__.validate_json(
                body, context=STORED
            )
        except ValidationError:
            return None
        if envelope.event_type != event_type or envelope.schema_version != version:
            return None
        return envelope

    def types(self) -> tuple[type[Event], ...]:
        """Every registered model."""
        return tuple(self._models.values())


def _typed_envelope(model: type[Event]) -> type[TypedEnvelope]:
    """The envelope model whose `data` is `model`."""
    return create_model(f"{model.__name__}Envelope", __base__=TypedEnvelope, data=(model, ...))


JOURNAL_REGISTRY = Registry(JOURNAL_EVENTS)
DIARY_REGISTRY = Registry(DIARY_EVENTS)
ENROLLMENT_REGISTRY = Registry(ENROLLMENT_EVENTS)
PORTAL_REGISTRY = Registry(PORTAL_EVENTS)
AUDIT_REGISTRY = Registry(AUDIT_EVENTS)
