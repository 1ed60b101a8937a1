"""The path parameters every service's API names alike: the school and its school year."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from contracts.base import Token

SchoolPath = Annotated[Token, Path(description="school id")]
YearPath = Annotated[int, Path(ge=2000, le=2100, description="first calendar year of the year")]
