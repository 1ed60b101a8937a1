"""`python -m services.web`: the school's web pages (one address for every member of staff)."""

from __future__ import annotations

from services.common.entry import laid_out

SERVICE = laid_out("web", worker=False, commands={})  # pages only: no consumers, no commands

if __name__ == "__main__":
    SERVICE.run()
