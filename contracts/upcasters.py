"""Upcasters: pure functions lifting an old payload version to the next one.

Key: (event_type, from_version) -> function returning the payload at from_version + 1.
Stored events are never rewritten; the registry chains these at decode time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Payload = dict[str, Any]
Upcaster = Callable[[Payload], Payload]

UPCASTERS: Mapping[tuple[str, int], Upcaster] = {}
