"""Upcasters: pure functions lifting an old payload version to the next one.

Key: (event_type, from_version) -> function returning the payload at from_version + 1.
Stored events are never rewritten; the registry chains these at decode time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Payload = dict[str, Any]
Upcaster = Callable[[Payload], Payload]


def _unchanged(payload: Payload) -> Payload:
    """v1 -> v2 of the types whose personal fields became sealed (`contracts.personal`): a v1
    payload holds them in the clear, which v2's readers still accept as they are."""
    return payload


UPCASTERS: Mapping[tuple[str, int], Upcaster] = {
    ("journal.PupilRegistered", 1): _unchanged,
    ("journal.StaffMemberRegistered", 1): _unchanged,
    ("enrollment.ApplicationSubmitted", 1): _unchanged,
}
