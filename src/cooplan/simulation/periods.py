"""The economy over time: plan, carry out, report, start again from what happened.

Each period :func:`simulate`:

1. builds the period's economy from the state as the coops report it in their counter-plans:
   capacities after depreciation and investment (less the share a reward-maximising coop
   holds back when ``concealment`` is a ratchet scheme, :mod:`.behaviour`; truthful
   otherwise) and workers after labour-force change;
2. plans it with any registered mechanism (``cooplan mechanisms``); when the mechanism finds
   no feasible plan the coops carry on with the last plan (reported as such);
3. draws the period's disturbances and carries the plan out (:mod:`.execution`), with the
   stocks held from earlier periods as reserves;
   With ``reserve_share`` r > 0 the plan asks for (1 + r) × demand and the extra becomes
   reserve stock (slack plan); r = 0 is a taut plan.
4. invests: what the plan decided when it is a multi-year plan (mechanism ``horizon``: the
   capacity its first year starts building, usable ``construction_lag`` periods later and
   passed, while under construction, to the next period's plan as its ``pipeline``; plans
   with a production lag cannot be carried out within one period and are refused);
   otherwise every process whose capacity bound the plan used up (planned level ≥ 99.9% of
   capacity) gets ``investment_rate`` more capacity next period, at a labour cost of
   ``capital_labour`` hours per unit of capacity, charged to the next period's hours of the
   coop that runs it; when the period is settled (below) the investment is paid from the
   central fund, then the reserves, and only what they can pay for is built;
5. sells the market products (products.csv ``market = true``) to the public at prices that
   clear the market under the federation's regulation (:mod:`.markets`), keeps what is
   unsold in stock, and moves next period's target by Cockshott & Cottrell's feedback
   (up where the clearing price exceeds the labour value, down where it is below);
6. settles the period by the federation's rules when members are given and the mechanism
   converged (any mechanism: its plan is put in the settlement's form by
   :mod:`.settlement_plan`): relocations, early retirements, the employment-aid benefit,
   accounts, pooling and funds (:mod:`cooplan.institutions.settlement`); the next period
   starts from the members, each coop's reserve and the funds after;
7. depreciates capacity by ``depreciation``, adds the capacity that is ready for the next
   period (it wears from then on, as in the horizon plan) and changes each coop's workforce
   by ``labour_growth``; unused output is carried over as stock.

Everything random comes from ``SeedSequence([seed, period])``: a run is reproducible bit for
bit for a given seed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cooplan.errors import InputError
from cooplan.institutions.rules import FederationRules, default_rules
from cooplan.institutions.settlement import Settlement, settle
from cooplan.model.economy import Economy
from cooplan.model.snapshot import EconomySnapshot
from cooplan.planning.balances import balance
from cooplan.planning.mechanism import RunStatus, get_mechanism
from cooplan.simulation.behaviour import RatchetScheme, best_allowance
from cooplan.simulation.disturbances import Disturbance, DisturbanceModel, draw, period_rng
from cooplan.simulation.execution import Execution, execute
from cooplan.simulation.markets import (
    Regulation,
    adjust_targets,
    calibrated_demand,
    clear_markets,
    market_products,
)
from cooplan.simulation.settlement_plan import settlement_plan


@dataclass(frozen=True)
class SimulationConfig:
    """Parameters of a run (shares are per period)."""

    periods: int = 5
    seed: int = 0
    mechanism: str = "balance"
    mechanism_options: dict[str, Any] = field(default_factory=dict)
    disturbances: DisturbanceModel = field(default_factory=DisturbanceModel)
    depreciation: float = 0.05
    investment_rate: float = 0.1
    capital_labour: float = 0.0
    labour_growth: float = 0.0
    reserve_share: float = 0.0
    markets: bool = True
    market_elasticity: float = 1.0
    market_regulation: Regulation | None = None
    market_adjustment: float = 0.5
    settle: bool = True
    concealment: RatchetScheme | None = None

    def __post_init__(self) -> None:
        if self.periods < 1:
            raise ValueError(f"periods must be at least 1, got {self.periods}")
        for name in ("depreciation", "investment_rate", "reserve_share"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must lie in [0, 1], got {value}")


@dataclass(frozen=True)
class PeriodReport:
    """What one period planned and what happened (totals in the economy's units)."""

    period: int
    plan_status: str
    hidden_capacity_share: float
    planned_labour: float
    labour_available: float
    fulfilment: float
    unmet_demand: dict[str, float]
    output_shortfall: float
    cascade_rounds: int
    breakdowns: list[str]
    capacity: dict[str, float]
    investment: dict[str, float]
    stock: dict[str, float]
    workers: dict[str, int]
    markets: dict[str, dict[str, float]] = field(default_factory=dict)
    production: dict[str, dict[str, float]] = field(default_factory=dict)
    settlement: dict[str, Any] = field(default_factory=dict)

    def to_json_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class SimulationResult:
    """The periods of one run, and the configuration that produced them."""

    economy: str
    config: SimulationConfig
    periods: list[PeriodReport]

    def to_json_dict(self) -> dict[str, Any]:
        config = dataclasses.asdict(self.config)
        return {
            "economy": self.economy,
            "config": config,
            "periods": [p.to_json_dict() for p in self.periods],
        }


def _economy_for(
    economy: Economy,
    capacity: np.ndarray,
    workers: np.ndarray,
    reserved_hours: np.ndarray,
    reserve_share: float,
    targets: dict[str, float],
) -> Economy:
    """The economy with this period's capacities and workforce (hours net of investment).

    With ``reserve_share`` r the plan is asked for (1 + r) × final demand: the extra is held
    as reserve stock against shortfalls (a slack plan; r = 0 is a taut plan).
    """
    processes = economy.processes.copy()
    processes["capacity"] = np.where(np.isfinite(capacity), capacity, np.nan)
    coops = economy.coops.copy()
    base = (economy.coops["members"] + economy.coops["non_members"]).to_numpy(float)
    members_share = np.where(
        base > 0, economy.coops["members"].to_numpy(float) / np.maximum(base, 1), 1
    )
    members = np.round(workers * members_share).astype(np.int64)
    coops["members"] = members
    coops["non_members"] = workers - members
    hours = economy.coops["hours_per_member"].to_numpy(float)
    usable = np.maximum(workers * hours - reserved_hours, 0.0)
    coops["hours_per_member"] = np.where(workers > 0, usable / np.maximum(workers, 1), hours)
    demand = economy.demand.copy()
    for product, target in targets.items():
        mask = (demand["product"] == product).to_numpy()
        base = demand.loc[mask, "quantity"].to_numpy(float)
        scaled = base * (target / base.sum()) if base.sum() > 0 else base
        demand.loc[mask, "quantity"] = scaled
        demand.loc[mask, "floor"] = np.minimum(demand.loc[mask, "floor"].to_numpy(float), scaled)
    demand["quantity"] = demand["quantity"] * (1.0 + reserve_share)
    return dataclasses.replace(economy, processes=processes, coops=coops, demand=demand)


def _sell(
    snap: EconomySnapshot,
    done: Execution,
    shock: Disturbance,
    base_demand: dict[str, float],
    values: dict[str, float],
    targets: dict[str, float],
    config: SimulationConfig,
) -> tuple[np.ndarray, dict[str, dict[str, float]], dict[str, float]]:
    """Sell what is available of each market product; returns stock, report, next targets.

    The public's demand curve for a product passes through (labour value, its demand this
    period — the base demand moved by the period's demand shift) with the configured
    elasticity; supply is all that is left for final use. Unsold units stay in stock.
    """
    shift = np.bincount(
        snap.demand_product,
        weights=snap.demand_quantity * shock.demand_factor,
        minlength=snap.n_products,
    ) / np.maximum(snap.final_demand, 1e-300)
    index = snap.product_index
    supply = {
        p: float(done.final_delivered[index[p]] + done.stock_after[index[p]]) for p in targets
    }
    curves = calibrated_demand(
        {p: (values[p], base_demand[p] * float(shift[index[p]])) for p in targets},
        config.market_elasticity,
    )
    outcome = clear_markets(supply, curves, config.market_regulation)
    stock = done.stock_after.copy()
    for p in targets:
        stock[index[p]] = supply[p] - outcome.sold[p]
    following = adjust_targets(
        targets, outcome.clearing_prices, values, rate=config.market_adjustment
    )
    report = {
        p: {
            "supply": supply[p],
            "price": outcome.prices[p],
            "clearing_price": outcome.clearing_prices[p],
            "labour_value": values[p],
            "sold": outcome.sold[p],
            "queue": outcome.queues[p],
            "unsold": outcome.unsold[p],
            "target": targets[p],
            "next_target": following[p],
        }
        for p in targets
    }
    return stock, report, following


def _with_construction(
    plan_json: dict[str, Any], coop_ids: list[str], construction: np.ndarray
) -> dict[str, Any]:
    """The settlement plan with each coop's construction hours counted as worked.

    Hours reserved for building capacity (``construction``, hours per coop, in the order of
    ``coop_ids``) were taken off the hours the mechanism could plan; the members who build are
    at work, so the settlement counts them as used (and available), not as surplus to relocate.
    """
    if not np.any(construction > 0):
        return plan_json
    labour = {c: dict(entry) for c, entry in plan_json.get("labour", {}).items()}
    for coop, hours in zip(coop_ids, construction.tolist(), strict=True):
        if hours > 0:
            entry = labour.setdefault(coop, {"used": 0.0, "available": 0.0})
            entry["used"] = float(entry.get("used", 0.0)) + hours
            entry["available"] = float(entry.get("available", 0.0)) + hours
    return {**plan_json, "labour": labour}


def _money_per_hour(result: Settlement, plan_json: dict[str, Any], advance: float) -> float:
    """EUR of value added per hour of production in ``plan_json`` (construction hours not
    counted): the settlement's price of an hour of work, whatever unit the plan's valuation
    is in (labour values: EUR per valuation unit). Where the plan shows no hours or no
    positive value added, the ``advance`` paid for an hour (EUR), so that work is never free."""
    hours = sum(float(entry.get("used", 0.0)) for entry in plan_json.get("labour", {}).values())
    added = sum(account.income - account.materials for account in result.accounts.values())
    return added / hours if hours > 0 and added > 0 else advance


def _settle(
    current: Economy,
    members: pd.DataFrame,
    plan_json: dict[str, Any],
    rules: FederationRules,
    funds: dict[str, float] | None,
    period: int,
    reserves: np.ndarray,
    hours_per_member: np.ndarray,
    construction: np.ndarray,
) -> tuple[pd.DataFrame, dict[str, float], dict[str, Any], np.ndarray]:
    """Settle the period by the federation's rules, opening each coop's reserve at
    ``reserves`` (EUR), with each coop's full ``hours_per_member`` and its ``construction``
    hours counted as worked (:func:`_with_construction`); returns members, funds and each
    coop's reserve after."""
    coops = current.coops.copy()
    coops["reserve"] = reserves
    coops["hours_per_member"] = hours_per_member
    coop_ids = [str(c) for c in coops["id"]]
    result = settle(
        coops,
        members,
        _with_construction(plan_json, coop_ids, construction),
        rules,
        processes=current.processes,
        inputs=current.inputs,
        opening=funds,
        period=period,
    )
    labour = result.labour
    after = members[~members["id"].isin(list(labour.early_retirements))].copy()
    moved = {r.member: r.target for r in labour.relocations}
    hours = dict(zip(coops["id"], coops["hours_per_member"], strict=True))
    is_moved = after["id"].isin(list(moved))
    after.loc[is_moved, "coop"] = [moved[m] for m in after.loc[is_moved, "id"]]
    after.loc[is_moved, "hours"] = [float(hours[c]) for c in after.loc[is_moved, "coop"]]
    on_benefit = after["id"].isin([b.member for b in labour.on_benefit])
    after.loc[on_benefit, "months_on_benefit"] += 1
    capital = dict(zip(result.member_accounts["id"], result.member_accounts["after"], strict=True))
    after["capital_account"] = [
        capital.get(m, c) for m, c in zip(after["id"], after["capital_account"], strict=True)
    ]
    after["age"] = after["age"] + 1
    closing = {fund.value: flow.after for fund, flow in result.funds.items()}
    report = {
        "members_before": labour.members_before,
        "stayed": len(labour.stayed),
        "relocated": len(labour.relocations),
        "early_retired": len(labour.early_retirements),
        "on_benefit": len(labour.on_benefit),
        "funds": {fund.value: flow.to_dict() for fund, flow in result.funds.items()},
        "violations": [v.to_dict() for v in result.violations],
        "valuation": result.valuation,
        "money_per_unit": result.money_per_unit,
        "money_per_hour": _money_per_hour(result, plan_json, rules.advance_per_hour),
    }
    reserves_after = reserves + np.array(
        [result.accounts[c].reserve - result.accounts[c].reserve_charge for c in coop_ids]
    )
    return after.reset_index(drop=True), closing, report, reserves_after


def _charge_reserves(reserves: np.ndarray, charge: float) -> np.ndarray:
    """Take ``charge`` (EUR, for investment) from the coops' reserves, in proportion to what
    each holds (the investment is paid only up to what the funds hold, see _finance); a
    reserve emptied by the charge is exactly 0, not round-off below it."""
    held = np.maximum(reserves, 0.0)
    if charge <= 0 or held.sum() <= 0:
        return reserves
    return np.maximum(reserves - charge * held / held.sum(), 0.0)


def _finance(
    added: np.ndarray, hours_per_unit: float, money_per_hour: float, funds: dict[str, float]
) -> tuple[np.ndarray, dict[str, float], dict[str, float]]:
    """Pay for new capacity from the central fund, then the reserves; build only what they pay.

    Cost = capacity added × ``hours_per_unit`` × ``money_per_hour`` (the settlement's EUR of
    value added per hour worked). Returns the capacity that can be paid for, the financing
    report and the funds after.
    """
    cost = float(added.sum() * hours_per_unit * money_per_hour)
    available = max(funds.get("central", 0.0), 0.0) + max(funds.get("reserves", 0.0), 0.0)
    share = 1.0 if cost <= available or cost == 0 else available / cost
    paid = cost * share
    from_central = min(paid, max(funds.get("central", 0.0), 0.0))
    after = dict(funds)
    after["central"] = funds.get("central", 0.0) - from_central
    after["reserves"] = funds.get("reserves", 0.0) - (paid - from_central)
    report = {
        "cost": cost,
        "paid": paid,
        "from_central": from_central,
        "from_reserves": paid - from_central,
        "share_built": share,
    }
    return added * share, report, after


def _construction_lag(horizon: dict[str, Any]) -> int:
    """Periods from starting capacity to using it, for a multi-year plan (JSON form).

    A plan with a production lag draws year t's inputs in year t − 1, which one period of
    execution cannot do: :class:`InputError`.
    """
    settings = horizon.get("settings", {})
    lag = settings.get("production_lag", 0)
    if lag:
        raise InputError.single(
            "mechanism_options",
            "simulate carries out each period's plan within the period, so it cannot roll "
            "forward a horizon plan with a production lag",
            column="production_lag",
            value=lag,
            fix="set production_lag to 0 for simulate (cooplan horizon plans with the lag)",
        )
    return int(settings.get("construction_lag", 1))


def _pipeline(
    under_construction: dict[int, np.ndarray], period: int, declared: float, ids: tuple[str, ...]
) -> dict[str, list[float]]:
    """Capacity under construction as the next plan sees it: entry i is ready in period
    ``period`` + i + 1 (scaled by the ``declared`` share, like the standing capacity)."""
    if not under_construction:
        return {}
    last = max(under_construction)
    empty = np.zeros(len(ids))
    arriving = np.array([under_construction.get(t, empty) for t in range(period + 1, last + 1)]).T
    return {
        ids[p]: [float(v) * declared for v in arriving[p]] for p in np.flatnonzero(arriving.any(1))
    }


def _workers_from(members: pd.DataFrame, coop_ids: tuple[str, ...]) -> np.ndarray:
    """People working in each coop (those drawing the benefit are not)."""
    working = (
        members[members["months_on_benefit"] == 0] if "months_on_benefit" in members else members
    )
    counts = working.groupby("coop").size()
    return np.array([int(counts.get(c, 0)) for c in coop_ids], dtype=np.int64)


def simulate(
    economy: Economy,
    config: SimulationConfig,
    *,
    members: pd.DataFrame | None = None,
    rules: FederationRules | None = None,
) -> SimulationResult:
    """Run ``config.periods`` periods of plan and execution from ``economy`` (see module).

    With ``members`` (a members table, see :mod:`cooplan.institutions.members`), each period
    whose plan converged is also settled by the federation's ``rules`` (any mechanism, see
    :mod:`.settlement_plan`): members relocated, retired or on the benefit, accounts and
    funds; the next period starts from the members, reserves and funds after.
    """
    rules = rules or default_rules()
    funds: dict[str, float] | None = None
    snap = economy.snapshot()
    mechanism = get_mechanism(config.mechanism)
    capacity = snap.process_capacity.copy()
    workers = snap.coop_workers.astype(np.int64).copy()
    stock = np.zeros(snap.n_products)
    reserved: np.ndarray = np.zeros(snap.n_coops)
    sold_on_market = market_products(economy) if config.markets else []
    base_demand = {p: float(snap.final_demand[snap.product_index[p]]) for p in sold_on_market}
    sold_on_market = [p for p in sold_on_market if base_demand[p] > 0]
    values = balance(economy).labour_values if sold_on_market else {}
    targets = {p: base_demand[p] for p in sold_on_market}
    reports = []
    # Each coop's reserve (EUR), carried from one settlement to the next.
    reserves = (
        economy.coops["reserve"].fillna(0.0).to_numpy(float)
        if "reserve" in economy.coops
        else np.zeros(snap.n_coops)
    )
    under_construction: dict[int, np.ndarray] = {}  # period it is ready in → capacity
    last_plan: np.ndarray | None = None
    hidden = 0.0
    if config.concealment is not None:
        # Coops facing the ratchet report less than they can make (see .behaviour).
        hidden = best_allowance(config.concealment, seed=config.seed).hidden_share
    for period in range(config.periods):
        declared = capacity * (1.0 - hidden)
        current = _economy_for(economy, declared, workers, reserved, config.reserve_share, targets)
        options = dict(config.mechanism_options)
        pipeline = _pipeline(under_construction, period, 1.0 - hidden, snap.process_ids)
        if pipeline:
            options["pipeline"] = pipeline  # started by an earlier plan: not to start again
        plan = mechanism.solve(current, config.seed + period, **options)
        horizon = plan.details.get("horizon")
        lag = _construction_lag(horizon) if isinstance(horizon, dict) else 1
        planned = np.array([plan.activity.get(p, 0.0) for p in snap.process_ids])
        plan_adopted = plan.status is not RunStatus.INFEASIBLE
        if not plan_adopted and last_plan is not None:
            planned = last_plan  # no feasible plan: the coops carry on with the last one
        last_plan = planned
        rng = period_rng(config.seed, period)
        shock = draw(config.disturbances, snap.n_coops, len(snap.demand_quantity), rng)
        settled: dict[str, Any] = {}
        if config.settle and members is not None:
            plan_json = settlement_plan(plan, current)
            if plan_json.get("status") == "optimal":
                members, funds, settled, reserves = _settle(
                    current,
                    members,
                    plan_json,
                    rules,
                    funds,
                    period,
                    reserves,
                    economy.coops["hours_per_member"].to_numpy(float),
                    reserved,
                )
        done = execute(snap, planned, shock, stock)  # the public asks for the real demand

        capacity_before = capacity.copy()
        binding = np.isfinite(capacity) & (planned >= 0.999 * capacity) & (capacity > 0)
        added = np.where(binding, config.investment_rate * capacity, 0.0)
        ready = period + 1
        if plan_adopted and isinstance(horizon, dict) and horizon.get("years"):
            # A multi-year plan decides its own investment: build what its first year starts.
            chosen = horizon["years"][0]["investment"]
            added = np.array([float(chosen.get(p, 0.0)) for p in snap.process_ids])
            ready = period + lag
        if settled and funds is not None:
            added, settled["investment_financing"], funds = _finance(
                added, config.capital_labour, settled["money_per_hour"], funds
            )
            reserves = _charge_reserves(reserves, settled["investment_financing"]["from_reserves"])
        reserved = np.bincount(
            snap.process_coop, weights=added * config.capital_labour, minlength=snap.n_coops
        )
        # Paid and staffed when started (above); usable from period ``ready`` on.
        under_construction[ready] = under_construction.get(ready, 0.0) + added
        arriving = under_construction.pop(period + 1, np.zeros(snap.n_processes))
        capacity = np.where(
            np.isfinite(capacity), capacity * (1 - config.depreciation) + arriving, np.inf
        )
        if settled and members is not None:
            workers = _workers_from(members, snap.coop_ids)
        else:
            workers = np.round(workers * (1 + config.labour_growth)).astype(np.int64)
        stock = done.stock_after
        market_report: dict[str, dict[str, float]] = {}
        if targets:
            stock, market_report, targets = _sell(
                snap, done, shock, base_demand, values, targets, config
            )
        labour_used = float(snap.process_labour @ planned)
        reports.append(
            PeriodReport(
                period=period,
                plan_status=plan.status.value if plan_adopted else "infeasible: last plan kept",
                hidden_capacity_share=hidden,
                planned_labour=labour_used,
                labour_available=float(current.snapshot().coop_hours.sum()),
                fulfilment=done.fulfilment(),
                unmet_demand={
                    snap.product_ids[i]: float(v)
                    for i, v in enumerate(done.unmet_demand)
                    if v > 1e-9
                },
                output_shortfall=float((planned - done.activity) @ snap.process_labour),
                cascade_rounds=done.cascade_rounds,
                breakdowns=[snap.coop_ids[c] for c in np.flatnonzero(shock.breakdown)],
                capacity={
                    snap.process_ids[p]: float(capacity[p])
                    for p in np.flatnonzero(np.isfinite(capacity))
                },
                investment={snap.process_ids[p]: float(added[p]) for p in np.flatnonzero(added)},
                stock={snap.product_ids[i]: float(v) for i, v in enumerate(stock) if v > 1e-9},
                workers={c: int(w) for c, w in zip(snap.coop_ids, workers, strict=True)},
                markets=market_report,
                settlement=settled,
                production={
                    snap.process_ids[p]: {
                        "planned": float(planned[p]),
                        "actual": float(done.activity[p]),
                        "capacity": float(capacity_before[p]),
                    }
                    for p in np.flatnonzero(planned > 0)
                },
            )
        )
    return SimulationResult(economy=economy.meta.name, config=config, periods=reports)


def production_reports(result: SimulationResult, economy: Economy) -> pd.DataFrame:
    """Cybersyn-style production reports of a run: one row per coop, product and period.

    ``actual`` is what was made, ``capability`` what the plan asked of the coop, and
    ``potential`` what its processes could make (their capacity; the plan where unbounded).
    The table is the input of :func:`cooplan.simulation.monitoring.monitor` and of
    ``cooplan monitor``.
    """
    processes = economy.processes.set_index("id")
    rows = []
    for period in result.periods:
        for process, figures in period.production.items():
            potential = figures["capacity"]
            rows.append(
                {
                    "coop": processes.at[process, "coop"],
                    "product": processes.at[process, "product"],
                    "period": period.period,
                    "actual": figures["actual"],
                    "capability": figures["planned"],
                    "potential": potential if np.isfinite(potential) else figures["planned"],
                }
            )
    frame = pd.DataFrame(
        rows, columns=["coop", "product", "period", "actual", "capability", "potential"]
    )
    keys = ["coop", "product", "period"]
    return frame.groupby(keys, as_index=False)[["actual", "capability", "potential"]].sum()


def periods_table(result: SimulationResult) -> pd.DataFrame:
    """One row per period: fulfilment, planned labour, shortfall, cascade, stock total."""
    return pd.DataFrame(
        [
            {
                "period": p.period,
                "fulfilment": p.fulfilment,
                "planned_labour": p.planned_labour,
                "labour_available": p.labour_available,
                "output_shortfall_hours": p.output_shortfall,
                "cascade_rounds": p.cascade_rounds,
                "breakdowns": len(p.breakdowns),
                "invested_processes": len(p.investment),
                "stock_total": sum(p.stock.values()),
            }
            for p in result.periods
        ]
    )
