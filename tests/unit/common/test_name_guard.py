"""The name guard: every roster pupil named in a text, in any case and shape, becomes
«[ученик]»; a text without a roster name comes back unchanged."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from demo import names
from services.common.name_forms import normalised
from services.common.name_guard import PLACEHOLDER, NameGuard, guard_for
from tests.support import name_forms

Sex = Literal["m", "f"]
# Ordinary words a teacher writes: none of them is a form of a name of the demo's lists.
_ORDINARY = (
    "молодец отлично хорошо ответ у доски решить задачи прочитать параграф выучить правило "
    "контрольная работа сделать упражнение стр тема урока дроби сложение вычитание старается "
    "на и с по в к для повторить таблицу умножения написать сочинение план текста домашнее "
    "задание сегодня дежурный тетрадь забыл принести проверить ошибки исправить"
)
ORDINARY = tuple(_ORDINARY.split())
PUNCTUATION = (",", "—", ".", "!", ":", ";", "(", ")", "№ 5", "12")


@dataclass(frozen=True)
class Person:
    surname: str
    first: str
    patronymic: str | None
    sex: Sex

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.first, self.patronymic) if p)


@st.composite
def people(draw: st.DrawFn) -> Person:
    sex: Sex = draw(st.sampled_from(("m", "f")))
    firsts = names.CHILD_MALE if sex == "m" else names.CHILD_FEMALE
    surname = names.surname(draw(st.sampled_from(names.SURNAMES)), sex)
    patronymic = draw(
        st.none() | st.sampled_from(names.ADULT_MALE).map(lambda f: names.patronymic(f, sex))
    )
    return Person(surname, draw(st.sampled_from(firsts)), patronymic, sex)


def rosters() -> st.SearchStrategy[list[Person]]:
    return st.lists(people(), min_size=1, max_size=30, unique_by=lambda p: p.full_name)


def mention(person: Person, shape: str, case: str, joined: str) -> str:
    """`person` named in `case`, in `shape` (one initial where a second is asked for and the
    name has no patronymic)."""
    found = name_forms.mention(person.full_name, shape, case, joined=joined)
    return found or name_forms.mention(person.full_name, "surname-initial", case) or ""


ordinary_text = st.lists(
    st.sampled_from(ORDINARY) | st.sampled_from(PUNCTUATION), min_size=0, max_size=12
).map(" ".join)
QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@QUICK
@given(
    roster=rosters(),
    data=st.data(),
    lead=ordinary_text,
    between=st.lists(ordinary_text.filter(bool), max_size=2),
    tail=ordinary_text,
)
def test_every_declined_mention_of_a_roster_pupil_is_replaced_wherever_it_stands(
    roster, data, lead, between, tail
):
    # Two mentions with nothing but spaces between them are one run of name words («Александр
    # Александрович Иванов Александр Александрович»): some ordinary text stands between.
    pieces = [lead, *between, tail]
    guard = NameGuard(p.full_name for p in roster)
    mentions = [
        mention(
            data.draw(st.sampled_from(roster)),
            data.draw(st.sampled_from(name_forms.SHAPES)),
            data.draw(st.sampled_from(name_forms.CASES)),
            data.draw(st.sampled_from((" ", ""))),
        )
        for _ in pieces[1:]
    ]
    # Each mention stands between ordinary texts, apart from them by a space or punctuation.
    text, expected = pieces[0], pieces[0]
    for named, after in zip(mentions, pieces[1:], strict=True):
        text += f" {named} {after}"
        expected += f" {PLACEHOLDER} {after}"
    result = guard.redact(text)
    assert result == (expected, len(mentions)), mentions
    assert guard.count(result.text) == 0
    for person in roster:
        assert person.full_name not in result.text


@QUICK
@given(roster=rosters(), text=ordinary_text)
def test_a_text_without_a_roster_name_comes_back_unchanged(roster, text):
    guard = NameGuard(p.full_name for p in roster)
    result = guard.redact(text)
    assert result.text is text
    assert result.replaced == 0


@QUICK
@given(
    roster=rosters(),
    outsider=people(),
    case=st.sampled_from(name_forms.CASES),
    text=ordinary_text,
)
def test_someone_elses_name_is_left_alone(roster, outsider, case, text):
    # Not an outsider if a word of the name starts like a roster pupil's (Иванов / Иван).
    taken = {normalised(word)[:4] for p in roster for word in p.full_name.split()}
    assume(not {normalised(word)[:4] for word in outsider.full_name.split()} & taken)
    shaped = f"{text} {mention(outsider, 'surname-first', case, ' ')} {text}"
    assert guard_for(p.full_name for p in roster).redact(shaped) == (shaped, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Акимова Вероника Антоновна — молодец", "[ученик] — молодец"),
        ("Похвалить Акимову Веронику", "Похвалить [ученик]"),
        ("Акимовой Веронике — зачёт", "[ученик] — зачёт"),
        ("спросить Акимову В.", "спросить [ученик]"),
        ("Акимова В. А. отвечала у доски", "[ученик] отвечала у доски"),
        ("В. А. Акимовой поставить 5", "[ученик] поставить 5"),
        ("В.А.Акимова", "[ученик]"),
        ("Веронике Антоновне", "[ученик]"),
        ("АКИМОВОЙ ВЕРОНИКЕ", "[ученик]"),
        ("Акимовой Веронике и Петру Иванову", "[ученик] и [ученик]"),
        ("Петров-Водкин Ян: доклад", "[ученик]: доклад"),
        ("Артёму Соловьёву", "[ученик]"),
        ("Артему Соловьеву", "[ученик]"),
        ("Шевченко Яну", "[ученик]"),
        ("Акимова В. И. Петров", "[ученик] И. Петров"),
        ("Акимова_Вероника.pdf", "[ученик].pdf"),  # a file's name
        ("доклад_Акимовой_В_А.docx", "доклад_[ученик].docx"),
        ("Акимова-Вероника-реферат.pdf", "[ученик]-реферат.pdf"),
        ("Акимова В.А.pdf", "[ученик].pdf"),
        ("П. Иванов и В. Акимова", "[ученик] и [ученик]"),
    ],
)
def test_the_forms_a_teacher_types(text, expected):
    guard = NameGuard(
        [
            "Акимова Вероника Антоновна",
            "Иванов Пётр Сергеевич",
            "Петров-Водкин Ян",
            "Соловьёв Артём Ильич",
            "Шевченко Ян Олегович",
        ]
    )
    assert guard.redact(text) == (expected, 1 + (" и " in text))


@pytest.mark.parametrize(
    "text",
    [
        "Акимова молодец",  # a surname alone
        "Вероника, молодец",  # a first name alone
        "Акимова, Вероника",  # not adjacent
        "Читать Л. Н. Толстого",  # nobody of the roster
        "Иван Петров",  # another person, though the roster has «Иванов Пётр»
        "класс 5А. Акимова",  # a class label is no initial
        "Басни И. А. Акимова",  # initials of someone else («И. А.», not «А.»)
        "Акимова В. Б.",  # «В. Б.» is not «В. А.»
        "",
    ],
)
def test_what_is_not_a_mention(text):
    guard = NameGuard(["Акимова Вероника Антоновна", "Иванов Пётр Сергеевич"])
    assert guard.redact(text) == (text, 0)


def test_words_in_any_script_are_read_and_a_roster_name_in_one_is_found():
    # pymorphy3 fails on letters without a Unicode name (Tangut): such a word is itself only.
    guard = NameGuard(["Акимова Вероника Антоновна", "\U00017000\U00017001 \U0001777b"])
    text = "\U00017000\U00017001 \U0001777b, Акимова Вероника: \U0001777b 𐐷 ß ٣ 你好"
    assert guard.redact(text) == ("[ученик], [ученик]: \U0001777b 𐐷 ß ٣ 你好", 2)


@given(st.text())
@settings(max_examples=300)
def test_no_text_makes_the_guard_fail(text):
    redacted, count = NameGuard(["Акимова Вероника Антоновна"]).redact(text)
    assert count >= 0
    assert isinstance(redacted, str)


def test_a_roster_without_names_or_with_one_word_names_finds_nothing():
    assert NameGuard([]).redact("Акимова Вероника") == ("Акимова Вероника", 0)
    assert len(NameGuard(["Акимова", "  "])) == 0


def test_equal_rosters_share_one_guard():
    assert guard_for(["Б Б", "А А"]) is guard_for(["А А", "Б Б", "А А"])


def test_a_short_text_costs_little_against_a_school_of_a_thousand():
    picker = names.NamePicker(__import__("random").Random(5))
    roster = [picker.child("m" if i % 2 else "f") for i in range(1000)]
    guard = NameGuard(roster)
    texts = [
        "Сложение и вычитание дробей с одинаковыми знаменателями",
        "§12, упр. 3-5; выучить правило на стр. 45",
        "Хорошо ответил у доски, но забыл тетрадь",
    ]
    for text in texts:
        guard.redact(text)  # the words' parses are cached from now on
    started = time.perf_counter()
    for _ in range(300):
        for text in texts:
            guard.redact(text)
    per_text = (time.perf_counter() - started) / 900
    assert per_text < 0.001, per_text  # typically about 10 µs
