"""Desired grants, the plan that reaches them, and the sync with its outbox, on in-memory fakes."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.diary import AccessGranted, AccessRevoked, ClassScope, PupilScope
from services.exporter.application.grant_ports import Due, GrantDeps, GrantRow, Unsent
from services.exporter.application.grants import sync
from services.exporter.domain.grants import (
    ClassView,
    Facts,
    Link,
    Published,
    StaffLink,
    desired,
    grant_id,
    plan,
)
from services.exporter.domain.pseudonym import Pseudonymiser
from tests.support.clock import FakeClock

PSEUDONYM = Pseudonymiser(b"k" * 32).of
SCHOOL, YEAR = "s1", 2026
NOW = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)


def klass(
    class_id: str = "5a",
    teacher: str = "t-class",
    members: tuple[str, ...] = (),
    left: tuple[str, ...] = (),
    teaching: tuple[tuple[str, str, str | None], ...] = (),
) -> dict:
    """A class document as `fold_class` keeps it."""
    return {
        "class_id": class_id,
        "grade": 5,
        "label": "5А",
        "class_teacher_id": teacher,
        "members": [
            {"pupil": PSEUDONYM(p), "since": "2026-09-01", "last_day": None} for p in members
        ]
        + [{"pupil": PSEUDONYM(p), "since": "2026-09-01", "last_day": "2026-09-30"} for p in left],
        "teaching": [{"teacher_id": t, "subject_id": s, "group": g} for t, s, g in teaching],
    }


def facts(classes=(), links=(), staff=()) -> Facts:
    return Facts(PSEUDONYM, tuple(ClassView.of(c) for c in classes), tuple(links), tuple(staff))


def scopes(grants) -> set[tuple[int, object]]:
    return {(g.uid, g.scope) for g in grants}


# ---------------------------------------------------------------- desired grants


def test_a_live_link_to_a_member_of_a_class_grants_the_pupil_scope():
    f = facts([klass(members=("p1",))], [Link("p1", 7, "parent"), Link("p2", 8, "parent")])
    assert scopes(desired(f).values()) == {
        (7, PupilScope(pupil=PSEUDONYM("p1"), relation="parent"))
    }


def test_ended_links_and_pupils_who_left_their_class_grant_nothing():
    f = facts(
        [klass(members=("p1",), left=("p2",))],
        [Link("p1", 7, "parent", ended="withdrawn"), Link("p2", 8, "pupil")],
    )
    assert desired(f) == {}


def test_staff_get_their_subjects_and_class_teachers_every_subject_of_their_class():
    f = facts(
        [
            klass("5a", "t-class", teaching=(("t-math", "math", None), ("t-class", "rus", None))),
            klass("5b", "t-other", teaching=(("t-math", "math", "g1"), ("t-math", "math", "g2"))),
        ],
        staff=[StaffLink("t-math", 10), StaffLink("t-class", 11)],
    )
    assert scopes(desired(f).values()) == {
        (10, ClassScope(class_id="5a", subject_id="math")),
        (10, ClassScope(class_id="5b", subject_id="math")),  # two groups: one grant
        (11, ClassScope(class_id="5a", subject_id="rus")),
        (11, ClassScope(class_id="5a")),
    }


def test_grant_ids_name_the_user_and_the_scope():
    grants = desired(facts([klass(members=("p1",))], [Link("p1", 7, "parent")]))
    scope = PupilScope(pupil=PSEUDONYM("p1"), relation="parent")
    assert list(grants) == [grant_id(7, scope)]
    assert grant_id(7, scope) != grant_id(8, scope)
    assert grant_id(7, scope) != grant_id(7, PupilScope(pupil=PSEUDONYM("p1"), relation="pupil"))


# ---------------------------------------------------------------- the plan and its reasons


def published_of(f: Facts, live: bool = True) -> list[Published]:
    return [Published(g.grant_id, g.uid, g.scope, live) for g in desired(f).values()]


def reasons(changes) -> dict[int, str]:
    return {c.uid: c.reason for c in changes if isinstance(c, AccessRevoked)}


def test_a_teachers_new_assignment_swaps_the_grant():
    before = facts([klass(teaching=(("t-math", "math", None),))], staff=[StaffLink("t-math", 10)])
    after = facts([klass(teaching=(("t-math", "geo", None),))], staff=[StaffLink("t-math", 10)])
    changes = plan(after, published_of(before))
    assert [type(c) for c in changes] == [AccessRevoked, AccessGranted]
    assert changes[0].grant_id == grant_id(10, ClassScope(class_id="5a", subject_id="math"))
    assert changes[0].reason == "assignment-ended"
    assert changes[1].scope == ClassScope(class_id="5a", subject_id="geo")


def test_revocations_say_why_as_far_as_the_facts_tell():
    members = ("p1", "p2", "p3")
    links = [Link("p1", 1, "parent"), Link("p2", 2, "parent"), Link("p3", 3, "pupil")]
    staff = [StaffLink("t-class", 4), StaffLink("t-math", 5)]
    before = facts([klass(members=members, teaching=(("t-math", "math", None),))], links, staff)
    after = facts(
        [klass(teacher="t-new", members=("p2",), left=("p3",))],
        [
            Link("p1", 1, "parent", ended="withdrawn"),
            Link("p2", 2, "parent", ended="departed"),
            Link("p3", 3, "pupil"),
        ],
        [StaffLink("t-math", 5)],
    )
    assert reasons(plan(after, published_of(before))) == {
        1: "link-ended",
        2: "pupil-departed",
        3: "left-class",
        4: "uid-revoked",
        5: "assignment-ended",
    }
    teacher_changed = facts([klass(teacher="t-new")], staff=[StaffLink("t-class", 4)])
    before_teacher = facts([klass()], staff=[StaffLink("t-class", 4)])
    assert reasons(plan(teacher_changed, published_of(before_teacher))) == {
        4: "class-teacher-changed"
    }


def test_a_revoked_grant_desired_again_is_granted_again_and_nothing_else_repeats():
    f = facts([klass(members=("p1",))], [Link("p1", 7, "parent")])
    assert [type(c) for c in plan(f, published_of(f, live=False))] == [AccessGranted]
    assert plan(f, published_of(f)) == []
    assert plan(facts(), published_of(f, live=False)) == []


# ---------------------------------------------------------------- the sync, with fakes


class FakeEnrollment:
    def __init__(self) -> None:
        self.link_list: list[Link] = []
        self.staff_list: list[StaffLink] = []

    async def behind(self) -> bool:
        return False

    async def catch_up(self) -> int:
        return 0

    async def links(self, school: str) -> list[Link]:
        return list(self.link_list)

    async def staff(self, school: str) -> list[StaffLink]:
        return list(self.staff_list)


class FakeRoster:
    def __init__(self) -> None:
        self.class_docs: list[dict] = []

    async def behind(self) -> bool:
        return False

    async def catch_up(self) -> int:
        return 0

    async def classes(self, school: str, year: int) -> list[dict]:
        return list(self.class_docs)

    async def years(self, school: str | None = None) -> list[tuple[str, int]]:
        return [(SCHOOL, YEAR)]


class InMemoryGrantBook:
    def __init__(self) -> None:
        self.table: dict[str, GrantRow] = {}
        self.events: dict[str, tuple] = {}  # grant_id -> (event_id, change)
        self._lock = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def lock(self, school: str, year: int):
        async with self._lock:
            yield

    async def published(self, school: str, year: int) -> list[Published]:
        return [Published(r.grant_id, r.uid, r.scope, r.live) for r in self.table.values()]

    async def record(self, school, year, changes, at) -> None:
        for event_id, change in changes:
            old = self.table.get(change.grant_id)
            scope = change.scope if isinstance(change, AccessGranted) else old.scope
            reason = change.reason if isinstance(change, AccessRevoked) else None
            live = isinstance(change, AccessGranted)
            self.table[change.grant_id] = GrantRow(
                change.grant_id, change.uid, scope, live, at, reason, sent=False
            )
            self.events[change.grant_id] = (event_id, change)

    async def unsent(self, school: str, year: int) -> list[Unsent]:
        rows = sorted(
            (r for r in self.table.values() if not r.sent), key=lambda r: (r.live, r.grant_id)
        )
        return [
            Unsent(*self.events[r.grant_id][:1], r.since, self.events[r.grant_id][1]) for r in rows
        ]

    async def mark_sent(self, school, year, event_ids) -> None:
        for gid, (event_id, _) in self.events.items():
            if event_id in event_ids:
                row = self.table[gid]
                self.table[gid] = GrantRow(*[*vars_of(row)[:-1], True])

    async def rows(self, school, year):
        return list(self.table.values())

    async def years(self):
        return [(SCHOOL, YEAR)] if self.table else []

    async def mark_due(self, keys) -> None:
        pass

    async def due(self) -> list[Due]:
        return []

    async def done(self, due: Due) -> None:
        pass


def vars_of(row: GrantRow) -> list:
    return [row.grant_id, row.uid, row.scope, row.live, row.since, row.reason, row.sent]


class Crash(Exception):
    pass


class DiaryFeed:
    """The publisher: keeps what reached the stream, applies it like the diary, may crash."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, dict, dict]] = []
        self.seen_ids: set[str] = set()
        self.crash_after: int | None = None
        self.diary: dict[str, bool] = {}  # grant_id -> live, as the diary's grants table

    async def publish(self, subject, body, headers) -> None:
        if self.crash_after is not None:
            if self.crash_after == 0:
                raise Crash
            self.crash_after -= 1
        msg_id = headers["Nats-Msg-Id"]
        if msg_id in self.seen_ids:
            return  # the stream's duplicate window
        self.seen_ids.add(msg_id)
        data = json.loads(body)
        self.messages.append((subject, data, dict(headers)))
        self.diary[data["data"]["grant_id"]] = data["event_type"] == AccessGranted.event_type

    def live(self) -> set[str]:
        return {gid for gid, live in self.diary.items() if live}


def grant_deps() -> tuple[GrantDeps, FakeEnrollment, FakeRoster, InMemoryGrantBook, DiaryFeed]:
    enrollment, roster, book, feed = (
        FakeEnrollment(),
        FakeRoster(),
        InMemoryGrantBook(),
        DiaryFeed(),
    )
    deps = GrantDeps(enrollment, roster, book, feed, FakeClock(NOW), PSEUDONYM, publish_window=4)
    return deps, enrollment, roster, book, feed


def set_facts(enrollment: FakeEnrollment, roster: FakeRoster, f_classes, links, staff) -> Facts:
    roster.class_docs = list(f_classes)
    enrollment.link_list = list(links)
    enrollment.staff_list = list(staff)
    return facts(f_classes, links, staff)


async def test_a_sync_publishes_grants_on_the_users_subject_and_records_them_sent():
    deps, enrollment, roster, book, feed = grant_deps()
    set_facts(enrollment, roster, [klass(members=("p1",))], [Link("p1", 7, "parent")], [])
    outcome = await sync(deps, SCHOOL, YEAR)
    assert (outcome.granted, outcome.revoked, outcome.resent) == (1, 0, 0)
    subject, body, headers = feed.messages[0]
    assert subject == f"dry.{YEAR}.{SCHOOL}.grant.7"
    assert (body["school"], body["year"], body["event_type"]) == (
        SCHOOL,
        YEAR,
        "diary.AccessGranted",
    )
    assert headers["Nats-Msg-Id"] == body["event_id"].replace("-", "")
    assert [r.sent for r in book.table.values()] == [True]


async def test_a_crash_after_recording_is_published_by_the_next_sync_and_never_leaks():
    deps, enrollment, roster, _, feed = grant_deps()
    set_facts(enrollment, roster, [klass(members=("p1",))], [Link("p1", 7, "parent")], [])
    feed.crash_after = 0
    with contextlib.suppress(Crash):
        await sync(deps, SCHOOL, YEAR)
    feed.crash_after = None
    # Meanwhile the parent withdrew: the grant recorded (never published) is revoked, and the
    # diary never keeps access it should not have.
    set_facts(
        enrollment, roster, [klass(members=("p1",))], [Link("p1", 7, "parent", "withdrawn")], []
    )
    outcome = await sync(deps, SCHOOL, YEAR)
    assert (outcome.revoked, outcome.resent) == (1, 1)
    assert feed.live() == set()
    assert [m[1]["event_type"] for m in feed.messages] == ["diary.AccessRevoked"]


CLASS_IDS = ("5a", "5b")
PUPIL_IDS = ("p1", "p2", "p3")
STAFF_IDS = ("t1", "t2", "t3")
SUBJECTS = ("math", "rus")

class_docs = st.lists(
    st.builds(
        lambda class_id, teacher, members, left, teaching: klass(
            class_id, teacher, tuple(members), tuple(left - members), tuple(teaching)
        ),
        st.sampled_from(CLASS_IDS),
        st.sampled_from(STAFF_IDS),
        st.frozensets(st.sampled_from(PUPIL_IDS)),
        st.frozensets(st.sampled_from(PUPIL_IDS)),
        st.lists(
            st.tuples(
                st.sampled_from(STAFF_IDS),
                st.sampled_from(SUBJECTS),
                st.sampled_from([None, "g1"]),
            ),
            max_size=3,
            unique=True,
        ),
    ),
    max_size=2,
    unique_by=lambda c: c["class_id"],
)
links = st.lists(
    st.builds(
        Link,
        st.sampled_from(PUPIL_IDS),
        st.integers(1, 3),
        st.sampled_from(["parent", "pupil"]),
        st.sampled_from([None, None, "withdrawn", "departed"]),
    ),
    max_size=4,
)
staff = st.lists(
    st.builds(StaffLink, st.sampled_from(STAFF_IDS), st.integers(10, 12)),
    max_size=3,
    unique_by=lambda s: s.staff_id,
)
states = st.tuples(class_docs, links, staff)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(states, min_size=1, max_size=4), st.lists(st.integers(0, 3) | st.none(), max_size=4)
)
def test_syncs_reach_the_desired_grants_are_idempotent_and_survive_crashes(history, crashes):
    async def scenario() -> None:
        deps, enrollment, roster, book, feed = grant_deps()
        for step, state in enumerate(history):
            wanted = set(desired(set_facts(enrollment, roster, *state)))
            feed.crash_after = crashes[step] if step < len(crashes) else None
            try:
                await sync(deps, SCHOOL, YEAR)
            except Crash:
                feed.crash_after = None
                await sync(deps, SCHOOL, YEAR)  # the next sync finishes the job
            live = {r.grant_id for r in book.table.values() if r.live}
            assert live == wanted
            assert all(r.sent for r in book.table.values())
            assert feed.live() == wanted  # what the diary holds
            published = len(feed.messages)
            again = await sync(deps, SCHOOL, YEAR)
            assert (again.granted, again.revoked, again.resent) == (0, 0, 0)
            assert len(feed.messages) == published

    asyncio.run(scenario())
