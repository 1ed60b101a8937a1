"""The one text type (`contracts.text`): what it refuses, how it normalises, how it reads back."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Annotated

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from contracts.journal import TopicSet
from contracts.registry import JOURNAL_REGISTRY
from contracts.text import PRINTABLE, STORED, Name, TextRules

PLAIN = TypeAdapter(Annotated[str, TextRules(max_length=100_000)])
NAME = TypeAdapter(Name)
REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

# Any code point, surrogates and controls included, with the interesting ones made frequent.
ANY_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=()),
        st.sampled_from("\x00\t\n\r\x07\x1f\x7f\x85\x9f\ud800\udfff\u0301e\u00e9 "),
    )
)


@given(ANY_TEXT)
def test_any_string_is_refused_or_comes_back_as_its_nfc_form(value):
    if REFUSED.search(value):
        with pytest.raises(ValidationError) as refused:
            PLAIN.validate_python(value)
        assert {e["type"] for e in refused.value.errors()} == {"invalid_text"}
    else:
        assert PLAIN.validate_python(value) == unicodedata.normalize("NFC", value)


@given(ANY_TEXT)
def test_a_json_body_is_judged_like_a_python_value(value):
    # The HTTP APIs and the streams read JSON: the same verdict from there.
    assert _verdict(PLAIN.validate_json, json.dumps(value)) == _verdict(
        PLAIN.validate_python, value
    )


def _verdict(validate, value):
    try:
        return validate(value)
    except ValidationError:
        return None


def test_tab_and_newline_are_kept():
    assert PLAIN.validate_python("a\tb\nc\n") == "a\tb\nc\n"
    assert NAME.validate_python("  Анна\tМария  ") == "Анна\tМария"


@pytest.mark.parametrize(
    ("value", "character", "position"),
    [
        ("тема\x00", "NUL", 4),
        ("a\ud800b", "a lone surrogate", 1),
        ("line\r\nnext", "a carriage return", 4),
        ("\x07bell", "a control character", 0),
        ("c1\x85", "a control character", 2),
    ],
)
def test_a_refusal_names_the_class_and_position_never_the_value(value, character, position):
    with pytest.raises(ValidationError) as refused:
        PLAIN.validate_python(value)

    (error,) = refused.value.errors(include_input=False)
    assert error["type"] == "invalid_text"
    assert (error["ctx"]["character"], error["ctx"]["position"]) == (character, position)
    assert value.strip("\x00\r\n\x07\x85\ud800") not in error["msg"]


def test_lengths_count_the_normalised_trimmed_text():
    one = TypeAdapter(Annotated[str, TextRules(max_length=1, min_length=1, strip=True)])

    assert one.validate_python(" e\u0301 ") == "\u00e9"
    with pytest.raises(ValidationError, match="string_too_short"):
        one.validate_python("   ")
    with pytest.raises(ValidationError, match="string_too_long"):
        one.validate_python("ab")


def test_bytes_are_not_a_text():
    with pytest.raises(ValidationError, match="string_type"):
        PLAIN.validate_python(b"a\x00b")


def test_a_stored_value_is_read_as_written_but_never_with_nul():
    stored = "line\r\nnext e\u0301"

    assert PLAIN.validate_python(stored, context=STORED) == stored
    with pytest.raises(ValidationError, match="invalid_text"):
        PLAIN.validate_python("a\x00b", context=STORED)


def test_the_registry_reads_an_old_event_with_a_carriage_return_as_it_was_written():
    with pytest.raises(ValidationError):
        TopicSet(topic="Дроби\r\nи доли")

    event = JOURNAL_REGISTRY.decode("journal.TopicSet", 1, {"topic": "Дроби\r\nи доли"})

    assert event == TopicSet.model_construct(topic="Дроби\r\nи доли")


def test_the_json_schema_states_lengths_and_refused_characters():
    schema = NAME.json_schema()

    assert schema == {"type": "string", "minLength": 1, "maxLength": 200, "pattern": PRINTABLE}
