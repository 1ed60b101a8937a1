"""The operator's view of where the services keep their projections (`ops status`)."""

from __future__ import annotations

from pydantic import SecretStr

from deploy.ops.env import ServiceDb, projection_databases
from services.diary.settings import DiaryPostgres
from services.enrollment.settings import EnrollmentPostgres
from services.exporter.settings import Settings as ExporterSettings

DSN = "postgresql://u@h/db"


def test_every_schema_with_projections_is_listed_each_services_own_first():
    env = {f"{prefix}_PG__DSN": DSN for prefix in ("JOURNAL", "DIARY", "EXPORTER", "ENROLLMENT")}

    found = projection_databases(env)

    assert [(db.service, db.schema) for db in found] == [
        ("journal", "journal"),
        ("diary", "diary"),
        ("diary", "diary_messages"),
        ("exporter", "exporter"),
        ("exporter", "exporter_access"),
        ("enrollment", "enrollment"),
        ("enrollment", "enrollment_roster"),
        ("audit", "audit"),
    ]
    assert found[-1] == ServiceDb("audit", None, "audit")


def test_the_schemas_are_named_as_the_services_settings_name_them():
    env = {
        "DIARY_PG__SCHEMA_NAME": "d",
        "EXPORTER_PG__SCHEMA_NAME": "x",
        "ENROLLMENT_PG__SCHEMA_NAME": "e",
        "ENROLLMENT_PG__ROSTER_SCHEMA": "roster",
    }
    exporter = ExporterSettings.model_validate(
        {
            "pg": {"dsn": DSN, "schema_name": "x"},
            "auth": {"dev_secret": SecretStr("s" * 32)},
            "pseudonym_key": "k" * 32,
        }
    )

    schemas = {db.schema for db in projection_databases(env)}

    assert DiaryPostgres(dsn=DSN, schema_name="d").messages_schema in schemas
    assert exporter.access_schema in schemas
    assert EnrollmentPostgres(dsn=DSN, schema_name="e", roster_schema="roster").roster_schema in (
        schemas
    )
    assert EnrollmentPostgres(dsn=DSN).roster_schema in {
        db.schema for db in projection_databases({})
    }
