"""Where the Leontief core's linear algebra runs: the CPU (NumPy/SciPy) or an NVIDIA GPU (CuPy).

The structured solver spends its time in sparse matrix-vector products and the vector work of
GMRES (see :mod:`.leontief`). Those run on the array module of a :class:`Backend`: NumPy and
SciPy's sparse matrices on the CPU (the default, and what the tests cover everywhere), or
CuPy with cuSPARSE on a GPU. Everything else — policies, the HiGHS master, certificates —
stays on the host; vectors cross once per solve (8 MB per million products).

CuPy is not a dependency of cooplan: install the build for your CUDA (``cupy-cuda12x``,
``cupy-cuda13x``) to use ``device="gpu"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import ModuleType
from typing import Any

import numpy as np
import scipy.sparse as sp

from cooplan.planning.largescale.threads import split


class Device(StrEnum):
    """Where the Krylov solves and matrix-vector products run."""

    CPU = "cpu"
    GPU = "gpu"


class DeviceUnavailableError(RuntimeError):
    """``device="gpu"`` was asked for but CuPy or a CUDA device is missing."""


@dataclass(frozen=True)
class Backend:
    """Array module and transfers for one device (identity transfers on the CPU)."""

    device: Device
    xp: ModuleType
    threads: int = 1  # CPU threads for CSR products with vectors (see :mod:`.threads`)

    def put(self, array: np.ndarray) -> Any:
        """The array on the device (the same object on the CPU)."""
        return array if self.device == Device.CPU else self.xp.asarray(array)

    def get(self, array: Any) -> np.ndarray:
        """The array on the host, as a NumPy array."""
        return np.asarray(array) if self.device == Device.CPU else self.xp.asnumpy(array)

    def sparse(self, matrix: sp.spmatrix) -> Any:
        """A sparse matrix for products with device vectors (on the CPU: unchanged, or, with
        several threads and a large CSR matrix, split into row blocks over them)."""
        if self.device == Device.CPU:
            return split(matrix, self.threads)
        import cupyx.scipy.sparse as cusparse

        return cusparse.csr_matrix(matrix if matrix.format == "csr" else matrix.tocsr())


CPU_BACKEND = Backend(Device.CPU, np)


def backend(device: Device | str = Device.CPU, threads: int = 1) -> Backend:
    """The backend for ``device`` (on the CPU with ``threads`` threads for sparse products);
    raises :class:`DeviceUnavailableError` if it cannot run."""
    wanted = Device(device)
    if wanted == Device.CPU:
        return CPU_BACKEND if threads <= 1 else Backend(Device.CPU, np, threads)
    try:
        import cupy
    except ImportError as error:  # pragma: no cover - depends on the machine
        raise DeviceUnavailableError(
            "device='gpu' needs CuPy (pip install cupy-cuda12x or cupy-cuda13x)"
        ) from error
    try:
        count = int(cupy.cuda.runtime.getDeviceCount())
    except cupy.cuda.runtime.CUDARuntimeError as error:  # pragma: no cover
        raise DeviceUnavailableError(f"device='gpu': no CUDA device ({error})") from error
    if count == 0:  # pragma: no cover
        raise DeviceUnavailableError("device='gpu': no CUDA device")
    return Backend(Device.GPU, cupy)


def gpu_available() -> bool:
    """Whether ``device="gpu"`` can run here."""
    try:
        backend(Device.GPU)
    except DeviceUnavailableError:
        return False
    return True
