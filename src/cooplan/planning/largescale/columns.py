"""The plan columns of the column generation, kept in little memory.

A column is a plan that meets the balances exactly: a policy plan ``x_π(y)`` for the
convexity or the demand right-hand side, or (min-labour with capacities in the core) a plan
with processes at capacity. The master needs only its use of the side rows, ``G x``; the plan
itself is needed only when the master's mix is written out (a certificate, a result). So each
column keeps:

* ``G x`` for every side row (one number per coop, resource and capacity), its cost and kind;
* for a policy plan, the policy as one small integer per product (which of the product's
  processes runs) and, while the memory budget allows, the plan's level per product;
* for any other plan, the whole plan (such columns are few: they come from min-labour).

Plans are dropped least-recently-used first (columns with weight in the master's latest mix
are never dropped) once the kept plans pass ``budget_bytes``, and a dropped plan is solved
again from its policy when a mix needs it. A plan solved again equals the first one to the
Krylov tolerance (10⁻¹¹ per equation), far inside the certificate's tolerance.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from cooplan.planning.largescale.leontief import LeontiefCore

DEFAULT_BUDGET_BYTES = 2 << 30  # plans kept beyond those in the current mix (2 GiB)


def policy_digest(*arrays: np.ndarray) -> bytes:
    """A 16-byte digest that identifies a policy (and any arrays that go with it)."""
    digest = hashlib.blake2b(digest_size=16)
    for array in arrays:
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.digest()


@dataclass
class _Column:
    convex: bool
    cost: float
    usage: np.ndarray  # G x over every side row
    choice: np.ndarray | None  # rank of the chosen process within each product (policy plans)
    level: np.ndarray | None  # x on the policy's processes, or the whole plan (choice None)
    last_used: int = 0


class ColumnStore:
    """Plan columns: side-row use always, plans within a memory budget (see module doc)."""

    def __init__(
        self,
        core: LeontiefCore,
        side: sp.csr_matrix,
        convex_rhs: np.ndarray,
        demand: np.ndarray,
        budget_bytes: int = DEFAULT_BUDGET_BYTES,
    ):
        self.core = core
        self.side = side
        self.rhs = {True: convex_rhs, False: demand}
        self.budget_bytes = budget_bytes
        self.rebuilt = 0  # plans solved again after they were dropped
        self._columns: list[_Column] = []
        self._kept_bytes = 0
        rank = core.process_ranks()
        techniques = int(rank.max(initial=0)) + 1
        self._rank = rank.astype(np.min_scalar_type(max(techniques - 1, 0)))

    def __len__(self) -> int:
        return len(self._columns)

    def is_convex(self, k: int) -> bool:
        """Whether column ``k`` is a convexity column (it counts towards Σ θ = 1)."""
        return self._columns[k].convex

    def cost(self, k: int) -> float:
        """Cost of column ``k`` in the master (hours, or −1 per set of demand)."""
        return self._columns[k].cost

    def mix_cost(self, weights: np.ndarray) -> float:
        """``Σ_k w_k cost_k``."""
        used = np.flatnonzero(weights > 0.0).tolist()
        return float(sum(weights[k] * self._columns[k].cost for k in used))

    def usage(self, k: int) -> np.ndarray:
        """``G x_k`` over every side row."""
        return self._columns[k].usage

    def usage_of_rows(self, rows: np.ndarray) -> np.ndarray:
        """``G_rows x_k`` for every column k: an array of rows × columns."""
        out = np.empty((rows.size, len(self._columns)))
        for k, column in enumerate(self._columns):
            out[:, k] = column.usage[rows]
        return out

    def add(self, x: np.ndarray, convex: bool, cost: float, policy: np.ndarray | None) -> int:
        """Keep plan ``x`` (made by ``policy``, or by no single policy when None); its index."""
        usage = np.asarray(self.side @ x)
        if policy is None:
            column = _Column(convex, cost, usage, None, x.copy())
        else:
            column = _Column(convex, cost, usage, self._rank[policy], x[policy].copy())
        self._kept_bytes += column.level.nbytes if column.level is not None else 0
        self._columns.append(column)
        return len(self._columns) - 1

    def _levels(self, k: int) -> tuple[np.ndarray | None, np.ndarray]:
        """(processes, their levels) of column ``k``, solved again if dropped; processes
        ``None`` when the levels cover every process."""
        column = self._columns[k]
        if column.choice is None:
            assert column.level is not None
            return None, column.level
        core = self.core
        policy = core.policy_from_ranks(column.choice)
        if column.level is None:
            column.level = core.solve(policy, self.rhs[column.convex], None, core.rtol)
            self._kept_bytes += column.level.nbytes
            self.rebuilt += 1
        return policy, column.level

    def plan(self, k: int) -> np.ndarray:
        """The whole plan of column ``k`` (over every process), solved again if dropped."""
        processes, levels = self._levels(k)
        if processes is None:
            return levels
        x = np.zeros(self.core.main_row.size)
        x[processes] = levels
        return x

    def mix(self, weights: np.ndarray) -> np.ndarray:
        """``Σ_k w_k x_k`` over every process (plans solved again where dropped)."""
        x = np.zeros(self.core.main_row.size)
        for k in np.flatnonzero(weights > 0.0).tolist():
            processes, levels = self._levels(k)
            if processes is None:
                x += weights[k] * levels
            else:
                x[processes] += weights[k] * levels
        return x

    def mix_usage(self, weights: np.ndarray) -> np.ndarray:
        """``G Σ_k w_k x_k`` from the kept side-row use (no plan needed)."""
        out = np.zeros(self.side.shape[0])
        for k in np.flatnonzero(weights > 0.0).tolist():
            out += weights[k] * self._columns[k].usage
        return out

    def mark_used(self, weights: np.ndarray, iteration: int) -> None:
        """Note the columns in the latest mix, then drop plans beyond the budget."""
        used = np.flatnonzero(weights > 0.0)
        for k in used.tolist():
            self._columns[k].last_used = iteration
        if self._kept_bytes <= self.budget_bytes:
            return
        droppable = [
            k
            for k, column in enumerate(self._columns)
            if column.choice is not None
            and column.level is not None
            and column.last_used < iteration
        ]
        droppable.sort(key=lambda k: (self._columns[k].last_used, k))
        for k in droppable:
            if self._kept_bytes <= self.budget_bytes:
                break
            level = self._columns[k].level
            assert level is not None
            self._kept_bytes -= level.nbytes
            self._columns[k].level = None

    @property
    def kept_bytes(self) -> int:
        """Bytes held by kept plans."""
        return self._kept_bytes
