"""Sealing personal fields: what travels, what opens, what reads as erased."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.journal import PupilRegistered, StaffMemberRegistered
from contracts.personal import ERASED, SEALED, SealedWithoutKeys, keep_sealed, resealed
from contracts.personal_schema import wire_schema
from contracts.registry import ENROLLMENT_REGISTRY, JOURNAL_REGISTRY
from services.common.sealing import KeyRing, MissingKey, UnopenableBox, new_key, seal

KEY_ID = "s1/pupil/p1"
PUPIL = PupilRegistered(
    pupil_id="p1", full_name="Акимова Вероника Антоновна", birth_date=dt.date(2015, 3, 8)
)


def sealed_pupil(key: bytes) -> dict[str, object]:
    return seal(PUPIL.event_type, PUPIL.model_dump(mode="json"), KEY_ID, key)


def test_a_sealed_payload_carries_no_personal_field_in_the_clear():
    payload = sealed_pupil(new_key())
    text = json.dumps(payload, ensure_ascii=False)
    assert "Акимова" not in text
    assert "2015" not in text
    assert set(payload) == {"pupil_id", SEALED}
    assert payload[SEALED]["key"] == KEY_ID


def test_it_opens_into_the_model_with_its_key():
    key = new_key()
    event = JOURNAL_REGISTRY.decode(PUPIL.event_type, 2, sealed_pupil(key), KeyRing({KEY_ID: key}))
    assert event == PUPIL


def test_once_the_key_is_destroyed_it_reads_as_erased():
    event = JOURNAL_REGISTRY.decode(
        PUPIL.event_type, 2, sealed_pupil(new_key()), KeyRing({KEY_ID: None})
    )
    assert isinstance(event, PupilRegistered)
    assert (event.pupil_id, event.full_name, event.birth_date) == ("p1", ERASED, None)


def test_a_key_the_store_does_not_know_is_an_error_not_an_erasure():
    with pytest.raises(MissingKey):
        JOURNAL_REGISTRY.decode(PUPIL.event_type, 2, sealed_pupil(new_key()), KeyRing())


def test_a_reader_without_keys_refuses_a_sealed_payload():
    with pytest.raises(SealedWithoutKeys):
        JOURNAL_REGISTRY.decode(PUPIL.event_type, 2, sealed_pupil(new_key()))


def test_a_box_does_not_open_under_another_key_nor_in_another_event():
    key = new_key()
    payload = sealed_pupil(key)
    with pytest.raises(UnopenableBox):
        KeyRing({KEY_ID: new_key()})(PUPIL.event_type, payload)
    moved = {"staff_id": "p1", "position": "учитель", SEALED: payload[SEALED]}
    with pytest.raises(UnopenableBox):
        KeyRing({KEY_ID: key})(StaffMemberRegistered.event_type, moved)


def test_a_v1_payload_in_the_clear_still_reads():
    clear = PUPIL.model_dump(mode="json")
    assert JOURNAL_REGISTRY.decode(PUPIL.event_type, 1, clear) == PUPIL


def test_an_applicants_contact_is_sealed_and_erased_with_the_name():
    data = {
        "application_id": "a1",
        "pupil_id": "p1",
        "uid": 100001,
        "relation": "parent",
        "applicant_name": "Акимова Светлана Петровна",
        "kinship": "mother",
        "contact": "+7 900 000-00-00",
    }
    payload = seal("enrollment.ApplicationSubmitted", data, "s1/applicant/a1", new_key())
    assert "+7 900" not in json.dumps(payload)
    event = ENROLLMENT_REGISTRY.decode(
        "enrollment.ApplicationSubmitted", 2, payload, KeyRing({"s1/applicant/a1": None})
    )
    assert event.model_dump()["applicant_name"] == ERASED
    assert event.model_dump()["contact"] is None


def test_a_reader_keeping_payloads_puts_the_box_back_as_it_was():
    payload = sealed_pupil(new_key())
    event = JOURNAL_REGISTRY.decode(PUPIL.event_type, 2, payload, keep_sealed)
    again = resealed(PUPIL.event_type, event.model_dump(mode="json"), payload[SEALED])
    assert again == payload


def test_the_published_schema_shows_the_sealed_object_not_the_fields():
    schema = wire_schema(PUPIL.event_type, PupilRegistered.model_json_schema())
    assert set(schema["properties"]) == {"pupil_id", SEALED}
    assert set(schema["required"]) == {"pupil_id", SEALED}


@given(st.text(min_size=1, max_size=200).filter(lambda s: s.strip() and "\x00" not in s))
def test_any_name_round_trips(name: str):
    key = new_key()
    data = {"staff_id": "t1", "full_name": name, "position": "учитель"}
    payload = seal("journal.StaffMemberRegistered", data, "s1/staff/t1", key)
    opened = KeyRing({"s1/staff/t1": key})("journal.StaffMemberRegistered", payload)
    assert opened == data
