"""The portal users' own data over HTTP on real NATS and PostgreSQL: labels, "seen up to"
markers, Idempotency-Key replays, refusals, the profile, operators' list of portal users, the
labels of message authors, and the messages' projection of it all under replay and rebuild."""

from __future__ import annotations

import pytest
import pytest_asyncio

from tests.integration.diary.served_app import START_BODY, parent, publish_two_classes, served
from tests.support.diary import FeedWriter
from tests.support.diary_served import (
    ANNA,
    CLASS_TEACHER,
    OTHER_PARENT,
    PARENT,
    PUPIL,
    TEACHER,
    VERA,
    as_user,
    assert_messages_rebuild_reproduces,
    feed_applied,
    portal_items,
    portal_last_seq,
    redeliver,
    snapshot,
)
from tests.support.running import diary_settings, running_diary
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

SCHOOL = "/diary/v1/schools/s1"
YEAR = f"{SCHOOL}/years/2026"
THREADS = f"{SCHOOL}/messages/threads"
PROFILE_TABLES = ("user_labels", "child_labels", "changes_seen")


@pytest_asyncio.fixture(loop_scope="session")
async def diary(nats_url, database_url, pg_schema, js):
    """The diary app with two classes, two parents, a pupil and two teachers' grants."""
    async with served(nats_url, database_url, pg_schema, js, publish_two_classes) as running:
        yield running


async def put(d, path: str, body: dict, headers: dict[str, str], status: int = 200) -> dict:
    answer = await d.http.put(f"{SCHOOL}{path}", json=body, headers=headers)
    assert answer.status_code == status, answer.text
    return dict(answer.json())


async def profile_of(d, headers: dict[str, str]) -> dict:
    answer = await d.http.get(f"{YEAR}/me/profile", headers=headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def test_labels_are_set_changed_and_shown_in_the_profile_at_once(diary, js):
    d = diary
    before = await profile_of(d, parent(d))
    assert [period["period_id"] for period in before.pop("periods")] == ["q1", "q2"]
    # the child's class works in the year's own periods (no scheme for its grade)
    assert [period["period_id"] for period in before["children"][0].pop("periods")] == [
        "q1",
        "q2",
    ]
    assert before == {
        "uid": PARENT,
        "roles": ["parent"],
        "label": None,
        "children": [
            {
                "pupil": ANNA,
                "relation": "parent",
                "label": None,
                "class_id": "5a",
                "class_label": "5A",
                "seen_up_to": 0,
            }
        ],
        "classes": [],
    }
    assert await put(d, "/me/label", {"label": "  мама Маши "}, parent(d)) == {"label": "мама Маши"}
    assert await put(d, f"/me/children/{ANNA}/label", {"label": "Маша"}, parent(d)) == {
        "pupil": ANNA,
        "label": "Маша",
    }
    now = await profile_of(d, parent(d))  # read from the user's aggregate: no projection lag
    assert (now["label"], now["children"][0]["label"]) == ("мама Маши", "Маша")

    await put(d, "/me/label", {"label": "папа Маши"}, parent(d))
    await put(d, f"/me/children/{ANNA}/label", {"label": "Маруся"}, parent(d))
    now = await profile_of(d, parent(d))
    assert (now["label"], now["children"][0]["label"]) == ("папа Маши", "Маруся")

    recorded = await portal_last_seq(js)
    await put(d, "/me/label", {"label": "папа Маши"}, parent(d))  # what it is: nothing new
    for body in ({"label": "   "}, {"label": "x" * 61}, {"label": "a\x00b"}, {}):
        await put(d, "/me/label", body, parent(d), status=422)
    await put(d, f"/me/children/{ANNA}/label", {"label": "x" * 41}, parent(d), status=422)
    assert await portal_last_seq(js) == recorded


async def test_a_teachers_profile_lists_their_classes(diary):
    d = diary
    shown = await profile_of(d, as_user(d, TEACHER, "teacher"))
    assert (shown["roles"], shown["children"]) == (["teacher"], [])
    math = {"subject_id": "math", "subject_name": "Математика"}
    assert [p["period_id"] for p in shown["classes"][0].pop("periods")] == ["q1", "q2"]
    assert shown["classes"] == [{"class_id": "5a", "class_label": "5A", **math, "subjects": [math]}]
    whole = await profile_of(d, as_user(d, CLASS_TEACHER, "teacher"))
    assert [c["subjects"] for c in whole["classes"]] == [
        [math, {"subject_id": "rus", "subject_name": "Русский язык"}]
    ]


async def test_an_idempotency_key_replays_and_a_reused_key_is_refused(diary, js):
    d = diary
    before = await portal_last_seq(js)
    url = f"/me/children/{ANNA}/seen"
    first = await put(d, url, {"up_to": 4}, parent(d, "seen-1"))
    await put(d, url, {"up_to": 6}, parent(d, "seen-2"))
    again = await put(d, url, {"up_to": 4}, parent(d, "seen-1"))  # the retry of the first
    assert (first["seen_up_to"], again["seen_up_to"]) == (4, 6)  # it answers the current one
    assert await portal_last_seq(js) == before + 2
    reused = await d.http.put(f"{SCHOOL}{url}", json={"up_to": 9}, headers=parent(d, "seen-1"))
    assert (reused.status_code, reused.json()["reason"]) == (422, "idempotency_key_reused")
    # the same key from another user is another command
    await put(d, url, {"up_to": 4}, as_user(d, PUPIL, "pupil", "seen-1"))
    assert await portal_last_seq(js) == before + 3


async def test_a_pupil_without_a_grant_is_refused_and_nothing_is_recorded(diary, js):
    d = diary
    before = await portal_last_seq(js)
    cases = [
        (parent(d), VERA, 403, "no_grant"),  # another parent's child
        (as_user(d, TEACHER, "teacher"), ANNA, 403, "no_grant"),  # a class grant is not a child
        (as_user(d, PUPIL, "parent"), ANNA, 403, "no_grant"),  # the pupil's own grant, as a parent
        (d.headers("admin", "admin"), ANNA, 403, "wrong_role"),
        (d.headers("x", "parent", uid=PARENT, school="s2"), ANNA, 403, "wrong_school"),
    ]
    for headers, pupil, status, reason in cases:
        for path, body in (("label", {"label": "Маша"}), ("seen", {"up_to": 3})):
            answer = await d.http.put(
                f"{SCHOOL}/me/children/{pupil}/{path}", json=body, headers=headers
            )
            assert (answer.status_code, answer.json()["reason"]) == (status, reason), path
    bad = await d.http.put(
        f"{SCHOOL}/me/children/bob/label", json={"label": "Б"}, headers=parent(d)
    )
    assert bad.status_code == 422
    assert await portal_last_seq(js) == before


async def test_the_seen_marker_only_moves_forward(diary, js):
    d = diary
    url = f"/me/children/{ANNA}/seen"
    before = await portal_last_seq(js)
    marks = [(5, 5), (3, 5), (5, 5), (0, 5), (8, 8)]
    for up_to, shown in marks:
        assert await put(d, url, {"up_to": up_to}, as_user(d, PUPIL, "pupil")) == {
            "pupil": ANNA,
            "seen_up_to": shown,
        }
    assert await portal_last_seq(js) == before + 2
    await put(d, url, {"up_to": -1}, as_user(d, PUPIL, "pupil"), status=422)
    profile = await profile_of(d, as_user(d, PUPIL, "pupil"))
    assert [(c["pupil"], c["relation"], c["seen_up_to"]) for c in profile["children"]] == [
        (ANNA, "pupil", 8)
    ]


async def test_a_revoked_grant_drops_the_child_from_the_profile(diary, js):
    d = diary
    await put(d, f"/me/children/{ANNA}/label", {"label": "Маша"}, parent(d))
    await FeedWriter(js).revoke("g-parent", PARENT)
    await feed_applied(d, js)
    assert (await profile_of(d, parent(d)))["children"] == []
    refused = await d.http.put(
        f"{SCHOOL}/me/children/{ANNA}/label", json={"label": "Аня"}, headers=parent(d)
    )
    assert (refused.status_code, refused.json()["reason"]) == (403, "no_grant")


async def test_portal_users_are_listed_for_operators_only(diary):
    d = diary
    answer = await d.http.get(f"{YEAR}/portal-users", headers=d.headers("admin", "admin"))
    assert answer.status_code == 200, answer.text
    assert answer.json() == [
        {
            "uid": PARENT,
            "role": "parent",
            "class_id": "5a",
            "subject_id": None,
            "pupil": ANNA,
            "relation": "parent",
        },
        {
            "uid": OTHER_PARENT,
            "role": "parent",
            "class_id": "5b",
            "subject_id": None,
            "pupil": VERA,
            "relation": "parent",
        },
        {
            "uid": TEACHER,
            "role": "teacher",
            "class_id": "5a",
            "subject_id": "math",
            "pupil": None,
            "relation": None,
        },
        {
            "uid": CLASS_TEACHER,
            "role": "teacher",
            "class_id": "5a",
            "subject_id": None,
            "pupil": None,
            "relation": None,
        },
        {
            "uid": PUPIL,
            "role": "pupil",
            "class_id": "5a",
            "subject_id": None,
            "pupil": ANNA,
            "relation": "pupil",
        },
    ]
    system = await d.http.get(f"{YEAR}/portal-users", headers=d.headers("exporter", "system"))
    assert system.status_code == 200
    for headers, reason in (
        (parent(d), "wrong_role"),
        (as_user(d, TEACHER, "teacher"), "wrong_role"),
        (d.headers("head", "head"), "wrong_role"),
        (d.headers("admin", "admin", school="s2"), "wrong_school"),
    ):
        refused = await d.http.get(f"{YEAR}/portal-users", headers=headers)
        assert (refused.status_code, refused.json()["reason"]) == (403, reason)


async def start_thread(d, headers: dict[str, str], **changes) -> str:
    body = {**START_BODY, "to": {"pupils": [ANNA], "audience": "both"}, **changes}
    answer = await d.http.post(THREADS, json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["thread_id"])


async def thread_as(d, thread_id: str, headers: dict[str, str]) -> dict:
    answer = await d.http.get(f"{THREADS}/{thread_id}", headers=headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def test_thread_answers_show_authors_by_role_and_their_own_label(diary):
    d = diary
    subject_thread = await start_thread(d, as_user(d, TEACHER, "teacher"))
    shown = await thread_as(d, subject_thread, parent(d))
    assert shown["started_by_label"] == "Учитель — Математика"
    assert shown["subject_name"] == "Математика"

    async def listed() -> None:  # the list of threads comes from the messages' read model
        answer = await d.http.get(THREADS, headers=parent(d))
        assert [t["subject_name"] for t in answer.json()["threads"]] == ["Математика"]

    await eventually(listed, timeout=10)
    assert [m["author_label"] for m in shown["messages"]] == ["Учитель — Математика"]
    assert {p["uid"]: p["label"] for p in shown["participants"]} == {
        TEACHER: "Учитель — Математика",
        PARENT: "Родитель",
        PUPIL: "Ученик",
    }

    await put(d, "/me/label", {"label": "мама Маши"}, parent(d))
    reply = await d.http.post(
        f"{THREADS}/{subject_thread}/messages", data={"text": "Спасибо!"}, headers=parent(d)
    )
    assert reply.status_code == 201, reply.text

    async def labelled() -> None:  # other users' labels come from the messages' read model
        seen = await thread_as(d, subject_thread, as_user(d, TEACHER, "teacher"))
        assert [m["author_label"] for m in seen["messages"]] == [
            "Учитель — Математика",
            "Родитель (мама Маши)",
        ]

    await eventually(labelled, timeout=10)

    whole_class = await start_thread(d, as_user(d, CLASS_TEACHER, "teacher"), subject_id=None)
    shown = await thread_as(d, whole_class, as_user(d, PUPIL, "pupil"))
    assert shown["started_by_label"] == "Классный руководитель"
    assert shown["messages"][0]["author_label"] == "Классный руководитель"
    labels = [p["label"] for p in shown["participants"]]
    assert labels == ["Классный руководитель", "Родитель (мама Маши)", "Ученик"]
    assert not any(str(uid) in text for text in labels for uid in (PARENT, PUPIL, CLASS_TEACHER))


async def test_a_rebuild_from_sequence_1_reproduces_labels_and_markers(
    nats_url, database_url, pg_schema, js
):
    async with running_diary(nats_url, database_url, pg_schema) as d:
        await publish_two_classes(js)
        await feed_applied(d, js)
        await put(d, "/me/label", {"label": "мама Маши"}, parent(d))
        await put(d, "/me/label", {"label": "папа Маши"}, parent(d))
        await put(d, f"/me/children/{ANNA}/label", {"label": "Маша"}, parent(d))
        await put(d, f"/me/children/{ANNA}/seen", {"up_to": 7}, parent(d))
        await put(d, f"/me/children/{ANNA}/seen", {"up_to": 9}, parent(d))
        await put(d, f"/me/children/{ANNA}/seen", {"up_to": 3}, as_user(d, PUPIL, "pupil"))
        await start_thread(d, as_user(d, TEACHER, "teacher"))
        pool = d.runtime.messages_pool

        async def projected() -> None:
            described = await d.runtime.messages_projector.describe()
            assert described.last_seq == await portal_last_seq(js)
            found = await snapshot(pool, PROFILE_TABLES)
            assert [(uid, label) for _, uid, label, _ in found["user_labels"]] == [
                (PARENT, "папа Маши")
            ]
            assert [(uid, label) for _, uid, _, label, _ in found["child_labels"]] == [
                (PARENT, "Маша")
            ]
            assert [(uid, up_to) for _, uid, _, up_to in found["changes_seen"]] == [
                (PARENT, 9),
                (PUPIL, 3),
            ]

        await eventually(projected, timeout=10)
        tables = (*PROFILE_TABLES, "threads", "participants", "messages")
        live = await snapshot(pool, tables)

        # redelivery: the whole stream applied again over the live rows; then an older event
        # alone (a label and a marker since replaced): nothing moves back
        items = await portal_items(js)
        await redeliver(pool, items, items[:1] + items[3:4])
        assert await snapshot(pool, tables) == live

        settings = diary_settings(nats_url, database_url, pg_schema, "x" * 32)
        await assert_messages_rebuild_reproduces(d, js, settings, tables, live)
