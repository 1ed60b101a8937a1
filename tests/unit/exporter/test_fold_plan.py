"""The school record carries the year's plan: the periods of each grade, how subjects are
assessed in some grades, and the days off, as the kernel's plan reads them."""

from __future__ import annotations

import datetime as dt
import json

from contracts import journal as j
from contracts import subjects
from contracts.base import Event
from contracts.diary import SchoolRecord
from services.common.name_guard import PLACEHOLDER, NameGuard
from services.exporter.domain.docs import Folded
from services.exporter.domain.fold import evolve
from services.exporter.domain.fold_school import SchoolState
from services.exporter.domain.pseudonym import Pseudonymiser
from services.exporter.domain.records import published, to_record
from services.exporter.domain.redaction import redact_content
from services.exporter.domain.stored import dumps
from services.exporter.domain.stored_docs import dump_state, load_state

S, Y = "s1", 2026
SCHOOL = subjects.school_config(Y, S)
PSEUDO = Pseudonymiser(b"k" * 32)
Q = tuple(
    j.Period(period_id=f"q{n}", name=f"{n} четверть", starts_on=a, ends_on=b)
    for n, (a, b) in enumerate(
        (
            (dt.date(2026, 9, 1), dt.date(2026, 10, 25)),
            (dt.date(2026, 11, 5), dt.date(2026, 12, 28)),
            (dt.date(2027, 1, 9), dt.date(2027, 3, 22)),
            (dt.date(2027, 4, 1), dt.date(2027, 5, 26)),
        ),
        start=1,
    )
)
H = (
    j.Period(
        period_id="h1",
        name="1 полугодие",
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 12, 28),
    ),
    j.Period(
        period_id="h2",
        name="2 полугодие",
        starts_on=dt.date(2027, 1, 9),
        ends_on=dt.date(2027, 5, 26),
    ),
)
OPENED = j.SchoolYearOpened(
    school_name="Школа № 1", starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2027, 5, 26), periods=Q
)
QUARTERS = j.PeriodSchemeSet(scheme_id="quarters", name="Четверти", grades=(2, 3, 4, 5), periods=Q)
HALVES = j.PeriodSchemeSet(scheme_id="halves", name="Полугодия", grades=(5, 10, 11), periods=H)
MUSIC = j.SubjectAssessmentSet(subject_id="music", grades=(5, 6), assessment="pass_fail")
MUSIC_7 = j.SubjectAssessmentSet(subject_id="music", grades=(6, 7), assessment="unmarked")
AUTUMN = j.DayOff(
    name="Осенние каникулы",
    kind="vacation",
    starts_on=dt.date(2026, 10, 26),
    ends_on=dt.date(2026, 11, 4),
)
CALENDAR = j.SchoolCalendarSet(days_off=(AUTUMN,))


def fold(events: list[Event], start: Folded | None = None, first: int = 1) -> Folded:
    doc = start
    for seq, event in enumerate(events, start=first):
        doc = evolve(doc, event, subject=SCHOOL, seq=seq)
    assert doc is not None
    return doc


def record(doc: Folded) -> SchoolRecord:
    shown = published(doc, PSEUDO.of)
    found = to_record(shown, "b1", 0)
    assert isinstance(found, SchoolRecord)
    assert found.content() == shown.content
    return found


def test_a_scheme_lists_only_the_grades_it_still_governs():
    found = record(fold([OPENED, QUARTERS, HALVES]))
    assert [(s.scheme_id, s.grades) for s in found.schemes] == [
        ("quarters", (2, 3, 4)),
        ("halves", (5, 10, 11)),
    ]
    assert found.schemes[1].periods == H
    assert found.periods == Q  # the year's own, for every grade no scheme names


def test_a_scheme_set_again_for_more_grades_is_one_scheme():
    more = QUARTERS.model_copy(update={"grades": (6, 7)})
    found = record(fold([OPENED, QUARTERS, more]))
    assert [(s.scheme_id, s.grades) for s in found.schemes] == [("quarters", (2, 3, 4, 5, 6, 7))]


def test_assessments_say_what_governs_each_grade_now():
    found = record(fold([OPENED, MUSIC, MUSIC_7]))
    assert [(a.subject_id, a.grades, a.assessment) for a in found.assessments] == [
        ("music", (5,), "pass_fail"),
        ("music", (6, 7), "unmarked"),
    ]


def test_the_calendar_is_a_whole_new_list():
    doc = fold([OPENED, CALENDAR])
    assert record(doc).days_off == (AUTUMN,)
    cleared = fold([j.SchoolCalendarSet()], doc, first=3)
    assert record(cleared).days_off == ()
    assert cleared.seq == 3


def test_the_seq_stays_when_the_plan_says_the_same_again():
    doc = fold([OPENED, MUSIC])
    again = fold([MUSIC], doc, first=3)
    assert again.seq == 2
    assert record(again) == record(doc)


def test_the_stored_state_reads_back_and_an_older_one_reads_as_no_plan():
    doc = fold([OPENED, QUARTERS, MUSIC, CALENDAR])
    assert load_state("school", dump_state("school", doc.state)) == doc.state
    assert isinstance(doc.state, SchoolState)
    stored = json.loads(dump_state("school", doc.state))
    stored[0] = stored[0][:-3]  # a configuration row stored before the plan's fields existed
    older = load_state("school", dumps(stored))
    assert isinstance(older, SchoolState)
    assert older.config.schemes == ()
    assert older.config.days_off == ()
    assert older.config.periods == Q


def test_a_record_stored_before_the_plan_reads_with_none():
    content = record(fold([OPENED])).model_dump(mode="json")
    for name in ("schemes", "assessments", "days_off"):
        del content[name]
    old = SchoolRecord.model_validate(content)
    assert (old.schemes, old.assessments, old.days_off) == ((), (), ())


def test_the_names_of_schemes_their_periods_and_days_off_pass_the_name_guard():
    guard = NameGuard(("Акимова Вероника Антоновна",))
    named = [
        QUARTERS.model_copy(update={"name": "Четверти Акимовой Вероники"}),
        j.SchoolCalendarSet(
            days_off=(AUTUMN.model_copy(update={"name": "Каникулы Акимовой Вероники"}),)
        ),
    ]
    renamed = tuple(
        p.model_copy(update={"name": "Четверть Акимовой Вероники"}) if p.period_id == "q1" else p
        for p in Q
    )
    named[0] = named[0].model_copy(update={"periods": renamed})
    content = published(fold([OPENED, *named]), PSEUDO.of).content
    redacted, replaced = redact_content("school", content, guard.redact)
    assert replaced == 3
    text = json.dumps(redacted, ensure_ascii=False)
    assert "Акимов" not in text
    assert PLACEHOLDER in redacted["schemes"][0]["name"]
    assert PLACEHOLDER in redacted["schemes"][0]["periods"][0]["name"]
    assert PLACEHOLDER in redacted["days_off"][0]["name"]
