"""SQL that writes one row a call (for `executemany`), its values given as $1, $2, ... in the
order of the row's columns. The column-array statements of the main view are `journal_tables`'."""

from __future__ import annotations

from collections.abc import Sequence


def insert_row_sql(table: str, columns: Sequence[str]) -> str:
    """Insert a row."""
    params = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({params})"  # noqa: S608


def upsert_row_sql(table: str, columns: Sequence[str], key: Sequence[str]) -> str:
    """Insert a row, or update the columns outside `key` of the row with its key."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    insert = insert_row_sql(table, columns)
    return f"{insert} ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
