"""The routes of an app, as declared: FastAPI wraps each included router in a route of its own,
so a walk over `app.routes` looks inside them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from starlette.routing import BaseRoute


def flat_routes(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route of `routes`, those of the included routers in their place."""
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI's included router
        if included is not None:
            yield from flat_routes(included.routes)
        else:
            yield route
