"""The key store on a real PostgreSQL: one key a person, agreed under races, destroyed for good."""

from __future__ import annotations

import asyncio
import secrets

import pytest

from services.common.keystore import PersonErased
from services.common.keystore_pg import PgKeyStore
from services.common.settings import KeyStoreSettings

pytestmark = pytest.mark.integration


@pytest.fixture
async def store(database_url: str, pg_schema: str):
    keys = await PgKeyStore.open(KeyStoreSettings(dsn=database_url, schema_name=pg_schema))
    try:
        yield keys
    finally:
        await keys.close()


@pytest.fixture
def school() -> str:
    return f"s{secrets.token_hex(3)}"


async def test_concurrent_first_uses_agree_on_one_key(store, school):
    # Several people, so the race (a statement that loses the INSERT must still read the
    # winner's key) is met more than once per run.
    for person in (f"p{n}" for n in range(20)):
        got = await asyncio.gather(*(store.sealing_key(school, "pupil", person) for _ in range(8)))
        assert len({key for _, key in got}) == 1
        assert {kid for kid, _ in got} == {f"{school}/pupil/{person}"}


async def test_erasing_a_pupil_destroys_their_applicants_keys_and_no_one_elses(store, school):
    await store.sealing_key(school, "pupil", "p1")
    await store.sealing_key(school, "applicant", "a1", pupil="p1")
    await store.sealing_key(school, "applicant", "a2", pupil="p2")
    await store.sealing_key(school, "pupil", "p2")

    erased = await store.erase(school, "pupil", "p1", by="admin-1", reason="срок хранения")

    assert [(e.kind, e.person) for e in erased] == [("applicant", "a1"), ("pupil", "p1")]
    assert {e.erased_by for e in erased} == {"admin-1"}
    ring = await store.ring([f"{school}/pupil/p1", f"{school}/applicant/a1", f"{school}/pupil/p2"])
    assert f"{school}/pupil/p2" in ring
    with pytest.raises(PersonErased):
        await store.sealing_key(school, "pupil", "p1")
    await store.sealing_key(school, "applicant", "a2", pupil="p2")  # untouched


async def test_erasing_twice_answers_the_first_erasure(store, school):
    await store.sealing_key(school, "staff", "t1")
    first = await store.erase(school, "staff", "t1", by="admin-1", reason="уволилась")
    again = await store.erase(school, "staff", "t1", by="admin-2", reason="повтор")
    assert again == first
    assert [e.key_id for e in await store.erasures(school)] == [f"{school}/staff/t1"]


async def test_a_ring_reads_destroyed_keys_as_none_and_leaves_unknown_ones_out(store, school):
    kid, key = await store.sealing_key(school, "pupil", "p1")
    await store.sealing_key(school, "pupil", "p2")
    await store.erase(school, "pupil", "p2", by="admin-1", reason="выбыл")
    ring = await store.ring([kid, f"{school}/pupil/p2", f"{school}/pupil/nobody"])
    payload = {"pupil_id": "p2", "sealed": {"key": f"{school}/pupil/p2", "box": ""}}
    assert ring("journal.PupilRegistered", payload)["full_name"] == "[удалено]"
    assert f"{school}/pupil/nobody" not in ring
    assert len(key) == 32


async def test_no_new_applicant_data_is_sealed_for_an_erased_pupil(store, school):
    await store.sealing_key(school, "pupil", "p1")
    await store.erase(school, "pupil", "p1", by="admin-1", reason="выбыл")
    with pytest.raises(PersonErased):
        await store.sealing_key(school, "applicant", "a9", pupil="p1")


async def test_many_keys_at_once_agree_with_one_at_a_time_and_under_races(store, school):
    known = await store.sealing_key(school, "pupil", "p2")
    many = [
        store.sealing_keys(school, "pupil", ["p1", "p2", "p3"]),
        store.sealing_keys(school, "pupil", ["p3", "p1"]),
        store.sealing_key(school, "pupil", "p1"),
    ]
    first, second, one = await asyncio.gather(*many)
    assert [kid for kid, _ in first] == [f"{school}/pupil/{p}" for p in ("p1", "p2", "p3")]
    assert first[1] == known
    assert dict(second) == {kid: key for kid, key in first if kid != f"{school}/pupil/p2"}
    assert one == first[0]
    await store.erase(school, "pupil", "p3", by="adm1", reason="по заявлению")
    with pytest.raises(PersonErased):
        await store.sealing_keys(school, "pupil", ["p1", "p3"])
