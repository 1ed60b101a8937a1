"""The journal view's erasures, pure: an erased person's rows of every year read «[удалено]»
(a pupil without a birth date), others are untouched, and the same rows come out of a rebuild
that decodes the registrations as erased."""

from __future__ import annotations

import datetime as dt

from contracts.base import Event
from contracts.journal import PersonErased, PupilRegistered, StaffMemberRegistered
from kernel import Fact, PupilRow, StaffRow, ViewState, project
from services.journal.domain.projection.erasures import blank, erased_by, erasure_row

SCHOOL = "s1"
T0 = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)
BORN = dt.date(2015, 1, 2)
ERASE_P1 = PersonErased(kind="pupil", person="p1", applications=("p1-a",), reason="заявление")


def fact(seq: int, event: Event, year: int = 2026, aggregate: str = "x") -> Fact:
    return Fact(seq, SCHOOL, year, aggregate, "adm1", T0 + dt.timedelta(seconds=seq), event)


def registered(pupil: str, name: str, born: dt.date | None = BORN) -> PupilRegistered:
    return PupilRegistered(pupil_id=pupil, full_name=name, birth_date=born)


def view(facts: list[Fact]) -> ViewState:
    """The view after the facts: the main fold, then the erasures over every year's rows."""
    state = project(ViewState(), facts)
    pupils, staff = blank(state.pupils, state.staff, facts)
    return ViewState(state.configs, state.subjects, staff, pupils, state.classes, state.lessons)


def test_an_erased_pupils_rows_of_every_year_lose_the_name_and_birth_date():
    facts = [
        fact(1, registered("p1", "Акимова Вероника"), 2025),
        fact(2, registered("p1", "Акимова Вероника"), 2026),
        fact(3, registered("p2", "Белов Кирилл"), 2026),
        fact(4, ERASE_P1, 2026, "pupil-p1"),
    ]

    after = view(facts)

    assert after.pupils[SCHOOL, 2025, "p1"] == PupilRow(SCHOOL, 2025, "p1", "[удалено]", None, 4)
    assert after.pupils[SCHOOL, 2026, "p1"] == PupilRow(SCHOOL, 2026, "p1", "[удалено]", None, 4)
    assert after.pupils[SCHOOL, 2026, "p2"] == PupilRow(SCHOOL, 2026, "p2", "Белов Кирилл", BORN, 3)


def test_an_erased_member_of_staff_keeps_the_position_not_the_name():
    staff = StaffMemberRegistered(staff_id="t1", full_name="Иванова Анна", position="учитель")
    erase = PersonErased(kind="staff", person="t1", reason="уволилась")

    after = view([fact(1, staff), fact(2, erase)])

    assert after.staff[SCHOOL, 2026, "t1"] == StaffRow(
        SCHOOL, 2026, "t1", "[удалено]", "учитель", 2
    )


def test_the_rebuild_equals_the_live_view():
    live = [fact(1, registered("p1", "Акимова Вероника")), fact(2, ERASE_P1)]
    # Rebuilt after the key is gone, the registration itself reads erased.
    rebuilt = [fact(1, registered("p1", "[удалено]", None)), fact(2, ERASE_P1)]

    assert view(live).pupils == view(rebuilt).pupils


def test_erasing_twice_changes_nothing_more():
    once = view([fact(1, registered("p1", "Акимова")), fact(2, ERASE_P1)])
    pupils, _ = blank(once.pupils, {}, [fact(2, ERASE_P1)])

    assert pupils == once.pupils


def test_a_registration_arriving_after_the_erasure_stays_erased():
    # Sealed just before the key was destroyed: live, it still opens; a rebuild cannot.
    facts = [fact(1, registered("p1", "Акимова")), fact(2, ERASE_P1)]
    late = fact(3, registered("p1", "Акимова"))

    after = project(view(facts), [late])

    assert after.pupils[SCHOOL, 2026, "p1"] == PupilRow(SCHOOL, 2026, "p1", "[удалено]", None, 3)


def test_the_erasure_is_recorded_with_who_and_why():
    row = erasure_row(fact(7, ERASE_P1, aggregate="pupil-p1"), "admin")

    assert row is not None
    assert (row.kind, row.person, row.applications, row.reason) == (
        "pupil",
        "p1",
        ("p1-a",),
        "заявление",
    )
    assert (row.actor_id, row.actor_role, row.seq, row.year) == ("adm1", "admin", 7, 2026)
    assert erasure_row(fact(8, registered("p2", "Белов")), "admin") is None


def test_the_rows_to_load_are_the_erased_peoples_of_any_year():
    staff = PersonErased(kind="staff", person="t1", reason="уволилась")

    erased = erased_by([fact(1, registered("p2", "Белов")), fact(2, ERASE_P1), fact(3, staff)])

    assert erased.pupils == {(SCHOOL, "p1")}
    assert erased.staff == {(SCHOOL, "t1")}
