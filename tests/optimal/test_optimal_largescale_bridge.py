"""Big single-region plans go to cooplan.planning.largescale; its answer is re-certified
here and HiGHS takes over whenever it is not certified."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from test_optimal_random import random_economy

from cooplan.planning.optimal import largescale_bridge, plan
from cooplan.planning.optimal.formulation import build_lp
from cooplan.planning.optimal.highs_solver import solve_lp
from cooplan.planning.optimal.result import Objective


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


def use_module(monkeypatch: pytest.MonkeyPatch, **spoil: Any) -> None:
    def solve_large(snapshot: Any, objective: str, **_: Any) -> SimpleNamespace:
        return highs_answer(snapshot, objective, **spoil)

    monkeypatch.setattr(
        largescale_bridge, "_module", lambda: SimpleNamespace(solve_large=solve_large)
    )


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
