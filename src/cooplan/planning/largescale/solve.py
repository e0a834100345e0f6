"""``solve_large``: the optimal plan of a large single-region economy, with its certificate."""

from __future__ import annotations

import time
from typing import Literal

import numpy as np

from cooplan.model.snapshot import EconomySnapshot
from cooplan.planning.largescale.certificate import (
    infeasibility_certificate,
    optimality_certificate,
    unboundedness_certificate,
)
from cooplan.planning.largescale.column_generation import (
    ColumnGeneration,
    GenerationResult,
    Outcome,
    UnsettledError,
)
from cooplan.planning.largescale.columns import DEFAULT_BUDGET_BYTES
from cooplan.planning.largescale.device import Device, backend
from cooplan.planning.largescale.fallback import solve_with_highs
from cooplan.planning.largescale.leontief import LeontiefCore, NotProductiveError
from cooplan.planning.largescale.problem import Objective, PlanningLP, planning_lp
from cooplan.planning.largescale.progress import ProgressCallback, Reporter
from cooplan.planning.largescale.result import (
    Certificate,
    CertificateKind,
    LargeScaleSolution,
    SolveStatus,
)
from cooplan.planning.largescale.threads import default_threads

METHOD = (
    "Dantzig-Wolfe column generation over Leontief policy plans (policy iteration with "
    "GMRES solves, no factorisation), lazily added side rows, HiGHS master"
)
_MAX_ITERATIONS = 20_000
_RETRIES = 3  # capacity-aware pricing attempts before all capacities become master rows
# Leontief solves hold each equation to this share of the certificate tolerance, within
# [_SOLVE_RTOL_LEAST, _SOLVE_RTOL_MOST]: plans and values 1,000 times more accurate than
# the certificate asks lose nothing there (a mix of plans is as accurate as its plans,
# row by row), and each decade costs about 1.2 matrix-vector products per plan solve.
_SOLVE_SHARE = 1e-3
_SOLVE_RTOL_LEAST = 1e-11
_SOLVE_RTOL_MOST = 1e-9


def solve_rtol(tol: float) -> float:
    """Componentwise relative accuracy of every Leontief solve for a certificate to ``tol``
    (10⁻⁹ at the default 10⁻⁶; never finer than 10⁻¹¹, which float64 still reaches)."""
    return min(_SOLVE_RTOL_MOST, max(_SOLVE_RTOL_LEAST, _SOLVE_SHARE * tol))


def _start_prices(lp: PlanningLP, start: LargeScaleSolution | None) -> np.ndarray | None:
    if start is None:
        return None
    return np.concatenate(
        [
            start.labour_prices,
            start.resource_prices[lp.resource_products],
            start.capacity_prices[lp.capped_processes],
        ]
    )


def _package(
    lp: PlanningLP,
    status: SolveStatus,
    x: np.ndarray,
    lam: float | None,
    y: np.ndarray,
    pi: np.ndarray,
    certificate: Certificate,
    tol: float,
    iterations: int,
    started: float,
    method: str,
    message: str,
) -> LargeScaleSolution:
    certified = certificate.passes(tol)
    if not certified:
        status = SolveStatus.NOT_CERTIFIED
    product_prices = np.zeros(lp.n_products)
    product_prices[lp.balance_products] = y
    labour, resource, capacity = lp.split_side_prices(pi)
    if status == SolveStatus.OPTIMAL:
        objective: float | None = (
            lam if lp.objective == Objective.FULFILMENT else float(lp.labour @ x)
        )
    else:
        objective = None
    return LargeScaleSolution(
        status=status,
        objective_kind=lp.objective.value,
        x=x,
        lam=lam if lp.objective == Objective.FULFILMENT else None,
        objective=objective,
        product_prices=product_prices,
        labour_prices=labour,
        resource_prices=resource,
        capacity_prices=capacity,
        certificate=certificate,
        certified=certified,
        iterations=iterations,
        time_s=time.perf_counter() - started,
        method=method,
        message=message,
    )


def _certify(
    lp: PlanningLP, outcome: str, x: np.ndarray, lam: float | None, y: np.ndarray, pi: np.ndarray
) -> tuple[SolveStatus, Certificate]:
    if outcome == Outcome.INFEASIBLE:
        return SolveStatus.INFEASIBLE, infeasibility_certificate(lp, x, y, pi)
    if outcome == Outcome.UNBOUNDED:
        return SolveStatus.UNBOUNDED, unboundedness_certificate(lp, x)
    status = SolveStatus.OPTIMAL if outcome == Outcome.OPTIMAL else SolveStatus.NOT_CERTIFIED
    return status, optimality_certificate(lp, x, lam, y, pi)


def _crossover_note(result: GenerationResult) -> str:
    if not result.crossovers:
        return ""
    if result.crossover_rounds:
        return (
            f"; crossover ({result.crossovers} tried) certified in {result.crossover_rounds} "
            f"rounds with {result.crossover_rows} working rows"
        )
    return f"; crossover tried {result.crossovers} times, not certified"


def solve_large(
    snapshot: EconomySnapshot,
    objective: Literal["fulfilment", "min-labour"],
    *,
    tol: float = 1e-6,
    max_time_s: float | None = None,
    start: LargeScaleSolution | None = None,
    device: Device | str = Device.CPU,
    threads: int | None = None,
    plan_memory_bytes: int = DEFAULT_BUDGET_BYTES,
    progress: ProgressCallback | None = None,
) -> LargeScaleSolution:
    """Optimal plan of ``snapshot`` for ``objective``, certified to relative tolerance ``tol``.

    * ``fulfilment``: maximise λ ≥ 0 s.t. (B - A) x ≥ λ d + f, coop hours, resources, capacities.
    * ``min-labour``: minimise Σ l_p x_p s.t. (B - A) x ≥ d + f and the same side rows.

    Regions are summed (a single-region problem); transport links are ignored. Status is
    ``optimal``/``infeasible``/``unbounded`` only when the certificate computed from the
    returned vectors and the original data passes ``tol``; otherwise ``not_certified`` (the
    best plan and prices found are still returned, with their measured errors). ``start``: a
    previous solution of a similar economy whose side-row prices seed the first pricing.
    ``device="gpu"`` runs the Krylov solves and matrix-vector products on an NVIDIA GPU with
    CuPy (:mod:`.device`; raises ``DeviceUnavailableError`` where there is none); the method,
    iterations and certificate are the same as on the CPU. ``threads``: CPU threads for the
    sparse products of the value solves and the improvement step (default:
    ``COOPLAN_THREADS``, a number or ``all``, else 1); the answer is the same bit for bit
    for any number. ``plan_memory_bytes``: memory for the plans of columns outside the
    master's current mix (:mod:`.columns`); beyond it they are dropped and solved again from
    their policy when needed, which costs time, not accuracy. ``progress``: called with a
    :class:`~cooplan.planning.largescale.progress.Progress` after every master solve and
    crossover round of the column generation (not for the HiGHS path of non-Leontief
    economies); what it raises stops the solve.
    """
    started = time.perf_counter()
    backend(device)  # fail early, before any work, if the device cannot run
    if plan_memory_bytes < 0:
        raise ValueError(f"plan_memory_bytes must be 0 or more, got {plan_memory_bytes}")
    kind = Objective(objective)
    lp = planning_lp(snapshot, kind)
    deadline = None if max_time_s is None else started + max_time_s
    if not lp.leontief:
        answer = solve_with_highs(lp, "ipm", max_time_s)
        outcome = {
            "Optimal": Outcome.OPTIMAL,
        }.get(answer.status, Outcome.STOPPED)
        status, certificate = _certify(lp, outcome, answer.x, answer.lam, answer.y, answer.pi)
        return _package(
            lp,
            status,
            answer.x,
            answer.lam,
            answer.y,
            answer.pi,
            certificate,
            tol,
            answer.iterations,
            started,
            f"HiGHS interior point on the whole LP (not Leontief: {lp.reason})",
            "" if outcome == Outcome.OPTIMAL else f"HiGHS: {answer.status}",
        )
    core = LeontiefCore(
        lp.inputs,
        lp.main_row,
        rtol=solve_rtol(tol),
        device=device,
        threads=default_threads() if threads is None else threads,
    )
    report = Reporter(progress, started, core.stats)
    generation = ColumnGeneration(
        lp, core, tol, deadline, plan_memory_bytes=plan_memory_bytes, report=report
    )
    in_master = np.empty(0, dtype=np.int64)
    try:
        for attempt in range(_RETRIES + 1):
            try:
                result = generation.run(_start_prices(lp, start), _MAX_ITERATIONS)
                break
            except UnsettledError as unsettled:
                # Capacities that keep flipping in the core are handled as master rows.
                in_master = np.union1d(in_master, unsettled.processes)
                report.restart()
                generation = ColumnGeneration(
                    lp,
                    core,
                    tol,
                    deadline,
                    capacities_in_core=attempt + 1 < _RETRIES,
                    capacities_in_master=in_master,
                    plan_memory_bytes=plan_memory_bytes,
                    report=report,
                )
    except NotProductiveError as error:
        empty = Certificate(CertificateKind.OPTIMALITY, np.inf, np.inf, np.inf)
        return _package(
            lp,
            SolveStatus.NOT_CERTIFIED,
            np.zeros(lp.n_processes),
            None,
            np.zeros(lp.demand.size),
            np.zeros(lp.side_rhs.size),
            empty,
            tol,
            generation.iterations,
            started,
            METHOD,
            str(error),
        )
    status, certificate = _certify(lp, result.outcome, result.x, result.lam, result.y, result.pi)
    method = (
        f"{METHOD}; {result.columns} plan columns ({result.quick_columns} from quick pricings), "
        f"{result.rows} side rows in the master, "
        f"{core.stats.solves} Krylov solves, {core.stats.matvecs} matrix-vector products"
        + (
            f", {generation.columns.rebuilt} plans solved again"
            if generation.columns.rebuilt
            else ""
        )
        + _crossover_note(result)
    )
    return _package(
        lp,
        status,
        result.x,
        result.lam,
        result.y,
        result.pi,
        certificate,
        tol,
        result.iterations,
        started,
        method,
        result.message,
    )
