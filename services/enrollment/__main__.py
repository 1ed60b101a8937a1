"""`python -m services.enrollment [api|worker|cli ...]`: the HTTP API (with the projectors
unless `ENROLLMENT_RUN_PROJECTOR=false`), the projectors alone, or an operator command."""

from __future__ import annotations

from services.common.entry import laid_out

SERVICE = laid_out("enrollment")

if __name__ == "__main__":
    SERVICE.run()
