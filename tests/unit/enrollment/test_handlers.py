"""The enrollment's handlers over an in-memory event store and fake read models."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.envelope import Actor
from services.common.idempotency import IdempotencyKeyReused
from services.enrollment.application import pupils, staff
from services.enrollment.application.handling import Meta, school_year
from services.enrollment.application.ids import application_id, pupil_in
from services.enrollment.domain import commands as c
from services.enrollment.domain import errors
from tests.support.enrollment import InMemoryReads, InMemoryRoster, in_memory_deps

ADMIN = Actor(id="adm1", role="admin")


def meta(command_id: str, fingerprint: str = "") -> Meta:
    return Meta(
        command_id=command_id,
        correlation_id=command_id,
        actor=ADMIN,
        school="s1",
        fingerprint=fingerprint,
    )


@pytest.fixture
def deps():
    deps = in_memory_deps()
    roster = deps.roster
    assert isinstance(roster, InMemoryRoster)
    roster.add_pupil("p01", "Иванов Пётр", dt.date(2015, 3, 1))
    roster.add_pupil("p02", "Петров Иван", dt.date(2015, 4, 1))
    roster.add_staff("sec1", "Секретарь Анна")
    return deps


def submit(pupil_id: str, key: str, uid: int = 1001) -> c.SubmitApplication:
    return c.SubmitApplication(
        application_id(key, pupil_id), pupil_id, uid, "parent", "Мать", "mother"
    )


async def test_the_flow_records_one_event_per_command_on_the_pupils_subject(deps):
    cmd = submit("p01", "k1")
    await pupils.run(deps, meta("k1"), "p01", cmd)
    await pupils.run(deps, meta("k2"), "p01", c.RecordPassportCheck(cmd.application_id, "sec1"))
    recorded = await pupils.run(deps, meta("k3"), "p01", c.ApproveApplication(cmd.application_id))

    assert recorded.state.applications[cmd.application_id].live
    events = deps.store.events
    assert [e.subject for e in events] == ["enr.s1.pupil.p01"] * 3
    assert [e.envelope.event_type for e in events] == [
        "enrollment.ApplicationSubmitted",
        "enrollment.PassportChecked",
        "enrollment.ApplicationApproved",
    ]
    assert {(e.envelope.actor, e.envelope.year) for e in events} == {(ADMIN, 2026)}


async def test_a_retried_command_records_once_and_answers_the_same(deps):
    first = await pupils.run(deps, meta("k1"), "p01", submit("p01", "k1"))
    again = await pupils.run(deps, meta("k1"), "p01", submit("p01", "k1"))

    assert (first.duplicate, again.duplicate, again.seq) == (False, True, first.seq)
    assert len(deps.store.events) == 1


async def test_a_key_reused_with_another_request_is_refused_and_records_nothing(deps):
    await pupils.run(deps, meta("k1", "f1"), "p01", submit("p01", "k1"))
    for pupil in ("p01", "p02"):  # the same aggregate, or another one the body chose
        with pytest.raises(IdempotencyKeyReused):
            await pupils.run(deps, meta("k1", "f2"), pupil, submit(pupil, "k1"))

    assert [e.subject for e in deps.store.events] == ["enr.s1.pupil.p01"]


async def test_a_retry_answers_the_state_the_first_request_left(deps):
    cmd = submit("p01", "k1")
    first = await pupils.run(deps, meta("k1", "f1"), "p01", cmd)
    await pupils.run(deps, meta("k2"), "p01", c.RecordPassportCheck(cmd.application_id, "sec1"))
    again = await pupils.run(deps, meta("k1", "f1"), "p01", cmd)

    assert again.duplicate
    assert again.state == first.state
    assert again.state.applications[cmd.application_id].status == "submitted"


async def test_an_unknown_pupil_records_nothing(deps):
    with pytest.raises(errors.UnknownPupil):
        await pupils.run(deps, meta("k1"), "p77", submit("p77", "k1"))
    assert deps.store.events == []


async def test_the_pupil_of_an_application_comes_from_its_id_until_the_read_model_has_it(deps):
    assert await pupils.pupil_of_application(deps, "s1", application_id("k", "p01")) == "p01"
    with pytest.raises(errors.ApplicationNotFound):
        await pupils.pupil_of_application(deps, "s1", "no-pupil-here")


async def test_a_staff_uid_held_by_someone_else_is_refused(deps):
    deps.roster.add_staff("t-math", "Иванова Анна")
    reads = deps.reads
    assert isinstance(reads, InMemoryReads)
    reads.holders[5001] = frozenset({"sec1"})

    with pytest.raises(errors.UidInUse):
        await staff.run(deps, meta("k1"), c.RecordStaffUid("t-math", 5001))
    recorded = await staff.run(deps, meta("k2"), c.RecordStaffUid("t-math", 5002))
    assert (recorded.state.uid, recorded.subject) == (5002, "enr.s1.staff.t-math")


def test_application_ids_carry_the_pupil_when_it_fits():
    short = application_id("cmd-1", "p01")
    assert short.startswith("p01-")
    assert pupil_in(short) == "p01"
    assert application_id("cmd-1", "p01") == short  # a retry gets the same id
    long_pupil = "p" * 60
    assert pupil_in(application_id("cmd-1", long_pupil)) is None


def test_the_school_year_starts_in_september():
    assert school_year(dt.date(2026, 8, 31)) == 2025
    assert school_year(dt.date(2026, 9, 1)) == 2026
