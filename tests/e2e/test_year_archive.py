"""The archive of a sealed year, printed and kept by the journal itself: once the rollover seals
the year, the journal's watch prints every class's journal into its bucket with a manifest and
`SHA256SUMS`, and serves them to the readers of everything.

Must show: nothing is stored before the year is sealed (404 `archive_not_made`); after sealing
the archive appears without anyone asking for it; its PDF is byte for byte the class's bound year
printed on demand, and the manifest's and the sums' SHA-256 are the file's; a kept year is not
printed again until a correction after sealing, which brings edition 2 (holding the correction
and its reason) beside edition 1, kept as it was; a teacher gets no file, an unknown name a 404,
a name that is no file name a 422.
"""

from __future__ import annotations

import hashlib

import pytest

from services.journal.adapters.archive_printer import printing_process
from services.journal.application.year_archive import archive_sealed_years
from services.journal.entrypoints.http import create_app
from services.journal.settings import ArchiveSettings
from tests.support.journal import (
    CLASS_ID,
    FIRST_MONDAY,
    MATH_TEACHER,
    PUPILS,
    math_lesson_id,
    seed_small_school,
)
from tests.support.pdf_text import pdf_text
from tests.support.running import journal_settings, running_app
from tests.support.waiting import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

SCHOOL, YEAR = "s1", 2026
BASE = f"/journal/v1/schools/{SCHOOL}/years/{YEAR}"
LESSON = math_lesson_id(FIRST_MONDAY)
FILE = f"archive-{YEAR}-{CLASS_ID}.pdf"
REASON = "Оценка выставлена по итогам пересдачи"


def _watching_journal(nats_url: str, database_url: str, schema: str):
    """The journal whose archive watch looks for a sealed year twice a second."""

    def app(secret: str):
        settings = journal_settings(nats_url, database_url, schema, secret)
        return create_app(
            settings.model_copy(update={"archive": ArchiveSettings(check_seconds=0.5)})
        )

    return running_app(app, "http://journal")


async def test_a_sealed_year_is_archived_by_the_journal_and_served_as_printed(
    nats_url, database_url, pg_schema, js
):
    async with _watching_journal(nats_url, database_url, pg_schema) as journal:
        await seed_small_school(journal.runtime.deps)
        deputy, admin = journal.headers("dep1", "deputy"), journal.headers("adm1", "admin")
        saved = await journal.http.post(
            f"{BASE}/classes/{CLASS_ID}/lessons/{LESSON}/entries",
            json={
                "topic": "Дроби",
                "marks": [{"pupil_id": PUPILS[0], "value": "5", "work_kind_id": "oral"}],
            },
            headers=journal.headers(MATH_TEACHER.id, "teacher"),
        )
        assert saved.status_code == 200, saved.text

        async def roster_in_view():
            ids = await journal.runtime.deps.views.roster_ids(SCHOOL, YEAR)
            assert ids.classes == [CLASS_ID]

        await eventually(roster_in_view, timeout=30)
        before = await journal.http.get(f"{BASE}/archive", headers=deputy)
        assert (before.status_code, before.json()["reason"]) == (404, "archive_not_made")

        sealed = await journal.http.post(f"{BASE}/rollover", json={"outcomes": {}}, headers=admin)
        assert sealed.status_code == 200, sealed.text
        assert sealed.json()["closed"]

        async def kept() -> dict:
            manifest = await journal.http.get(f"{BASE}/archive", headers=deputy)
            assert manifest.status_code == 200, manifest.text
            return manifest.json()

        manifest = await eventually(kept, timeout=120)
        pdf = await journal.http.get(f"{BASE}/archive/{FILE}", headers=deputy)
        sums = await journal.http.get(f"{BASE}/archive/SHA256SUMS", headers=deputy)
        on_demand = await journal.http.get(
            f"{BASE}/classes/{CLASS_ID}/archive.pdf", headers=deputy, timeout=60
        )

        digest = hashlib.sha256(pdf.content).hexdigest()
        assert (manifest["school"], manifest["year"], manifest["dated"]) == (
            SCHOOL,
            YEAR,
            "2027-05-31",
        )
        assert [(f["file"], f["class_id"], f["label"]) for f in manifest["files"]] == [
            (FILE, CLASS_ID, "5А")
        ]
        assert (manifest["files"][0]["size"], manifest["files"][0]["sha256"]) == (
            len(pdf.content),
            digest,
        )
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content == on_demand.content
        assert sums.text == f"{digest}  {FILE}\n"

        again = await archive_sealed_years(journal.runtime.deps, printing_process)
        assert again == []  # kept once: the watch and a second round print nothing more

        # -- a correction after sealing: the watch prints edition 2 beside an untouched edition 1
        corrected = await journal.http.post(
            f"{BASE}/classes/{CLASS_ID}/lessons/{LESSON}/marks",
            json={
                "pupil_id": PUPILS[1],
                "value": "4",
                "work_kind_id": "oral",
                "correction_reason": REASON,
            },
            headers=admin,
        )
        assert corrected.status_code == 201, corrected.text

        async def second_edition() -> dict:
            latest = await kept()
            assert latest["edition"] == 2
            return latest

        edition_2 = await eventually(second_edition, timeout=120)
        editions = await journal.http.get(f"{BASE}/archive/editions", headers=deputy)
        new_pdf = await journal.http.get(f"{BASE}/archive/{FILE}", headers=deputy)
        old_pdf = await journal.http.get(f"{BASE}/archive/editions/1/{FILE}", headers=deputy)
        no_edition = await journal.http.get(f"{BASE}/archive/editions/3/{FILE}", headers=deputy)

        assert [e["edition"] for e in editions.json()] == [1, 2]
        assert editions.json()[0] == manifest  # edition 1 stays as it was printed
        assert edition_2["revision"] > manifest["revision"]
        assert old_pdf.content == pdf.content
        assert edition_2["files"][0]["sha256"] == hashlib.sha256(new_pdf.content).hexdigest()
        assert REASON in pdf_text(new_pdf.content)
        assert REASON not in pdf_text(pdf.content)
        assert (no_edition.status_code, no_edition.json()["reason"]) == (404, "archive_not_made")
        assert await archive_sealed_years(journal.runtime.deps, printing_process) == []

        teacher = journal.headers(MATH_TEACHER.id, "teacher")
        refused = await journal.http.get(f"{BASE}/archive/{FILE}", headers=teacher)
        unknown = await journal.http.get(f"{BASE}/archive/archive-2026-9z.pdf", headers=deputy)
        not_a_name = await journal.http.get(f"{BASE}/archive/..%2Fsecret", headers=deputy)
        assert (refused.status_code, refused.json()["reason"]) == (403, "role_not_allowed")
        assert (unknown.status_code, unknown.json()["reason"]) == (404, "archive_not_made")
        assert not_a_name.status_code in (404, 422)
