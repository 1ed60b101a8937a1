"""The printed application for portal access to a pupil's e-diary: its data and its wording.

`ApplicationForm` is what the form shows; `describe` turns it into the form's Russian content once
(`FormContent`: labelled sections), and every renderer (HTML, PDF) only lays that content out, so
the printed versions never say different things.

No passport number exists here: the school's mark says only that the passport was presented and
who compared the names, as the events of `contracts.enrollment` do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final, Literal

Relation = Literal["parent", "pupil"]
"""Who the portal user is to the pupil: a legal representative, or the pupil themselves."""

KINSHIPS: Final = frozenset({"mother", "father", "adoptive-parent", "guardian", "trustee"})
"""A legal representative's standing (as `contracts.enrollment.Kinship`)."""

STATUSES: Final = frozenset({"submitted", "checked", "approved", "rejected", "withdrawn", "ended"})
"""Where the application stands. `withdrawn` and `ended` follow an approval: the link ended."""

_STANDING: Final[dict[str, str]] = {
    "mother": "мать",
    "father": "отец",
    "adoptive-parent": "усыновитель",
    "guardian": "опекун",
    "trustee": "попечитель",
}

TITLE: Final = "Заявление о предоставлении доступа к электронному дневнику обучающегося"
# No-break spaces keep the law's date and number with their words when a line wraps.
LAW: Final = "Федеральным законом от\u00a027.07.2006 №\u00a0152-ФЗ «О\u00a0персональных данных»"
"""The personal data law, as the consent cites it (instrumental case)."""
PASSPORT_MARK: Final = (
    "Документ, удостоверяющий личность (паспорт), предъявлен; ФИО заявителя и обучающегося сверены"
)
PASSPORT_NOTE: Final = (
    "Номер и другие реквизиты паспорта в заявление не вносятся и в информационной системе "
    "не хранятся: отмечается только факт предъявления документа и кто сверил ФИО."
)


@dataclass(frozen=True, slots=True)
class ApplicationForm:
    """Everything the printed application shows, as the enrollment service knows it.

    Optional values left as None print as blank lines to fill in by hand (contact, birth date,
    class, the check and the decision while they have not happened).
    """

    school_name: str
    """The school's name as it follows «Директору» (e.g. «МБОУ СОШ № 5 г. Твери»)."""
    application_id: str
    """The application's number, printed on the form."""
    submitted_on: dt.date
    """The day staff recorded the application; also the PDF's creation date."""
    applicant_name: str
    """The applicant's full name (фамилия, имя, отчество)."""
    relation: Relation
    """`parent` for a legal representative, `pupil` for the pupil's own account."""
    kinship: str | None
    """A representative's standing (one of `KINSHIPS`); None for a pupil, or when not stated."""
    contact: str | None
    """A telephone number or e-mail address, if the applicant gave one."""
    uid: int
    """The applicant's portal account UID that is to be linked to the pupil's diary."""
    pupil_name: str
    """The pupil's full name."""
    pupil_birth_date: dt.date | None
    """The pupil's date of birth, when known."""
    class_label: str | None
    """The pupil's class (e.g. «5А»), when known."""
    status: str
    """One of `STATUSES`."""
    checked_by_name: str | None
    """The member of staff who saw the passport and compared the names; None before the check."""
    checked_on: dt.date | None
    """The day of the check; None before the check."""
    decided_on: dt.date | None
    """The day of the approval or rejection; None before the decision."""
    rejection_reason: str | None
    """Why the application was rejected; None unless rejected."""

    def __post_init__(self) -> None:
        """Refuse values the form has no wording for, rather than print something wrong."""
        if self.relation not in ("parent", "pupil"):
            raise ValueError(f"unknown relation {self.relation!r}")
        if self.kinship is not None and self.kinship not in KINSHIPS:
            raise ValueError(f"unknown kinship {self.kinship!r}")
        if self.relation == "pupil" and self.kinship is not None:
            raise ValueError("a pupil applying for their own account has no kinship")
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")


@dataclass(frozen=True, slots=True)
class Line:
    """A labelled value; a None value is a blank line to fill in by hand."""

    label: str
    value: str | None


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Running text; `small` for notes in small print."""

    text: str
    small: bool = False


Block = Line | Paragraph


@dataclass(frozen=True, slots=True)
class Section:
    """A run of blocks under an optional heading."""

    heading: str | None
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class FormContent:
    """The whole printed form, in reading order, independent of any output format."""

    addressee: tuple[str, ...]
    """The lines at the top right: to whom and from whom."""
    title: str
    reference: str
    """The application's number and submission date, under the title."""
    sections: tuple[Section, ...]


def ru_date(day: dt.date) -> str:
    """A date as Russian documents write it: dd.mm.yyyy."""
    return f"{day:%d.%m.%Y}"


def _optional_date(day: dt.date | None) -> str | None:
    return None if day is None else ru_date(day)


def standing(form: ApplicationForm) -> str:
    """The applicant's standing towards the pupil, in Russian."""
    if form.relation == "pupil":
        return "обучающийся (лично)"
    if form.kinship is None:
        return "законный представитель обучающегося"
    return f"{_STANDING[form.kinship]} (законный представитель обучающегося)"


def _request(form: ApplicationForm) -> str:
    what = (
        "(сведения об успеваемости, посещаемости, расписании занятий и домашних заданиях) "
        f"через мою учётную запись на портале (UID {form.uid})."
    )
    if form.relation == "pupil":
        return f"Прошу предоставить мне доступ к моему электронному дневнику {what}"
    return (
        "Прошу предоставить мне как законному представителю доступ к электронному дневнику "
        f"указанного выше обучающегося {what}"
    )


def _consent(form: ApplicationForm) -> str:
    whose = (
        "моих персональных данных"
        if form.relation == "pupil"
        else "моих персональных данных и персональных данных обучающегося"
    )
    return (
        f"В соответствии с {LAW} "
        f"даю согласие {form.school_name} на обработку {whose}, указанных в настоящем "
        "заявлении (фамилия, имя, отчество, дата рождения, класс, контактные данные, "
        "идентификатор учётной записи на портале), в целях предоставления доступа к "
        "электронному дневнику обучающегося. Согласие действует до прекращения доступа и может "
        "быть отозвано мною письменным заявлением."
    )


def _decision(form: ApplicationForm) -> tuple[Line, ...]:
    """The decision lines: blank until decided; a rejection carries its reason."""
    decided_on = Line("Дата решения", _optional_date(form.decided_on))
    if form.status == "rejected":
        return (
            Line("Решение", "отклонено"),
            Line("Причина отказа", form.rejection_reason),
            decided_on,
        )
    if form.status == "approved":
        return (Line("Решение", "одобрено"), decided_on)
    if form.status == "withdrawn":
        return (
            Line("Решение", "одобрено"),
            decided_on,
            Line("Доступ", "прекращён (связь отозвана)"),
        )
    if form.status == "ended":
        return (
            Line("Решение", "одобрено"),
            decided_on,
            Line("Доступ", "прекращён (обучающийся выбыл)"),
        )
    return (Line("Решение (одобрено / отклонено)", None), decided_on)


def describe(form: ApplicationForm) -> FormContent:
    """The form's content, built once for every renderer."""
    applicant = Section(
        "Сведения о заявителе",
        (
            Line("ФИО заявителя", form.applicant_name),
            Line("Кем приходится обучающемуся", standing(form)),
            Line("Контактный телефон, e-mail", form.contact),
            Line("UID учётной записи на портале", str(form.uid)),
        ),
    )
    pupil = Section(
        "Сведения об обучающемся",
        (
            Line("ФИО обучающегося", form.pupil_name),
            Line("Дата рождения", _optional_date(form.pupil_birth_date)),
            Line("Класс", form.class_label),
        ),
    )
    request = Section(None, (Paragraph(_request(form)),))
    consent = Section("Согласие на обработку персональных данных", (Paragraph(_consent(form)),))
    signature = Section(
        None,
        (
            Line("Подпись заявителя", None),
            Line("Дата", None),
        ),
    )
    school_mark = Section(
        "Отметка образовательной организации",
        (
            Paragraph(PASSPORT_MARK),
            Line("Сверил (ФИО сотрудника)", form.checked_by_name),
            Line("Дата проверки", _optional_date(form.checked_on)),
            Line("Подпись сотрудника", None),
            *_decision(form),
            Paragraph(PASSPORT_NOTE, small=True),
        ),
    )
    return FormContent(
        addressee=(
            f"Директору {form.school_name}",
            f"Заявитель: {form.applicant_name}",
        ),
        title=TITLE,
        reference=f"№ {form.application_id} от {ru_date(form.submitted_on)}",
        sections=(applicant, pupil, request, consent, signature, school_mark),
    )
