"""Dantzig–Wolfe column generation over Leontief policy plans, with lazily added side rows.

Every plan that meets the balances exactly is a mix of *policy plans* (one process per
product): for ``y > 0`` the vertices of ``{x ≥ 0 : (I - A) x ≥ y}`` are policy solutions
(Veinott 1968), and ``x_π(λ d + f) = λ x_π(d) + x_π(f)``. So the planning LP becomes a master
over policy plans whose only rows are the side rows (coop hours, resources, capacities); it
starts with the rows the non-substitution plan violates or nearly fills and adds any other row
the current mix breaks. Pricing a master's row prices ``π`` is a least-cost Leontief problem
with costs ``c + Gᵀπ``, solved exactly by policy iteration (see :mod:`.leontief`); its values
``v`` give both a new column and a Lagrangian bound, which is a feasible dual point of the
original LP. Between exact pricings, quick ones (one rough evaluation, no bound) may supply
columns that improve the master. The loop stops when the mix meets every row and the bound
matches its objective to the tolerance: the pair is then a primal-dual certificate of
optimality.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from cooplan.planning.largescale.bounded import bounded_least_cost
from cooplan.planning.largescale.certificate import optimality_certificate
from cooplan.planning.largescale.columns import DEFAULT_BUDGET_BYTES, ColumnStore, policy_digest
from cooplan.planning.largescale.crossover import CROSSOVER_GAP, CrossoverPoint, crossover
from cooplan.planning.largescale.leontief import LeontiefCore
from cooplan.planning.largescale.master import MasterSolution, RestrictedMaster
from cooplan.planning.largescale.problem import Objective, PlanningLP
from cooplan.planning.largescale.progress import SILENT, Reporter

_ROWS_PER_ROUND = 400
_FEASIBILITY = 1e-9  # relative row violation below which a row counts as met
_SMOOTHING = 0.7  # first weight of the best dual point in Wentges smoothing
ADAPTIVE_SMOOTHING = True  # adapt that weight after every exact pricing (Pessoa et al. 2018)
_CHECK_GAP = 0.5  # relative gap (× tol) from which the exact certificate is tried
QUICK_RUN = 3  # quick pricings in a row at most before an exact one (0: exact only)
QUICK_RUN_STALLED = 8  # that limit after exact pricings that did not improve the bound
BOUNDLESS_PRICINGS = 20  # fulfilment: exact pricings without a finite bound before one at 1/h


class Outcome:
    """How the column generation ended."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    STOPPED = "stopped"


@dataclass(frozen=True)
class GenerationResult:
    """Primal plan, dual point (y on balance rows, π on side rows) and how it ended."""

    outcome: str
    x: np.ndarray
    lam: float | None
    y: np.ndarray
    pi: np.ndarray
    iterations: int
    columns: int
    rows: int
    message: str
    quick_columns: int = 0  # columns found by quick pricings
    crossovers: int = 0  # crossovers tried (crossover.py)
    crossover_rounds: int = 0  # rounds of the crossover that certified (0: none did)
    crossover_rows: int = 0  # its working rows (side and sign rows)


@dataclass
class _Pricing:
    values: np.ndarray
    policy: np.ndarray
    bound: float  # Lagrangian bound for the current phase (phase-1: infeasibility measure)
    pi: np.ndarray  # all side-row prices, capacity rents of in-core capacities included
    key: bytes = b""  # digest that identifies the convexity plan below
    plan: np.ndarray | None = None  # convexity plan already computed (capacity-aware pricing)


@dataclass(frozen=True)
class _NewColumn:
    x: np.ndarray  # the plan over every process
    convex: bool
    policy: np.ndarray | None  # the policy whose plan it is (None: not a policy plan)


class UnsettledError(RuntimeError):
    """The capacity-aware policy iteration did not settle: retry with the capacities of
    ``processes`` as master rows."""

    def __init__(self, processes: np.ndarray):
        super().__init__("capacity-aware policy iteration did not settle")
        self.processes = processes


class ColumnGeneration:
    """One run of the column generation on one planning LP."""

    def __init__(
        self,
        lp: PlanningLP,
        core: LeontiefCore,
        tol: float,
        deadline: float | None,
        capacities_in_core: bool = True,
        capacities_in_master: np.ndarray | None = None,
        plan_memory_bytes: int = DEFAULT_BUDGET_BYTES,
        report: Reporter = SILENT,
    ):
        self.lp = lp
        self.report = report
        self.core = core
        self.tol = tol
        self.deadline = deadline
        self.fulfilment = lp.objective == Objective.FULFILMENT
        self.base_cost = np.zeros(lp.n_processes) if self.fulfilment else lp.labour
        self.convex_rhs = lp.floor if self.fulfilment else lp.demand + lp.floor
        self.row_scale = np.maximum(np.abs(lp.side_rhs), 1.0)
        self.columns = ColumnStore(
            core, lp.side, self.convex_rhs, lp.demand, budget_bytes=plan_memory_bytes
        )
        self.seen: set[tuple[bytes, bool]] = set()
        self.in_master = np.zeros(lp.side_rhs.size, dtype=bool)
        self.policy: np.ndarray | None = None
        self.values: np.ndarray | None = None
        self.iterations = 0
        self.quick_columns = 0
        self.boundless = 0  # exact fulfilment pricings so far without any finite bound
        # Fulfilment: the gap at which the crossover (crossover.py) is tried next; a decade
        # smaller after each attempt that does not certify.
        self.crossover_gap = CROSSOVER_GAP if self.fulfilment else 0.0
        self.crossovers = 0
        self.alpha = _SMOOTHING  # weight of the best dual point (adapted, see _adapt_smoothing)
        self._plans: dict[tuple[bytes, bool], np.ndarray] = {}
        self._last_levels: dict[bool, np.ndarray] = {}
        # Min-labour: capacities of processes whose product also has an uncapped process are
        # kept inside the Leontief pricing (bounded_least_cost), never as master rows.
        self.internal = np.zeros(lp.side_rhs.size, dtype=bool)
        self.core_capacity = np.full(lp.n_processes, np.inf)
        first_cap_row = lp.side_rhs.size - lp.capped_processes.size
        if capacities_in_core and not self.fulfilment and lp.capped_processes.size:
            capped = lp.capped_processes
            has_free = np.zeros(core.n_rows, dtype=bool)
            free = np.ones(lp.n_processes, dtype=bool)
            free[capped] = False
            has_free[lp.main_row[free]] = True
            inside = has_free[lp.main_row[capped]]
            if capacities_in_master is not None:
                inside &= ~np.isin(capped, capacities_in_master)
            self.internal[first_cap_row + np.flatnonzero(inside)] = True
            self.core_capacity[capped[inside]] = lp.side_rhs[first_cap_row:][inside]
        self.internal_rows = np.flatnonzero(self.internal)
        self.internal_processes = lp.capped_processes[self.internal_rows - first_cap_row]

    def _plan(self, policy: np.ndarray, convex: bool) -> np.ndarray:
        """Policy plan for the convexity (d + f, or f) or demand (d) right-hand side, cached
        and warm-started from the previous plan of the same kind."""
        key = (policy_digest(policy), convex)
        if key not in self._plans:
            rhs = self.convex_rhs if convex else self.lp.demand
            # Each product's level in the last plan of this kind: a policy a few switches
            # away makes about the same amounts, whichever process makes them.
            guess = self._last_levels.get(convex)
            self._plans = {k: v for k, v in self._plans.items() if k[0] == key[0]}
            self._plans[key] = self.core.plan(policy, rhs, guess)
            self._last_levels[convex] = self._plans[key][policy]
        return self._plans[key]

    # -- pricing ---------------------------------------------------------------------------
    def _price(self, pi: np.ndarray, phase_one: bool) -> _Pricing:
        lp = self.lp
        if self.internal_rows.size:
            pi = pi.copy()
            pi[self.internal_rows] = 0.0  # rents come out of the pricing, not into it
        cost = lp.side.T @ pi
        if not phase_one:
            cost = cost + self.base_cost
        plan: np.ndarray | None = None
        if self.internal_rows.size:
            bounded = bounded_least_cost(
                self.core, cost, self.core_capacity, self.convex_rhs, self.policy, self.values
            )
            if not bounded.settled:
                flipping = bounded.flipping if bounded.flipping.size else self.internal_processes
                raise UnsettledError(flipping)
            values, policy, plan = bounded.values, bounded.policy, bounded.x
            pi[self.internal_rows] = bounded.rents[self.internal_processes]
            key = policy_digest(policy, bounded.full)
        else:
            values, policy, _ = self.core.values(cost, self.policy, self.values)
            key = policy_digest(policy)
        self.policy, self.values = policy, values
        side_value = float(lp.side_rhs @ pi)
        if phase_one:
            bound = float(self.convex_rhs @ values) - side_value
        elif self.fulfilment:
            dv = float(lp.demand @ values)
            bound = (side_value - float(lp.floor @ values)) / dv if dv > 0 else np.inf
        else:
            bound = float(self.convex_rhs @ values) - side_value
        return _Pricing(values=values, policy=policy, bound=bound, pi=pi, key=key, plan=plan)

    def _price_quickly(self, pi: np.ndarray) -> _Pricing | None:
        """A quick column without a bound: the last policy improved under the new costs with
        the last values, evaluated roughly and improved once more (None where the pricing
        keeps capacities inside the core or has nothing to start from)."""
        if self.policy is None or self.values is None or self.internal_rows.size:
            return None
        cost = self.lp.side.T @ pi + self.base_cost
        policy = self.core.improve(cost, self.values, self.policy)
        values = self.core.evaluate(policy, cost, self.values, rough=True)
        policy = self.core.improve(cost, values, policy)
        self.policy, self.values = policy, values
        return _Pricing(
            values=values, policy=policy, bound=np.nan, pi=pi, key=policy_digest(policy)
        )

    def _convex_plan(self, pricing: _Pricing) -> np.ndarray:
        return pricing.plan if pricing.plan is not None else self._plan(pricing.policy, True)

    def _new_columns(self, pricing: _Pricing) -> list[_NewColumn]:
        key = pricing.key
        wanted: list[_NewColumn] = []
        trivial = self.fulfilment and not self.lp.floor.any() and len(self.columns) > 0
        if (key, True) not in self.seen and not trivial:
            self.seen.add((key, True))
            made_by = pricing.policy if pricing.plan is None else None
            wanted.append(_NewColumn(self._convex_plan(pricing), True, made_by))
        if self.fulfilment and (key, False) not in self.seen:
            self.seen.add((key, False))
            wanted.append(_NewColumn(self._plan(pricing.policy, False), False, pricing.policy))
        return wanted

    # -- master bookkeeping ----------------------------------------------------------------
    def _store(self, column: _NewColumn) -> int:
        cost = 0.0 if self.fulfilment else float(self.lp.labour @ column.x)
        if self.fulfilment and not column.convex:
            cost = -1.0
        return self.columns.add(column.x, column.convex, cost, column.policy)

    def _add_columns(self, master: RestrictedMaster, cols: list[_NewColumn]) -> None:
        rows = np.asarray(master.rows, dtype=np.int64)
        for column in cols:
            k = self._store(column)
            cost = self.columns.cost(k)
            master.add_column(cost, self.columns.usage(k)[rows], column.convex)

    def _add_rows(self, master: RestrictedMaster, rows: np.ndarray) -> None:
        rows = rows[~self.in_master[rows]]
        if rows.size == 0:
            return
        self.in_master[rows] = True
        master.add_rows(rows, self.lp.side_rhs[rows], self.columns.usage_of_rows(rows))

    def _consider(self, pricing: _Pricing, best: _Pricing | None) -> _Pricing:
        """The pricing with the better Lagrangian bound."""
        if best is None or (
            pricing.bound < best.bound if self.fulfilment else pricing.bound > best.bound
        ):
            return pricing
        return best

    def _improves(self, pricing: _Pricing, pi: np.ndarray, sol: MasterSolution) -> bool:
        """Whether the plan priced at a smoothed point has negative reduced cost in the master."""
        if (pricing.key, not self.fulfilment) in self.seen:
            return False
        if self.fulfilment:
            x = self._plan(pricing.policy, False)
            return float(pi @ (self.lp.side @ x)) < 1.0 - 1e-12
        x = self._convex_plan(pricing)
        reduced = float((self.lp.labour + self.lp.side.T @ pi) @ x) - sol.convexity_price
        return reduced < -1e-12 * (1.0 + abs(sol.convexity_price))

    def _adapt_smoothing(self, pricing: _Pricing, direction: np.ndarray) -> None:
        """Pessoa et al. (2018): more weight on the master's prices where the bound improves
        from the smoothed point towards them, more on the centre where it does not."""
        lp = self.lp
        if self.fulfilment:
            if not np.isfinite(pricing.bound):
                return
            plan = self._plan(pricing.policy, False) * pricing.bound
            if lp.floor.any():
                plan = plan + self._convex_plan(pricing)
        else:
            plan = self._convex_plan(pricing)
        slope = float(direction @ (lp.side @ plan - lp.side_rhs))
        if slope > 0.0:
            self.alpha = max(0.0, self.alpha - 0.1)
        else:
            self.alpha += 0.1 * (1.0 - self.alpha)

    def _bound_free_columns(self, master: RestrictedMaster) -> bool:
        """Add, for every demand column, its most used row not yet in the master."""
        added = []
        for k in range(len(self.columns)):
            if self.columns.is_convex(k):
                continue
            use = self.columns.usage(k) / self.row_scale
            use[self.in_master] = 0.0
            if use.max(initial=0.0) > 0.0:
                added.append(int(np.argmax(use)))
        self._add_rows(master, np.unique(np.asarray(added, dtype=np.int64)))
        return bool(added)

    def _lam(self, weights: np.ndarray) -> float:
        """λ of a mix: the weight of its demand columns (fulfilment)."""
        used = np.flatnonzero(weights > 0.0).tolist()
        return float(sum(weights[k] for k in used if not self.columns.is_convex(k)))

    def _violated(self, usage: np.ndarray) -> tuple[np.ndarray, float]:
        """Side rows that a plan with side-row use ``usage`` breaks, worst first."""
        excess = (usage - self.lp.side_rhs) / self.row_scale
        excess[self.internal] = 0.0  # met by construction of every column
        bad = np.flatnonzero(excess > _FEASIBILITY)
        worst = float(excess.max()) if excess.size else 0.0
        return bad[np.argsort(-excess[bad], kind="stable")], worst

    def _initial_rows(self) -> np.ndarray:
        lp = self.lp
        columns = range(len(self.columns))
        usage = np.zeros(lp.side_rhs.size)
        for k in columns:
            usage = np.maximum(usage, self.columns.usage(k))
        if self.fulfilment:
            use_d = self.columns.usage(next(k for k in columns if not self.columns.is_convex(k)))
            use_f = self.columns.usage(0)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(use_d > 0, (lp.side_rhs - use_f) / use_d, np.inf)
            finite = np.isfinite(ratio)
            if not finite.any():
                return np.empty(0, dtype=np.int64)
            low = float(ratio[finite].min())
            near = np.flatnonzero(ratio <= max(low, 0.0) * 1.05 + 1e-12)
            near = near[np.argsort(ratio[near], kind="stable")][:_ROWS_PER_ROUND]
            over = np.flatnonzero(use_f > lp.side_rhs * (1 + _FEASIBILITY))
            return np.union1d(near, over)
        near = np.flatnonzero((usage >= 0.98 * lp.side_rhs) & ~self.internal)
        return near[np.argsort(-(usage[near] / self.row_scale[near]), kind="stable")][
            : 4 * _ROWS_PER_ROUND
        ]

    # -- main loop -------------------------------------------------------------------------
    def run(self, start_pi: np.ndarray | None, max_iterations: int) -> GenerationResult:
        lp = self.lp
        n_side = lp.side_rhs.size
        pi0 = np.zeros(n_side) if start_pi is None else np.maximum(start_pi, 0.0)
        pi0[self.internal] = 0.0  # in-core capacities are priced by the pricing itself
        first = self._price(pi0, phase_one=False)
        cols = self._new_columns(first)
        if self.fulfilment:
            x_d = cols[-1].x
            if not np.any(lp.side @ x_d > 0):
                return self._result(Outcome.UNBOUNDED, x_d, None, first, "plan uses nothing")
        if not self.fulfilment and not self._violated(lp.side @ cols[0].x)[0].size:
            # The least-cost plan meets every side row: it is optimal with its own values.
            self.iterations = 1
            hours = float(lp.labour @ cols[0].x)
            self.report("column generation", 1, hours, first.bound, len(cols), 0)
            self._store(cols[0])
            return self._result(Outcome.OPTIMAL, cols[0].x, None, first, "")
        scale0 = float(lp.labour @ cols[0].x) if not self.fulfilment else 1.0
        master = RestrictedMaster(penalty=1e3, cost_scale=max(scale0, 1e-9))
        self._add_columns(master, cols)
        self._add_rows(master, self._initial_rows())
        phase_one = bool(self._violated(self.columns.usage(0))[0].size)
        master.set_phase(phase_one)

        best: _Pricing | None = None
        # A stopped run returns the latest mix that meets every side row (before there is one,
        # the latest mix, or the first pricing's convexity plan).
        kept_weights = np.zeros(len(self.columns))
        kept_weights[0] = 1.0
        kept_lam: float | None = None
        kept_meets = False
        lam_bar: float | None = None
        quick_streak = 0
        quick_limit = QUICK_RUN
        for iteration in range(1, max_iterations + 1):
            self.iterations = iteration
            if self.deadline is not None and time.perf_counter() > self.deadline:
                break
            try:
                sol = master.solve()
            except RuntimeError as error:
                x_kept = self.columns.mix(kept_weights)
                return self._result(Outcome.STOPPED, x_kept, kept_lam, best or first, str(error))
            except OverflowError:
                if not self._bound_free_columns(master):
                    ray = next(
                        k
                        for k in range(len(self.columns))
                        if not self.columns.is_convex(k) and not np.any(self.columns.usage(k) > 0)
                    )
                    plan = self.columns.plan(ray)
                    return self._result(Outcome.UNBOUNDED, plan, None, first, "free plan")
                continue
            self.columns.mark_used(sol.weights, iteration)
            lam = self._lam(sol.weights)
            lam_bar = lam if self.fulfilment else None
            bad, _ = self._violated(self.columns.mix_usage(sol.weights))
            if not bad.size or not kept_meets:
                kept_weights, kept_lam, kept_meets = sol.weights, lam_bar, not bad.size
            bad = bad[~self.in_master[bad]]
            if bad.size:
                self._add_rows(master, bad[:_ROWS_PER_ROUND])
                continue
            pi = np.zeros(n_side)
            pi[np.asarray(master.rows, dtype=np.int64)] = sol.row_prices
            best_before = best
            if phase_one or best is None:
                pricing = self._price(pi, phase_one)
            else:
                # Wentges smoothing: price between the best dual point and the master's.
                smooth = self.alpha * best.pi + (1.0 - self.alpha) * pi
                if quick_streak < quick_limit:
                    quick = self._price_quickly(smooth)
                    if quick is not None and self._improves(quick, pi, sol):
                        quick_streak += 1
                        self.quick_columns += 1
                        self._add_columns(master, self._new_columns(quick))
                        continue
                quick_streak = 0
                pricing = self._price(smooth, phase_one)
                if not self._improves(pricing, pi, sol):
                    best = self._consider(pricing, best)
                    pricing = self._price(pi, phase_one)
                elif ADAPTIVE_SMOOTHING:
                    self._adapt_smoothing(pricing, pi - best.pi)
            elastic_free = sol.elastic <= 1e-12 * max(1, len(master.rows))
            if phase_one:
                relative = pricing.bound / (1.0 + float(np.abs(self.convex_rhs).max()))
                if relative > 10 * self.tol:
                    x_bar = self.columns.mix(sol.weights)
                    return self._result(
                        Outcome.INFEASIBLE, x_bar, None, pricing, "Farkas ray from phase 1"
                    )
                self.report("phase 1", iteration, None, None, len(self.columns), self._rows())
                if elastic_free:
                    phase_one = False
                    master.set_phase(False)
                    continue
            else:
                primal = lam if self.fulfilment else self.columns.mix_cost(sol.weights)
                best = self._consider(pricing, best)
                assert best is not None
                quick_limit = self._quick_limit(quick_limit, improved=best is not best_before)
                if self.fulfilment and not np.isfinite(best.bound):
                    best = self._price_every_row(master, best)
                size = abs(primal) + abs(best.bound)
                gap = abs(primal - best.bound) / size if size > 0 else 0.0
                self.report(
                    "column generation",
                    iteration,
                    primal if elastic_free else None,
                    best.bound,
                    len(self.columns),
                    self._rows(),
                )
                if elastic_free and gap <= _CHECK_GAP * self.tol:
                    # Close enough to be certified, perhaps: the tail of column generation
                    # converges slowly, so the exact certificate is tried before the last
                    # decades are spent on a safety margin.
                    x_bar = self.columns.mix(sol.weights)
                    done = self._result(Outcome.OPTIMAL, x_bar, lam_bar, best, "")
                    if gap <= 0.1 * self.tol or self._certifies(done):
                        return done
                if elastic_free and gap <= self.crossover_gap:
                    finished, best = self._cross_over(sol.weights, best, primal)
                    if finished is not None:
                        return finished
            cols = self._new_columns(pricing)
            if not cols:
                if not phase_one and not elastic_free:
                    # Penalised master settled with elastic use: test feasibility (phase 1),
                    # and if the rows can be met, return to phase 2 with a larger penalty.
                    phase_one = True
                    master.set_phase(True, penalty=master.penalty * 100.0)
                    continue
                x_bar = self.columns.mix(sol.weights)
                if phase_one:
                    return self._result(Outcome.STOPPED, x_bar, None, pricing, "phase 1 stalled")
                return self._result(
                    Outcome.STOPPED, x_bar, lam_bar, best or pricing, "no improving plan found"
                )
            self._add_columns(master, cols)
        dual = best if best is not None else self._price(np.zeros(n_side), False)
        reason = "time limit reached" if self.iterations < max_iterations else "iteration limit"
        x_kept = self.columns.mix(kept_weights)
        return self._result(Outcome.STOPPED, x_kept, kept_lam, dual, reason)

    @staticmethod
    def _quick_limit(limit: int, improved: bool) -> int:
        """Quick pricings allowed before the next exact one: ``QUICK_RUN`` after an exact
        pricing that improved the bound, one more (up to ``QUICK_RUN_STALLED``) after each
        that did not. An exact pricing's evaluations cost about three times a quick one's
        (measured at 10⁵ products: 26 against 9 matrix-vector products, each pricing plus a
        plan solve of about 12); where the bound stalls — at 10⁶ products it stays at the
        first finite one for minutes while the master gathers its rows — what the exact
        pricing buys is its column, which a quick pricing gives for less."""
        if improved or QUICK_RUN == 0:
            return QUICK_RUN
        return min(limit + 1, max(QUICK_RUN_STALLED, QUICK_RUN))

    def _price_every_row(self, master: RestrictedMaster, best: _Pricing) -> _Pricing:
        """After ``BOUNDLESS_PRICINGS`` fulfilment pricings with no finite bound, one pricing
        at ``1/h_r`` on every side row (its plan joins the master): the best dual point then.

        Fulfilment costs nothing but side rows, so a plan that avoids every priced row is
        free, ``d·v = 0`` and the bound infinite; with a few coops priced, each product's
        other technique (in another coop) avoids them (measured: no finite bound in 300 s
        at 10⁶ products with 1,000 tight coops). Priced at ``1/h_r`` everywhere — using any
        row's whole limit costs the same — no plan is free. Not done from the start: where a
        finite bound comes soon (within 15 pricings on the benchmark economies) it costs more
        than it saves (docs/largescale.md)."""
        self.boundless += 1
        if self.boundless != BOUNDLESS_PRICINGS:
            return best
        everywhere = self._price(1.0 / self.row_scale, phase_one=False)
        self._add_columns(master, self._new_columns(everywhere))
        return self._consider(everywhere, best)

    def _rows(self) -> int:
        return int(self.in_master.sum())

    def _cross_over(
        self, weights: np.ndarray, best: _Pricing, lam: float
    ) -> tuple[GenerationResult | None, _Pricing]:
        """Try the crossover from the current mix (of ``lam`` sets); (certified result or
        None, best dual)."""
        self.crossovers += 1
        self.crossover_gap *= 0.1
        bound = best.bound

        def certifies(point: CrossoverPoint) -> bool:
            return self._certifies(self._point_result(point))

        def on_round(point: CrossoverPoint, certified: bool) -> None:
            # Until a round certifies, the plan on offer is still the master's mix.
            nonlocal bound
            bound = min(bound, point.bound)
            value = point.lam if certified else lam
            self.report("crossover", self.iterations, value, bound, len(self.columns), point.rows)

        done, last = crossover(
            self.lp,
            self.core,
            self.columns.mix(weights),
            best.pi > 0,
            certifies,
            self.deadline,
            on_round,
        )
        if done is not None:
            return self._point_result(done), best
        if last is not None:  # its prices give a valid bound, perhaps the best so far
            best = self._consider(
                _Pricing(values=last.values, policy=last.policy, bound=last.bound, pi=last.pi),
                best,
            )
        return None, best

    def _point_result(self, point: CrossoverPoint) -> GenerationResult:
        dual = _Pricing(values=point.values, policy=point.policy, bound=point.bound, pi=point.pi)
        result = self._result(Outcome.OPTIMAL, point.x, point.lam, dual, "")
        return replace(result, crossover_rounds=point.rounds, crossover_rows=point.rows)

    def _certifies(self, result: GenerationResult) -> bool:
        """Whether the pair passes the certificate against the original LP at ``tol``."""
        certificate = optimality_certificate(self.lp, result.x, result.lam, result.y, result.pi)
        return certificate.passes(self.tol)

    def _result(
        self, outcome: str, x: np.ndarray, lam: float | None, dual: _Pricing, message: str
    ) -> GenerationResult:
        y, pi = dual.values, dual.pi
        if self.fulfilment and outcome != Outcome.INFEASIBLE:
            dv = float(self.lp.demand @ y)
            if dv > 0:
                y, pi = y / dv, pi / dv
        return GenerationResult(
            outcome=outcome,
            x=x,
            lam=lam,
            y=y,
            pi=pi,
            iterations=self.iterations,
            columns=len(self.columns),
            rows=int(self.in_master.sum()),
            message=message,
            quick_columns=self.quick_columns,
            crossovers=self.crossovers,
        )
