"""A portal user's own data, one aggregate per user: the label they are shown by in messages,
the labels they gave their children, and how far they have seen each child's changes.

Pure: the pupils the caller holds a live parent's or pupil's grant for come in as a value,
resolved by the application from the grants. The rules:

- a user labels themselves freely (the label follows their role in messages);
- a child's label and the "seen up to" marker only for a pupil the caller holds such a grant
  for, else `Denied("no_grant")`: nobody records anything about a pupil they cannot see;
- the marker only moves forward: a value not beyond it records nothing;
- setting a label to what it is already records nothing, so a repeated request changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from contracts.base import Event
from contracts.portal import ChangesSeen, ChildLabelSet, UserLabelSet
from services.diary.domain.access import Denied


@dataclass(frozen=True, slots=True)
class Child:
    """What a user recorded about one pupil."""

    label: str | None = None
    seen_up_to: int = 0


NO_CHILD = Child()
_NO_CHILDREN: Mapping[str, Child] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Profile:
    """The state of one portal user's own data."""

    label: str | None = None
    children: Mapping[str, Child] = field(default_factory=lambda: _NO_CHILDREN)

    def child(self, pupil: str) -> Child:
        """What the user recorded about `pupil` (nothing yet: no label, nothing seen)."""
        return self.children.get(pupil, NO_CHILD)


INITIAL = Profile()


# ---------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class ProfileCommand:
    """A command on a portal user's own data; `uid` is the user's (the caller's)."""

    uid: int


@dataclass(frozen=True, slots=True)
class SetLabel(ProfileCommand):
    """Show the user as `label` after their role in messages."""

    label: str


@dataclass(frozen=True, slots=True)
class SetChildLabel(ProfileCommand):
    """Label `pupil`; `own_pupils`: those the user holds a live parent's or pupil's grant for."""

    pupil: str
    label: str
    own_pupils: frozenset[str]


@dataclass(frozen=True, slots=True)
class MarkSeen(ProfileCommand):
    """The user has seen `pupil`'s changes up to change `up_to` (included)."""

    pupil: str
    up_to: int
    own_pupils: frozenset[str]


def decide(cmd: ProfileCommand, state: Profile) -> list[Event]:
    """The events a command yields: one, or none when it changes nothing."""
    match cmd:
        case SetLabel(uid=uid, label=label):
            return [] if label == state.label else [UserLabelSet(uid=uid, label=label)]
        case SetChildLabel(uid=uid, pupil=pupil, label=label, own_pupils=own):
            check_grant(pupil, own)
            if label == state.child(pupil).label:
                return []
            return [ChildLabelSet(uid=uid, pupil=pupil, label=label)]
        case MarkSeen(uid=uid, pupil=pupil, up_to=up_to, own_pupils=own):
            check_grant(pupil, own)
            if up_to <= state.child(pupil).seen_up_to:
                return []  # seen that far already: the marker never moves back
            return [ChangesSeen(uid=uid, pupil=pupil, up_to=up_to)]
        case _:
            raise TypeError(f"not a profile command: {cmd!r}")


def check_grant(pupil: str, own_pupils: Collection[str]) -> None:
    """Refuse a command about a pupil the caller holds no parent's or pupil's grant for."""
    if pupil not in own_pupils:
        raise Denied("no_grant", "you hold no live parent's or pupil's grant for this pupil")


def evolve(state: Profile, event: Event) -> Profile:
    """The user's data after one of their events (other events leave it alone)."""
    match event:
        case UserLabelSet(label=label):
            return replace(state, label=label)
        case ChildLabelSet(pupil=pupil, label=label):
            return _with_child(state, pupil, replace(state.child(pupil), label=label))
        case ChangesSeen(pupil=pupil, up_to=up_to):
            child = state.child(pupil)
            seen = max(child.seen_up_to, up_to)  # a late or repeated event never moves it back
            return _with_child(state, pupil, replace(child, seen_up_to=seen))
        case _:
            return state


def _with_child(state: Profile, pupil: str, child: Child) -> Profile:
    return replace(state, children=MappingProxyType({**state.children, pupil: child}))
