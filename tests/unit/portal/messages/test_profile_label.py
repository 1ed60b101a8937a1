"""The profile page: how the user is shown in messages, and saving a new label."""

from __future__ import annotations

from services.portal.application.ports import ApiRefused
from tests.unit.portal.messages.messages_world import (
    field,
    form_fields,
)


async def test_the_profile_shows_how_the_user_is_shown_and_saves_a_new_label(parent, diary):
    page = await parent.get("/profile")

    assert "<strong>Родитель (мама Маши)</strong>" in page.text
    assert 'value="мама Маши"' in page.text
    fields = form_fields(page.text)
    answer = await parent.post("/profile", data={**fields, "label": " папа Маши "})

    assert answer.status_code == 303
    assert answer.headers["location"] == "/profile?saved=1"
    put = diary.sent[-1]
    assert (put.method, put.path, put.json, put.key) == (
        "PUT", "/schools/s1/me/label", {"label": "папа Маши"}, fields["key"]
    )  # fmt: skip


async def test_a_label_the_diary_refuses_is_shown_beside_the_field(parent, diary):
    page = (await parent.get("/profile")).text
    diary.refusal = ApiRefused(
        422, "invalid_text", "label", [{"type": "x", "loc": ["body", "label"], "msg": "bad"}]
    )
    fields = form_fields(page)

    answer = await parent.post("/profile", data={**fields, "label": "мама\u0000"})

    assert answer.status_code == 422
    assert 'id="label-error"' in answer.text
    assert field(answer.text, "key") != fields["key"]
