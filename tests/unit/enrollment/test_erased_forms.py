"""The printed application of an erased pupil and applicant: «[удалено]» and blank lines, never
a failure (the read models hold «[удалено]» for names and NULL for a birth date and contact)."""

from __future__ import annotations

import datetime as dt

from contracts.personal import ERASED
from services.enrollment.adapters.form_render import render_html, render_pdf
from services.enrollment.application.form import Line, describe
from services.enrollment.application.forms import application_form
from services.enrollment.application.views import ApplicationView, StaffInfo
from tests.support.enrollment import InMemoryReads, InMemoryRoster, in_memory_deps

SUBMITTED = dt.datetime(2026, 9, 3, 9, 0, tzinfo=dt.UTC)


def erased_view(application_id: str) -> ApplicationView:
    return ApplicationView(
        application_id=application_id,
        pupil_id="p1",
        uid=1001,
        relation="parent",
        applicant_name=ERASED,
        kinship="mother",
        contact=None,
        status="approved",
        submitted_at=SUBMITTED,
        submitted_by="adm1",
        checked_at=SUBMITTED,
        checked_by="t1",
        check_recorded_by="adm1",
        decided_at=SUBMITTED,
        decided_by="adm1",
        rejection_reason=None,
        linked_from=SUBMITTED,
        linked_to=None,
        ended_by=None,
        end_requested_by=None,
        end_reason=None,
    )


async def test_an_erased_application_prints_erased_names_and_blank_lines():
    deps = in_memory_deps()
    assert isinstance(deps.roster, InMemoryRoster)
    assert isinstance(deps.reads, InMemoryReads)
    deps.roster.add_pupil("p1", ERASED, None)
    deps.roster.staff_members["t1"] = StaffInfo(staff_id="t1", full_name=ERASED, position="учитель")
    deps.reads.by_id["p1-0123456789"] = erased_view("p1-0123456789")

    form = await application_form(deps, "s1", "p1-0123456789")

    assert (form.applicant_name, form.pupil_name, form.checked_by_name) == (ERASED,) * 3
    assert (form.contact, form.pupil_birth_date) == (None, None)
    shown = {
        block.label: block.value
        for section in describe(form).sections
        for block in section.blocks
        if isinstance(block, Line)
    }
    assert shown["Дата рождения"] is None
    assert shown["Контактный телефон, e-mail"] is None
    assert shown["ФИО обучающегося"] == ERASED
    assert f"Заявитель: {ERASED}" in render_html(form)
    assert render_pdf(form).startswith(b"%PDF-")
