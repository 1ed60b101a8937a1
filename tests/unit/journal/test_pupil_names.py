"""The journal's guard over the school's pupils: read again only when the pupils changed."""

from __future__ import annotations

import asyncio

from services.journal.application.pupil_names import RosterPupilNames


class Views:
    """The two roster reads `RosterPupilNames` uses, counting the names read."""

    def __init__(self) -> None:
        self.pupils = {"p1": "Акимова Вероника Антоновна"}
        self.earlier: list[tuple[str, str]] = []  # names of an earlier year
        self.seq = 1
        self.name_reads = 0

    async def pupils_version(self, school: str) -> tuple[int, int]:
        return len(self.pupils), self.seq

    async def pupil_names(self, school: str) -> list[tuple[str, str]]:
        self.name_reads += 1
        await asyncio.sleep(0)  # let concurrent callers meet the lock
        return [*self.pupils.items(), *self.earlier]


async def test_the_names_are_read_once_until_the_pupils_change():
    views = Views()
    names = RosterPupilNames(views, recheck_seconds=0)  # type: ignore[arg-type] - two reads
    guards = await asyncio.gather(*(names.guard("s1") for _ in range(8)))
    assert views.name_reads == 1
    assert all(g is guards[0] for g in guards)
    assert guards[0].named("Акимовой Веронике — молодец")[1] == ("p1",)

    views.pupils["p2"] = "Борисов Иван Петрович"
    views.seq = 2
    guard = await names.guard("s1")
    assert views.name_reads == 2
    assert guard.named("Ивану Борисову")[1] == ("p2",)

    views.earlier.append(("p2", "Петров Иван Петрович"))  # his name last year
    views.seq = 3
    assert (await names.guard("s1")).named("Ивану Петрову")[1] == ("p2",)

    views.pupils["p1"] = "[удалено]"  # an erasure moves the pupil's row on
    views.seq = 4
    assert (await names.guard("s1")).named("Акимовой Веронике")[1] == ()
    assert views.name_reads == 4


async def test_the_version_is_asked_again_only_after_the_recheck_interval():
    views = Views()
    asked: list[str] = []
    version = views.pupils_version

    async def counted(school: str) -> tuple[int, int]:
        asked.append(school)
        return await version(school)

    views.pupils_version = counted  # type: ignore[method-assign]
    names = RosterPupilNames(views, recheck_seconds=0.05)  # type: ignore[arg-type] - two reads
    first = await names.guard("s1")
    views.pupils["p2"] = "Борисов Иван Петрович"
    views.seq = 2
    assert await names.guard("s1") is first  # within the interval: not asked
    assert len(asked) == 1
    await asyncio.sleep(0.06)
    assert (await names.guard("s1")).named("Ивану Борисову")[1] == ("p2",)
    assert len(asked) == 2


async def test_the_latest_guard_is_not_checked_again():
    views = Views()
    names = RosterPupilNames(views)  # type: ignore[arg-type] - the two reads it uses
    first = await names.latest("s1")  # none yet: read
    views.seq = 2
    assert await names.latest("s1") is first
    assert views.name_reads == 1


async def test_saves_arriving_while_the_version_is_asked_share_the_question():
    views = Views()
    asked: list[str] = []
    version = views.pupils_version

    async def slow(school: str) -> tuple[int, int]:
        asked.append(school)
        await asyncio.sleep(0.01)
        return await version(school)

    views.pupils_version = slow  # type: ignore[method-assign]
    names = RosterPupilNames(views, recheck_seconds=0)  # type: ignore[arg-type] - two reads
    guards = await asyncio.gather(*(names.guard("s1") for _ in range(8)))
    assert len(asked) == 1
    assert all(g is guards[0] for g in guards)
    await names.guard("s1")  # the question answered: the next one asks again
    assert len(asked) == 2
