"""`eventually`: what it waits out and what it lets through."""

from __future__ import annotations

import pytest

from tests.support.waiting import eventually


async def test_an_answer_not_complete_yet_is_waited_for():
    calls = 0

    def first_row() -> str:
        nonlocal calls
        calls += 1
        rows = ["row"] if calls >= 3 else []  # the third read finds the row applied
        return rows[0]

    assert await eventually(first_row, timeout=2, interval=0.01) == "row"
    assert calls == 3


async def test_a_check_that_never_comes_true_fails_with_its_own_error():
    with pytest.raises(KeyError, match="marks"):
        await eventually(lambda: {}["marks"], timeout=0.1, interval=0.01)


async def test_any_other_error_fails_at_once():
    calls: list[int] = []

    def broken() -> None:
        calls.append(1)
        raise ValueError("not a wait")

    with pytest.raises(ValueError, match="not a wait"):
        await eventually(broken, timeout=2, interval=0.01)
    assert calls == [1]
