"""The Leontief core: values by policy iteration and plans by Krylov solves, no factorisation.

A *policy* picks one process for each balance row (product). With ``A_π`` the square input
matrix of the chosen processes (productive: ``ρ(A_π) < 1``), the plan for net output ``y`` is
``x_π = (I - A_π)⁻¹ y`` and the values for costs ``c ≥ 0`` are ``v = (I - A_πᵀ)⁻¹ c_π``. The
least-cost values ``v_i = min_{p makes i} (c_p + Σ_j a_jp v_j)`` are found by policy iteration
(Howard): evaluate, switch every product to a strictly cheaper process, repeat. Leontief
substitution systems are transient Markov decision processes, so this terminates with the exact
optimum of ``min c·x s.t. (I - A) x ≥ y, x ≥ 0`` for every ``y ≥ 0`` (Veinott 1968).
Linear systems are solved by GMRES warm-started from the previous solution (each step one
sparse matrix-vector product), with Neumann sweeps as a fallback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from cooplan.planning.largescale.device import CPU_BACKEND, Backend, Device, backend
from cooplan.planning.largescale.policy_matrix import PolicyMatrix


class NotProductiveError(ArithmeticError):
    """A policy's linear system did not converge (ρ(A_π) ≥ 1 or too ill-conditioned)."""


@dataclass
class KrylovStats:
    """Counters of the linear algebra done (matrix-vector products, solves)."""

    matvecs: int = 0
    solves: int = 0


def _gmres(
    matrix: Any,
    rhs: Any,
    z: Any,
    tol: float,
    stats: KrylovStats,
    xb: Backend = CPU_BACKEND,
    restart: int = 30,
    cycles: int = 20,
) -> Any:
    """Restarted GMRES for (I - M) z = rhs.

    The Krylov spaces of ``I - M`` and ``M`` are the same, so the Arnoldi process runs on
    ``M`` (Hessenberg ``I - H_M``): the new vector ``M v_j`` is not dominated by ``v_j`` as
    ``v_j - M v_j`` is, and one classical Gram-Schmidt pass keeps the basis orthogonal
    unless the pass leaves less than 0.7 of the vector's norm, when a second pass follows
    (the criterion of Daniel, Gragg, Kaufman & Stewart 1976; two passes are enough).
    Measured at 10⁶ products: the Gram-Schmidt work was a sixth of a fulfilment run with two
    passes always. Vectors live on ``xb``'s device; the small Hessenberg problem is solved
    on the host.
    """
    xp = xb.xp
    basis = xp.empty((restart + 1, rhs.size))
    for _ in range(cycles):
        r = rhs - (z - matrix @ z)
        stats.matvecs += 1
        beta = float(xp.linalg.norm(r))
        if beta <= tol:
            break
        hess = np.zeros((restart + 1, restart))
        basis[0] = r / beta
        cs = np.zeros(restart)
        sn = np.zeros(restart)
        g = np.zeros(restart + 1)
        g[0] = beta
        steps = 0
        for j in range(restart):
            u = matrix @ basis[j]
            stats.matvecs += 1
            before = float(xp.linalg.norm(u))
            h = basis[: j + 1] @ u
            u -= basis[: j + 1].T @ h
            coefficients = xb.get(h)
            norm_u = float(xp.linalg.norm(u))
            if norm_u < 0.7 * before:
                h = basis[: j + 1] @ u
                u -= basis[: j + 1].T @ h
                coefficients = coefficients + xb.get(h)
                norm_u = float(xp.linalg.norm(u))
            # (I - M) v_j = v_j - Σ_i h_i v_i - |u| v̂ with v̂ = u/|u|; the next basis vector
            # is -v̂, so the subdiagonal entry is +|u|.
            hess[: j + 1, j] = -coefficients
            hess[j, j] += 1.0
            hess[j + 1, j] = norm_u
            for i in range(j):  # apply the earlier Givens rotations to the new column
                a, b = hess[i, j], hess[i + 1, j]
                hess[i, j], hess[i + 1, j] = cs[i] * a + sn[i] * b, -sn[i] * a + cs[i] * b
            denom = float(np.hypot(hess[j, j], hess[j + 1, j]))
            cs[j], sn[j] = hess[j, j] / denom, hess[j + 1, j] / denom
            hess[j, j], hess[j + 1, j] = denom, 0.0
            g[j + 1] = -sn[j] * g[j]
            g[j] = cs[j] * g[j]
            steps = j + 1
            if norm_u <= 1e-300 or abs(g[j + 1]) <= 0.5 * tol:
                break
            basis[j + 1] = u / -norm_u
        coef = np.linalg.solve(np.triu(hess[:steps, :steps]), g[:steps])
        z = z + basis[:steps].T @ xb.put(coef)
        if abs(g[steps]) <= 0.5 * tol:
            break  # converged by the Arnoldi estimate; the caller checks the true residual
    return z


def _snap_zeros(
    matrix: Any,
    rhs: Any,
    z: Any,
    rtol: float,
    stats: KrylovStats,
    xb: Backend = CPU_BACKEND,
) -> Any:
    """Set round-off entries (≤ rtol × the largest) of a solution z ≥ 0 to exactly 0.

    Entries whose exact value is 0 (products that no cost reaches) come out of a warm-started
    Krylov solve as round-off (10⁻¹⁵ of the largest value and more); relative certificates
    divide by the size of each row's own terms, so such an entry would count as a 100 %
    error. The snapped vector is kept only if it still meets the componentwise residual
    test (a true small value does not: its row would be off by its whole size).
    """
    xp = xb.xp
    tiny = (z > 0.0) & (z <= rtol * float(xp.max(z)))
    if not bool(tiny.any()):
        return z
    snapped = xp.where(tiny, 0.0, z)
    mz = matrix @ snapped
    stats.matvecs += 1
    residual = rhs - (snapped - mz)
    size = xp.abs(rhs) + snapped + mz
    floor = 1e-15 * float(xp.max(size))
    return snapped if bool(xp.all(xp.abs(residual) <= rtol * size + floor)) else z


def _solve(
    matrix: Any,
    rhs: Any,
    guess: Any | None,
    rtol: float,
    stats: KrylovStats,
    xb: Backend = CPU_BACKEND,
) -> Any:
    """Solve (I - M) z = rhs for a productive non-negative M (GMRES, then Neumann sweeps).

    ``matrix``, ``rhs`` and ``guess`` live on ``xb``'s device, and so does the answer.
    """
    xp = xb.xp
    stats.solves += 1
    scale = float(xp.max(xp.abs(rhs))) if rhs.size else 0.0
    if scale == 0.0:
        return xp.zeros_like(rhs)
    z = rhs.copy() if guess is None else guess.copy()
    z = _gmres(matrix, rhs, z, rtol * float(xp.linalg.norm(rhs)), stats, xb)
    for _ in range(200):
        mz = matrix @ z
        stats.matvecs += 1
        residual = rhs - (z - mz)
        if not bool(xp.all(xp.isfinite(residual))):
            break
        # Componentwise test: each equation holds to rtol of the size of its own terms, so
        # that small values are as accurate (relatively) as large ones. M ≥ 0, so M|z| = Mz
        # when z ≥ 0 (the usual case: plans and values of non-negative right-hand sides).
        if float(xp.min(z)) >= 0.0:
            size = xp.abs(rhs) + z + mz
        else:
            size = xp.abs(rhs) + xp.abs(z) + matrix @ xp.abs(z)
            stats.matvecs += 1
        floor = 1e-15 * float(xp.max(size))  # values that are (almost) exactly zero
        if bool(xp.all(xp.abs(residual) <= rtol * size + floor)):
            if bool(xp.all(rhs >= 0.0)):
                if float(xp.min(z)) < -1e-8 * float(xp.max(xp.abs(z))):
                    # For a productive M, (I - M)⁻¹ ≥ 0: a negative solution proves ρ(M) ≥ 1.
                    break
                # The exact solution is ≥ 0: round-off below zero (|z_i| within tolerance of
                # zero) is removed, so that prices and plans keep their sign exactly.
                z = xp.maximum(z, 0.0)
                z = _snap_zeros(matrix, rhs, z, rtol, stats, xb)
            return z
        # Neumann refinement: z += Σ_k M^k r, converging at rate ρ(M).
        correction = residual.copy()
        term = residual
        for _ in range(8):
            term = matrix @ term
            stats.matvecs += 1
            correction += term
        z = z + correction
    raise NotProductiveError("Leontief system did not converge: is the economy productive?")


class LeontiefCore:
    """Policies, values and plans of ``(I - A) x ≥ y`` with several processes per product."""

    def __init__(
        self,
        inputs: sp.csc_matrix,
        main_row: np.ndarray,
        rtol: float = 1e-11,
        rough_rtol: float = 1e-5,
        device: Device | str = Device.CPU,
        threads: int = 1,
    ):
        self.backend = backend(device, threads)
        self.inputs = inputs.tocsc()
        self.inputs_t = self.inputs.T.tocsr()
        self._inputs_t_device = self.backend.sparse(self.inputs_t)
        self.main_row = main_row
        self.n_rows = inputs.shape[0]
        self.rtol = rtol
        self.rough_rtol = rough_rtol
        self.stats = KrylovStats()
        self._last_input_values: tuple[np.ndarray, np.ndarray] | None = None
        order = np.argsort(main_row, kind="stable")
        self._order = order
        self._sorted_rows = main_row[order]
        self._starts = np.searchsorted(self._sorted_rows, np.arange(self.n_rows))
        self._counts = np.diff(np.append(self._starts, order.size))  # processes per product
        # Every product with the same number of processes (one each in an input-output
        # table, two in the benchmarks): the improvement step works on a rows × k array.
        counts = self._counts
        self._uniform = int(counts[0]) if counts.size and np.all(counts == counts[0]) else 0
        self._cache: tuple[bytes, sp.csc_matrix, sp.csr_matrix] | None = None
        # On the CPU, A_π is kept in per-product slots and rewritten where the policy changes
        # (policy_matrix.py); other devices copy it to theirs and get it built afresh.
        slots = PolicyMatrix(self.inputs, main_row) if self.backend.device == Device.CPU else None
        self._slots = slots if slots is not None and slots.usable else None
        self._device_cache: tuple[bytes, Any, Any] | None = None

    def process_ranks(self) -> np.ndarray:
        """Rank of every process among its product's processes (0 = the first)."""
        rank = np.empty(self._order.size, dtype=np.int64)
        rank[self._order] = np.arange(self._order.size) - self._starts[self._sorted_rows]
        return rank

    def policy_from_ranks(self, ranks: np.ndarray) -> np.ndarray:
        """The policy that runs, for each product, its process of rank ``ranks[i]``."""
        return self._order[self._starts + ranks]

    def first_policy(self, cost: np.ndarray) -> np.ndarray:
        """The process of least direct cost per product (a start for policy iteration)."""
        return self.improve(cost, np.zeros(self.n_rows), None)

    def matrices(self, policy: np.ndarray) -> tuple[sp.csc_matrix, sp.csr_matrix]:
        """A_π (rows × rows) and its transpose, cached for the last policy."""
        key = policy.tobytes()
        if self._cache is None or self._cache[0] != key:
            if self._slots is not None:
                a_pi = self._slots.update(policy)  # rewritten in place: slots of changed products
            else:
                a_pi = self.inputs[:, policy].tocsc()
            self._cache = (key, a_pi, a_pi.T.tocsr())
        return self._cache[1], self._cache[2]

    def device_matrices(self, policy: np.ndarray) -> tuple[Any, Any]:
        """A_π and its transpose on the backend's device. On the CPU: the host matrices, the
        transpose split over the backend's threads; A_π stays CSC there (a plan solve does
        not use it enough to pay for a conversion to row blocks)."""
        a_pi, a_pi_t = self.matrices(policy)
        key = policy.tobytes()
        if self._device_cache is None or self._device_cache[0] != key:
            on_cpu = self.backend.device == Device.CPU
            plain = a_pi if on_cpu else self.backend.sparse(a_pi)
            self._device_cache = (key, plain, self.backend.sparse(a_pi_t))
        return self._device_cache[1], self._device_cache[2]

    def solve(
        self,
        policy: np.ndarray,
        rhs: np.ndarray,
        guess: np.ndarray | None,
        rtol: float,
        transpose: bool = False,
    ) -> np.ndarray:
        """Solve ``(I - A_π) z = rhs`` (or its transpose) on the backend; host in, host out."""
        xb = self.backend
        a_pi, a_pi_t = self.device_matrices(policy)
        start = None if guess is None else xb.put(guess)
        z = _solve(a_pi_t if transpose else a_pi, xb.put(rhs), start, rtol, self.stats, xb)
        return xb.get(z)

    def _least(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each product, its first process with the least ``q``, and that least value."""
        qs = q[self._order]
        if self._uniform:
            table = qs.reshape(self.n_rows, self._uniform)
            first = self._starts + np.argmin(table, axis=1)  # the first least, as below
            best = qs[first]
        else:
            best = np.minimum.reduceat(qs, self._starts)
            is_best = qs <= np.repeat(best, self._counts)
            hits = np.flatnonzero(is_best)
            first = hits[np.r_[True, self._sorted_rows[hits[1:]] != self._sorted_rows[hits[:-1]]]]
        return self._order[first], best

    def most_active(self, x: np.ndarray) -> np.ndarray:
        """The policy that runs, for each product, its process with the largest activity in x."""
        return self._least(-x)[0]

    def solve_normwise(
        self, policy: np.ndarray, rhs: np.ndarray, rtol: float, transpose: bool = False
    ) -> np.ndarray:
        """``(I - A_π) z = rhs`` (or its transpose) from z = 0 to a norm-wise relative residual
        ``rtol`` (GMRES only, no componentwise test): for coefficients of a small LP, whose
        answer is checked afterwards, not for certificates."""
        xb = self.backend
        a_pi, a_pi_t = self.device_matrices(policy)
        matrix = a_pi_t if transpose else a_pi
        b = xb.put(rhs)
        self.stats.solves += 1
        z = _gmres(matrix, b, b * 0.0, rtol * float(xb.xp.linalg.norm(b)), self.stats, xb)
        return xb.get(z)

    def improve(
        self, cost: np.ndarray, values: np.ndarray, policy: np.ndarray | None
    ) -> np.ndarray:
        """Switch each product to its cheapest process under ``values`` (keep ties)."""
        q = cost + self._input_values(values)
        candidate, best = self._least(q)
        if policy is None:
            return candidate
        slack = 1e-12 * np.abs(best)  # relative: values may be tiny (fulfilment prices)
        keep = q[policy] <= best + slack
        return np.where(keep, policy, candidate)

    def _input_values(self, values: np.ndarray) -> np.ndarray:
        """``Aᵀ values``: each process's inputs valued at ``values`` (per unit of activity).

        The last product is kept: a pricing ends by improving its policy with its values,
        and the next pricing starts by improving with the same values under new costs, so
        one product with all of ``A`` (twice the non-zeros of ``A_π`` at two processes per
        product) is saved per pricing."""
        last = self._last_input_values
        if last is not None and np.array_equal(last[0], values):
            return last[1]
        xb = self.backend
        valued = xb.get(self._inputs_t_device @ xb.put(values))
        self.stats.matvecs += 1
        self._last_input_values = (values.copy(), valued)
        return valued

    def evaluate(
        self,
        policy: np.ndarray,
        cost: np.ndarray,
        guess: np.ndarray | None = None,
        rough: bool = False,
    ) -> np.ndarray:
        """Values v = c_π + A_πᵀ v of a policy (``rough``: to ``rough_rtol`` only)."""
        rtol = self.rough_rtol if rough else self.rtol
        return self.solve(policy, cost[policy], guess, rtol, transpose=True)

    def values(
        self,
        cost: np.ndarray,
        policy: np.ndarray | None = None,
        guess: np.ndarray | None = None,
        max_rounds: int = 200,
    ) -> tuple[np.ndarray, np.ndarray, int]:
        """Least-cost values and an optimal policy by policy iteration; returns (v, π, rounds)."""
        # Modified policy iteration: rough evaluations while the policy changes, then an exact
        # one; the policy is accepted only if it is still optimal under the exact values.
        if policy is None:
            policy = self.first_policy(cost)
        elif guess is not None:
            # Warm start: one improvement step with the previous values under the new costs
            # (one product with A, no solve) picks most of the switches the new costs call
            # for, so the first evaluation is of a better policy (measured: a fifth fewer
            # products per fulfilment run at 5·10⁴–10⁵ products).
            policy = self.improve(cost, guess, policy)
        # A warm policy is often still optimal after the costs change, but not always: a
        # rough evaluation first decides, and only the final policy is evaluated exactly.
        v = self.evaluate(policy, cost, guess, rough=True)
        exact = False
        for rounds in range(1, max_rounds + 1):
            new = self.improve(cost, v, policy)
            if np.array_equal(new, policy):
                if exact:
                    return v, policy, rounds
                v = self.evaluate(policy, cost, v)
                exact = True
                continue
            policy = new
            exact = False
            v = self.evaluate(policy, cost, v, rough=True)
        raise NotProductiveError("policy iteration did not settle")

    def plan(
        self, policy: np.ndarray, net_output: np.ndarray, guess: np.ndarray | None = None
    ) -> np.ndarray:
        """Activity vector (all processes) of a policy delivering ``net_output`` exactly."""
        x = np.zeros(self.main_row.size)
        if np.any(net_output):
            x[policy] = self.solve(policy, net_output, guess, self.rtol)
        return x
