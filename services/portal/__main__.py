"""`python -m services.portal`: the e-diary's pages for parents, pupils and teachers' UIDs."""

from __future__ import annotations

from services.common.entry import laid_out

SERVICE = laid_out("portal", worker=False, commands={})  # pages only: no consumers, no commands

if __name__ == "__main__":
    SERVICE.run()
