"""Texts that name a pupil: sealed under the named pupils' keys as typed, redacted in the clear.

`services.common.named_sealing.seal_named_texts` (the journal's writer) and the key ring that opens
them (`services.common.sealing.KeyRing`), over the real contracts and name guard.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.base import Event
from contracts.envelope import Actor
from contracts.free_texts import free_texts
from contracts.journal import (
    Attachment,
    HomeworkAttachmentAdded,
    HomeworkSet,
    LessonEntriesSaved,
    MarkEntry,
    MarkRecorded,
    PupilRegistered,
    TopicSet,
)
from contracts.personal import NAMED, SEALED, keep_sealed
from contracts.registry import JOURNAL_REGISTRY
from services.common.aggregate import Aggregate, Decision, EventLog, Issued
from services.common.eventstore import Version
from services.common.eventstore_memory import InMemoryEventStore
from services.common.keystore import keys_of_bodies, keys_of_payloads, seal_payload
from services.common.keystore_memory import InMemoryKeyStore
from services.common.name_guard import PLACEHOLDER, RosterGuard
from services.common.named_sealing import seal_named_texts
from services.common.sealing import UnopenableBox

SCHOOL = "s1"
ROSTER = {
    "p1": "Акимова Вероника Антоновна",
    "p2": "Борисов Иван Петрович",
    "p3": "Акимова Валерия Игоревна",
}


class Roster:
    """The writer's roster (`PupilNames`), counting its reads."""

    def __init__(self, pupils: dict[str, str]) -> None:
        self.pupils = pupils
        self.reads = 0

    async def guard(self, school: str) -> RosterGuard:
        assert school == SCHOOL
        self.reads += 1
        return RosterGuard(self.pupils.items())


def mark(comment: str | None) -> MarkRecorded:
    return MarkRecorded(
        mark=MarkEntry(
            mark_id="m1", pupil_id="p1", value="5", work_kind_id="answer", weight=1, comment=comment
        )
    )


async def written(event: Event, keys: InMemoryKeyStore, roster: Roster | None = None) -> dict:
    """The payload as the journal writes it: personal fields sealed, then the named texts."""
    payload = await seal_payload(keys, SCHOOL, event)
    return await seal_named_texts(keys, roster or Roster(ROSTER), SCHOOL, type(event), payload)


async def read(payload: dict, keys: InMemoryKeyStore, event_type: str) -> Event:
    ring = await keys.ring(keys_of_payloads([payload]))
    return JOURNAL_REGISTRY.decode(event_type, 1, payload, ring)


async def test_a_comment_naming_a_pupil_travels_redacted_and_opens_as_typed():
    keys = InMemoryKeyStore()
    event = mark("Акимовой Веронике — молодец")
    payload = await written(event, keys)
    wire = json.dumps(payload, ensure_ascii=False)
    assert "Акимов" not in wire
    assert "Вероник" not in wire
    assert payload["mark"]["comment"] == f"{PLACEHOLDER} — молодец"
    (entry,) = payload[NAMED]
    assert entry["at"] == ["mark", "comment"]
    assert entry["keys"] == [f"{SCHOOL}/pupil/p1"]
    assert keys_of_bodies([json.dumps({"data": payload}).encode()]) == {f"{SCHOOL}/pupil/p1"}
    assert await read(payload, keys, event.event_type) == event


async def test_once_a_named_pupil_is_erased_the_text_reads_redacted():
    keys = InMemoryKeyStore()
    event = mark("Акимовой Веронике и Ивану Борисову — молодцы")
    payload = await written(event, keys)
    assert payload[NAMED][0]["keys"] == [f"{SCHOOL}/pupil/p1", f"{SCHOOL}/pupil/p2"]
    await keys.erase(SCHOOL, "pupil", "p2", by="admin", reason="по заявлению")
    after = await read(payload, keys, event.event_type)
    assert after.mark.comment == f"{PLACEHOLDER} и {PLACEHOLDER} — молодцы"


async def test_readers_without_keys_read_the_redacted_text():
    keys = InMemoryKeyStore()
    event = mark("спросить Акимову В.")
    payload = await written(event, keys)
    # Both Акимовы fit «Акимова В.»: both keys.
    assert payload[NAMED][0]["keys"] == [f"{SCHOOL}/pupil/p1", f"{SCHOOL}/pupil/p3"]
    for opener in (None, keep_sealed):
        decoded = JOURNAL_REGISTRY.decode(event.event_type, 1, payload, opener)
        assert decoded.mark.comment == f"спросить {PLACEHOLDER}"


async def test_a_text_naming_nobody_travels_as_typed_and_no_roster_is_read_without_texts():
    keys, roster = InMemoryKeyStore(), Roster(ROSTER)
    event = mark("Акимова молодец")  # a surname alone is no mention
    assert await written(event, keys, roster) == event.model_dump(mode="json")
    assert roster.reads == 1
    assert await written(mark(None), keys, roster) == mark(None).model_dump(mode="json")
    assert roster.reads == 1


async def test_a_text_naming_an_erased_pupil_keeps_no_box():
    keys = InMemoryKeyStore()
    await keys.sealing_key(SCHOOL, "pupil", "p1")
    await keys.erase(SCHOOL, "pupil", "p1", by="admin", reason="по заявлению")
    payload = await written(mark("Акимовой Веронике — молодец"), keys)
    assert NAMED not in payload
    assert payload["mark"]["comment"] == f"{PLACEHOLDER} — молодец"


async def test_a_box_moved_to_another_text_does_not_open():
    keys = InMemoryKeyStore()
    payload = await written(TopicSet(topic="Доклад Ивана Борисова"), keys)
    moved = {**payload, NAMED: [{**payload[NAMED][0], "at": ["correction_reason"]}]}
    ring = await keys.ring(keys_of_payloads([moved]))
    with pytest.raises(UnopenableBox):
        ring(TopicSet.event_type, moved)


async def test_every_text_of_a_whole_lesson_is_found_and_kept_within_its_field():
    keys = InMemoryKeyStore()
    long_comment = "Ли Ян " * 83  # 498 characters; each mention grows by three
    event = LessonEntriesSaved(
        topic="Стихи Ивана Борисова",
        homework=HomeworkSet(text="Повторить с Акимовой Вероникой", due_on=dt.date(2026, 9, 3)),
        marks=(
            MarkEntry(mark_id="m1", pupil_id="p9", value="5", work_kind_id="w", weight=1),
            MarkEntry(
                mark_id="m2",
                pupil_id="p9",
                value="4",
                work_kind_id="w",
                weight=1,
                comment=long_comment.strip(),
            ),
        ),
    )
    roster = Roster({**ROSTER, "p9": "Ли Ян"})
    paths = [t.path for t in free_texts(LessonEntriesSaved, event.model_dump(mode="json"))]
    assert paths == [
        ("topic",),
        ("homework", "text"),
        ("marks", 1, "comment"),
    ]
    payload = await written(event, keys, roster)
    assert [e["at"] for e in payload[NAMED]] == [
        ["topic"],
        ["homework", "text"],
        ["marks", 1, "comment"],
    ]
    assert len(payload["marks"][1]["comment"]) == 500  # cut to the comment's length
    assert JOURNAL_REGISTRY.decode(event.event_type, 1, payload)  # valid without keys too
    assert await read(payload, keys, event.event_type) == event


async def test_a_file_name_is_a_text():
    keys = InMemoryKeyStore()
    attachment = Attachment(
        attachment_id="a1",
        name="Акимова_Вероника.pdf",
        size=1,
        media_type="application/pdf",
        sha256="0" * 64,
    )
    event = HomeworkAttachmentAdded(attachment=attachment)
    payload = await written(event, keys)
    assert payload["attachment"]["name"] == f"{PLACEHOLDER}.pdf"
    assert payload[NAMED][0]["at"] == ["attachment", "name"]
    assert await read(payload, keys, event.event_type) == event


async def test_a_personal_field_is_sealed_as_such_not_as_a_text():
    keys = InMemoryKeyStore()
    pupil = PupilRegistered(pupil_id="p1", full_name=ROSTER["p1"], birth_date=dt.date(2015, 3, 8))
    payload = await written(pupil, keys)
    assert NAMED not in payload
    assert SEALED in payload
    assert (
        JOURNAL_REGISTRY.decode(
            pupil.event_type, 2, payload, await keys.ring(keys_of_payloads([payload]))
        )
        == pupil
    )


FIRST_NAMES = ("Вероника", "Иван", "Алиса", "Пётр")
SURNAMES = ("Акимова", "Борисов", "Крылова", "Петров")
FILLER = st.lists(
    st.sampled_from(("молодец", "задание", "к", "доклад", "отлично", "—")), max_size=4
)


@st.composite
def rosters(draw: st.DrawFn) -> dict[str, str]:
    names = draw(
        st.lists(
            st.tuples(st.sampled_from(SURNAMES), st.sampled_from(FIRST_NAMES)),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    return {f"p{i}": f"{surname} {first}" for i, (surname, first) in enumerate(names)}


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(roster=rosters(), data=st.data())
async def test_round_trip_and_erasure_for_any_roster_and_mention(roster, data):
    """Sealed, a text with a roster name opens as typed; with the pupil erased, no text holds
    their name in any form the guard knows."""
    keys = InMemoryKeyStore()
    pupil = data.draw(st.sampled_from(sorted(roster)))
    surname, first = roster[pupil].split()
    mention = data.draw(
        st.sampled_from((f"{surname} {first}", f"{first} {surname}", f"{surname} {first[0]}."))
    )
    before, after = data.draw(FILLER), data.draw(FILLER)
    comment = " ".join([*before, mention, *after])
    event = mark(comment)
    payload = await written(event, keys, Roster(roster))
    assert await read(payload, keys, event.event_type) == event
    await keys.erase(SCHOOL, "pupil", pupil, by="admin", reason="по заявлению")
    erased = await read(payload, keys, event.event_type)
    assert RosterGuard([(pupil, roster[pupil])]).named(erased.mark.comment or "")[1] == ()
    assert surname not in json.dumps(payload, ensure_ascii=False)


async def test_a_fold_without_keys_never_serves_one_with_keys():
    """A history with a sealed text is folded whole each time: the state a reader without keys
    folded («[ученик]») is not kept for a fold with keys (an erasure's redaction needs the text
    as typed), nor is one with keys kept past an erasure."""
    keys, store = InMemoryKeyStore(), InMemoryEventStore()
    log = EventLog(store, lambda: dt.datetime(2026, 9, 1, tzinfo=dt.UTC), keys, Roster(ROSTER))
    topics = Aggregate[str | None](None, lambda _, e: getattr(e, "topic", None), JOURNAL_REGISTRY)
    meta = Issued("c1", "c1", Actor(id="t1", role="teacher"), SCHOOL)
    decision = Decision(TopicSet(topic="Доклад Ивана Борисова"), meta.actor, 2026)
    envelope = await log.envelope(meta, "lesson-1", decision)
    await store.append("lesson-1", envelope, expected=Version(), msg_id="c1")
    history = await store.load("lesson-1")
    assert topics.fold(history) == f"Доклад {PLACEHOLDER}"
    assert await log.fold(topics, history) == "Доклад Ивана Борисова"
    await keys.erase(SCHOOL, "pupil", "p2", by="admin", reason="по заявлению")
    assert await log.fold(topics, history) == f"Доклад {PLACEHOLDER}"
