"""Structure-exploiting LP solver for national-scale optimal plans (see docs/largescale.md)."""

from cooplan.planning.largescale.result import (
    Certificate,
    CertificateKind,
    LargeScaleSolution,
    SolveStatus,
)
from cooplan.planning.largescale.solve import solve_large

__all__ = ["Certificate", "CertificateKind", "LargeScaleSolution", "SolveStatus", "solve_large"]
