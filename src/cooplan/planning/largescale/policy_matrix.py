"""``A_π``, the input matrix of a policy, updated in place when the policy changes.

Policy iteration and column generation move from one policy to the next by switching a few
products to another process. Building ``A_π = A[:, π]`` afresh copies every non-zero (at 10⁶
products, 2·10⁷ of them: 0.15 s, a sixth of a fulfilment run's time). Here each product owns
a *slot* of fixed width in one CSC matrix — the most inputs any of its processes has — and a
new policy rewrites only the slots of the products whose process changed. Unused places in a
slot hold an explicit 0 on the product's own row, which adds nothing to any product: the
matrix-vector products are the same, term by term and in the same order, as with ``A[:, π]``.

Slots pay only when a product's processes have about as many inputs each; when the widths
would add more than ``MAX_PADDING`` to the non-zeros, :meth:`PolicyMatrix.usable` is false
and the caller builds ``A[:, π]`` as before.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

MAX_PADDING = 0.15  # extra stored entries allowed, as a share of the fewest a policy can have


def _ragged(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Positions ``starts[g] + k`` for every group ``g`` and ``0 ≤ k < counts[g]``."""
    group = np.repeat(np.arange(counts.size), counts)
    offsets = np.cumsum(counts) - counts
    return starts[group] + np.arange(group.size) - offsets[group]


class PolicyMatrix:
    """One CSC matrix (rows × products) holding ``A[:, π]`` for the latest policy ``π``."""

    def __init__(self, inputs: sp.csc_matrix, main_row: np.ndarray):
        self.inputs = inputs
        n_rows = inputs.shape[0]
        length = np.diff(inputs.indptr)
        widest = np.zeros(n_rows, dtype=np.int64)
        np.maximum.at(widest, main_row, length)
        fewest = np.full(n_rows, np.iinfo(np.int64).max)
        np.minimum.at(fewest, main_row, length)
        fewest[widest == 0] = 0  # a row no process makes (not a Leontief core): no slot
        self.usable = bool(widest.sum() <= (1.0 + MAX_PADDING) * max(int(fewest.sum()), 1))
        self.width = widest
        self.indptr = np.concatenate([[0], np.cumsum(widest)])
        self.policy: np.ndarray | None = None
        self.matrix: sp.csc_matrix | None = None

    def update(self, policy: np.ndarray) -> sp.csc_matrix:
        """``A[:, policy]`` with explicit zeros in the unused places; the same object as the
        last call's, rewritten where ``policy`` differs from the last one."""
        if self.matrix is None or self.policy is None:
            n = self.width.size
            total = int(self.indptr[-1])
            data = np.zeros(total)
            index_dtype = np.int32 if max(total, n) < np.iinfo(np.int32).max else np.int64
            own_row = np.repeat(np.arange(n, dtype=index_dtype), self.width)
            self.matrix = sp.csc_matrix(
                (data, own_row, self.indptr.astype(index_dtype)), shape=(n, n), copy=False
            )
            self.matrix.has_sorted_indices = False  # a slot's zeros sit on its own row
            changed = np.arange(n)
        else:
            changed = np.flatnonzero(policy != self.policy)
        if changed.size:
            self._rewrite(changed, policy[changed])
        self.policy = policy.copy()
        return self.matrix

    def _rewrite(self, products: np.ndarray, processes: np.ndarray) -> None:
        assert self.matrix is not None
        data, indices = self.matrix.data, self.matrix.indices
        slots = _ragged(self.indptr[products], self.width[products])
        data[slots] = 0.0
        indices[slots] = np.repeat(products, self.width[products])
        starts = self.inputs.indptr[processes]
        counts = self.inputs.indptr[processes + 1] - starts
        source = _ragged(starts, counts)
        target = _ragged(self.indptr[products], counts)
        data[target] = self.inputs.data[source]
        indices[target] = self.inputs.indices[source]
