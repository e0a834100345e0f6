"""The horizon LP against a published multi-period plan: Williams' economic planning problem.

H. P. Williams, *Model Building in Mathematical Programming*, 5th ed. (Wiley 2013), problem 12.9
"Economic planning" (pp. 263–264; formulation and solution pp. 316–317), as stated in SAS/OR
"Mathematical Programming Examples", Example 9 (mpex09,
https://go.documentation.sas.com/doc/en/pgmsascdc/9.4_3.5/ormpex/titlepage.htm; code in
github.com/sassoftware/optimization-examples mpex/mpex09.sas) and in sasoptpy's
examples/client_side/economic_planning.py. Three industries, all figures in £m:

* production (Table 9.1): a unit of output in year t+1 takes inputs in year t of coal
  0.1/0.5/0.4, steel 0.1/0.1/0.2, transport 0.2/0.1/0.2 and manpower 0.6/0.3/0.2 (columns:
  coal, steel, transport);
* capacity (Table 9.2): a unit of capacity ready in year t+2 takes inputs in year t of coal
  0/0.7/0.9, steel 0.1/0.1/0.2, transport 0.2/0.1/0.2 and manpower 0.4/0.2/0.1;
* year 0 stocks 150/80/100 and capacities 300/350/280 (Table 9.3); manpower 470 a year;
  exogenous demand 60/60/30 in years 1–5; after year 5 no capacity is added and production
  stays at least at the static Leontief plan x = A x + d.

Williams' years 1–5 are cooplan years 0–4 with ``production_lag=1`` and ``construction_lag=2``
(his year 0 is cooplan's present year, which draws the inputs of year 0 from the stocks; his
year 6 is the year after the horizon under ``terminal=static``). Manpower is one pool of 470
hours shared by the three industries, so the economy has one coop with 470 hours a year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from cooplan.model import EconomyMeta, build_economy
from cooplan.model.economy import Economy
from cooplan.planning.horizon import (
    CapitalTable,
    HorizonObjective,
    HorizonPlan,
    HorizonSettings,
    TerminalCondition,
    plan_horizon,
)

INDUSTRIES = ("coal", "steel", "transport")
# Williams Table 9.1 (rows: input; columns: coal, steel, transport industry).
PRODUCTION = {"coal": (0.1, 0.5, 0.4), "steel": (0.1, 0.1, 0.2), "transport": (0.2, 0.1, 0.2)}
MANPOWER = (0.6, 0.3, 0.2)
# Williams Table 9.2.
BUILDING = {"coal": (0.0, 0.7, 0.9), "steel": (0.1, 0.1, 0.2), "transport": (0.2, 0.1, 0.2)}
BUILDING_MANPOWER = (0.4, 0.2, 0.1)
# Williams Table 9.3 and the text: stocks and capacities in year 0, manpower, demand.
STOCKS = {"coal": 150.0, "steel": 80.0, "transport": 100.0}
CAPACITY = (300.0, 350.0, 280.0)
MANPOWER_CAPACITY = 470.0
DEMAND = (60.0, 60.0, 30.0)

# Objective (iii), maximum total manpower over years 1–5: 2450.026622821294, asserted to 6
# decimals by sasoptpy's tests/examples/test_examples.py::test_econ (SAS Viya OPTMODEL).
PUBLISHED_MAX_MANPOWER = 2450.026622821294
# Static Leontief plan (year 6 lower bound) x = (I − A)⁻¹ d: $166.40, $105.67, $92.31 in the
# output of Gurobi modeling-examples economic_planning/economic_planning.ipynb ("Generate …").
PUBLISHED_STATIC_PLAN = {"coal": 166.40, "steel": 105.67, "transport": 92.31}
# Objectives (i) and (ii), total capacity at the end of year 5 and total production in years
# 4–5 (exogenous demand ignored): their printed values (SAS/OR Example 9's output, Williams
# pp. 316–317) were not available to check digit by digit, so these constants are the optima of
# the SAS mpex09 statement itself, re-solved independently by `_sas_mpex09` below.
MAX_CAPACITY = 2141.8751967
MAX_PRODUCTION = 2618.5791147


def _process(industry: str) -> str:
    return f"{industry}_industry"


def _williams() -> Economy:
    """Williams' three-industry economy as a cooplan economy (one coop: the manpower pool)."""
    products = [{"id": i, "name": i, "unit": "£m", "kind": "good"} for i in INDUSTRIES]
    coop = {
        "id": "workforce",
        "name": "workforce",
        "region": "uk",
        "group": "economy",
        "members": 1,
        "hours_per_member": MANPOWER_CAPACITY,
    }
    processes = [
        {
            "id": _process(j),
            "coop": "workforce",
            "product": j,
            "labour": MANPOWER[c],
            "capacity": CAPACITY[c],
        }
        for c, j in enumerate(INDUSTRIES)
    ]
    inputs = [
        {"process": _process(j), "product": i, "quantity": PRODUCTION[i][c]}
        for i in INDUSTRIES
        for c, j in enumerate(INDUSTRIES)
        if PRODUCTION[i][c]
    ]
    demand = [{"product": i, "quantity": DEMAND[c]} for c, i in enumerate(INDUSTRIES)]
    tables = {
        "products": pd.DataFrame(products),
        "coops": pd.DataFrame([coop]),
        "processes": pd.DataFrame(processes),
        "inputs": pd.DataFrame(inputs),
        "demand": pd.DataFrame(demand),
    }
    return build_economy(EconomyMeta(name="williams-12.9"), tables)


def _capital() -> CapitalTable:
    rows = [
        {"process": _process(j), "product": i, "quantity": BUILDING[i][c]}
        for i in INDUSTRIES
        for c, j in enumerate(INDUSTRIES)
        if BUILDING[i][c]
    ]
    rows += [
        {"process": _process(j), "product": "labour", "quantity": BUILDING_MANPOWER[c]}
        for c, j in enumerate(INDUSTRIES)
    ]
    return CapitalTable(pd.DataFrame(rows))


def _settings(objective: HorizonObjective, **extra: object) -> HorizonSettings:
    return HorizonSettings(
        years=5,
        depreciation=0.0,
        objective=objective,
        production_lag=1,
        construction_lag=2,
        terminal=TerminalCondition.STATIC,
        **extra,  # type: ignore[arg-type]
    )


# (i) capacity at the end of year 5, every year's demand met; (ii) production in years 4–5,
# exogenous demand ignored (only the floors, here none, are delivered); (iii) manpower over
# years 1–5, every year's demand met, the manpower limit ignored.
CASES = {
    "i": _settings(HorizonObjective.MAX_CAPACITY),
    "ii": _settings(HorizonObjective.MAX_OUTPUT, output_years=2, required_fulfilment=0.0),
    "iii": _settings(HorizonObjective.MAX_LABOUR, labour_limit=False),
}


def _plan(case: str) -> HorizonPlan:
    return plan_horizon(_williams(), CASES[case], _capital(), STOCKS)


def _sas_mpex09(case: str) -> float:
    """The SAS/OR mpex09 statement, indexed as there, solved directly (independent check).

    Years 0–6: Stock + Production = demand (years 1–5) + A·Production[next year]
    + K·ExtraCapacity[two years on] + Stock[next year]; manpower of the same inputs ≤ 470
    (not in (iii)); Production[y] ≤ capacity + Σ_{2 ≤ τ ≤ y} ExtraCapacity[τ]; Production[0] = 0,
    Stock[0] = the year 0 stocks, Production[6] ≥ the static plan, no capacity added in 6–7.
    """
    A = np.array([PRODUCTION[i] for i in INDUSTRIES])
    K = np.array([BUILDING[i] for i in INDUSTRIES])
    d = np.array(DEMAND)
    static = np.linalg.solve(np.eye(3) - A, d)
    # Production, stock and extra capacity of industry i in year y = 0 … 7 (unused ones pinned).
    P, S, E = (lambda i, y, b=b: b + 8 * i + y for b in (0, 24, 48))
    n_vars = 72
    eq_rows, eq_rhs, ub_rows, ub_rhs = [], [], [], []
    for y in range(6):
        for i in range(3):
            row = np.zeros(n_vars)
            row[S(i, y)] += 1.0
            row[P(i, y)] += 1.0
            row[S(i, y + 1)] -= 1.0
            for j in range(3):
                row[P(j, y + 1)] -= A[i, j]
                row[E(j, y + 2)] -= K[i, j]
            eq_rows.append(row)
            eq_rhs.append(d[i] if 1 <= y <= 5 and case != "ii" else 0.0)
        if case != "iii":
            row = np.zeros(n_vars)
            for j in range(3):
                row[P(j, y + 1)] = MANPOWER[j]
                row[E(j, y + 2)] = BUILDING_MANPOWER[j]
            ub_rows.append(row)
            ub_rhs.append(MANPOWER_CAPACITY)
    for y in range(1, 7):
        for i in range(3):
            row = np.zeros(n_vars)
            row[P(i, y)] = 1.0
            for tau in range(2, y + 1):
                row[E(i, tau)] = -1.0
            ub_rows.append(row)
            ub_rhs.append(CAPACITY[i])
    bounds: list[tuple[float, float | None]] = [(0.0, None)] * n_vars
    for i, industry in enumerate(INDUSTRIES):
        bounds[P(i, 0)] = (0.0, 0.0)
        bounds[S(i, 0)] = (STOCKS[industry], STOCKS[industry])
        bounds[P(i, 6)] = (static[i], None)
        for y in (0, 1, 6, 7):
            bounds[E(i, y)] = (0.0, 0.0)
        bounds[P(i, 7)] = bounds[S(i, 7)] = (0.0, 0.0)
    cost = np.zeros(n_vars)
    for i in range(3):
        if case == "i":
            cost[[E(i, tau) for tau in range(2, 6)]] = -1.0
        elif case == "ii":
            cost[[P(i, 4), P(i, 5)]] = -1.0
        else:
            for y in range(1, 6):
                cost[P(i, y + 1)] -= MANPOWER[i]
                cost[E(i, y + 2)] -= BUILDING_MANPOWER[i]
    result = linprog(
        cost, np.array(ub_rows), ub_rhs, np.array(eq_rows), eq_rhs, bounds, method="highs"
    )
    assert result.status == 0
    return -float(result.fun) + (sum(CAPACITY) if case == "i" else 0.0)


def test_max_manpower_matches_the_published_optimum() -> None:
    result = _plan("iii")
    assert result.status == "optimal"
    assert result.objective_value == pytest.approx(PUBLISHED_MAX_MANPOWER, abs=1e-6)
    # The objective is the hours drawn in Williams' years 1–5 (cooplan years 0–4).
    assert sum(sum(year.values()) for year in result.labour) == pytest.approx(
        PUBLISHED_MAX_MANPOWER, abs=1e-6
    )
    assert result.fulfilment == [1.0] * 5


@pytest.mark.parametrize("case", ["i", "ii"])
def test_year_after_the_horizon_runs_the_published_static_plan(case: str) -> None:
    after = _plan(case).after_horizon
    for industry, level in PUBLISHED_STATIC_PLAN.items():
        assert after[_process(industry)] == pytest.approx(level, abs=0.005)


def test_max_capacity_and_max_production() -> None:
    capacity = _plan("i")
    assert capacity.objective_value == pytest.approx(MAX_CAPACITY, abs=1e-6)
    assert sum(capacity.capacity[4].values()) == pytest.approx(MAX_CAPACITY, abs=1e-6)
    assert capacity.fulfilment == [1.0] * 5
    production = _plan("ii")
    assert production.objective_value == pytest.approx(MAX_PRODUCTION, abs=1e-6)
    assert production.fulfilment == [0.0] * 5


@pytest.mark.parametrize("case", ["i", "ii", "iii"])
def test_cooplan_lp_equals_the_sas_statement(case: str) -> None:
    assert _plan(case).objective_value == pytest.approx(_sas_mpex09(case), abs=1e-6)


@pytest.mark.parametrize("case", ["i", "ii", "iii"])
def test_certificate_is_tight(case: str) -> None:
    for value in _plan(case).certificate.values():
        assert value <= 1e-9


def test_manpower_and_present_year() -> None:
    # With the limit (i, ii) no year, the present one included, draws more than 470 hours.
    for case in ("i", "ii"):
        result = _plan(case)
        hours = [sum(year.values()) for year in result.labour]
        hours.append(sum(result.present_year["labour"].values()))
        assert max(hours) <= MANPOWER_CAPACITY + 1e-6
        # Whatever the present year does not draw from the year 0 stocks it carries forward.
        assert set(result.present_year) == {"investment", "labour", "stock", "prices"}
    # Without it (iii) the last years employ more than 470.
    assert max(sum(year.values()) for year in _plan("iii").labour) > MANPOWER_CAPACITY
