"""Erasing a person (service layer, in memory): recorded first, then the keys destroyed; a retry
answers the same, an erased person is not erased twice, an unknown one is not found."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from contracts import subjects
from contracts.envelope import Actor
from contracts.journal import PersonErased, PupilRegistered
from services.common import keystore
from services.common.keystore import Erasure
from services.journal.application import roster
from services.journal.application.erasure import erase_person
from services.journal.application.erasure_reads import ErasureInfo
from services.journal.application.handling import decode_all
from services.journal.domain import commands as c
from services.journal.domain.erasure import PersonNotFound
from services.journal.domain.errors import RoleNotAllowed
from tests.support.journal import ADMIN, MATH_TEACHER, SCHOOL, YEAR, in_memory_deps, meta
from tests.support.journal_erasure import FakeErasureViews, InMemoryPersonKeys

PUPIL = "p01"
APPLICATION = "p01-0123456789"


@pytest.fixture
async def keys() -> InMemoryPersonKeys:
    return InMemoryPersonKeys()


@pytest.fixture
async def deps(keys):
    views = FakeErasureViews(people={(SCHOOL, "pupil", PUPIL), (SCHOOL, "staff", "t-math")})
    deps = dataclasses.replace(in_memory_deps(keys=keys), erasure_views=views)
    await roster.register_pupil(
        deps, meta(ADMIN), c.RegisterPupil(PUPIL, "Акимова Вероника", dt.date(2015, 1, 2))
    )
    await keys.sealing_key(SCHOOL, "applicant", APPLICATION, pupil=PUPIL)  # her mother's
    return deps


def erasures_of(deps, kind: str = "pupil", person: str = PUPIL):
    return [
        e for e in deps.store.events if e.subject == subjects.erasure(YEAR, SCHOOL, kind, person)
    ]


async def test_erasing_a_pupil_records_who_and_why_then_destroys_her_and_her_applicants_keys(
    deps, keys
):
    done = await erase_person(deps, meta(ADMIN, "req-1"), "pupil", PUPIL, "заявление матери")

    [stored] = erasures_of(deps)
    [event] = decode_all([stored])
    assert event == PersonErased(
        kind="pupil", person=PUPIL, applications=(APPLICATION,), reason="заявление матери"
    )
    assert stored.envelope.actor == ADMIN
    assert done.key_ids == (f"{SCHOOL}/applicant/{APPLICATION}", f"{SCHOOL}/pupil/{PUPIL}")
    assert (done.erased_by, done.reason, done.already_erased) == ("adm1", "заявление матери", False)
    assert done.recorded is not None
    assert not done.recorded.duplicate
    registered = await deps.store.load(subjects.pupil(YEAR, SCHOOL, PUPIL))
    ring = await keys.ring(keystore.keys_of_payloads(e.envelope.data for e in registered.events))
    [pupil] = decode_all(registered.events, ring)
    assert isinstance(pupil, PupilRegistered)
    assert (pupil.full_name, pupil.birth_date) == ("[удалено]", None)


async def test_new_data_of_an_erased_pupil_is_refused(deps):
    await erase_person(deps, meta(ADMIN), "pupil", PUPIL, "заявление матери")

    with pytest.raises(keystore.PersonErased):
        await roster.register_pupil(
            deps, meta(ADMIN), c.RegisterPupil(PUPIL, "Акимова Вероника", dt.date(2015, 1, 2))
        )


async def test_a_retry_answers_the_same_and_records_once(deps):
    first = await erase_person(deps, meta(ADMIN, "req-1"), "pupil", PUPIL, "заявление")
    again = await erase_person(deps, meta(ADMIN, "req-1"), "pupil", PUPIL, "заявление")

    assert len(erasures_of(deps)) == 1
    assert again.recorded is not None
    assert again.recorded.duplicate
    assert again.recorded.seq == first.recorded.seq
    assert (again.key_ids, again.erased_at, again.already_erased) == (
        first.key_ids,
        first.erased_at,
        False,
    )


async def test_erasing_an_erased_person_records_nothing_and_answers_the_first_erasure(deps):
    first = await erase_person(deps, meta(ADMIN, "req-1"), "pupil", PUPIL, "заявление")
    other = Actor(id="adm2", role="admin")

    again = await erase_person(deps, meta(other, "req-2"), "pupil", PUPIL, "ещё раз")

    assert len(erasures_of(deps)) == 1
    assert again.already_erased
    assert again.recorded is None
    assert (again.erased_by, again.reason, again.erased_at) == (
        "adm1",
        "заявление",
        first.erased_at,
    )
    assert again.applications == (APPLICATION,)


async def test_an_unknown_person_is_not_found_and_nothing_is_recorded(deps, keys):
    before = len(deps.store.events)

    with pytest.raises(PersonNotFound):
        await erase_person(deps, meta(ADMIN), "pupil", "nobody", "заявление")

    assert len(deps.store.events) == before
    assert keys.erase_calls == 0


async def test_a_member_of_staff_known_only_to_the_roster_gets_a_key_destroyed_at_once(deps):
    done = await erase_person(deps, meta(ADMIN), "staff", "t-math", "уволилась")

    assert done.key_ids == (f"{SCHOOL}/staff/t-math",)
    assert done.applications == ()
    with pytest.raises(keystore.PersonErased):
        await roster.register_staff(
            deps, meta(ADMIN), c.RegisterStaffMember("t-math", "Иванова Анна", "учитель")
        )


async def test_only_the_administrator_erases(deps, keys):
    with pytest.raises(RoleNotAllowed):
        await erase_person(deps, meta(MATH_TEACHER), "pupil", PUPIL, "хочу")

    assert erasures_of(deps) == []
    assert keys.erase_calls == 0


class CrashingOnce(InMemoryPersonKeys):
    """A key store whose first destruction fails (the process died after recording)."""

    async def erase(self, school, kind, person, *, by, reason) -> list[Erasure]:
        if self.erase_calls == 0:
            self.erase_calls += 1
            raise ConnectionError("the key store went away")
        return await super().erase(school, kind, person, by=by, reason=reason)


async def test_an_interrupted_erasure_is_finished_by_the_next_request_without_a_second_event():
    keys = CrashingOnce()
    views = FakeErasureViews(people={(SCHOOL, "pupil", PUPIL)})
    deps = dataclasses.replace(in_memory_deps(keys=keys), erasure_views=views)
    await roster.register_pupil(
        deps, meta(ADMIN), c.RegisterPupil(PUPIL, "Акимова Вероника", dt.date(2015, 1, 2))
    )
    with pytest.raises(ConnectionError):
        await erase_person(deps, meta(ADMIN, "req-1"), "pupil", PUPIL, "заявление")
    assert len(erasures_of(deps)) == 1  # recorded first: the audit knows
    assert await keys.destroyed(SCHOOL, "pupil") == frozenset()

    finished = await erase_person(deps, meta(ADMIN, "req-2"), "pupil", PUPIL, "повтор")

    assert len(erasures_of(deps)) == 1
    assert finished.already_erased
    assert finished.reason == "заявление"  # the recorded erasure's reason
    assert await keys.destroyed(SCHOOL, "pupil") == {PUPIL}


async def test_an_erasure_recorded_in_an_earlier_year_is_finished_not_recorded_again(deps, keys):
    views = deps.erasure_views
    views.recorded[SCHOOL] = [
        ErasureInfo(kind="pupil", person=PUPIL, year=YEAR - 1, applications=[APPLICATION],
                    reason="заявление", erased_at=dt.datetime(2026, 5, 1, tzinfo=dt.UTC),
                    erased_by="adm1", erased_by_role="admin", seq=3)
    ]  # fmt: skip

    done = await erase_person(deps, meta(ADMIN), "pupil", PUPIL, "повтор")

    assert erasures_of(deps) == []
    assert done.already_erased
    assert (done.reason, done.applications) == ("заявление", (APPLICATION,))
    assert await keys.destroyed(SCHOOL, "pupil") == {PUPIL}
