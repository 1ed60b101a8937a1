"""What the browser tests of the journal's pages read and work out themselves to check a page:
the journal API's answers (as the administrator), a row's weighted average and the API's
average, each as the page writes it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx


def weighted_average(cells: list[dict[str, Any]]) -> str:
    """Σ(weight·mark)/Σweight over the numeric marks that count, as the page writes it."""
    total = weights = Decimal(0)
    for cell in cells:
        for mark in cell["marks"]:
            if mark["value"].isdigit() and mark.get("counts", True):
                total += Decimal(mark["weight"]) * int(mark["value"])
                weights += Decimal(mark["weight"])
    if not weights:
        return "—"
    return f"{(total / weights).quantize(Decimal('0.01'), ROUND_HALF_UP)}".replace(".", ",")


def api_average(value: str | None) -> str:
    """The API's average as the page writes it."""
    return "—" if value is None else f"{Decimal(value):.2f}".replace(".", ",")


async def journal_get(system: Any, path: str, params: dict[str, str] | None = None) -> Any:
    """A GET of the journal API as the administrator."""
    headers = {"Authorization": f"Bearer {system.tokens['ADMIN_TOKEN']}"}
    async with httpx.AsyncClient(base_url=system.api_urls["journal"], headers=headers) as http:
        answer = await http.get(path, params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()
