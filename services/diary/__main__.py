"""`python -m services.diary [api|worker|cli ...]`: the HTTP API (with the projectors unless
`DIARY_RUN_PROJECTOR=false`), the projectors alone, or an operator command (`entrypoints/cli`)."""

from __future__ import annotations

from services.common.entry import laid_out

SERVICE = laid_out("diary")

if __name__ == "__main__":
    SERVICE.run()
