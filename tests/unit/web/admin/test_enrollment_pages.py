"""The administrator's enrollment pages with fake APIs: recording an application, the API's
refusals beside the form and field they concern, the passport check, the printed form, and
revoking a member of staff's UID.

The APIs are a fake `Backends` (`admin_world`); the app, its session, CSRF check, templates and
error pages are the real ones.
"""

from __future__ import annotations

from services.web.application.ports import ApiRefused
from tests.unit.web.admin.admin_world import (
    E,
    key_of,
    post,
)


async def test_recording_an_application_sends_the_filled_fields_and_opens_it(admin, apis):
    answer = await post(admin, "/admin/applications", "/admin/applications", pupil_id="p0001",
                        relation="parent", applicant_name="Соколова Ирина Павловна",
                        kinship="mother", uid="733001", contact="")  # fmt: skip

    assert answer.status_code == 303
    assert answer.headers["location"] == "/admin/applications/p0001-new?done=recorded"
    [(_api, _m, _path, body, key)] = apis.sent
    assert body == {"pupil_id": "p0001", "uid": "733001", "relation": "parent",
                    "applicant_name": "Соколова Ирина Павловна", "kinship": "mother"}  # fmt: skip
    assert key


async def test_a_validation_refusal_marks_the_field_it_concerns(admin, apis):
    apis.refusal = ApiRefused(
        422, "invalid_request", "1 error", [{"type": "int_parsing", "loc": ["body", "uid"]}]
    )

    answer = await post(admin, "/admin/applications", "/admin/applications", pupil_id="p0001",
                        relation="parent", applicant_name="Соколова", uid="abc")  # fmt: skip

    assert answer.status_code == 422
    assert "Проверьте отмеченные поля формы." in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert 'id="application-uid-problem">нужно целое число' in answer.text
    assert 'name="uid" value="abc"' in answer.text


async def test_approving_too_early_shows_the_refusal_beside_the_approval(admin, apis):
    apis.refusal = ApiRefused(409, "not_checked", "the passport was not checked")
    page = await admin.get("/admin/applications/p0001-abc")

    answer = await post(admin, "/admin/applications/p0001-abc",
                        "/admin/applications/p0001-abc/approve")  # fmt: skip

    assert answer.status_code == 409
    assert 'id="approve-refusal"' in answer.text
    assert "Сначала отметьте проверку паспорта." in answer.text
    assert key_of(answer) != key_of(page)  # a corrected try is a new request
    assert apis.sent[0][:4] == ("enrollment", "POST", f"{E}/applications/p0001-abc/approve", None)


async def test_the_passport_check_names_who_saw_the_passport(admin, apis):
    answer = await post(admin, "/admin/applications/p0001-abc",
                        "/admin/applications/p0001-abc/passport-check",
                        checked_by="t023")  # fmt: skip

    assert answer.headers["location"] == "/admin/applications/p0001-abc?done=passport-check"
    assert apis.sent[0][2:4] == (
        f"{E}/applications/p0001-abc/passport-check",
        {"checked_by": "t023"},
    )


async def test_the_printed_form_is_the_enrollments_pdf_with_its_disposition(admin):
    answer = await admin.get("/admin/applications/p0001-abc/form.pdf")

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == 'inline; filename="a.pdf"'
    assert answer.content.startswith(b"%PDF-")


async def test_revoking_a_uid_sends_the_reason_with_a_delete(admin, apis):
    answer = await post(admin, "/admin/staff", "/admin/staff/uid/revoke", staff_id="t015",
                        reason="уволилась")  # fmt: skip

    assert answer.headers["location"] == "/admin/staff?done=revoke"
    assert apis.sent[0][:4] == (
        "enrollment",
        "DELETE",
        f"{E}/staff/t015/uid",
        {"reason": "уволилась"},
    )
