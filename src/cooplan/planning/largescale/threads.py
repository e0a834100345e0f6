"""Sparse matrix-vector products split over CPU threads.

SciPy's CSR product releases the GIL, so the rows of a large matrix can be multiplied by
several threads at once: each thread computes its own block of rows of ``y = A x`` (blocks
of about equal non-zeros). Every entry of ``y`` is the same row sum as in one product, in the
same order, so the answer is bit for bit that of ``A @ x`` whatever the number of threads.
The products are memory-bound: one product with 2·10⁷ non-zeros took 27 ms on two threads
against 40 ms on one on the project's machine, and whole solves gain less
(docs/largescale.md).
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp

from cooplan.errors import InputError

MIN_NONZEROS = 500_000
"""Matrices with fewer non-zeros are multiplied in one piece (threads cost more than they
save below about a millisecond of work)."""

_pool: ThreadPoolExecutor | None = None
_pool_size = 0
_lock = threading.Lock()


def available_threads() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - platforms without sched_getaffinity
        return max(1, os.cpu_count() or 1)


def parse_threads(text: str, source: str = "environment", name: str = "COOPLAN_THREADS") -> int:
    """A thread count written as a whole number ≥ 1 or ``all`` (every core this process may
    run on); raises :class:`InputError` naming ``source`` and ``name`` otherwise."""
    configured = text.strip().lower()
    if configured == "all":
        return available_threads()
    try:
        count = int(configured)
    except ValueError:
        count = 0
    if count < 1:
        raise InputError.single(
            source,
            f"{name} must be a whole number of at least 1, or 'all'",
            column=name,
            value=text,
            fix=f"e.g. {name}=2, or {name}=all for every core",
        )
    return count


def default_threads() -> int:
    """Threads when none are asked for: ``COOPLAN_THREADS`` (a number, or ``all`` for every
    core) if set, else 1; the gain measured on shared 2-core machines (0.9–1.3× for whole
    solves) did not justify taking every core unasked."""
    configured = os.environ.get("COOPLAN_THREADS", "").strip()
    return parse_threads(configured) if configured else 1


def _executor(threads: int) -> ThreadPoolExecutor:
    """A shared pool with at least ``threads`` workers (created on first use)."""
    global _pool, _pool_size
    with _lock:
        if _pool is None or _pool_size < threads:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool, _pool_size = ThreadPoolExecutor(threads, "cooplan-spmv"), threads
        return _pool


def _forget_pool() -> None:
    """A forked child does not inherit the parent's threads: start a new pool there."""
    global _pool, _pool_size
    _pool, _pool_size = None, 0


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


class RowSplitMatrix:
    """A CSR matrix whose products with vectors run over ``threads`` row blocks."""

    def __init__(self, matrix: sp.csr_matrix, threads: int):
        self.matrix = matrix
        self.shape = matrix.shape
        self.nnz = matrix.nnz
        self.dtype = matrix.dtype
        indptr = matrix.indptr
        cuts = np.searchsorted(indptr, np.linspace(0, matrix.nnz, threads + 1)[1:-1])
        bounds = np.unique(np.concatenate([[0], cuts, [matrix.shape[0]]]))
        self.blocks: list[tuple[int, int, sp.csr_matrix]] = []
        for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            start, stop = int(indptr[lo]), int(indptr[hi])
            block = sp.csr_matrix(
                (
                    matrix.data[start:stop],
                    matrix.indices[start:stop],
                    indptr[lo : hi + 1] - start,
                ),
                shape=(hi - lo, matrix.shape[1]),
                copy=False,
            )
            self.blocks.append((lo, hi, block))
        self.threads = len(self.blocks)

    def __matmul__(self, x: np.ndarray) -> np.ndarray:
        if x.ndim != 1 or self.threads == 1:
            return np.asarray(self.matrix @ x)
        out = np.empty(self.shape[0], dtype=np.result_type(self.dtype, x.dtype))

        def multiply(lo: int, hi: int, block: sp.csr_matrix) -> None:
            out[lo:hi] = block @ x

        futures = [_executor(self.threads).submit(multiply, *part) for part in self.blocks]
        for future in futures:
            future.result()
        return out


def split(matrix: sp.spmatrix, threads: int) -> sp.spmatrix | RowSplitMatrix:
    """``matrix`` (CSR) for products over ``threads`` threads; itself when one thread is
    asked for, the matrix is small, or it is not CSR."""
    if threads <= 1 or matrix.format != "csr" or matrix.nnz < MIN_NONZEROS:
        return matrix
    return RowSplitMatrix(matrix, threads)
