"""Big single-region plans go to cooplan.planning.largescale; its answer is re-certified
here and HiGHS takes over whenever it is not certified; a structured solve stopped before
its certificate passes still gives a feasible plan with a proven bound."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from optimal_builders import check_deliveries
from test_optimal_random import random_economy

import cooplan.planning.largescale.solve as large_solve
import cooplan.planning.largescale.threads as threads_module
import cooplan.planning.optimal.api as optimal_api
from cooplan.cli import main
from cooplan.errors import InputError
from cooplan.io import write_economy
from cooplan.model.economy import Economy
from cooplan.planning.largescale import Progress
from cooplan.planning.mechanism import RunStatus, get_mechanism
from cooplan.planning.optimal import largescale_bridge, plan
from cooplan.planning.optimal.formulation import build_lp
from cooplan.planning.optimal.highs_solver import solve_lp
from cooplan.planning.optimal.result import Objective, PlanResult, PlanStatus
from cooplan.synthetic import synthetic_economy


def highs_answer(
    snapshot: Any, objective: str, *, scale_x: float = 1.0, certified: bool = True
) -> SimpleNamespace:
    """An answer in solve_large's shape, computed by HiGHS (optionally spoiled)."""
    lp = build_lp(snapshot, Objective(objective))
    solution = solve_lp(lp)
    dual = solution.row_dual
    prices = np.zeros(snapshot.n_products)
    prices[lp.layout.balance_products] = dual[lp.rows["balance"]]
    resources = np.zeros(snapshot.n_products)
    resources[lp.layout.resource_products] = -dual[lp.rows["resource"]]
    lam = lp.columns["lam"]
    return SimpleNamespace(
        status=SimpleNamespace(value="optimal"),
        x=solution.x[lp.columns["x"]] * scale_x,
        lam=float(solution.x[lam][0]) if lam.stop > lam.start else None,
        product_prices=prices,
        labour_prices=-dual[lp.rows["labour"]],
        resource_prices=resources,
        certified=certified,
        iterations=7,
        time_s=0.01,
        method="stand-in",
    )


def provide_solver(monkeypatch: pytest.MonkeyPatch, solve_large: Any) -> None:
    """The bridge finds ``solve_large`` as the large-scale package's solver."""
    monkeypatch.setattr(
        largescale_bridge, "_module", lambda: SimpleNamespace(solve_large=solve_large)
    )


def use_module(monkeypatch: pytest.MonkeyPatch, **spoil: Any) -> None:
    def solve_large(snapshot: Any, objective: str, **_: Any) -> SimpleNamespace:
        return highs_answer(snapshot, objective, **spoil)

    provide_solver(monkeypatch, solve_large)


def test_certified_answer_is_used_and_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    use_module(monkeypatch)
    result = plan(random_economy(3), "fulfilment", large_scale_threshold=0)
    assert result.solver is not None and result.solver.name == "largescale"
    assert result.solver.iterations == 7
    assert result.certificate is not None and result.certificate.passed


@pytest.mark.parametrize("spoil", [{"certified": False}, {"scale_x": 3.0}])
def test_uncertified_or_wrong_answers_fall_back_to_highs(
    monkeypatch: pytest.MonkeyPatch, spoil: dict[str, Any]
) -> None:
    use_module(monkeypatch, **spoil)
    economy = random_economy(3)
    result = plan(economy, "fulfilment", large_scale_threshold=0)
    assert result.solver is not None and result.solver.name == "highs"
    assert "solved with HiGHS instead" in result.solver.note
    reference = plan(economy, "fulfilment")
    assert result.objective_value == pytest.approx(reference.objective_value)


def test_small_or_regional_problems_stay_with_highs() -> None:
    small = plan(random_economy(3), "fulfilment")
    assert small.solver is not None and small.solver.name == "highs"
    assert small.solver.note == ""
    regional = plan(random_economy(3, regions=3), "fulfilment", large_scale_threshold=0)
    assert regional.solver is not None and regional.solver.name == "highs"


@pytest.mark.parametrize("seed", [0, 1, 2, 5])
def test_real_large_scale_solver_agrees_with_highs(seed: int) -> None:
    pytest.importorskip("cooplan.planning.largescale")
    economy = random_economy(seed)
    via_bridge = plan(economy, "fulfilment", large_scale_threshold=0)
    direct = plan(economy, "fulfilment")
    assert via_bridge.certificate is not None and via_bridge.certificate.passed
    assert via_bridge.objective_value == pytest.approx(direct.objective_value, rel=1e-6)


# --- a structured solve stopped before it is certified: a feasible plan with its bound -------


@pytest.fixture(scope="module")
def synthetic() -> Economy:
    return synthetic_economy(
        400, techniques=2, inputs_per_process=5, capacity_share=0.02, n_resources=2, seed=3
    )


@pytest.fixture(scope="module")
def optimum(synthetic: Economy) -> float:
    reference = plan(synthetic, "fulfilment")
    assert reference.is_optimal and reference.objective_value is not None
    return reference.objective_value


def stop_early(monkeypatch: pytest.MonkeyPatch, iterations: int = 12) -> None:
    """Column generation stops after ``iterations``, before its bound meets its plan."""
    monkeypatch.setattr(large_solve, "_MAX_ITERATIONS", iterations)


def check_feasible(result: PlanResult, economy: Economy, optimum: float) -> None:
    assert result.status is PlanStatus.FEASIBLE and result.has_plan
    assert result.solver is not None and result.solver.name == "largescale"
    certificate = result.certificate
    assert certificate is not None and not certificate.passed
    # A plan that meets every constraint, priced by a feasible dual point ...
    allowed = certificate.tolerance * certificate.scale
    assert certificate.primal_infeasibility <= allowed
    assert certificate.dual_infeasibility <= allowed
    # ... so the optimum lies between the plan's λ and the bound its prices prove.
    value, bound = result.objective_value, result.objective_bound
    assert value is not None and bound is not None
    assert value <= optimum * (1 + 1e-9) and optimum <= bound * (1 + 1e-9)
    assert bound - value == pytest.approx(certificate.duality_gap)
    check_deliveries(economy, result)
    assert result.to_json_dict()["objective_bound"] == bound


def test_a_stopped_structured_solve_gives_a_feasible_plan_with_its_bound(
    monkeypatch: pytest.MonkeyPatch, synthetic: Economy, optimum: float
) -> None:
    stop_early(monkeypatch)
    result = plan(synthetic, "fulfilment", large_scale_threshold=0, highs_fallback=False)
    check_feasible(result, synthetic, optimum)
    assert "not certified" in result.solver.note if result.solver else False


def test_without_time_left_for_highs_the_feasible_plan_is_kept(
    monkeypatch: pytest.MonkeyPatch, synthetic: Economy, optimum: float
) -> None:
    stop_early(monkeypatch)
    monkeypatch.setattr(optimal_api, "_LEAST_HIGHS_TIME_S", 1e9)
    result = plan(synthetic, "fulfilment", large_scale_threshold=0)
    check_feasible(result, synthetic, optimum)
    assert result.solver is not None and "no time left for HiGHS" in result.solver.note


def test_with_time_left_highs_finds_the_optimum(
    monkeypatch: pytest.MonkeyPatch, synthetic: Economy, optimum: float
) -> None:
    stop_early(monkeypatch)
    result = plan(synthetic, "fulfilment", large_scale_threshold=0)
    assert result.is_optimal and result.objective_bound is None
    assert result.solver is not None and result.solver.name == "highs"
    assert "not certified" in result.solver.note and "HiGHS instead" in result.solver.note
    assert result.objective_value == pytest.approx(optimum, rel=1e-9)


def test_an_answer_without_dual_prices_is_not_called_feasible(
    monkeypatch: pytest.MonkeyPatch, synthetic: Economy, optimum: float
) -> None:
    # A stopped answer with a plan but no dual point (zero prices, which the solver's own
    # check rejects: d·y = 0 < 1): HiGHS must solve the economy.
    def solve_large(snapshot: Any, objective: str, **_: Any) -> SimpleNamespace:
        answer = highs_answer(snapshot, objective, certified=False)
        answer.status = SimpleNamespace(value="not_certified")
        for name in ("product_prices", "labour_prices", "resource_prices"):
            setattr(answer, name, np.zeros_like(getattr(answer, name)))
        answer.certificate = SimpleNamespace(
            primal_infeasibility=0.0, dual_infeasibility=1.0, complementarity_gap=1.0
        )
        return answer

    provide_solver(monkeypatch, solve_large)
    result = plan(synthetic, "fulfilment", large_scale_threshold=0, highs_fallback=False)
    assert result.is_optimal and result.solver is not None and result.solver.name == "highs"
    assert result.objective_value == pytest.approx(optimum, rel=1e-9)


@pytest.fixture(scope="module")
def big() -> Economy:
    """2,600 goods × 2 techniques: above the default threshold of 5,000 processes."""
    return synthetic_economy(2600, techniques=2, inputs_per_process=4, n_resources=1, seed=1)


def test_the_optimal_mechanism_adopts_a_feasible_plan_as_not_converged(
    monkeypatch: pytest.MonkeyPatch, big: Economy
) -> None:
    stop_early(monkeypatch)
    monkeypatch.setattr(optimal_api, "_LEAST_HIGHS_TIME_S", 1e9)
    run = get_mechanism("optimal").solve(big, 0)
    assert run.status is RunStatus.NOT_CONVERGED
    assert run.details["plan"]["status"] == "feasible" and run.activity


def test_the_command_prints_a_feasible_plan_and_exits_1(
    monkeypatch: pytest.MonkeyPatch,
    big: Economy,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = write_economy(big, tmp_path / "big")
    stop_early(monkeypatch)
    monkeypatch.setattr(optimal_api, "_LEAST_HIGHS_TIME_S", 1e9)
    out = tmp_path / "plan.json"
    argv = ["plan", str(folder), "--time-limit", "300", "--json", str(out)]
    assert main(argv) == 1
    printed = capsys.readouterr().out
    assert "feasible" in printed and "optimum proven no better than" in printed
    data = json.loads(out.read_text())
    assert data["status"] == "feasible"
    assert data["objective_bound"] >= data["objective_value"]


# --- tuning the structured solver: threads and plan memory change its time, not its plan ------


def spy_on_solve_large(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Record the keyword arguments of every call of the real ``solve_large``."""
    real = large_solve.solve_large
    calls: list[dict[str, Any]] = []

    def recorded(snapshot: Any, objective: str, **options: Any) -> Any:
        calls.append(options)
        return real(snapshot, objective, **options)

    provide_solver(monkeypatch, recorded)
    return calls


def test_threads_and_plan_memory_reach_the_solver_and_keep_the_plan(
    monkeypatch: pytest.MonkeyPatch, big: Economy, tmp_path: Path
) -> None:
    folder = write_economy(big, tmp_path / "big")
    calls = spy_on_solve_large(monkeypatch)
    # Split even this economy's small matrices, so that the threaded products run.
    monkeypatch.setattr(threads_module, "MIN_NONZEROS", 0)
    plans = []
    for extra in ([], ["--threads", "2", "--plan-memory", "0"], ["--threads", "all"]):
        out = tmp_path / f"plan{len(plans)}.json"
        assert main(["plan", str(folder), "--json", str(out), "--quiet", *extra]) == 0
        plans.append(json.loads(out.read_text()))
    assert "threads" not in calls[0] and "plan_memory_bytes" not in calls[0]
    assert calls[1]["threads"] == 2 and calls[1]["plan_memory_bytes"] == 0
    assert calls[2]["threads"] == threads_module.available_threads()
    for other in plans[1:]:
        assert other["status"] == plans[0]["status"] == "optimal"
        assert other["objective_value"] == pytest.approx(plans[0]["objective_value"], rel=1e-9)


def test_bad_tuning_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    economy = random_economy(3)
    with pytest.raises(InputError, match="threads"):
        plan(economy, "fulfilment", threads=0)
    with pytest.raises(InputError, match="plan_memory_bytes") as raised:
        plan(economy, "fulfilment", plan_memory_bytes=-1)
    assert raised.value.problems[0].value == -1
    folder = write_economy(economy, tmp_path / "small")
    assert main(["plan", str(folder), "--threads", "many"]) == InputError.exit_code
    printed = capsys.readouterr().err
    assert "--threads" in printed and "many" in printed


def test_progress_reaches_the_caller_and_the_command_prints_it(
    big: Economy, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports: list[Progress] = []
    result = plan(big, "fulfilment", progress=reports.append)
    assert result.is_optimal and reports
    assert result.fulfilment_lambda is not None
    assert reports[-1].value == pytest.approx(result.fulfilment_lambda, rel=1e-6)
    with pytest.raises(InputError, match="progress"):
        plan(big, "fulfilment", progress="every step")  # type: ignore[arg-type]
    folder = write_economy(big, tmp_path / "big")
    assert main(["plan", str(folder), "--quiet", "--progress", "0"]) == 0
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if ", iteration " in line]
    assert len(lines) == len(reports)  # --progress 0: every step, the same steps as above
    # The same last step, but for the time it came at.
    assert lines[-1].split(" s, ", 1)[1] == reports[-1].describe().split(" s, ", 1)[1]
    assert "gap" in lines[-1] and ", iteration " not in captured.out
