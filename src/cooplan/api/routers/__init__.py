"""The API's routers, one per resource."""

from cooplan.api.routers import auth, cycles, economies, federation, proposals, runs, settlements

ROUTERS = [
    auth.router,
    federation.router,
    economies.router,
    runs.router,
    proposals.router,
    cycles.router,
    settlements.router,
]

__all__ = ["ROUTERS"]
