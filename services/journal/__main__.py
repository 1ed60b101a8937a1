"""`python -m services.journal [api|worker|cli ...]`: the HTTP API (with the projector unless
`JOURNAL_RUN_PROJECTOR=false`), the projector alone, or an operator command (`entrypoints/cli`)."""

from __future__ import annotations

from services.common.entry import laid_out

SERVICE = laid_out("journal")

if __name__ == "__main__":
    SERVICE.run()
