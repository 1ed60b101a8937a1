"""`patiently` sends a timed-out NATS call again while the caller is patient, a bounded number
of times, and nothing else."""

from __future__ import annotations

import nats.errors
import pytest

from services.common.patience import ATTEMPTS, PATIENT, _pause, patiently


class Flaky:
    """A call that times out `failures` times, then answers."""

    def __init__(self, failures: int, error: type[Exception] = nats.errors.TimeoutError) -> None:
        self.failures = failures
        self.error = error
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "answer"


async def test_a_timed_out_call_is_sent_again_until_it_answers():
    call = Flaky(ATTEMPTS - 1)

    assert await patiently(call) == "answer"
    assert call.calls == ATTEMPTS


async def test_the_last_timeout_goes_up_after_the_attempts():
    call = Flaky(ATTEMPTS)

    with pytest.raises(nats.errors.TimeoutError):
        await patiently(call)
    assert call.calls == ATTEMPTS


async def test_an_impatient_caller_meets_the_first_timeout():
    call = Flaky(1)
    token = PATIENT.set(False)
    try:
        with pytest.raises(nats.errors.TimeoutError):
            await patiently(call)
    finally:
        PATIENT.reset(token)
    assert call.calls == 1


@pytest.mark.parametrize(
    "error", [nats.errors.NoRespondersError, nats.errors.ConnectionClosedError, ValueError]
)
async def test_other_failures_are_not_sent_again(error):
    call = Flaky(1, error)

    with pytest.raises(error):
        await patiently(call)
    assert call.calls == 1


@pytest.mark.parametrize(
    ("attempt", "longest"), [(1, 0.25), (2, 0.5), (3, 1.0), (4, 2.0), (9, 2.0)]
)
def test_the_pause_grows_with_each_attempt_up_to_two_seconds(attempt, longest):
    pauses = [_pause(attempt) for _ in range(200)]

    assert all(0 <= p <= longest for p in pauses)
    assert max(pauses) > longest / 2  # drawn over the whole range, not a fixed step
