"""The printed application form: its content, the HTML page and the PDF."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from services.enrollment.adapters.form_render import render_html, render_pdf
from services.enrollment.application.form import ApplicationForm, Line, describe

KINSHIP_WORDS = ("мать", "отец", "усыновитель", "опекун", "попечитель")


def make_form(**changes: Any) -> ApplicationForm:
    """A parent's application, checked, not yet decided; `changes` override any field."""
    values: dict[str, Any] = {
        "school_name": "МБОУ СОШ № 5 г. Твери",
        "application_id": "A-2026-0042",
        "submitted_on": dt.date(2026, 9, 3),
        "applicant_name": "Иванова Мария Петровна",
        "relation": "parent",
        "kinship": "mother",
        "contact": "+7 900 123-45-67",
        "uid": 1234567,
        "pupil_name": "Иванов Пётр Сергеевич",
        "pupil_birth_date": dt.date(2015, 4, 7),
        "class_label": "5А",
        "status": "checked",
        "checked_by_name": "Смирнова Ольга Николаевна",
        "checked_on": dt.date(2026, 9, 4),
        "decided_on": None,
        "rejection_reason": None,
    }
    values.update(changes)
    return ApplicationForm(**values)


def unchecked(**changes: Any) -> ApplicationForm:
    return make_form(status="submitted", checked_by_name=None, checked_on=None, **changes)


def lines(form: ApplicationForm) -> dict[str, str | None]:
    """Every labelled line of the form's content, label to value."""
    return {
        block.label: block.value
        for section in describe(form).sections
        for block in section.blocks
        if isinstance(block, Line)
    }


# The PDF's text: fpdf2 writes Unicode text as glyph ids of a font subset, so reading it back
# means mapping them through each font's ToUnicode CMap (streams left uncompressed).

_OBJECT = re.compile(rb"(?s)(\d+) 0 obj\n(.*?)endobj")
_TEXT_OP = re.compile(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\)")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(literal: bytes) -> bytes:
    def one(match: re.Match[bytes]) -> bytes:
        escaped = match[1]
        if escaped[:1].isdigit():
            return bytes([int(escaped, 8)])
        return _ESCAPES.get(escaped, escaped)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, literal, flags=re.DOTALL)


def pdf_text(pdf: bytes) -> list[str]:
    """The strings the PDF's pages show, in order, decoded to Unicode."""
    objects = {int(number): body for number, body in _OBJECT.findall(pdf)}
    glyphs: dict[bytes, dict[int, str]] = {}
    for name, number in re.findall(rb"/(F\d+) (\d+) 0 R", pdf):
        to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(number)])
        assert to_unicode is not None
        cmap = objects[int(to_unicode[1])]
        glyphs[name] = {
            int(glyph, 16): chr(int(code, 16))
            for glyph, code in re.findall(rb"<([0-9A-F]{4})> <([0-9A-F]{4})>", cmap)
        }
    shown: list[str] = []
    for body in objects.values():
        if b" Tf" not in body or b"stream" not in body:
            continue
        font = b""
        for match in _TEXT_OP.finditer(body.split(b"stream", 1)[1]):
            if match[1] is not None:
                font = match[1]
                continue
            raw = _unescape(match[2])
            ids = (int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2))
            shown.append("".join(glyphs[font][glyph] for glyph in ids))
    return shown


def reason_lines(shown: list[str]) -> list[str]:
    """The lines the PDF shows between the rejection reason's label and the next label."""
    start = shown.index("Причина отказа:") + 1
    return shown[start : shown.index("Дата решения:", start)]


# --- the content -----------------------------------------------------------------------


def test_the_form_has_no_passport_number_field() -> None:
    names = [field.name for field in dataclasses.fields(ApplicationForm)]
    assert names == [
        "school_name",
        "application_id",
        "submitted_on",
        "applicant_name",
        "relation",
        "kinship",
        "contact",
        "uid",
        "pupil_name",
        "pupil_birth_date",
        "class_label",
        "status",
        "checked_by_name",
        "checked_on",
        "decided_on",
        "rejection_reason",
    ]
    assert not any("passport" in name or "document" in name for name in names)
    assert not any("паспорт" in label.lower() for label in lines(make_form()))


def test_the_form_is_frozen() -> None:
    form = make_form()
    with pytest.raises(dataclasses.FrozenInstanceError):
        form.uid = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "lost"},
        {"kinship": "aunt"},
        {"relation": "pupil"},  # still with kinship "mother"
        {"relation": "teacher", "kinship": None},
    ],
)
def test_values_without_wording_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"relation|kinship|status"):
        make_form(**changes)


def test_a_parent_without_stated_kinship_is_a_legal_representative() -> None:
    assert lines(make_form(kinship=None))["Кем приходится обучающемуся"] == (
        "законный представитель обучающегося"
    )


# --- HTML ------------------------------------------------------------------------------


def test_html_is_a_standalone_printable_russian_document() -> None:
    page = render_html(make_form())
    assert page.startswith("<!doctype html>")
    assert '<html lang="ru">' in page
    assert '<meta charset="utf-8">' in page
    assert "@media print" in page
    assert "size: A4" in page
    for external in ("<script", "src=", "href=", "url(", "@import"):
        assert external not in page


def test_html_shows_the_application() -> None:
    page = render_html(make_form())
    for text in (
        "Заявление о предоставлении доступа к электронному дневнику обучающегося",
        "Директору МБОУ СОШ № 5 г. Твери",
        "Иванова Мария Петровна",
        "мать (законный представитель обучающегося)",
        "+7 900 123-45-67",
        "Иванов Пётр Сергеевич",
        "07.04.2015",
        "5А",
        "1234567",
        "№ A-2026-0042 от 03.09.2026",
        "Прошу предоставить мне",
        "Подпись заявителя",
        "Отметка образовательной организации",
        "Документ, удостоверяющий личность (паспорт), предъявлен; "
        "ФИО заявителя и обучающегося сверены",
        "Номер и другие реквизиты паспорта в заявление не вносятся",
    ):
        assert text in page, text


def test_html_gives_the_152_fz_consent() -> None:
    page = render_html(make_form()).replace("\u00a0", " ")
    assert "Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных данных»" in page
    assert "даю согласие МБОУ СОШ № 5 г. Твери на обработку" in page
    assert "в целях предоставления доступа к электронному дневнику" in page


@pytest.mark.parametrize(
    "field", ["applicant_name", "pupil_name", "school_name", "contact", "class_label"]
)
def test_html_escapes_every_value(field: str) -> None:
    page = render_html(make_form(**{field: '<script>alert("x")</script> & Co'}))
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in page


def test_html_escapes_a_rejection_reason() -> None:
    form = make_form(status="rejected", decided_on=dt.date(2026, 9, 5), rejection_reason="<b>")
    page = render_html(form)
    assert "&lt;b&gt;" in page
    assert "<b>" not in page


def test_a_pupils_own_application_says_in_person_and_names_no_kinship() -> None:
    form = make_form(relation="pupil", kinship=None, applicant_name="Иванов Пётр Сергеевич")
    page = render_html(form)
    assert "обучающийся (лично)" in page
    assert "Прошу предоставить мне доступ к моему электронному дневнику" in page
    assert "законный представитель" not in page
    assert "законному представителю" not in page
    for word in KINSHIP_WORDS:
        assert not re.search(rf"\b{word}\b", page), word
    assert "персональных данных обучающегося" not in page  # consents for their own data only


def test_a_checked_application_shows_the_checker_and_the_day() -> None:
    form = make_form()
    assert lines(form)["Сверил (ФИО сотрудника)"] == "Смирнова Ольга Николаевна"
    assert lines(form)["Дата проверки"] == "04.09.2026"
    page = render_html(form)
    assert "<td>Смирнова Ольга Николаевна</td>" in page
    assert "<td>04.09.2026</td>" in page


def test_an_unchecked_application_leaves_lines_to_fill_in_by_hand() -> None:
    form = unchecked(contact=None, pupil_birth_date=None, class_label=None)
    content = lines(form)
    for label in (
        "Сверил (ФИО сотрудника)",
        "Дата проверки",
        "Подпись сотрудника",
        "Решение (одобрено / отклонено)",
        "Дата решения",
        "Контактный телефон, e-mail",
        "Дата рождения",
        "Класс",
        "Подпись заявителя",
        "Дата",
    ):
        assert content[label] is None, label
    page = render_html(form)
    assert '<tr><th>Сверил (ФИО сотрудника):</th><td class="blank"></td></tr>' in page
    assert '<tr><th>Дата проверки:</th><td class="blank"></td></tr>' in page
    assert "Смирнова" not in page


def test_a_rejected_application_shows_the_decision_and_its_reason() -> None:
    form = make_form(
        status="rejected",
        decided_on=dt.date(2026, 9, 5),
        rejection_reason="ФИО заявителя не совпадают с данными о родителях",
    )
    assert lines(form)["Решение"] == "отклонено"
    page = render_html(form)
    assert "<td>отклонено</td>" in page
    assert "<td>ФИО заявителя не совпадают с данными о родителях</td>" in page
    assert "<td>05.09.2026</td>" in page


def test_an_approved_application_shows_the_approval() -> None:
    form = make_form(status="approved", decided_on=dt.date(2026, 9, 5))
    content = lines(form)
    assert content["Решение"] == "одобрено"
    assert content["Дата решения"] == "05.09.2026"
    assert "Причина отказа" not in content


@pytest.mark.parametrize(("status", "end"), [("withdrawn", "отозвана"), ("ended", "выбыл")])
def test_an_ended_link_shows_the_approval_and_the_end(status: str, end: str) -> None:
    content = lines(make_form(status=status, decided_on=dt.date(2026, 9, 5)))
    assert content["Решение"] == "одобрено"
    assert end in (content["Доступ"] or "")


# --- PDF -------------------------------------------------------------------------------


def test_the_pdf_is_a_deterministic_pdf() -> None:
    form = make_form()
    pdf = render_pdf(form)
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert render_pdf(form) == pdf
    assert render_pdf(make_form(uid=7654321)) != pdf


def test_the_pdf_shows_the_form_in_cyrillic() -> None:
    form = make_form(status="rejected", decided_on=dt.date(2026, 9, 5), rejection_reason="Отказ")
    shown = pdf_text(render_pdf(form, compress=False))
    assert "Иванов Пётр Сергеевич" in shown
    assert "Смирнова Ольга Николаевна" in shown
    assert "07.04.2015" in shown
    assert "№ A-2026-0042 от 03.09.2026" in shown
    assert "отклонено" in shown
    text = " ".join(shown).replace("\u00a0", " ")
    assert "152-ФЗ" in text
    assert "Отметка образовательной организации" in text
    assert "(лично)" not in text


def test_long_values_wrap_within_the_page() -> None:
    reason = "очень длинная причина отказа " * 20
    form = make_form(status="rejected", decided_on=dt.date(2026, 9, 5), rejection_reason=reason)
    wrapped = reason_lines(pdf_text(render_pdf(form, compress=False)))
    assert len(wrapped) > 3
    assert " ".join(wrapped).split() == reason.split()


def test_a_value_longer_than_a_page_goes_on_to_the_next_page() -> None:
    reason = "причина " * 1500
    form = make_form(status="rejected", decided_on=dt.date(2026, 9, 5), rejection_reason=reason)
    pdf = render_pdf(form, compress=False)
    assert len(re.findall(rb"/Type /Page\b", pdf)) >= 3
    assert " ".join(reason_lines(pdf_text(pdf))).split() == reason.split()


def test_a_missing_font_names_the_debian_package(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="fonts-dejavu-core"):
        render_pdf(make_form(), font_dir=tmp_path)


def test_a_word_wider_than_its_column_is_broken() -> None:
    contact = "x" * 300 + "@example.ru"
    shown = pdf_text(render_pdf(make_form(contact=contact), compress=False))
    start = shown.index("Контактный телефон, e-mail:") + 1
    pieces = shown[start : shown.index("UID учётной записи на портале:", start)]
    assert len(pieces) > 3
    assert "".join(pieces) == contact
