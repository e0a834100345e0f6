"""Build the optimal-plan linear programme from an economy snapshot.

One function, :func:`build_lp`, writes every objective in the same layout (see
``docs/optimal.md`` for the mathematics). Variables, in column blocks:

``x``  activity of each process (units of main product), 0 ≤ x_p ≤ u_p;
``lam`` λ, the number of complete sets of the assortment (fulfilment only);
``y``  delivery to the public of each demand row (harmony only), y_k ≥ f_k;
``t``  harmony of each demand row with a positive target and priority (harmony only);
``q``  allocation of each federation-wide demand row to each region (regional mode);
``z``  shipment of one product on one transport link (regional mode);
``lend``/``borrow`` hours a coop lends to or borrows from its group (mobility share > 0);
``short`` shortfall of each demand row (phase one of the infeasibility diagnosis only).

Rows, in blocks: ``balance`` (product × zone: net output + imports − exports − deliveries
≥ constant demand), ``floating`` (federation-wide demand rows in regional mode:
Σ_r q_kr = D_k), ``labour`` (per coop, ≤ hours), ``resource`` (natural resources with a
finite endowment, ≤ endowment), ``link`` (transport links with a finite capacity),
``group`` (hours lent = hours borrowed), ``harmony`` (tangent cuts t ≤ H(s_j) + H'(s_j)(s − s_j)).

The demand term of demand row k is D_k = c_k + e_k λ + y_k − σ_k, with c_k and e_k set by the
objective: fulfilment c = floor, e = quantity − floor (Kantorovich's problem A with
floors: Σ_p (b_ip − a_ip) x_p ≥ f_i + λ (d_i − f_i)); min-labour and min-cost c = quantity;
harmony c = 0 with y_k ≥ floor; phase one c = the required part, σ_k ≥ 0 its shortfall.

The programme is stored in minimisation form: ``cost`` is the objective to minimise
(negated for maximising objectives; ``sign`` = −1 then).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from cooplan.model.snapshot import EconomySnapshot
from cooplan.planning.optimal.harmony import harmony, harmony_slope, tangent_points
from cooplan.planning.optimal.result import Objective

FloatArray = np.ndarray
IntArray = np.ndarray
INF = np.inf


@dataclass(frozen=True, eq=False)
class PlanLayout:
    """Where each economic quantity sits in the LP (dense indices into the snapshot)."""

    regional: bool
    n_zones: int
    process_zone: IntArray
    balance_products: IntArray
    balance_position: IntArray
    resource_products: IntArray
    demand_zone: IntArray
    demand_constant: FloatArray
    demand_lambda: FloatArray
    floating_demand: IntArray
    ship_link: IntArray
    ship_product: IntArray
    capacity_links: IntArray
    mobile_coops: IntArray
    mobility_groups: IntArray
    harmony_demand: IntArray
    harmony_points: tuple[FloatArray, ...]
    harmony_tolerance: float

    def balance_row(self, product: int, zone: int) -> int:
        """Offset of the balance row of ``product`` in ``zone`` inside the balance block."""
        return zone * len(self.balance_products) + int(self.balance_position[product])


@dataclass(frozen=True, eq=False)
class LinearProgram:
    """min cost·v subject to row_lower ≤ matrix v ≤ row_upper, col_lower ≤ v ≤ col_upper."""

    objective: Objective
    phase_one: bool
    sign: float
    cost: FloatArray
    matrix: sp.csr_matrix
    row_lower: FloatArray
    row_upper: FloatArray
    col_lower: FloatArray
    col_upper: FloatArray
    columns: dict[str, slice]
    rows: dict[str, slice]
    layout: PlanLayout

    @property
    def n_cols(self) -> int:
        return len(self.cost)

    @property
    def n_rows(self) -> int:
        return len(self.row_lower)


class _Blocks:
    """Accumulates named blocks of consecutive indices."""

    def __init__(self) -> None:
        self.size = 0
        self.slices: dict[str, slice] = {}

    def add(self, name: str, count: int) -> slice:
        block = slice(self.size, self.size + count)
        self.slices[name] = block
        self.size += count
        return block


def _shipments(snap: EconomySnapshot, produced: np.ndarray) -> tuple[IntArray, IntArray]:
    """(link, product) of every shipment variable: each link carries its product, or all."""
    links: list[int] = []
    products: list[int] = []
    every = np.flatnonzero(produced)
    for link in range(len(snap.link_from)):
        carried = every if snap.link_product[link] < 0 else [int(snap.link_product[link])]
        for product in carried:
            if produced[product]:
                links.append(link)
                products.append(int(product))
    return np.asarray(links, dtype=np.int64), np.asarray(products, dtype=np.int64)


def _mobility(
    snap: EconomySnapshot, coop_group: IntArray, share: float
) -> tuple[IntArray, IntArray]:
    """Coops that may lend or borrow hours, and the group row of each (dense 0..G-1)."""
    if share <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    labels, counts = np.unique(coop_group[coop_group >= 0], return_counts=True)
    shared = labels[counts >= 2]
    coops = np.flatnonzero(np.isin(coop_group, shared))
    dense = np.searchsorted(shared, coop_group[coops])
    return coops.astype(np.int64), dense.astype(np.int64)


def harmony_ranges(snap: EconomySnapshot, rows: IntArray) -> tuple[FloatArray, FloatArray]:
    """Lowest possible relative over-fulfilment f/d − 1 of each harmony demand row."""
    quantity = snap.demand_quantity[rows]
    floor = snap.demand_floor[rows]
    return floor / quantity - 1.0, quantity


def build_lp(
    snap: EconomySnapshot,
    objective: Objective,
    *,
    coop_group: IntArray | None = None,
    mobility_share: float = 0.0,
    harmony_tolerance: float = 1e-4,
    harmony_ceiling: float = 4.0,
    phase_one: bool = False,
) -> LinearProgram:
    """The LP of ``objective`` for ``snap`` (or its phase-one shortfall LP).

    ``coop_group``: group label per coop for labour mobility (−1: none); ``mobility_share``:
    μ, the share of its hours a coop may lend. ``harmony_tolerance``: ε of the tangent
    envelope; ``harmony_ceiling``: largest over-fulfilment s it covers within ε.
    """
    n, m, k_coops = snap.n_products, snap.n_processes, snap.n_coops
    n_links = len(snap.link_from)
    regional = snap.n_regions > 1 and n_links > 0
    n_zones = snap.n_regions if regional else 1
    groups = coop_group if coop_group is not None else snap.coop_group
    maximise = objective.maximises and not phase_one

    resource = snap.is_resource
    balance_products = np.flatnonzero(~resource)
    balance_position = np.full(n, -1, dtype=np.int64)
    balance_position[balance_products] = np.arange(len(balance_products))
    resource_products = np.flatnonzero(resource & np.isfinite(snap.resource_available))
    resource_position = np.full(n, -1, dtype=np.int64)
    resource_position[resource_products] = np.arange(len(resource_products))
    process_zone = snap.coop_region[snap.process_coop] if regional else np.zeros(m, dtype=np.int64)

    n_demand = len(snap.demand_product)
    quantity, floor = snap.demand_quantity, snap.demand_floor
    demand_product = snap.demand_product
    demand_zone = snap.demand_region.copy() if regional else np.zeros(n_demand, dtype=np.int64)
    demand_zone[resource[demand_product]] = -2  # natural resources: federation-wide row
    floating = np.flatnonzero(demand_zone == -1)
    if phase_one:
        required = floor if objective in (Objective.FULFILMENT, Objective.HARMONY) else quantity
        constant, lam_coef = required.astype(float), np.zeros(n_demand)
    elif objective is Objective.FULFILMENT:
        # The floor is the guaranteed part of the target; λ scales the rest (schema.py):
        # delivered ≥ f + λ (d − f), so λ = 1 delivers exactly the target d.
        constant, lam_coef = floor.astype(float), (quantity - floor).astype(float)
    elif objective is Objective.HARMONY:
        constant, lam_coef = np.zeros(n_demand), np.zeros(n_demand)
    else:
        constant, lam_coef = quantity.astype(float), np.zeros(n_demand)
    use_lam = objective is Objective.FULFILMENT and not phase_one
    use_y = objective is Objective.HARMONY and not phase_one

    produced = np.asarray(snap.B.getnnz(axis=1) > 0) & ~resource
    ship_link, ship_product = (
        _shipments(snap, produced) if regional else (np.zeros(0, np.int64), np.zeros(0, np.int64))
    )
    capacity_links = np.flatnonzero(np.isfinite(snap.link_capacity)) if regional else np.zeros(0)
    capacity_links = capacity_links.astype(np.int64)
    mobile, mobile_group = _mobility(snap, groups, mobility_share)
    n_groups = int(mobile_group.max()) + 1 if len(mobile) else 0

    harmony_demand = np.zeros(0, dtype=np.int64)
    points: list[FloatArray] = []
    if use_y:
        harmony_demand = np.flatnonzero((quantity > 0) & (snap.demand_priority > 0))
        lowest, _ = harmony_ranges(snap, harmony_demand)
        ceiling = max(harmony_ceiling, 1e-3)
        points = [tangent_points(float(lo), ceiling, harmony_tolerance) for lo in lowest]

    cols = _Blocks()
    c_x = cols.add("x", m)
    c_lam = cols.add("lam", 1 if use_lam else 0)
    c_y = cols.add("y", n_demand if use_y else 0)
    c_t = cols.add("t", len(harmony_demand))
    c_q = cols.add("q", len(floating) * n_zones)
    c_z = cols.add("z", len(ship_link))
    c_lend = cols.add("lend", len(mobile))
    c_borrow = cols.add("borrow", len(mobile))
    c_short = cols.add("short", n_demand if phase_one else 0)

    rows = _Blocks()
    r_bal = rows.add("balance", len(balance_products) * n_zones)
    r_float = rows.add("floating", len(floating))
    r_lab = rows.add("labour", k_coops)
    r_res = rows.add("resource", len(resource_products))
    r_link = rows.add("link", len(capacity_links))
    r_group = rows.add("group", n_groups)
    r_harm = rows.add("harmony", sum(len(p) for p in points))

    n_cols, n_rows = cols.size, rows.size
    row_lower = np.full(n_rows, -INF)
    row_upper = np.full(n_rows, INF)
    col_lower = np.zeros(n_cols)
    col_upper = np.full(n_cols, INF)
    cost = np.zeros(n_cols)
    entries_r: list[np.ndarray] = []
    entries_c: list[np.ndarray] = []
    entries_v: list[np.ndarray] = []

    def put(r: np.ndarray, c: np.ndarray, v: np.ndarray) -> None:
        entries_r.append(np.asarray(r, dtype=np.int64))
        entries_c.append(np.asarray(c, dtype=np.int64))
        entries_v.append(np.asarray(v, dtype=float))

    # Activity: net output into balances, net use into resource rows, labour into coops.
    net = snap.net_output.tocoo()
    in_balance = balance_position[net.row] >= 0
    put(
        r_bal.start
        + process_zone[net.col[in_balance]] * len(balance_products)
        + balance_position[net.row[in_balance]],
        c_x.start + net.col[in_balance],
        net.data[in_balance],
    )
    in_resource = resource_position[net.row] >= 0
    put(
        r_res.start + resource_position[net.row[in_resource]],
        c_x.start + net.col[in_resource],
        -net.data[in_resource],
    )
    put(r_lab.start + snap.process_coop, c_x.start + np.arange(m), snap.process_labour)
    col_upper[c_x] = snap.process_capacity
    row_lower[r_bal] = 0.0
    row_lower[r_float] = 0.0
    row_upper[r_lab] = snap.coop_hours
    row_upper[r_res] = snap.resource_available[resource_products]

    # Demand terms D_k = c_k + e_k λ + y_k − σ_k, in the row that carries product k.
    float_position = np.full(n_demand, -1, dtype=np.int64)
    float_position[floating] = np.arange(len(floating))
    for k in range(n_demand):
        product, zone = int(demand_product[k]), int(demand_zone[k])
        if zone == -2:
            if resource_position[product] < 0:
                continue
            row, side = r_res.start + int(resource_position[product]), -1.0
            row_upper[row] -= constant[k]
        elif zone == -1:
            row, side = r_float.start + int(float_position[k]), 1.0
            row_lower[row] += constant[k]
            first = c_q.start + int(float_position[k]) * n_zones
            zones = np.arange(n_zones)
            put(np.full(n_zones, row), first + zones, np.ones(n_zones))
            put(
                r_bal.start + zones * len(balance_products) + balance_position[product],
                first + zones,
                -np.ones(n_zones),
            )
        else:
            row = r_bal.start + zone * len(balance_products) + int(balance_position[product])
            side = 1.0
            row_lower[row] += constant[k]
        if use_lam and lam_coef[k] != 0:
            put(np.array([row]), np.array([c_lam.start]), np.array([-side * lam_coef[k]]))
        if use_y:
            put(np.array([row]), np.array([c_y.start + k]), np.array([-side]))
        if phase_one:
            put(np.array([row]), np.array([c_short.start + k]), np.array([side]))

    # A federation-wide row's allocations add up to exactly its delivery (surplus stays in
    # the balances' slack, not with the public).
    row_upper[r_float] = row_lower[r_float]
    if use_y:
        col_lower[c_y] = floor
    if phase_one:
        col_upper[c_short] = constant
        # Relative shortfall, weighted by priority (priority 0 counts as 1).
        priority = np.where(snap.demand_priority > 0, snap.demand_priority, 1.0)
        cost[c_short] = np.where(constant > 0, priority / np.maximum(constant, 1e-300), 0.0)

    # Shipments: out of the origin's balance, into the destination's, within link capacity.
    if len(ship_link):
        z_cols = c_z.start + np.arange(len(ship_link))
        nb = len(balance_products)
        put(
            r_bal.start + snap.link_to[ship_link] * nb + balance_position[ship_product],
            z_cols,
            np.ones(len(ship_link)),
        )
        put(
            r_bal.start + snap.link_from[ship_link] * nb + balance_position[ship_product],
            z_cols,
            -np.ones(len(ship_link)),
        )
        link_row = np.full(n_links, -1, dtype=np.int64)
        link_row[capacity_links] = np.arange(len(capacity_links))
        capped = link_row[ship_link] >= 0
        put(r_link.start + link_row[ship_link[capped]], z_cols[capped], np.ones(int(capped.sum())))
        row_upper[r_link] = snap.link_capacity[capacity_links]
        if objective is Objective.MIN_COST and not phase_one:
            cost[c_z] = snap.link_cost[ship_link]

    # Labour mobility: lending frees hours, borrowing adds them; a group's loans balance.
    if len(mobile):
        lend = c_lend.start + np.arange(len(mobile))
        borrow = c_borrow.start + np.arange(len(mobile))
        put(r_lab.start + mobile, lend, np.ones(len(mobile)))
        put(r_lab.start + mobile, borrow, -np.ones(len(mobile)))
        put(r_group.start + mobile_group, lend, np.ones(len(mobile)))
        put(r_group.start + mobile_group, borrow, -np.ones(len(mobile)))
        col_upper[c_lend] = mobility_share * snap.coop_hours[mobile]
        row_lower[r_group] = 0.0
        row_upper[r_group] = 0.0

    # Harmony: t_h ≤ H(s_j) + H'(s_j)(y_k/d_k − 1 − s_j) for each tangent point s_j.
    if use_y:
        cut = r_harm.start
        col_lower[c_t] = -INF
        for h, k in enumerate(harmony_demand.tolist()):
            pts = points[h]
            slope = harmony_slope(pts)
            count = len(pts)
            cut_rows = cut + np.arange(count)
            put(cut_rows, np.full(count, c_t.start + h), np.ones(count))
            put(cut_rows, np.full(count, c_y.start + k), -slope / quantity[k])
            row_upper[cut_rows] = harmony(pts) - slope * (1.0 + pts)
            cut += count
        cost[c_t] = snap.demand_priority[harmony_demand]

    if objective in (Objective.MIN_LABOUR, Objective.MIN_COST) and not phase_one:
        cost[c_x] = snap.process_labour
    if use_lam:
        cost[c_lam] = 1.0
    sign = -1.0 if maximise else 1.0
    matrix = sp.csr_matrix(
        (
            np.concatenate(entries_v) if entries_v else np.zeros(0),
            (
                np.concatenate(entries_r) if entries_r else np.zeros(0, np.int64),
                np.concatenate(entries_c) if entries_c else np.zeros(0, np.int64),
            ),
        ),
        shape=(n_rows, n_cols),
    )
    matrix.sum_duplicates()
    layout = PlanLayout(
        regional=regional,
        n_zones=n_zones,
        process_zone=process_zone,
        balance_products=balance_products,
        balance_position=balance_position,
        resource_products=resource_products,
        demand_zone=demand_zone,
        demand_constant=constant,
        demand_lambda=lam_coef if use_lam else np.zeros(n_demand),
        floating_demand=floating,
        ship_link=ship_link,
        ship_product=ship_product,
        capacity_links=capacity_links,
        mobile_coops=mobile,
        mobility_groups=mobile_group,
        harmony_demand=harmony_demand,
        harmony_points=tuple(points),
        harmony_tolerance=harmony_tolerance,
    )
    return LinearProgram(
        objective=objective,
        phase_one=phase_one,
        sign=sign,
        cost=sign * cost,
        matrix=matrix,
        row_lower=row_lower,
        row_upper=row_upper,
        col_lower=col_lower,
        col_upper=col_upper,
        columns=cols.slices,
        rows=rows.slices,
        layout=layout,
    )


def tie_break_cost(snap: EconomySnapshot, lp: LinearProgram) -> FloatArray:
    """A second objective that picks, among the optimal plans, one without needless work.

    Labour (for fulfilment and harmony, which do not count it), transport cost (where the
    objective does not count it) and hours lent (always): all in the labour unit. Zero when
    the objective already counts everything.
    """
    cost = np.zeros(lp.n_cols)
    if lp.objective.maximises:
        cost[lp.columns["x"]] = snap.process_labour
    if lp.objective is not Objective.MIN_COST:
        cost[lp.columns["z"]] = snap.link_cost[lp.layout.ship_link]
    cost[lp.columns["lend"]] = 1.0
    return cost


def with_objective_bound(lp: LinearProgram, cost: FloatArray, bound: float) -> LinearProgram:
    """``lp`` with the row ``lp.cost · v ≤ bound`` added and ``cost`` to minimise instead."""
    matrix = sp.vstack([lp.matrix, sp.csr_matrix(lp.cost[None, :])], format="csr")
    rows = dict(lp.rows)
    rows["objective"] = slice(lp.n_rows, lp.n_rows + 1)
    return LinearProgram(
        objective=lp.objective,
        phase_one=lp.phase_one,
        sign=1.0,
        cost=cost,
        matrix=matrix,
        row_lower=np.r_[lp.row_lower, -INF],
        row_upper=np.r_[lp.row_upper, bound],
        col_lower=lp.col_lower,
        col_upper=lp.col_upper,
        columns=lp.columns,
        rows=rows,
        layout=lp.layout,
    )
