"""Harmony planning as a price-guided iteration with a certified gap (see docs/harmony.md).

Each round, given one scaled multiplier per limited thing (an hour of a coop, a unit of a
resource, a unit of a process's capacity):

1. **Valuations.** Every good's value p_i = the least full cost of making it,
   min over its processes of (direct cost + Σ_j a_jp p_j), by value iteration (as labour
   values, with every limited thing priced by its multiplier).
2. **Harmony response.** Each product's delivery maximises W_i H(y_i/d_i − 1) − p_i y_i:
   H'(s_i) = p_i d_i / W_i, in closed form. Dear goods are cut back, cheap goods expanded.
3. **Plan.** Each good is made by its cheapest technique; gross output q = A q + y by
   successive approximation, so every balance holds.
4. **Limits.** Where the plan overuses a coop's hours, a resource or a capacity, its multiplier
   rises; where it leaves them idle it falls (a Polyak step on the Lagrangian dual). The plan
   is shrunk towards the floor plan until within every limit; the best such plan is kept,
   and so is the running average of the plans (which converges to the optimum).

The same valuations give an upper bound on the best harmony reachable (weak Lagrangian
duality), so every round knows how far from the optimum it can at most be: it stops when
(bound − best) ≤ ``tolerance`` × max(1, |best|).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cooplan.planning.harmony.problem import HarmonyProblem
from cooplan.planning.optimal.harmony import harmony

FloatArray = np.ndarray

S_CEILING = 1e6  # largest relative over-fulfilment a round may propose (a free good)
SWEEP_TOLERANCE = 1e-11
MAX_SWEEPS = 10_000
STALL_ROUNDS = 200  # stop when the gap shrank by less than STALL_SHARE × tolerance in this many
STALL_SHARE = 0.1
AVERAGE_WEIGHT = 0.1  # weight of the newest plan in the running average


@dataclass(frozen=True)
class HarmonyOptions:
    """Knobs of the iteration (defaults work on every economy tried; see docs/harmony.md)."""

    tolerance: float = 5e-3
    max_rounds: int = 500
    step: float = 1.0
    spread: float = 0.05
    min_spread: float = 0.01


@dataclass(frozen=True)
class RoundTrace:
    """One round: best feasible harmony so far, the best bound so far, and the largest relative
    overuse of a limit by the round's plan before it is shrunk to fit (0: it fitted)."""

    round: int
    best: float
    bound: float
    overuse: float


@dataclass(frozen=True)
class HarmonySolution:
    """Vectors of the best feasible plan found, with the bound that certifies it."""

    activity: FloatArray
    delivered: FloatArray
    value: float
    bound: float
    rounds: int
    converged: bool
    multipliers: FloatArray
    prices: FloatArray
    trace: tuple[RoundTrace, ...]


def _sweep_values(problem: HarmonyProblem, direct: FloatArray, start: FloatArray) -> FloatArray:
    """Least full cost per good (fixed point of p = min_p(direct + Aᵀp)), from ``start``."""
    p = start
    for _ in range(MAX_SWEEPS):
        new = problem.cheapest(direct + problem.inputs_t @ p)
        new = np.where(problem.producible, new, np.inf)
        finite = np.isfinite(new)
        change = np.max(np.abs(new[finite] - p[finite]), initial=0.0)
        scale = np.max(np.abs(new[finite]), initial=1.0)
        p = new
        if change <= SWEEP_TOLERANCE * max(scale, 1e-300):
            break
    return p


def _safe_values(problem: HarmonyProblem, direct: FloatArray, p: FloatArray) -> FloatArray:
    """Scale ``p`` by c ≤ 1 so that p ≤ T(p) holds exactly (a valid dual point).

    T(cp) ≥ c T(p) + (1 − c) dmin, so c = min_i dmin_i / (dmin_i + r_i) with r = (p − T(p))⁺.
    """
    finite = np.where(np.isfinite(p), p, 0.0)
    again = problem.cheapest(direct + problem.inputs_t @ finite)
    both = np.isfinite(p) & np.isfinite(again)
    residual = np.zeros_like(finite)
    residual[both] = np.maximum(p[both] - again[both], 0.0)
    dmin = problem.cheapest(direct)
    bad = residual > 0
    if not bad.any():
        return p
    c = float(np.min(dmin[bad] / (dmin[bad] + residual[bad])))
    result: FloatArray = c * p
    return result


def _response(problem: HarmonyProblem, p: FloatArray) -> FloatArray:
    """Per demand row, the delivery maximising w H(y/d − 1) − p y over y ≥ floor."""
    y = problem.row_floor.copy()
    rows = problem.objective_rows
    d, w = problem.row_target[rows], problem.row_weight[rows]
    r = p[problem.row_product[rows]] * d / w
    s = np.where(
        r <= 1.0,
        1.0 / np.maximum(r, 1.0 / (1.0 + S_CEILING)) - 1.0,
        np.maximum(1.0 - r, -1.0),
    )
    y[rows] = np.maximum(d * (1.0 + s), problem.row_floor[rows])
    return y


def harmony_value(problem: HarmonyProblem, delivered: FloatArray) -> float:
    """Σ_k w_k H(y_k/d_k − 1) over the demand rows that carry harmony (y per row)."""
    rows = problem.objective_rows
    s = delivered[rows] / problem.row_target[rows] - 1.0
    return float(problem.row_weight[rows] @ harmony(np.maximum(s, -1.0)))


def _dual_bound(problem: HarmonyProblem, multipliers: FloatArray, safe: FloatArray) -> float:
    """Lagrangian dual value at ``safe`` valuations: an upper bound on the best harmony."""
    rows = problem.objective_rows
    price = safe[problem.row_product]
    if not np.all(np.isfinite(price[rows])):
        return float("inf")
    y = _response(problem, safe)
    if np.any(y[rows] >= problem.row_target[rows] * S_CEILING):
        return float("inf")
    cost = np.where(y > 0, np.where(np.isfinite(price), price, 0.0) * y, 0.0)
    return harmony_value(problem, y) - float(cost.sum()) + float(multipliers.sum())


def _techniques(problem: HarmonyProblem, cost: FloatArray, spread: float) -> FloatArray:
    """Technique shares: a soft minimum of full unit cost within each good.

    Share ∝ exp(−(cost_p / least_i − 1) / spread): the cheapest technique dominates, near
    ties share the work (so the plan moves smoothly as valuations move). ``spread`` → 0
    gives each good to its cheapest process (lowest index on ties).
    """
    pp = problem.process_product
    least = problem.cheapest(cost)[pp]
    alive = problem.runnable & np.isfinite(cost)
    with np.errstate(invalid="ignore", divide="ignore"):
        excess = np.where(alive, cost / np.where(least > 0, least, 1.0) - 1.0, np.inf)
        excess = np.where(alive & (least <= 0), np.where(cost <= least, 0.0, np.inf), excess)
    weights = np.exp(-np.maximum(excess, 0.0) / spread)
    total = np.bincount(pp, weights=weights, minlength=problem.n_products)
    shares: FloatArray = np.where(weights > 0, weights / np.maximum(total[pp], 1e-300), 0.0)
    return shares


def gross_output(
    problem: HarmonyProblem, shares: FloatArray, delivered: FloatArray, start: FloatArray
) -> FloatArray:
    """Gross output q with q = A_φ q + y (successive approximation from ``start``)."""
    q = start
    pp = problem.process_product
    for _ in range(MAX_SWEEPS):
        new = problem.inputs @ (shares * q[pp]) + delivered
        change = float(np.max(np.abs(new - q), initial=0.0))
        q = new
        if change <= SWEEP_TOLERANCE * max(float(np.max(np.abs(new), initial=0.0)), 1e-300):
            break
    result: FloatArray = np.asarray(q)
    return result


def respect_capacities(
    problem: HarmonyProblem,
    shares: FloatArray,
    delivered: FloatArray,
    q: FloatArray,
    passes: int = 3,
) -> tuple[FloatArray, FloatArray]:
    """Shift work off processes over capacity onto the other techniques of the same good.

    ``q`` must already solve q = A_φ q + ``delivered`` for ``shares``. Each pass: every
    process above its capacity keeps exactly its capacity and the rest of its good's output
    goes to that good's other processes with room left, in proportion to their shares (or
    equally, if they had none); then q is solved again. Returns (shares, q); a good whose
    techniques are all full stays over (the caller shrinks the plan).
    """
    cap = problem.snapshot.process_capacity
    pp = problem.process_product
    n = problem.n_products
    for _ in range(passes):
        x = shares * q[pp]
        over = x > cap * (1 + 1e-12)
        if not over.any():
            break
        fixed = np.where(over, cap, 0.0)
        room = problem.runnable & ~over & (cap > x * (1 + 1e-12))
        excess = np.bincount(pp, weights=np.where(over, x - cap, 0.0), minlength=n)
        base = np.where(room, np.maximum(shares, 1e-9), 0.0)
        base_total = np.bincount(pp, weights=base, minlength=n)
        extra = np.where(room, excess[pp] * base / np.maximum(base_total[pp], 1e-300), 0.0)
        target_x = np.where(over, fixed, x + extra)
        target_x = np.where(room, np.minimum(target_x, cap), target_x)
        total = np.bincount(pp, weights=target_x, minlength=n)
        shares = np.where(total[pp] > 0, target_x / np.maximum(total[pp], 1e-300), shares)
        q = gross_output(problem, shares, delivered, q)
    return shares, q


def _within_limits(usage_plan: FloatArray, usage_floor: FloatArray) -> float:
    """Largest θ ∈ [0, 1] with floor + θ (plan − floor) within every limit (usage ≤ 1)."""
    rise = usage_plan - usage_floor
    over = rise > 0
    if not over.any():
        return 1.0
    theta = np.min((1.0 - usage_floor[over]) / rise[over])
    return float(np.clip(theta, 0.0, 1.0))


def solve(
    problem: HarmonyProblem,
    options: HarmonyOptions,
    floor_activity: FloatArray,
) -> HarmonySolution:
    """Run the harmony iteration from a feasible floor plan (``floor_activity``)."""
    n, m = problem.n_products, problem.n_processes
    pp = problem.process_product
    floor_use = problem.usage @ floor_activity
    floor_y = problem.row_floor
    blocked = np.where(problem.runnable, 0.0, np.inf)

    # Start: price every coop hour alike, so that an average good is delivered at target.
    labour = problem.snapshot.process_labour + blocked
    values = _sweep_values(problem, labour, np.zeros(n))
    rows = problem.objective_rows
    hours = problem.snapshot.coop_hours
    ratio = problem.row_weight[rows] / (
        values[problem.row_product[rows]] * problem.row_target[rows]
    )
    ratio = ratio[np.isfinite(ratio) & (ratio > 0)]
    per_hour = float(np.median(ratio)) if len(ratio) else 1.0
    multipliers = np.zeros(problem.n_constraints)
    multipliers[: len(hours)] = per_hour * hours

    floor_m = 1e-12 * per_hour * float(np.max(hours, initial=1.0))
    multipliers = np.maximum(multipliers, floor_m)
    rate = np.full(problem.n_constraints, 0.1)
    last_direction = np.zeros(problem.n_constraints)
    q = np.zeros(n)
    p = np.zeros(n)
    best_value, best_x, best_y = -np.inf, floor_activity.copy(), floor_y.copy()
    best_bound, best_mult, best_prices = np.inf, multipliers.copy(), p.copy()
    mean_x, mean_y = np.zeros(m), np.zeros(len(floor_y))
    trace: list[RoundTrace] = []
    gaps: list[float] = []
    converged = False
    rounds = 0
    for k in range(1, options.max_rounds + 1):
        rounds = k
        direct = problem.usage_t @ multipliers + blocked
        p = _sweep_values(problem, direct, np.where(np.isfinite(p), p, 0.0))
        safe = _safe_values(problem, direct, p)
        bound = _dual_bound(problem, multipliers, safe)
        if bound < best_bound:
            best_bound, best_mult, best_prices = bound, multipliers.copy(), safe.copy()

        y = _response(problem, p)
        spread = max(options.spread * 0.97**k, options.min_spread)
        shares = _techniques(
            problem, direct + problem.inputs_t @ np.where(np.isfinite(p), p, 0), spread
        )
        total = problem.per_product(y)
        q = gross_output(problem, shares, total, q)
        use = problem.usage @ (shares * q[pp])
        fixed_shares, fixed_q = respect_capacities(problem, shares, total, q)
        x = fixed_shares * fixed_q[pp]
        blend = max(1.0 / k, AVERAGE_WEIGHT)
        mean_x += blend * (x - mean_x)
        mean_y += blend * (y - mean_y)
        for cand_x, cand_y, cand_use in (
            (x, y, problem.usage @ x),
            (mean_x, mean_y, problem.usage @ mean_x),
        ):
            theta = _within_limits(cand_use, floor_use)
            fx = floor_activity + theta * (cand_x - floor_activity)
            fy = floor_y + theta * (cand_y - floor_y)
            value = harmony_value(problem, fy)
            if value > best_value:
                best_value, best_x, best_y = value, fx, fy

        overuse = float(np.max(use - 1.0, initial=0.0))
        trace.append(RoundTrace(k, best_value, best_bound, overuse))
        scale = options.tolerance * max(1.0, abs(best_value))
        gaps.append(best_bound - best_value)
        if gaps[-1] <= scale:
            converged = True
            break
        if k > STALL_ROUNDS and gaps[-1 - STALL_ROUNDS] - gaps[-1] < STALL_SHARE * scale:
            break  # neither the plan nor the bound moves any more
        # Rprop on log multipliers: a limit's step grows while its sign of overuse holds
        # and halves when it flips (robust to the very different scales of the limits).
        direction = np.sign(use - 1.0)
        flips = direction * last_direction < 0
        rate = np.where(flips, rate * 0.5, np.minimum(rate * 1.2, 1.0))
        last_direction = np.where(flips, 0.0, direction)
        multipliers = np.maximum(multipliers * np.exp(options.step * rate * direction), floor_m)

    return HarmonySolution(
        activity=best_x,
        delivered=best_y,
        value=best_value,
        bound=best_bound,
        rounds=rounds,
        converged=converged,
        multipliers=best_mult,
        prices=best_prices,
        trace=tuple(trace),
    )
