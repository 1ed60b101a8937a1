"""`python -m services.journal`: serve the journal's HTTP API and run its projector."""

from __future__ import annotations

import uvicorn

from services.journal.entrypoints.http import create_app
from services.journal.settings import Settings


def main() -> None:
    """Run the service until it is stopped."""
    settings = Settings()  # required fields come from the environment
    app = create_app(settings)
    uvicorn.run(app, host=settings.http.host, port=settings.http.port, log_config=None)


if __name__ == "__main__":
    main()
