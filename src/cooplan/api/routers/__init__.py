"""The API's routers, one per resource."""

from cooplan.api.routers import (
    auth,
    cycles,
    economies,
    federation,
    monitoring,
    proposals,
    runs,
    settlements,
)

ROUTERS = [
    auth.router,
    federation.router,
    economies.router,
    runs.router,
    proposals.router,
    cycles.router,
    settlements.router,
    monitoring.router,
]

__all__ = ["ROUTERS"]
