"""Structure-exploiting LP solver for national-scale optimal plans (see docs/largescale.md)."""

from cooplan.planning.largescale.device import Device, DeviceUnavailableError, gpu_available
from cooplan.planning.largescale.progress import Progress, ProgressCallback
from cooplan.planning.largescale.result import (
    Certificate,
    CertificateKind,
    LargeScaleSolution,
    SolveStatus,
)
from cooplan.planning.largescale.solve import solve_large

__all__ = [
    "Certificate",
    "CertificateKind",
    "Device",
    "DeviceUnavailableError",
    "LargeScaleSolution",
    "Progress",
    "ProgressCallback",
    "SolveStatus",
    "gpu_available",
    "solve_large",
]
