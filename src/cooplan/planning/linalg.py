"""Sparse linear solves for Leontief systems, without ever forming an inverse.

A productive Leontief matrix M = B_sel − A_sel (I − A in the usual case) is solved directly by
sparse LU when small and by restarted GMRES (Krylov) when large; every answer is checked by
its residual. Also the strongly connected components used to name the products behind a
non-productive cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.csgraph as csgraph
import scipy.sparse.linalg as spla
from threadpoolctl import threadpool_limits

DIRECT_LIMIT = 3000
"""Largest system solved by sparse LU; larger ones use GMRES."""


@dataclass(frozen=True)
class SolveReport:
    """How a linear solve went: method, Krylov iterations, and the relative residual."""

    method: str
    iterations: int
    relative_residual: float


def solve(
    M: sp.spmatrix, rhs: np.ndarray, *, tol: float = 1e-12, max_iter: int = 2000
) -> tuple[np.ndarray, SolveReport]:
    """Solve M x = rhs; returns x and a report (the residual is always recomputed)."""
    M = sp.csr_matrix(M)
    norm = float(np.linalg.norm(rhs))
    if norm == 0.0:
        return np.zeros(M.shape[1]), SolveReport("trivial", 0, 0.0)
    if M.shape[0] <= DIRECT_LIMIT:
        try:
            x = spla.splu(M.tocsc()).solve(rhs.astype(float))
            method, iterations = "sparse LU", 0
        except RuntimeError:  # singular
            x = np.full(M.shape[1], np.nan)
            method, iterations = "sparse LU (singular)", 0
    else:
        count = [0]

        def _count(_: np.ndarray) -> None:
            count[0] += 1

        # Krylov vectors are level-1 BLAS work, far too small to gain from threads: with
        # threads on a loaded machine OpenBLAS spin-waits and runs 10–20× slower.
        with threadpool_limits(limits=1, user_api="blas"):
            x, _info = spla.gmres(
                M,
                rhs,
                x0=rhs.astype(float),
                rtol=tol,
                atol=0.0,
                restart=60,
                maxiter=max_iter,
                callback=_count,
                callback_type="pr_norm",
            )
        method, iterations = "GMRES(60)", count[0]
    if not np.all(np.isfinite(x)):
        return x, SolveReport(method, iterations, float("inf"))
    residual = float(np.linalg.norm(M @ x - rhs)) / norm
    return x, SolveReport(method, iterations, residual)


def cyclic_components(A: sp.spmatrix) -> list[np.ndarray]:
    """Strongly connected components of the input graph that contain a cycle."""
    A = sp.csr_matrix(A)
    n_comp, labels = csgraph.connected_components(A, directed=True, connection="strong")
    diagonal = A.diagonal() > 0
    components = []
    for comp in range(n_comp):
        members = np.flatnonzero(labels == comp)
        if len(members) > 1 or diagonal[members].any():
            components.append(members)
    return components


def spectral_radius(A: sp.spmatrix) -> float:
    """Spectral radius of a non-negative square matrix (dense when small, ARPACK otherwise)."""
    n = A.shape[0]
    if n == 0:
        return 0.0
    if n <= 600:
        return float(np.max(np.abs(np.linalg.eigvals(sp.csr_matrix(A).toarray()))))
    values = spla.eigs(sp.csr_matrix(A).astype(float), k=1, which="LM", return_eigenvectors=False)
    return float(np.max(np.abs(values)))
