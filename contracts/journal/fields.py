"""Value types the journal's events share: a mark's value and weight, a timetable slot, and the
reason that flags an edit as a correction after close."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints

from contracts.text import PRINTABLE, TextRules

Weight = Annotated[Decimal, Field(gt=0, le=10, max_digits=4, decimal_places=2)]
MarkValue = Annotated[str, StringConstraints(pattern=PRINTABLE, min_length=1, max_length=8)]
Slot = Annotated[int, Field(ge=1, le=12)]
# Set on an edit made after its period (or its school year) was closed: such an edit is an
# explicit correction by an authorised role, flagged in the journal view and in the export.
CorrectionReason = Annotated[str, TextRules(max_length=2000, min_length=3, strip=True)]
