"""The optimal plan (Kantorovich): an LP with valuations, deliveries and a certificate.

``plan(economy, objective)`` is the entry point; see ``docs/optimal.md``.
"""

from cooplan.planning.optimal.api import plan
from cooplan.planning.optimal.result import (
    Certificate,
    Delivery,
    Diagnosis,
    Objective,
    PlanResult,
    PlanStatus,
)

__all__ = [
    "Certificate",
    "Delivery",
    "Diagnosis",
    "Objective",
    "PlanResult",
    "PlanStatus",
    "plan",
]
