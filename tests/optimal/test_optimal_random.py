"""Random small economies: agreement with an independent scipy formulation, certificates,
delivery consistency (hypothesis, about 30 examples each)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from optimal_builders import check_deliveries, make_economy
from scipy.optimize import linprog

from cooplan.model import Economy
from cooplan.planning.optimal import PlanStatus, plan

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def random_economy(seed: int, regions: int = 1) -> Economy:
    """A small random economy: goods g0.., one resource, coops in ``regions`` regions."""
    rng = np.random.default_rng(seed)
    goods = [f"g{i}" for i in range(int(rng.integers(2, 5)))]
    coops = [f"c{i}" for i in range(int(rng.integers(1, 4)))]
    names = [f"r{i}" for i in range(regions)]
    processes = []
    for i, good in enumerate(goods):
        processes.append((f"p{i}", coops[i % len(coops)], good))
    for j in range(int(rng.integers(0, 4))):
        processes.append((f"q{j}", str(rng.choice(coops)), str(rng.choice(goods))))
    for c in coops:  # every coop runs a process
        if not any(p[1] == c for p in processes):
            processes.append((f"extra_{c}", c, str(rng.choice(goods))))
    rows = []
    inputs = []
    for pid, coop, good in processes:
        capacity = float(rng.uniform(5, 50)) if rng.random() < 0.3 else None
        rows.append((pid, coop, good, float(rng.uniform(0.1, 3.0)), capacity))
        for other in goods:
            if other != good and rng.random() < 0.4:
                inputs.append((pid, other, float(rng.uniform(0.01, 0.3))))
        if rng.random() < 0.5:
            inputs.append((pid, "ore", float(rng.uniform(0.1, 1.0))))
    demand = []
    for good in goods:
        if rng.random() < 0.8:
            quantity = float(rng.uniform(1, 20))
            floor = float(quantity * rng.uniform(0, 0.3)) if rng.random() < 0.5 else 0.0
            region = str(rng.choice(names)) if regions > 1 and rng.random() < 0.7 else None
            demand.append((good, quantity, region, float(rng.uniform(0.5, 2)), floor))
    if not demand:
        demand.append((goods[0], 5.0, None, 1.0, 0.0))
    transport = []
    if regions > 1:
        for a in names:
            for b in names:
                if a != b and rng.random() < 0.8:
                    capacity = float(rng.uniform(5, 40)) if rng.random() < 0.3 else None
                    transport.append((a, b, float(rng.uniform(0.1, 2)), None, capacity))
    return make_economy(
        products=[*[(g, "good") for g in goods], ("ore", "resource")],
        coops=[
            (c, names[k % regions], "group", int(rng.integers(1, 5)), float(rng.uniform(5, 40)))
            for k, c in enumerate(coops)
        ],
        processes=rows,
        inputs=inputs,
        demand=demand,
        resources=[("ore", float(rng.uniform(5, 60)))],
        transport=transport,
        regions=names,
    )


def scipy_reference(economy: Economy, objective: str) -> tuple[int, float]:
    """The same plan written directly from the tables' arrays, solved by scipy's linprog."""
    s = economy.snapshot()
    m = s.n_processes
    net = (s.B - s.A).toarray()
    goods = ~s.is_resource
    d = s.final_demand
    f = np.bincount(s.demand_product, weights=s.demand_floor, minlength=s.n_products)
    labour = np.zeros((s.n_coops, m))
    labour[s.process_coop, np.arange(m)] = s.process_labour
    ore = s.is_resource & np.isfinite(s.resource_available)
    bounds = [(0, None if np.isinf(u) else u) for u in s.process_capacity]
    if objective == "fulfilment":
        c = np.r_[np.zeros(m), -1.0]
        a_ub = np.vstack(
            [
                np.c_[-net[goods], (d - f)[goods]],
                np.c_[labour, np.zeros(s.n_coops)],
                np.c_[-net[ore], (d - f)[ore]],
            ]
        )
        b_ub = np.r_[-f[goods], s.coop_hours, s.resource_available[ore] - f[ore]]
        bounds = [*bounds, (0, None)]
    else:
        c = s.process_labour.copy()
        a_ub = np.vstack([-net[goods], labour, -net[ore]])
        b_ub = np.r_[-d[goods], s.coop_hours, s.resource_available[ore] - d[ore]]
    answer = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    value = (
        float(-answer.fun if objective == "fulfilment" else answer.fun)
        if answer.status == 0
        else float("nan")
    )
    return int(answer.status), value


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), objective=st.sampled_from(["fulfilment", "min-labour"]))
def test_agrees_with_scipy_linprog(seed: int, objective: str) -> None:
    economy = random_economy(seed)
    result = plan(economy, objective)
    status, value = scipy_reference(economy, objective)
    if status == 0:
        assert result.status is PlanStatus.OPTIMAL
        assert result.objective_value == pytest.approx(value, rel=1e-6, abs=1e-7)
        assert result.certificate is not None and result.certificate.passed
        check_deliveries(economy, result)
    elif status == 2:
        assert result.status is PlanStatus.INFEASIBLE
        assert result.diagnosis is not None and result.diagnosis.shortfalls
    else:
        assert status == 3 and result.status is PlanStatus.UNBOUNDED


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    objective=st.sampled_from(["fulfilment", "min-labour", "min-cost", "harmony"]),
    share=st.sampled_from([0.0, 0.3]),
)
def test_regional_plans_are_certified_and_deliveries_add_up(
    seed: int, objective: str, share: float
) -> None:
    economy = random_economy(seed, regions=3)
    result = plan(economy, objective, mobility_share=share)
    if result.status is PlanStatus.OPTIMAL:
        assert result.certificate is not None and result.certificate.passed
        check_deliveries(economy, result)
        lent = sum(r.hours for r in result.relocations)
        assert lent == pytest.approx(sum(u.lent for u in result.labour.values()), abs=1e-6)
        for use in result.labour.values():
            assert use.used <= use.available + use.borrowed - use.lent + 1e-6
            assert use.lent <= share * use.available + 1e-6
    else:
        assert result.status is PlanStatus.INFEASIBLE
        diagnosis = result.diagnosis
        assert diagnosis is not None and diagnosis.shortfalls
        assert diagnosis.certificate is not None and diagnosis.certificate.passed
