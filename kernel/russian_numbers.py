"""Numbers as the school writes them: an average to two decimals after a comma («4,33»).

Pure wording, in the kernel so that the school's pages and the journal's paperwork (its
spreadsheets and archive) write an average the same way."""

from __future__ import annotations

from decimal import Decimal


def decimal_comma(number: Decimal) -> str:
    """`number` to two decimals, with a decimal comma («4,33»)."""
    return f"{number.quantize(Decimal('0.01'))}".replace(".", ",")
