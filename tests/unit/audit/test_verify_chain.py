"""The verification of a stream's messages: each kind of tampering found, where it is."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from contracts import envelope as hdr
from services.audit.domain.chain import Message, Verifier
from tests.support.audit_tamper import altered, history, removed, swapped


def run(messages, *, last_seq=None, **options):
    verifier = Verifier("JOURNAL", **options)
    for message in messages:
        verifier.add(message)
    verifier.finish(last_seq if last_seq is not None else max(m.seq for m in messages))
    return verifier


def kinds(verifier):
    return [(p.kind, p.seq) for p in verifier.problems]


def next_on_subject(messages, index):
    subject = messages[index].subject
    return next(m for m in messages[index + 1 :] if m.subject == subject)


def test_a_clean_history_passes():
    messages = history(200)

    verifier = run(messages)

    assert verifier.ok, verifier.problems
    assert verifier.checked == 200
    assert verifier.subjects == 4


def test_an_altered_event_breaks_the_link_of_the_next_event_on_its_subject():
    messages = history(50)
    following = next_on_subject(messages, 10)

    verifier = run(altered(messages, 10))

    assert kinds(verifier) == [("broken_link", following.seq)]
    problem = verifier.problems[0]
    assert problem.previous_seq == messages[10].seq
    assert problem.subject == messages[10].subject
    assert problem.found == following.headers[hdr.HEADER_PREV_HASH]


def test_a_removed_event_leaves_a_gap_and_a_broken_link():
    messages = history(50)
    following = next_on_subject(messages, 10)

    verifier = run(removed(messages, 10))

    assert kinds(verifier) == [("gap", 11), ("broken_link", following.seq)]
    assert verifier.problems[0].last_seq == 11


def test_removing_the_last_event_shows_as_a_gap_at_the_end():
    messages = history(20)

    verifier = run(messages[:-1], last_seq=20)

    assert kinds(verifier) == [("gap", 20)]


def test_two_events_of_a_subject_swapped_are_reported_as_reordered():
    messages = history(30, subjects=1)

    verifier = run(swapped(messages, 5))

    assert ("reordered", 6) in kinds(verifier)
    reordered = next(p for p in verifier.problems if p.kind == "reordered")
    assert reordered.last_seq == 7
    assert [k for k in kinds(verifier) if k[0] == "broken_link"] == [
        ("broken_link", 6),
        ("broken_link", 7),
    ]
    assert ("time_backwards", 7) in kinds(verifier)


def test_events_of_two_subjects_swapped_show_as_time_going_backwards():
    messages = history(30, subjects=2, seed=3)
    index = next(
        i for i in range(len(messages) - 1) if messages[i].subject != messages[i + 1].subject
    )

    verifier = run(swapped(messages, index))

    assert kinds(verifier) == [("time_backwards", messages[index + 1].seq)]


def test_a_missing_prev_hash_is_a_broken_link():
    messages = history(10, subjects=1)
    headers = {hdr.HEADER_EVENT_TYPE: "journal.TopicSet"}
    messages[4] = replace(messages[4], headers=headers)

    verifier = run(messages)

    assert kinds(verifier) == [("broken_link", 5), ("broken_link", 6)]  # hashed as recorded
    assert verifier.problems[0].found == "(missing)"


def test_an_unchained_stream_is_not_checked_for_links():
    messages = [
        Message(
            seq, f"dry.2026.s1.lesson.l{seq}", {}, b"{}", dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
        )
        for seq in range(1, 6)
    ]

    assert run(messages, chained=False).ok
    assert not run(messages).ok


def test_a_school_filter_checks_only_that_schools_subjects_but_every_gap():
    ours = history(20, school="s1")
    theirs = [
        replace(m, seq=m.seq + 20, subject=m.subject.replace(".s1.", ".s2."))
        for m in history(20, school="s1", start=ours[-1].time)
    ]
    theirs = altered(theirs, 3)

    verifier = run(removed([*ours, *theirs], 30), school="s1")

    assert verifier.checked == 20
    assert kinds(verifier) == [("gap", 31)]


def test_a_subject_filter_walk_does_not_count_skipped_sequences_as_gaps():
    messages = [m for m in history(40) if m.subject.endswith("l1")]

    assert run(messages, check_gaps=False).ok


def test_only_the_first_problems_are_kept_but_all_are_counted():
    messages = history(30, subjects=1)
    broken = [replace(m, headers={**m.headers, hdr.HEADER_PREV_HASH: "f" * 64}) for m in messages]

    verifier = run(broken, keep=5)

    assert len(verifier.problems) == 5
    assert verifier.problem_count == 30
