from __future__ import annotations

from deploy.gen_docs import stale_files


def test_checked_in_json_schemas_are_fresh():
    stale = stale_files()
    assert not stale, f"run `make docs`: stale {[p.name for p in stale]}"
