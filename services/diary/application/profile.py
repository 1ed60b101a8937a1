"""A portal user's own data: their label, their children's labels and "seen up to" markers, the
profile that shows them, the operators' list of portal users, and the participants' labels of
a thread.

The commands go through the PORTAL stream's command path (`messaging.execute`: load, decide,
append, retried on conflict, once per Idempotency-Key) on the user's aggregate
`prt.<school>.user.<uid>`. The caller's own profile is folded from that aggregate, so a page
shows a label the moment it is set; other users' labels come from the messages' read model.

A child's label and marker need a live parent's or pupil's grant for the pupil in any school
year of the school: pseudonyms are stable across years, and the paths carry no year.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from contracts import subjects
from contracts.base import Event
from contracts.registry import PORTAL_REGISTRY
from contracts.roles import Role
from services.common.aggregate import Aggregate
from services.common.eventstore import Loaded
from services.diary.application import messaging
from services.diary.application.portal_ports import ProfileDeps
from services.diary.application.ports import Deps
from services.diary.application.threads import ThreadView
from services.diary.application.views import Scope, my_grants
from services.diary.domain import labels as lb
from services.diary.domain import profile as p
from services.diary.domain import profile_view as pv
from services.diary.domain.access import check_operator, check_portal_caller
from services.diary.domain.recipients import school_year_of
from services.diary.domain.year_plan import class_periods

# The role an event about the user themselves is recorded in, when the token holds several.
_ROLE_ORDER: tuple[Role, ...] = ("teacher", "parent", "pupil")


def user_subject(school: str, uid: int) -> str:
    """The user's own data on the PORTAL stream."""
    return subjects.portal_user(school, uid)


PROFILE = Aggregate(p.INITIAL, p.evolve, PORTAL_REGISTRY)


def fold(history: Loaded) -> p.Profile:
    """The user's data after their whole history."""
    return PROFILE.fold(history)


async def set_label(deps: Deps, req: messaging.Request, label: str) -> p.Profile:
    """Show the caller as `label` after their role in messages."""
    check_portal_caller(req.caller, req.school)
    role = next(r for r in _ROLE_ORDER if r in req.caller.roles)
    return await _record(deps, req, p.SetLabel(req.uid, label), role)


async def check_own_child(deps: Deps, req: messaging.Request, pupil: str) -> None:
    """Refuse (`no_grant`) a caller who holds no live parent's or pupil's grant for `pupil`,
    before anything of their request is read."""
    p.check_grant(pupil, await _own_children(deps, req))


async def set_child_label(deps: Deps, req: messaging.Request, pupil: str, label: str) -> p.Profile:
    """Label a pupil the caller holds a live parent's or pupil's grant for."""
    own = await _own_children(deps, req)
    cmd = p.SetChildLabel(req.uid, pupil, label, frozenset(own))
    return await _record(deps, req, cmd, own.get(pupil))


async def mark_seen(deps: Deps, req: messaging.Request, pupil: str, up_to: int) -> p.Profile:
    """Move the caller's "seen up to" marker of the pupil's changes forward (never back)."""
    own = await _own_children(deps, req)
    cmd = p.MarkSeen(req.uid, pupil, up_to, frozenset(own))
    return await _record(deps, req, cmd, own.get(pupil))


async def _own_children(deps: Deps, req: messaging.Request) -> dict[str, Role]:
    """The pupils the caller holds a live parent's or pupil's grant for, with that relation."""
    check_portal_caller(req.caller, req.school)
    grants = await profile_deps(deps).directory.pupil_grants_of(req.school, req.uid)
    return {
        pupil: ("parent" if relation == "parent" else "pupil")
        for pupil, relation in pv.own_children(req.caller, grants).items()
    }


async def _record(
    deps: Deps, req: messaging.Request, cmd: p.ProfileCommand, role: Role | None
) -> p.Profile:
    """Record the command on the caller's aggregate; the caller's data after it."""
    subject = user_subject(req.school, req.uid)

    async def decide(state: p.Profile, _history: Loaded) -> tuple[Event, Role] | None:
        events = p.decide(cmd, state)
        if not events:
            return None
        (event,) = events
        assert role is not None  # noqa: S101 - a child command decides only with a grant
        return event, role

    year = school_year_of(deps.clock.today())
    await messaging.execute(deps, req, subject, year, PROFILE, decide)
    return fold(await deps.messages.store.load(subject))


async def my_profile(deps: Deps, scope: Scope) -> pv.ProfileView:
    """The caller's roles and label, their children (label, class, marker) and their classes,
    from their live grants of the school year."""
    grants = await my_grants(deps.reads, scope)  # checks the portal caller
    caller = scope.caller
    assert caller.uid is not None  # noqa: S101 - checked by my_grants
    pupils = list(pv.own_children(caller, grants))
    memberships = await deps.reads.memberships(scope.school, scope.year, pupils) if pupils else []
    class_ids = {m.class_id for m in memberships} | pv.classes_of_grants(grants)
    directory = profile_deps(deps).directory
    class_labels = await directory.class_labels(scope.school, scope.year, class_ids)
    whole_classes = {g.class_id for g in grants if g.scope_kind == "class" and not g.subject_id}
    class_subjects = await directory.class_subjects(
        scope.school, scope.year, {c for c in whole_classes if c}
    )
    config = await deps.reads.school_config(scope.school, scope.year)
    own = fold(await deps.messages.store.load(user_subject(scope.school, caller.uid)))
    return pv.profile_view(
        caller,
        grants=grants,
        memberships=memberships,
        class_labels=class_labels,
        subject_names=config.subjects,
        class_subjects=class_subjects,
        periods=config.periods,
        own=own,
        today=deps.clock.today(),
        periods_of={c: class_periods(config, c) for c in class_ids},
    )


async def portal_users(deps: Deps, scope: Scope) -> list[pv.PortalUser]:
    """Every live grant of the school year, one row each (operators only)."""
    check_operator(scope.caller, scope.school)
    grants = await profile_deps(deps).directory.school_grants(scope.school, scope.year)
    pupils = sorted({g.pupil for g in grants if g.pupil is not None})
    memberships = await deps.reads.memberships(scope.school, scope.year, pupils) if pupils else []
    return pv.portal_users(grants, memberships, deps.clock.today())


@dataclass(frozen=True, slots=True)
class ThreadLabels:
    """How a thread's participants are shown, by UID (`of` never answers a bare UID)."""

    by_uid: dict[int, str]
    subject_name: str | None = None

    def of(self, uid: int) -> str:
        """The words `uid` is shown by."""
        return self.by_uid.get(uid, lb.SOMEONE)


async def thread_labels(deps: Deps, school: str, view: ThreadView) -> ThreadLabels:
    """The participants' words: role in the thread, class teacher or the thread's subject for
    teachers (from their live grants), and each user's own label."""
    uids = [participant.uid for participant in view.participants]
    teachers = [pt.uid for pt in view.participants if pt.role == "teacher"]
    grants = await deps.messages.directory.live_grants(school, view.year, teachers)
    subject_name = None
    if view.subject_id is not None:
        config = await deps.reads.school_config(school, view.year)
        subject_name = config.subjects.get(view.subject_id)
    own = await profile_deps(deps).reads.labels(school, uids)
    words = lb.participant_labels(
        view.participants,
        class_id=view.class_id,
        grants=grants,
        subject_name=subject_name,
        labels=own,
    )
    return ThreadLabels(words, subject_name)


async def subject_names(deps: Deps, school: str, years: Iterable[int]) -> dict[int, dict[str, str]]:
    """The subjects' names of each school year (threads of several years in one list)."""
    return {
        year: dict((await deps.reads.school_config(school, year)).subjects)
        for year in sorted(set(years))
    }


def profile_deps(deps: Deps) -> ProfileDeps:
    """The profile's adapters; their absence is a wiring error, not an empty profile."""
    if deps.profile is None:
        msg = "the diary's Deps carry no profile adapters (bootstrap wires them)"
        raise RuntimeError(msg)
    return deps.profile
