"""Anchors: cut into days, sealed, signed, chained; checked against a history after tampering."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.audit import anchor_hash, signed_bytes
from contracts.chain import GENESIS_HASH
from services.audit.domain.anchors import (
    DayCutter,
    Signer,
    check_anchors,
    local_day,
    school_year,
    signature_valid,
)
from services.audit.domain.chain import Verifier, anchor_subject
from tests.support.audit_tamper import (
    altered,
    history,
    rechained,
    removed,
    signer,
    swapped,
)


def anchors_of(messages, *, latest=None):
    key = signer()
    cutter = DayCutter("JOURNAL", key.key_id, latest or {})
    sealed = [a for m in messages if (a := cutter.add(m)) is not None]
    return [key.sign(a) for a in [*sealed, *cutter.finish()]]


def verify(messages, anchors, last_seq):
    verifier = Verifier("JOURNAL", anchors=anchors, anchored=True)
    for message in messages:
        verifier.add(message)
    verifier.finish(last_seq)
    return verifier


def test_each_day_of_each_school_gets_one_anchor_in_chain():
    messages = history(90, days=3)

    anchors = anchors_of(messages)

    assert [a.day for a in anchors] == [dt.date(2026, 9, d) for d in (1, 2, 3)]
    assert sum(a.count for a in anchors) == 90
    assert anchors[0].first_seq == 1
    assert anchors[-1].last_seq == 90
    assert anchors[0].previous_anchor == GENESIS_HASH
    assert anchors[1].previous_anchor == anchor_hash(anchors[0])
    assert check_anchors(anchors, {signer().key_id: signer().public_key}) == []


def test_a_day_still_going_is_sealed_so_far_and_the_next_run_continues_it():
    messages = history(90, days=3)  # 1-30 on the 1st, 31-60 on the 2nd, 61-90 on the 3rd
    first = anchors_of(messages[:45])  # a run while the 2nd is going on

    rest = anchors_of(messages, latest={"s1": first[-1]})

    assert [(a.day.day, a.first_seq, a.last_seq) for a in first] == [(1, 1, 30), (2, 31, 45)]
    assert [(a.day.day, a.first_seq, a.last_seq) for a in rest] == [(2, 46, 60), (3, 61, 90)]
    assert rest[0].previous_anchor == anchor_hash(first[-1])
    keys = {signer().key_id: signer().public_key}
    assert check_anchors([*first, *rest], keys) == []
    assert verify(messages, [*first, *rest], 90).ok


def test_a_days_first_anchor_has_the_days_subject_and_a_continuation_its_first_seq():
    messages = history(90, days=3)
    first = anchors_of(messages[:45])
    rest = anchors_of(messages, latest={"s1": first[-1]})

    assert anchor_subject(first[0], None) == "aud.s1.anchor.journal-20260901"
    assert anchor_subject(first[1], first[0]) == "aud.s1.anchor.journal-20260902"
    assert anchor_subject(rest[0], first[1]) == "aud.s1.anchor.journal-20260902-46"
    assert anchor_subject(rest[1], rest[0]) == "aud.s1.anchor.journal-20260903"


def test_a_message_stamped_before_the_last_anchored_day_joins_the_next_anchor():
    messages = history(60, days=2)
    first = anchors_of(messages)
    stepped_back = dataclasses.replace(messages[0], seq=61, subject="jrn.2026.s1.9a.lesson.x")

    (late,) = anchors_of([*messages, stepped_back], latest={"s1": first[-1]})

    assert (late.day, late.first_seq, late.count) == (first[-1].day, 61, 1)
    assert check_anchors([*first, late], None) == []


def test_events_after_the_last_anchor_are_counted_not_anchored_and_no_problem():
    messages = history(90)
    anchors = anchors_of(messages[:80])

    verifier = verify(messages, anchors, 90)

    assert verifier.ok
    assert verifier.not_anchored == 10
    assert verify(messages, anchors_of(messages), 90).not_anchored == 0


def test_days_are_the_schools_local_days():
    late_evening_utc = dt.datetime(2026, 9, 1, 22, 30, tzinfo=dt.UTC)  # 01:30 on 2 Sept in Moscow

    assert local_day(late_evening_utc) == dt.date(2026, 9, 2)
    assert school_year(dt.date(2026, 9, 1)) == 2026
    assert school_year(dt.date(2027, 5, 31)) == 2026


def test_a_clean_history_matches_its_anchors():
    messages = history(90)

    assert verify(messages, anchors_of(messages), 90).ok


def test_altering_the_last_event_of_a_subject_is_caught_by_its_anchor():
    messages = history(90)
    index = 89
    anchors = anchors_of(messages)

    verifier = verify(altered(messages, index), anchors, 90)

    assert [(p.kind, p.seq, p.last_seq) for p in verifier.problems] == [
        ("anchor_mismatch", anchors[-1].first_seq, anchors[-1].last_seq)
    ]


def test_tampering_with_a_recomputed_chain_is_caught_by_the_anchor_of_its_day():
    messages = history(90)
    anchors = anchors_of(messages)
    forged = rechained(altered(messages, 40))
    day = next(a for a in anchors if a.first_seq <= 41 <= a.last_seq)

    verifier = verify(forged, anchors, 90)

    # The forger's new Prev-Hash values alter the subject's later days too.
    assert [p.kind for p in verifier.problems] == ["anchor_mismatch"] * len(verifier.problems)
    assert verifier.problems[0].seq == day.first_seq


def test_a_removal_with_a_recomputed_chain_is_caught_by_gap_and_anchor():
    messages = history(90)
    anchors = anchors_of(messages)
    day = next(a for a in anchors if a.first_seq <= 41 <= a.last_seq)

    verifier = verify(rechained(removed(messages, 40)), anchors, 90)

    assert [(p.kind, p.seq) for p in verifier.problems][:2] == [
        ("gap", 41),
        ("anchor_mismatch", day.first_seq),
    ]
    assert f"{day.count - 1} event(s)" in verifier.problems[1].detail


def test_an_inserted_event_between_anchored_days_is_reported():
    messages = history(90)
    anchors = anchors_of(messages)
    shrunk = [anchors[0].model_copy(update={"last_seq": anchors[0].last_seq - 1})]
    # Re-sign nothing: the range check alone finds the event outside every anchored range.
    verifier = Verifier("JOURNAL", anchors=[*shrunk, *anchors[1:]])
    for message in messages:
        verifier.add(message)

    assert ("unanchored", anchors[0].last_seq) in [(p.kind, p.seq) for p in verifier.problems]


def test_an_altered_anchor_fails_its_signature_and_a_removed_one_breaks_the_anchor_chain():
    anchors = anchors_of(history(90))
    keys = {signer().key_id: signer().public_key}
    forged = anchors[1].model_copy(update={"count": 1})

    assert [p.kind for p in check_anchors([anchors[0], forged, anchors[2]], keys)] == [
        "anchor_signature",
        "anchor_chain",
    ]
    assert [p.kind for p in check_anchors([anchors[0], anchors[2]], keys)] == ["anchor_chain"]


def test_a_signature_verifies_with_the_public_key_only():
    anchor = anchors_of(history(10, days=1))[0]
    other = Signer(bytes(32), "test-key")

    assert signature_valid(anchor, {"test-key": signer().public_key})
    assert not signature_valid(anchor, {"test-key": other.public_key})
    assert not signature_valid(anchor, {})
    assert b'"signature"' not in signed_bytes(anchor)


def test_a_seed_of_the_wrong_size_is_refused():
    with pytest.raises(ValueError, match="32 bytes"):
        Signer(b"short")


def test_a_seed_is_read_from_base64_with_a_default_key_id():
    key = Signer.from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")

    assert key.public_key == signer().public_key
    assert key.key_id.startswith("ed25519-")


def _tamper(messages, kind, index):
    if kind == "alter":
        return altered(messages, index)
    if kind == "remove":
        return removed(messages, index)
    return swapped(messages, min(index, len(messages) - 2))


@settings(max_examples=150, deadline=None)
@given(
    count=st.integers(min_value=2, max_value=120),
    subjects=st.integers(min_value=1, max_value=6),
    seed=st.integers(min_value=0, max_value=10_000),
    kind=st.sampled_from(["alter", "remove", "swap"]),
    where=st.floats(min_value=0, max_value=1, exclude_max=True),
    forger=st.booleans(),
)
def test_any_single_alteration_removal_or_swap_is_detected(
    count, subjects, seed, kind, where, forger
):
    messages = history(count, subjects=subjects, seed=seed)
    anchors = anchors_of(messages)
    index = int(where * count)
    tampered = _tamper(messages, kind, index)
    if forger:
        tampered = rechained(tampered)

    verifier = verify(tampered, anchors, count)

    assert not verifier.ok
    positions = {p.seq for p in verifier.problems} | {
        s for p in verifier.problems if p.last_seq for s in range(p.seq, p.last_seq + 1)
    }
    assert messages[index].seq in positions or any(
        p.kind == "broken_link" and p.previous_seq == messages[index].seq for p in verifier.problems
    )
