"""The staff directory in the exporter's fold: teachers only, by surname and initials, with the
subjects they teach; published (its seq moved) exactly when what it says changes."""

from __future__ import annotations

import itertools
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts import subjects
from contracts.base import Event
from contracts.diary import StaffDirectoryRecord
from contracts.journal import (
    ClassOpened,
    PersonErased,
    PupilJoinedClass,
    StaffMemberRegistered,
    TeachingAssigned,
    TeachingUnassigned,
)
from contracts.personal import ERASED
from services.exporter.domain.docs import ROLL, Folded
from services.exporter.domain.fold import DocId, doc_keys, evolve_docs
from services.exporter.domain.pseudonym import Pseudonymiser
from services.exporter.domain.records import RECORD_MODELS, published, to_record
from services.exporter.domain.stored_docs import dump_state

S, Y = "s1", 2026
PSEUDO = Pseudonymiser(b"staff-directory-test-key-0123456789")
STAFF = ("t1", "t2", "t3", "dir")
FULL_NAMES = {
    "t1": ("Иванова Анна Викторовна", "Смирнова Анна Викторовна", "Иванова Алла Викторовна"),
    "t2": ("Петров Олег",),
    "t3": ("Сидоров Пётр Ильич",),
    "dir": ("Кузнецова Мария Степановна",),
}
CLASSES = ("5a", "6b")
DIRECTORY: DocId = ("staff", S)
History = list[tuple[str, Event]]


def registered(staff_id: str, name: int = 0) -> tuple[str, Event]:
    names = FULL_NAMES[staff_id]
    event = StaffMemberRegistered(
        staff_id=staff_id, full_name=names[name % len(names)], position="учитель"
    )
    return subjects.staff_member(Y, S, staff_id), event


def assigned(teacher: str, subject: str, class_id: str = "5a", group=None) -> tuple[str, Event]:
    event = TeachingAssigned(teacher_id=teacher, subject_id=subject, group=group)
    return subjects.school_class(Y, S, class_id), event


def unassigned(teacher: str, subject: str, class_id: str = "5a", group=None) -> tuple[str, Event]:
    event = TeachingUnassigned(teacher_id=teacher, subject_id=subject, group=group)
    return subjects.school_class(Y, S, class_id), event


def fold_into(
    docs: dict[DocId, Folded], history: History, first_seq: int = 1
) -> dict[DocId, Folded]:
    result = dict(docs)
    for seq, (subject, event) in enumerate(history, start=first_seq):
        stored = {k: result[k] for k in doc_keys(subject) if k in result}
        result.update(evolve_docs(stored, event, subject=subject, seq=seq))
    return result


def shown(doc: Folded) -> dict:
    """What the document's record says."""
    return published(doc, PSEUDO.of).content


def stored(docs: dict[DocId, Folded]) -> str:
    """Every document as the exporter stores it."""
    return " ".join(dump_state(d.kind, d.state) for d in docs.values())


def listed(docs: dict[DocId, Folded]) -> list[tuple[str, str, list[str]]]:
    doc = docs.get(DIRECTORY)
    if doc is None:
        return []
    return [(t["staff_id"], t["short_name"], t["subjects"]) for t in shown(doc)["teachers"]]


def test_teachers_are_listed_by_surname_and_initials_with_their_subjects():
    docs = fold_into(
        {},
        [
            registered("t1"),
            registered("t2"),
            registered("dir"),
            assigned("t1", "math"),
            assigned("t1", "math", "6b"),
            assigned("t1", "algebra", "6b", group="g1"),
            assigned("t2", "rus"),
        ],
    )
    assert listed(docs) == [
        ("t1", "Иванова А. В.", ["algebra", "math"]),
        ("t2", "Петров О.", ["rus"]),
    ]
    record = to_record(published(docs[DIRECTORY], PSEUDO.of), "b1", 0)
    assert isinstance(record, StaffDirectoryRecord)
    assert (record.record_kind, record.record_id, record.seq) == ("staff", S, 7)
    assert record.content() == shown(docs[DIRECTORY])


def test_no_full_name_and_no_one_who_teaches_nothing_is_kept_anywhere():
    docs = fold_into({}, [registered("t1"), registered("dir"), assigned("t1", "math")])
    every_doc = stored(docs)
    for names in FULL_NAMES.values():
        for name in names:
            assert name not in every_doc
            assert " ".join(name.split()[:2]) not in every_doc  # surname + first name
    published = json.dumps(shown(docs[DIRECTORY]), ensure_ascii=False)
    assert "Кузнецова" not in published  # the director teaches nothing
    assert docs[(ROLL, S)].state.names["dir"] == "Кузнецова М. С."


def test_nothing_is_published_before_someone_teaches():
    docs = fold_into({}, [registered("t1"), registered("dir"), assigned("t9", "math")])
    assert DIRECTORY not in docs  # t9 teaches but was never registered: no name to show
    docs = fold_into(docs, [registered("t3")], first_seq=4)
    assert DIRECTORY not in docs


def test_a_teacher_leaves_with_their_last_assignment():
    history = [
        registered("t1"),
        assigned("t1", "math"),
        assigned("t1", "math", "6b"),
        unassigned("t1", "math"),
    ]
    docs = fold_into({}, history)
    assert listed(docs) == [("t1", "Иванова А. В.", ["math"])]
    assert docs[DIRECTORY].seq == 2  # the third and fourth events changed nothing listed
    docs = fold_into(docs, [unassigned("t1", "math", "6b")], first_seq=5)
    assert listed(docs) == []
    assert docs[DIRECTORY].seq == 5
    assert to_record(published(docs[DIRECTORY], PSEUDO.of), "b1", 0).content() == {
        "school_id": S,
        "teachers": [],
    }


def test_only_a_change_of_what_is_listed_moves_the_directory():
    docs = fold_into({}, [registered("t1"), assigned("t1", "math")])
    assert docs[DIRECTORY].seq == 2
    quiet = [
        registered("dir"),  # not a teacher
        registered("t1"),  # the same name again
        (subjects.school_class(Y, S, "5a"), PupilJoinedClass(pupil_id="p1", since="2026-09-01")),
        (
            subjects.school_class(Y, S, "5a"),
            ClassOpened(class_id="5a", grade=5, label="5А", class_teacher_id="dir"),
        ),
    ]
    docs = fold_into(docs, quiet, first_seq=3)
    assert docs[DIRECTORY].seq == 2
    docs = fold_into(docs, [registered("t1", name=2)], first_seq=7)  # the same short form
    assert docs[DIRECTORY].seq == 2
    docs = fold_into(docs, [registered("t1", name=1)], first_seq=8)  # a new surname
    assert docs[DIRECTORY].seq == 8
    assert listed(docs) == [("t1", "Смирнова А. В.", ["math"])]


def test_a_redelivered_event_changes_nothing():
    history = [registered("t1"), assigned("t1", "math"), unassigned("t1", "math")]
    docs = fold_into({}, history)
    assert fold_into(docs, history) == docs  # every event again, at its own seq
    assert fold_into(docs, history[1:], first_seq=2) == docs


def test_the_roll_is_no_record():
    assert ROLL not in RECORD_MODELS
    assert doc_keys(subjects.staff_member(Y, S, "t1")) == [(ROLL, S), DIRECTORY]
    assert doc_keys(subjects.pupil(Y, S, "p1")) == []


# ---------------------------------------------------------------- properties

duty = (
    st.sampled_from(STAFF[:3]),
    st.sampled_from(("math", "rus")),
    st.sampled_from(CLASSES),
    st.sampled_from((None, "g1")),
)
"""Who teaches what in which class and group: the arguments of `assigned` and `unassigned`."""
steps = st.one_of(
    st.builds(registered, st.sampled_from(STAFF), st.integers(0, 2)),
    st.builds(assigned, *duty),
    st.builds(unassigned, *duty),
)


histories = st.lists(steps, max_size=30)


def expected(history: History) -> list[tuple[str, str, list[str]]]:
    """The directory straight from the history: the last name of each member of staff, the
    assignments still in force."""
    names: dict[str, str] = {}
    teaching: set[tuple[str, str, str, str | None]] = set()
    for subject, event in history:
        if isinstance(event, StaffMemberRegistered):
            surname, first, *rest = event.full_name.split()
            names[event.staff_id] = " ".join([surname, f"{first[0]}.", *(f"{r[0]}." for r in rest)])
        else:
            entry = (event.teacher_id, event.subject_id, subject.split(".")[3], event.group)
            if isinstance(event, TeachingAssigned):
                teaching.add(entry)
            else:
                teaching.discard(entry)
    return [
        (staff_id, names[staff_id], sorted({t[1] for t in teaching if t[0] == staff_id}))
        for staff_id in sorted({t[0] for t in teaching})
        if staff_id in names
    ]


@given(histories)
@settings(max_examples=300, deadline=None)
def test_the_directory_lists_exactly_who_teaches_what(history):
    docs = fold_into({}, history)
    assert listed(docs) == expected(history)
    if DIRECTORY in docs:
        to_record(published(docs[DIRECTORY], PSEUDO.of), "b1", 0)  # valid as its contract


@given(histories)
@settings(max_examples=300, deadline=None)
def test_no_full_first_name_or_patronymic_is_ever_kept(history):
    text = stored(fold_into({}, history))
    for names in FULL_NAMES.values():
        for name in names:
            for given_name in name.split()[1:]:
                assert given_name not in text


@given(histories, st.lists(st.integers(0, 30), max_size=5))
@settings(max_examples=300, deadline=None)
def test_deltas_publish_the_directory_whenever_it_changes(history, cuts):
    bounds = sorted({0, len(history), *(min(c, len(history)) for c in cuts)})
    state: dict[DocId, Folded] = {}
    diary: dict[DocId, Folded] = {}
    for start, end in itertools.pairwise(bounds):
        state = fold_into(state, history[start:end], first_seq=start + 1)
        delta = {k: d for k, d in state.items() if d.kind in RECORD_MODELS and start < d.seq <= end}
        for key, doc in delta.items():
            if key not in diary or diary[key].seq < doc.seq:
                diary[key] = doc
    full = {k: d for k, d in fold_into({}, history).items() if d.kind in RECORD_MODELS}
    assert diary == full


def erased(staff_id: str) -> tuple[str, Event]:
    event = PersonErased(kind="staff", person=staff_id, reason="уволилась, срок хранения истёк")
    return subjects.erasure(Y, S, "staff", staff_id), event


def test_an_erased_teacher_leaves_the_directory_live_and_read_again_from_the_start():
    teaching = [registered("t1"), registered("t2"), assigned("t1", "math"), assigned("t2", "rus")]
    live = fold_into({}, [*teaching, erased("t1")])
    assert listed(live) == [("t2", "Петров О.", ["rus"])]
    assert "Иванова" not in stored(live)
    # Rebuilt once the key is gone: the registration reads «[удалено]», then the erasure.
    gone = StaffMemberRegistered(staff_id="t1", full_name=ERASED, position="учитель")
    replayed = [(teaching[0][0], gone), *teaching[1:], erased("t1")]
    assert fold_into({}, replayed)[ROLL, S].state == live[ROLL, S].state


def test_one_roll_is_stored_as_one_text_whatever_order_it_was_filled_in():
    """The stored text is hashed (`docs.digest`): a rebuild must store what the live fold did."""
    one = fold_into({}, [registered("t1"), registered("t2")])[ROLL, S]
    other = fold_into({}, [registered("t2"), registered("t1")])[ROLL, S]
    assert one.state == other.state
    assert dump_state(ROLL, one.state) == dump_state(ROLL, other.state)
