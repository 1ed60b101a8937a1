"""The portal user's own data: their profile, how they are shown in messages, their children's
labels and "seen up to" markers; and the operators' list of portal users.

A label is what the portal user typed about themselves or their own child: it stays on the
portal side, and the diary never learns a name from the school. The writes take an
Idempotency-Key like the messages' commands.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from contracts.diary import Pseudonym
from services.diary.application import profile
from services.diary.entrypoints.deps import DepsDep, MessageRequestDep, ScopeDep
from services.diary.entrypoints.profile_dto import (
    ChildLabelBody,
    ChildLabelOut,
    LabelBody,
    LabelOut,
    PortalUserOut,
    ProfileOut,
    SeenBody,
    SeenOut,
)

router = APIRouter(prefix="/diary/v1/schools/{school}", tags=["profile"])
_REFUSALS = "403 `wrong_role` | `no_uid` | `wrong_school`."
_CHILD_REFUSALS = (
    f"{_REFUSALS[:-1]} | `no_grant` (no live parent's or pupil's grant for the pupil, in any "
    "school year): nothing is recorded then."
)


@router.get(
    "/years/{year}/me/profile",
    summary="My profile: roles, label, children (label, class, seen up to) and classes",
    description=_REFUSALS,
)
async def my_profile(scope: ScopeDep, deps: DepsDep) -> ProfileOut:
    """From the caller's live grants of the school year: a revoked grant drops its child."""
    view = await profile.my_profile(deps, scope)
    return ProfileOut.model_validate(view, from_attributes=True)


@router.put(
    "/me/label",
    summary="How I am shown to others in messages",
    description=f"1-60 characters after trimming, e.g. «мама Маши». {_REFUSALS}",
)
async def set_label(body: LabelBody, req: MessageRequestDep, deps: DepsDep) -> LabelOut:
    """Setting the label it already is records nothing."""
    now = await profile.set_label(deps, req, body.label)
    return LabelOut(label=now.label or body.label)


async def own_child(pupil: Pseudonym, req: MessageRequestDep, deps: DepsDep) -> str:
    """The path's pupil, once the caller is known to hold their grant (refused before the body
    is read, like every refusal of who the caller is)."""
    await profile.check_own_child(deps, req, pupil)
    return pupil


OwnChild = Annotated[str, Depends(own_child)]


@router.put(
    "/me/children/{pupil}/label",
    summary="My label for a child of mine",
    description=f"1-40 characters after trimming, e.g. «Маша». {_CHILD_REFUSALS}",
)
async def set_child_label(
    pupil: OwnChild, body: ChildLabelBody, req: MessageRequestDep, deps: DepsDep
) -> ChildLabelOut:
    """Only the caller sees it, in their profile."""
    now = await profile.set_child_label(deps, req, pupil, body.label)
    return ChildLabelOut(pupil=pupil, label=now.child(pupil).label or body.label)


@router.put(
    "/me/children/{pupil}/seen",
    summary="Mark a child's changes seen up to a change id",
    description=(
        "The marker only moves forward: a value not beyond it records nothing and answers "
        f"the current one. {_CHILD_REFUSALS}"
    ),
)
async def mark_seen(
    pupil: OwnChild, body: SeenBody, req: MessageRequestDep, deps: DepsDep
) -> SeenOut:
    """The answer is the marker after the request."""
    now = await profile.mark_seen(deps, req, pupil, body.up_to)
    return SeenOut(pupil=pupil, seen_up_to=now.child(pupil).seen_up_to)


@router.get(
    "/years/{year}/portal-users",
    summary="Portal users with their live grants (admin, system)",
    description="One row per live grant (the development sign-in page lists them). 403 "
    "`wrong_role` | `wrong_school`.",
)
async def portal_users(scope: ScopeDep, deps: DepsDep) -> list[PortalUserOut]:
    """Teacher UIDs with their class and subject; parents and pupils with the pupil and class."""
    found = await profile.portal_users(deps, scope)
    return [PortalUserOut.model_validate(u, from_attributes=True) for u in found]
