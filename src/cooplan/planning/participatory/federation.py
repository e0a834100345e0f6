"""Coops as councils: the participatory procedure on a cooplan federation (docs/participatory.md).

Each coop is a worker council (one council per product it makes in the base plan: a pequod
council makes one good), each region's public a consumer council. The councils are
Cobb-Douglas, calibrated so that at the *calibration prices* they propose exactly the material
balance (:func:`cooplan.planning.balances.balance`): the procedure starts at the base plan and
the iteration board (:func:`~.procedure.run_year`, the pequod-cljs rule) moves prices from
there. Nothing of the procedure is re-implemented here: councils are
:class:`~.councils.WorkerCouncils` and :class:`~.councils.ConsumerCouncils`, proposals come from
:func:`~.blocks.propose` and the rounds from :func:`~.procedure.run_year`.

Calibration prices (units: hours of the economy's labour unit; one hour of labour costs 1):
every limited natural resource at a small rent r, and every good at the price p at which every
council spends the same share B (``cost_share``) of its revenue on its inputs,
``p_i·B = Σ_j p_j·a_ji + l_i + Σ_k r_k·a_ki`` — the labour values when B = 1 and r = 0. A
council making ``q0`` units of a good priced ``λ`` with base inputs ``x0_i`` at prices ``p_i``
(its hours included) gets

    b_i = p_i·x0_i / (λ·q0)                    (so Σ b_i = B)
    k = disutility_exponent,  c = effort_fraction·k·(1 − B),  s = λ·c·q0 / k   (effort 1)
    A = q0 / Π x0_i^{b_i}

so its first-order conditions (spec ``participatory.md`` §2.3) hold at ``(q0, x0, e = 1)``:
the proposal at the calibration prices is the base plan. Region r's consumer council spends
``Y_r = p·d_r`` (its share of the base plan's income) with exponents ``p_n·d_{r,n} / Y_r``, so
it demands ``d_r``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from cooplan.errors import InputError, Problem
from cooplan.model.economy import Economy
from cooplan.model.schema import ProductKind
from cooplan.model.snapshot import EconomySnapshot
from cooplan.planning import linalg
from cooplan.planning.balances import BalanceResult, balance
from cooplan.planning.mechanism import MechanismPlan, RunStatus
from cooplan.planning.participatory.blocks import Proposals, propose, worker_blocks
from cooplan.planning.participatory.commodities import Category
from cooplan.planning.participatory.councils import (
    ConsumerCouncils,
    CouncilEconomy,
    WorkerCouncils,
    worker_problems,
)
from cooplan.planning.participatory.procedure import (
    DEFAULT_MAX_ROUNDS,
    DEFAULT_THRESHOLD,
    INITIAL_MULTIPLIER,
    CouncilEvaluator,
    LocalEvaluator,
    run_year,
)
from cooplan.planning.participatory.result import PlanStatus, YearResult

__all__ = [
    "Calibration",
    "FederationCouncils",
    "FederationResult",
    "LabourPooling",
    "federation_councils",
    "run_federation",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: The pequod ``:industry`` code of each category that councils make (spec §2.1).
_INDUSTRY = {Category.PRIVATE: 0, Category.INTERMEDIATE: 1, Category.PUBLIC: 2}
#: Relative residual accepted of the calibration-price solve.
_PRICE_TOLERANCE = 1e-9


class LabourPooling(StrEnum):
    """How the coops' hours form labour commodities (pequod's labour types)."""

    FEDERATION = "federation"
    """One kind of labour: every council coop's hours supply one commodity, ``labour``."""
    GROUP = "group"
    """One labour commodity per coop group, ``labour:<group>`` (``labour:ungrouped``)."""
    COOP = "coop"
    """One labour commodity per coop, ``labour:<coop>``: each coop's hours are its own."""


@dataclass(frozen=True)
class Calibration:
    """Free parameters of the councils (dimensionless; see the module docstring).

    ``cost_share``: B = Σ b, the share of every council's revenue spent on its inputs at the
    calibration prices (pequod draws B from [0.7528, 0.8478], spec §2.1).
    ``resource_rent_share`` ρ: a resource's rent per unit is ρ times the smallest direct-labour
    cost of its users per unit of it (split among a council's limited resources).
    ``effort_fraction``: c / (k(1 − B)), in (0, 1); pequod's draws give ≈ 0.1 (c ≈ 0.075,
    k ≈ 3.5, 1 − B ≈ 0.2, spec §2.1). ``disutility_exponent``: k > 1 (pequod draws k from
    [3, 4), spec §2.1).
    """

    cost_share: float = 0.8
    resource_rent_share: float = 0.1
    effort_fraction: float = 0.1
    disutility_exponent: float = 3.5

    def __post_init__(self) -> None:
        checks = (
            ("cost_share", self.cost_share, 0 < self.cost_share < 1, "in (0, 1)"),
            (
                "resource_rent_share",
                self.resource_rent_share,
                0 < self.resource_rent_share < 1,
                "in (0, 1)",
            ),
            ("effort_fraction", self.effort_fraction, 0 < self.effort_fraction < 1, "in (0, 1)"),
            ("disutility_exponent", self.disutility_exponent, self.disutility_exponent > 1, "> 1"),
        )
        problems = [
            Problem("calibration", "parameter out of range", column=name, value=value, fix=fix)
            for name, value, ok, fix in checks
            if not ok
        ]
        _refuse(problems, "invalid council calibration")


def _refuse(problems: list[Problem], summary: str) -> None:
    error = InputError.collect(problems, summary=summary)
    if error is not None:
        raise error


@dataclass(frozen=True, eq=False)
class FederationCouncils:
    """A federation as councils, ready for the procedure (arrays read-only by contract).

    Commodities are the products that councils make, use or consume, then the labour pools,
    ordered by category (private, intermediate, nature, labour, public; file order inside).
    ``slots[j]`` is commodity j's index in ``councils``, pequod's layout of 5·G commodities
    (G the largest category; the other slots are unused). Worker council w is coop
    ``council_coop[w]`` making ``council_product[w]`` (commodity ``council_commodity[w]``) with
    the processes of the snapshot whose ``process_council`` is w.
    """

    economy: str
    labour: LabourPooling
    calibration: Calibration
    commodity_ids: tuple[str, ...]
    commodity_category: tuple[Category, ...]
    slots: IntArray
    councils: CouncilEconomy
    council_coop: tuple[str, ...]
    council_product: tuple[str, ...]
    council_commodity: IntArray
    process_council: IntArray
    """Per snapshot process: its worker council, or −1 (no base-plan activity)."""
    input_commodity: IntArray
    """Flat, aligned with ``councils.workers.input_commodity``: the compact commodity."""
    consumer_ids: tuple[str, ...]
    snapshot: EconomySnapshot
    base: BalanceResult
    base_activity: FloatArray
    """Per snapshot process: its activity in the base plan (units of its main product)."""
    base_output: FloatArray
    """Per worker council: its output in the base plan (units of its product)."""
    base_inputs: FloatArray
    """Flat, aligned with ``input_commodity``: base-plan input quantities (units, hours)."""
    calibration_prices: FloatArray
    endowment: FloatArray
    """Fixed supply per commodity: resource endowments and the pools' hours; 0 for goods."""
    consumer_spending: FloatArray
    """K per commodity: the consumer councils demand ``K / p`` units at prices p."""

    @property
    def council_ids(self) -> tuple[str, ...]:
        """``coop/product`` for each worker council."""
        return tuple(
            f"{c}/{p}" for c, p in zip(self.council_coop, self.council_product, strict=True)
        )

    @property
    def labour_commodities(self) -> IntArray:
        """Compact indices of the labour pools."""
        return np.flatnonzero([c is Category.LABOUR for c in self.commodity_category])

    def full_prices(self, prices: FloatArray) -> FloatArray:
        """Compact prices placed in pequod's 5·G layout (unused slots at 1; nothing reads them)."""
        full = np.ones(5 * self.councils.goods_per_category)
        full[self.slots] = prices
        return full

    def proposals(self, prices: FloatArray) -> Proposals:
        """Every worker council's proposal at compact ``prices`` (spec §2.3)."""
        return propose(self.councils.workers, self.full_prices(prices))


@dataclass(frozen=True, eq=False)
class _CompactEvaluator:
    """The package's council evaluator, seen through the compact commodity vector."""

    inner: CouncilEvaluator
    councils: FederationCouncils

    def worker_aggregates(self, prices: FloatArray) -> FloatArray:
        full = self.inner.worker_aggregates(self.councils.full_prices(prices))
        return full[:, self.councils.slots]


@dataclass(frozen=True, eq=False)
class FederationResult:
    """The procedure on a federation: the year's rounds and the accepted proposals.

    ``year`` is the package's :class:`~.result.YearResult` over the compact commodities;
    ``year.worker_output`` and ``year.worker_effort`` are each worker council's output (units
    of its product) and effort at ``year.plan_prices``; ``inputs`` the matching flat input
    quantities (aligned with ``councils.input_commodity``).
    """

    councils: FederationCouncils
    year: YearResult
    inputs: FloatArray

    @property
    def status(self) -> PlanStatus:
        """How the procedure ended."""
        return self.year.status

    @property
    def rounds(self) -> int:
        """Proposal rounds run."""
        return self.year.rounds

    def consumer_demand(self) -> FloatArray:
        """Consumer councils' demand per commodity at the plan prices (units)."""
        return self.councils.consumer_spending / self.year.plan_prices

    def activity(self) -> FloatArray:
        """Per snapshot process: base activity scaled by its council's output / base output."""
        fc = self.councils
        scale = np.append(self.year.worker_output / fc.base_output, 0.0)
        return fc.base_activity * scale[fc.process_council]

    def coop_hours(self) -> FloatArray:
        """Per snapshot coop: hours its councils ask for (their labour inputs)."""
        fc = self.councils
        labour = np.isin(fc.input_commodity, fc.labour_commodities)
        coop = np.array([fc.snapshot.coop_index[c] for c in fc.council_coop], dtype=np.int64)
        owner = fc.councils.workers.input_owner[labour]
        return np.bincount(
            coop[owner], weights=self.inputs[labour], minlength=fc.snapshot.n_coops
        ).astype(np.float64)

    def delivered(self) -> FloatArray:
        """Per commodity: consumer demand at the plan prices, capped by what the worker
        councils' output leaves after their own inputs (units; never below 0)."""
        supply = self.year.supply[-1]
        consumer = self.consumer_demand()
        worker_use = self.year.demand[-1] - consumer
        return np.clip(np.minimum(consumer, supply - worker_use), 0.0, None)

    def to_plan(self, mechanism: str = "participatory") -> MechanismPlan:
        """The result in the economy's ids and units (docs/participatory.md, *Coops as
        councils*): activity per process, output per product, hours per coop, deliveries."""
        fc = self.councils
        snap = fc.snapshot
        ids = fc.commodity_ids
        made = np.bincount(
            fc.council_commodity, weights=self.year.worker_output, minlength=len(ids)
        )
        delivered = self.delivered()
        activity = self.activity()
        hours = self.coop_hours()
        return MechanismPlan(
            mechanism=mechanism,
            status=RunStatus.CONVERGED if self.year.converged else RunStatus.NOT_CONVERGED,
            activity={pid: float(activity[p]) for p, pid in enumerate(snap.process_ids)},
            output={ids[j]: float(made[j]) for j in np.unique(fc.council_commodity)},
            labour_used={cid: float(hours[c]) for c, cid in enumerate(snap.coop_ids)},
            final_delivered={
                ids[j]: float(delivered[j]) for j in np.flatnonzero(fc.consumer_spending > 0)
            },
            rounds=self.rounds,
            details=self.details(),
        )

    def details(self) -> dict[str, object]:
        """JSON-ready record: status, imbalances, prices, each council's effort and inputs."""
        fc = self.councils
        ids = fc.commodity_ids
        names = fc.council_ids
        inputs: dict[str, dict[str, float]] = {name: {} for name in names}
        for owner, commodity, quantity in zip(
            fc.councils.workers.input_owner.tolist(),
            fc.input_commodity.tolist(),
            self.inputs.tolist(),
            strict=True,
        ):
            inputs[names[owner]][ids[commodity]] = quantity

        def by_id(values: FloatArray) -> dict[str, float]:
            return dict(zip(ids, values.tolist(), strict=True))

        return {
            "procedure_status": self.status.value,
            "labour": fc.labour.value,
            "threshold_pct": 100.0 * self.year.threshold,
            "max_imbalance_pct": self.year.max_imbalance_pct,
            "worst_imbalance_pct_by_round": self.year.worst_imbalance_pct.tolist(),
            "prices": by_id(self.year.plan_prices),
            "final_prices": by_id(self.year.final_prices),
            "calibration_prices": by_id(fc.calibration_prices),
            "imbalance_pct": by_id(self.year.imbalance_pct[-1]),
            "council_output": dict(zip(names, self.year.worker_output.tolist(), strict=True)),
            "council_effort": dict(zip(names, self.year.worker_effort.tolist(), strict=True)),
            "council_inputs": inputs,
        }


@dataclass(frozen=True, eq=False)
class _BaseCouncils:
    """Worker councils of the base plan: who they are and what they make and use."""

    coop: IntArray
    product: IntArray
    process_council: IntArray
    output: FloatArray
    hours: FloatArray
    use: sp.csr_matrix
    """Councils × products: inputs in the base plan (unlimited resources dropped)."""


def _check_economy(economy: Economy, snap: EconomySnapshot) -> None:
    """Joint products and final demand for natural resources have no council counterpart."""
    problems = [
        Problem(
            "outputs.csv",
            "joint products cannot be mapped to a single-product council",
            row=i + 1,
            column="product",
            value=str(product),
            fix="drop the joint output or run another mechanism (e.g. balance)",
        )
        for i, product in enumerate(economy.outputs["product"].tolist())
    ]
    for i, (p, q) in enumerate(zip(snap.demand_product, snap.demand_quantity, strict=True)):
        if q > 0 and snap.is_resource[p]:
            problems.append(
                Problem(
                    "demand.csv",
                    "final demand for a natural resource: no council makes it",
                    row=i + 1,
                    column="product",
                    value=snap.product_ids[p],
                    fix="demand a product that a process makes",
                )
            )
    _refuse(problems, "this economy cannot be run as councils")


def _base_councils(snap: EconomySnapshot, activity: FloatArray) -> _BaseCouncils:
    """One council per (coop, product) with base-plan activity, in order of first process."""
    active = np.flatnonzero(activity > 0)
    if active.size == 0:
        raise InputError.single(
            "demand.csv",
            "the base plan makes nothing, so there is no council to run",
            fix="give some product a final demand above zero",
        )
    pair = snap.process_coop[active] * snap.n_products + snap.process_product[active]
    _, first, council = np.unique(pair, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # councils numbered by their first process
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    council = rank[council]
    n = order.size
    weights = sp.csr_matrix((activity[active], (council, active)), shape=(n, snap.n_processes))
    process_council = np.full(snap.n_processes, -1, dtype=np.int64)
    process_council[active] = council
    free = snap.is_resource & ~np.isfinite(snap.resource_available)
    keep = sp.diags((~free).astype(np.float64))
    head = active[first[order]]
    hours = weights @ snap.process_labour
    no_labour = [
        Problem(
            "processes.csv",
            "the council's processes use no labour, so it has no surplus to calibrate",
            row=int(head[w]) + 1,
            column="labour",
            value=float(snap.process_labour[head[w]]),
            fix="give the process a labour coefficient above zero",
        )
        for w in np.flatnonzero(~(hours > 0))
    ]
    _refuse(no_labour, "some councils cannot be calibrated")
    use = sp.csr_matrix(weights @ snap.A.T @ keep)
    use.eliminate_zeros()
    return _BaseCouncils(
        coop=snap.process_coop[head].astype(np.int64),
        product=snap.process_product[head].astype(np.int64),
        process_council=process_council,
        output=np.asarray(weights.sum(axis=1)).ravel(),
        hours=np.asarray(hours, dtype=np.float64),
        use=use,
    )


def _categories(snap: EconomySnapshot, base: _BaseCouncils) -> dict[int, Category]:
    """Category of every product that councils make, use or consume (spec §1's five)."""
    demand = snap.final_demand
    made = np.zeros(snap.n_products, dtype=bool)
    made[base.product] = True
    used = np.asarray(base.use.getnnz(axis=0) > 0)
    category: dict[int, Category] = {}
    for i in np.flatnonzero(made | used | (demand > 0)):
        if snap.is_resource[i]:
            category[int(i)] = Category.NATURE
        elif snap.product_kind[i] == ProductKind.PUBLIC:
            category[int(i)] = Category.PUBLIC
        else:
            category[int(i)] = Category.PRIVATE if demand[i] > 0 else Category.INTERMEDIATE
    unmade = [
        Problem(
            "processes.csv",
            "a product is used or demanded but no council makes it in the base plan",
            column="product",
            value=snap.product_ids[i],
            fix="add a process that makes it",
        )
        for i, cat in category.items()
        if cat is not Category.NATURE and not made[i]
    ]
    _refuse(unmade, "some goods have no council")
    return category


def _pools(
    snap: EconomySnapshot, coops: IntArray, labour: LabourPooling
) -> tuple[list[str], IntArray]:
    """Labour commodity names and the pool of every coop of the snapshot (−1: no council)."""
    names: list[str] = []
    pool = np.full(snap.n_coops, -1, dtype=np.int64)
    for c in np.unique(coops):
        if labour is LabourPooling.FEDERATION:
            name = "labour"
        elif labour is LabourPooling.GROUP:
            g = int(snap.coop_group[c])
            name = f"labour:{snap.group_ids[g]}" if g >= 0 else "labour:ungrouped"
        else:
            name = f"labour:{snap.coop_ids[c]}"
        if name not in names:
            names.append(name)
        pool[c] = names.index(name)
    return names, pool


def _resource_rents(
    snap: EconomySnapshot, base: _BaseCouncils, calibration: Calibration
) -> FloatArray:
    """Rent per unit of each limited resource (0 elsewhere): ρ·min over users of h / (n·x).

    h is a user's base hours, x its base use of the resource, n its number of limited
    resources, so no council pays more than ρ of its direct-labour cost in rents.
    """
    limited = snap.is_resource & np.isfinite(snap.resource_available)
    entries = base.use.tocoo()
    on = limited[entries.col] & (entries.data > 0)
    council, resource, amount = entries.row[on], entries.col[on], entries.data[on]
    count = np.bincount(council, minlength=base.output.size)
    room = base.hours[council] / (count[council] * amount)
    rent = np.full(snap.n_products, np.inf)
    np.minimum.at(rent, resource, calibration.resource_rent_share * room)
    rent[~np.isfinite(rent)] = 0.0
    return rent


def _goods_prices(
    snap: EconomySnapshot, base: _BaseCouncils, rent: FloatArray, cost_share: float
) -> FloatArray:
    """Per product (0 for those no council makes): p_i·B = Σ_j p_j·a_ji + l_i + Σ_k r_k·a_ki.

    a and l are the base plan's inputs and hours per unit of product i, its councils added
    up (they share one technique: balance picks one per product).
    """
    made = np.unique(base.product)
    row = np.searchsorted(made, base.product)
    to_product = sp.csr_matrix(
        (np.ones(base.product.size), (row, np.arange(base.product.size))),
        shape=(made.size, base.product.size),
    )
    output = to_product @ base.output
    per_unit = sp.diags(1.0 / output) @ to_product @ base.use
    hours = (to_product @ base.hours) / output
    system = cost_share * sp.identity(made.size, format="csr") - per_unit[:, made]
    goods, report = linalg.solve(system, hours + per_unit @ rent, tol=1e-12)
    if report.relative_residual > _PRICE_TOLERANCE or not np.all(goods > 0):
        raise InputError.single(
            "inputs.csv",
            "at this cost share the base plan's inputs cost more than the councils' revenue",
            column="quantity",
            value=cost_share,
            fix="raise Calibration.cost_share towards 1",
        )
    prices = np.zeros(snap.n_products)
    prices[made] = goods
    return prices


def _layout(
    snap: EconomySnapshot, category: dict[int, Category], pool_names: list[str]
) -> tuple[list[tuple[Category, int, str]], IntArray, IntArray, int]:
    """Compact commodities (category, key, id) with key = product or n_products + pool;
    their position inside their category, their slot in pequod's layout, and G."""
    entries = [(cat, i, snap.product_ids[i]) for i, cat in category.items()]
    entries += [(Category.LABOUR, snap.n_products + j, n) for j, n in enumerate(pool_names)]
    entries.sort(key=lambda e: (int(e[0]), e[1]))
    cats = np.array([int(e[0]) for e in entries], dtype=np.int64)
    position = np.zeros(len(entries), dtype=np.int64)
    for cat in np.unique(cats):
        where = np.flatnonzero(cats == cat)
        position[where] = np.arange(where.size)
    goods = int(np.bincount(cats).max())
    return entries, position, goods * cats + position, goods


def _consumers(
    snap: EconomySnapshot,
    compact: IntArray,
    prices: FloatArray,
    goods: int,
    position: IntArray,
    category: tuple[Category, ...],
) -> tuple[ConsumerCouncils, tuple[str, ...]]:
    """One consumer council per region with final demand (``federation`` for rows without a
    region): income p·d_r, exponents p_n·d_{r,n} / income."""
    rows = snap.demand_quantity > 0
    region = snap.demand_region[rows]
    keys, council = np.unique(region, return_inverse=True)
    j = compact[snap.demand_product[rows]]
    spend = np.zeros((keys.size, prices.size))
    np.add.at(spend, (council, j), prices[j] * snap.demand_quantity[rows])
    income = spend.sum(axis=1)
    private = np.zeros((keys.size, goods))
    public = np.zeros((keys.size, goods))
    for m, cat in enumerate(category):
        if cat is Category.PRIVATE:
            private[:, position[m]] = spend[:, m] / income
        elif cat is Category.PUBLIC:
            public[:, position[m]] = spend[:, m] / income
    names = tuple("federation" if r < 0 else snap.region_ids[r] for r in keys.tolist())
    return ConsumerCouncils(income, private, public), names


def federation_councils(
    economy: Economy,
    *,
    labour: LabourPooling = LabourPooling.COOP,
    calibration: Calibration | None = None,
) -> FederationCouncils:
    """Calibrate worker and consumer councils to the economy's material balance.

    Raises :class:`~cooplan.errors.InputError` for joint products, final demand for a natural
    resource, a council whose processes use no labour (it would have no surplus), or a cost
    share too low for the economy's input coefficients.
    """
    calibration = calibration or Calibration()
    snap = economy.snapshot()
    _check_economy(economy, snap)
    plan = balance(economy)
    activity = np.array([plan.activity.get(p, 0.0) for p in snap.process_ids])
    base = _base_councils(snap, activity)
    category = _categories(snap, base)
    pool_names, pool = _pools(snap, base.coop, labour)
    entries, position, slots, goods = _layout(snap, category, pool_names)
    compact = np.full(snap.n_products + len(pool_names), -1, dtype=np.int64)
    compact[[e[1] for e in entries]] = np.arange(len(entries))
    commodity_category = tuple(e[0] for e in entries)

    rent = _resource_rents(snap, base, calibration)
    product_prices = _goods_prices(snap, base, rent, calibration.cost_share) + rent
    prices = np.ones(len(entries))  # the labour pools: one hour costs 1
    known = [e[1] for e in entries if e[1] < snap.n_products]
    prices[compact[known]] = product_prices[known]

    # Flat inputs: each council's products in compact order, then its hours.
    use = base.use.tocoo()
    n = base.output.size
    owner = np.concatenate([use.row, np.arange(n)])
    commodity = np.concatenate(
        [compact[use.col], compact[snap.n_products + pool[base.coop]]]
    ).astype(np.int64)
    quantity = np.concatenate([use.data, base.hours])
    keep = quantity > 0
    order = np.lexsort((commodity[keep], owner[keep]))
    owner, commodity, quantity = owner[keep][order], commodity[keep][order], quantity[keep][order]
    out = compact[base.product]
    revenue = prices[out] * base.output
    exponent = prices[commodity] * quantity / revenue[owner]
    share = np.bincount(owner, weights=exponent, minlength=n)
    k = np.full(n, calibration.disutility_exponent)
    c = calibration.effort_fraction * k * (1.0 - share)
    log_tfp = np.log(base.output) - np.bincount(
        owner, weights=exponent * np.log(quantity), minlength=n
    )
    workers = WorkerCouncils(
        industry=np.array([_INDUSTRY[commodity_category[j]] for j in out], dtype=np.int64),
        product=position[out] + 1,
        tfp=np.exp(log_tfp),
        effort_exponent=c,
        disutility_exponent=k,
        disutility_coefficient=revenue * c / k,  # effort 1 in the base plan
        input_offsets=np.concatenate([[0], np.cumsum(np.bincount(owner, minlength=n))]),
        input_commodity=slots[commodity],
        input_exponent=exponent,
        goods_per_category=goods,
    )
    _refuse(worker_problems(workers, "worker councils"), "some councils cannot propose")

    consumers, consumer_ids = _consumers(snap, compact, prices, goods, position, commodity_category)
    k_private, k_public = consumers.demand_constants()
    spending = np.zeros(len(entries))
    endowment = np.zeros(len(entries))
    for m, cat in enumerate(commodity_category):
        if cat is Category.PRIVATE:
            spending[m] = k_private[position[m]]
        elif cat is Category.PUBLIC:
            spending[m] = k_public[position[m]]
        elif cat is Category.NATURE:
            endowment[m] = snap.resource_available[entries[m][1]]
    coops = np.unique(base.coop)
    np.add.at(endowment, compact[snap.n_products + pool[coops]], snap.coop_hours[coops])
    by_category = {cat: np.zeros(goods) for cat in (Category.NATURE, Category.LABOUR)}
    for m, cat in enumerate(commodity_category):
        if cat in by_category:
            by_category[cat][position[m]] = endowment[m]
    name = economy.meta.name
    return FederationCouncils(
        economy=name,
        labour=labour,
        calibration=calibration,
        commodity_ids=tuple(e[2] for e in entries),
        commodity_category=commodity_category,
        slots=slots,
        councils=CouncilEconomy(
            workers,
            consumers,
            by_category[Category.NATURE],
            by_category[Category.LABOUR],
            name=name,
        ),
        council_coop=tuple(snap.coop_ids[c] for c in base.coop),
        council_product=tuple(snap.product_ids[p] for p in base.product),
        council_commodity=out,
        process_council=base.process_council,
        input_commodity=commodity,
        consumer_ids=consumer_ids,
        snapshot=snap,
        base=plan,
        base_activity=activity,
        base_output=base.output,
        base_inputs=quantity,
        calibration_prices=prices,
        endowment=endowment,
        consumer_spending=spending,
    )


def run_federation(
    economy: Economy,
    *,
    labour: LabourPooling = LabourPooling.COOP,
    calibration: Calibration | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    max_rounds: int = DEFAULT_MAX_ROUNDS,
) -> FederationResult:
    """Run one planning year of the participatory procedure on ``economy``'s councils.

    Starts at the calibration prices (the base plan) with multipliers 0.25 and applies the
    pequod-cljs board rule until the worst imbalance is ≤ 100·``threshold`` percent or
    ``max_rounds`` rounds have run. Makes no random draw: the result depends only on the
    inputs, bit for bit.
    """
    councils = federation_councils(economy, labour=labour, calibration=calibration)
    layout = 5 * councils.councils.goods_per_category
    inner = LocalEvaluator(worker_blocks(councils.councils.workers, layout))
    start = councils.calibration_prices
    multipliers = np.full(start.shape[0], INITIAL_MULTIPLIER)
    trajectory = run_year(
        _CompactEvaluator(inner, councils),
        endowment=councils.endowment,
        consumer_spending=councils.consumer_spending,
        start_prices=start,
        start_multipliers=multipliers,
        threshold=threshold,
        max_rounds=max_rounds,
    )
    plan_prices = trajectory.prices[-2] if trajectory.prices.shape[0] > 1 else start
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        proposals = councils.proposals(plan_prices)
    year = YearResult(
        year=1,
        status=trajectory.status,
        threshold=threshold,
        start_prices=start,
        start_multipliers=multipliers,
        prices=trajectory.prices,
        deltas=trajectory.deltas,
        multipliers=trajectory.multipliers,
        supply=trajectory.supply,
        demand=trajectory.demand,
        imbalance_pct=trajectory.imbalance_pct,
        worker_output=proposals.output,
        worker_effort=proposals.effort,
    )
    return FederationResult(councils=councils, year=year, inputs=proposals.input_quantity)
