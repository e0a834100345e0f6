"""Labour after a plan: who stays, who is relocated, who retires early, who draws the benefit.

No member is dismissed. For each coop the plan's hours (``plan["labour"][coop]["used"]``) are
compared with its workers' hours. Where work falls short, non-members' hours are cut first
(``relocation.non_members_first``), then ``k`` members become surplus (whole members; a
remainder of less than one member's hours is shared as shorter hours). Where the plan needs
more hours than the coop's workers have, it offers vacancies (whole members at its
``hours_per_member``).

**Objective** (lexicographic, solved exactly): (1) relocate as many surplus members as the
vacancies allow, (2) then retire as many eligible members (age ≥ ``early_retirement.age``) as
possible instead of putting members on the benefit, (3) then least disruption: the sum over
relocations of ``group_weight·[other group] + region_weight·[other region] +
skill_weight·[nobody at the target coop has the member's skill]``. Moves farther than
``relocation.max_distance_km`` are not allowed. The surplus members themselves are chosen by
the same optimisation (who leaves coop c is part of the decision).

**Method**: members are grouped into classes of equal cost (coop, skill, eligible); the choice
is a transportation problem from classes to {stay, each vacancy coop, retire, benefit} with
exact counts to stay per coop and capacities per vacancy coop. Its constraint matrix is
totally unimodular, so the HiGHS dual simplex vertex is integral. The lexicographic order is
encoded by weights large enough to be exact (M₂ = L·C + 1 per retirement, M₁ = (L+1)·M₂ per
relocation, L surplus members, C the largest pair cost + 1). Within a class members are
picked deterministically: relocations go to the youngest, early retirement to the oldest,
the benefit to the youngest of the rest (ties by id).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from cooplan.errors import InputError
from cooplan.institutions.rules import FederationRules

__all__ = [
    "BenefitSpell",
    "CoopLabour",
    "LabourOutcome",
    "Relocation",
    "haversine_km",
    "labour_balance",
    "member_level_optimum",
    "pair_cost",
    "region_distances",
    "retirement_caps",
    "settle_labour",
]


@dataclass(frozen=True)
class CoopLabour:
    """One coop's labour balance for the period (hours per period)."""

    coop: str
    worker_hours: float
    planned_hours: float
    surplus_hours: float
    vacancies: int
    non_member_contracts_ended: tuple[str, ...]
    surplus_members: int
    shared_hours: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "worker_hours": self.worker_hours,
            "planned_hours": self.planned_hours,
            "surplus_hours": self.surplus_hours,
            "vacancies": self.vacancies,
            "non_member_contracts_ended": list(self.non_member_contracts_ended),
            "surplus_members": self.surplus_members,
            "shared_hours": self.shared_hours,
        }


@dataclass(frozen=True)
class Relocation:
    """A member moved from one coop to another, with the disruption cost of the move."""

    member: str
    origin: str
    target: str
    cost: float
    other_group: bool
    other_region: bool
    new_skill: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``from``/``to`` as in the plan's relocations)."""
        return {
            "member": self.member,
            "from": self.origin,
            "to": self.target,
            "cost": self.cost,
            "other_group": self.other_group,
            "other_region": self.other_region,
            "new_skill": self.new_skill,
        }


@dataclass(frozen=True)
class BenefitSpell:
    """A member drawing the employment-aid benefit this period."""

    member: str
    coop: str
    months: int
    exhausted: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "member": self.member,
            "coop": self.coop,
            "months": self.months,
            "exhausted": self.exhausted,
        }


@dataclass(frozen=True)
class LabourOutcome:
    """Where every member ends the period; ``members_before`` equals the sum of the four."""

    balances: Mapping[str, CoopLabour]
    relocations: tuple[Relocation, ...]
    early_retirements: tuple[str, ...]
    on_benefit: tuple[BenefitSpell, ...]
    stayed: tuple[str, ...]
    members_before: int
    objective: Mapping[str, float] = field(default_factory=dict)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, a)))


def region_distances(regions: pd.DataFrame | None) -> dict[tuple[str, str], float]:
    """Distances between regions from ``lat``/``lon`` columns; empty when there are none."""
    if regions is None or not {"id", "lat", "lon"} <= set(regions.columns):
        return {}
    coords = {
        str(r["id"]): (float(r["lat"]), float(r["lon"]))
        for r in regions.to_dict("records")
        if str(r["lat"]) != "" and str(r["lon"]) != ""
    }
    return {(a, b): haversine_km(*coords[a], *coords[b]) for a in coords for b in coords}


def pair_cost(
    rules: FederationRules,
    origin_group: str,
    origin_region: str,
    skill: str,
    target_group: str,
    target_region: str,
    target_skills: frozenset[str],
) -> tuple[float, bool, bool, bool]:
    """Disruption cost of one move and its three components (group, region, skill)."""
    other_group = origin_group != target_group
    other_region = origin_region != target_region
    new_skill = skill not in target_skills
    cost = (
        rules.relocation_group_weight * other_group
        + rules.relocation_region_weight * other_region
        + rules.relocation_skill_weight * new_skill
    )
    return cost, other_group, other_region, new_skill


def _planned_hours(plan: Mapping[str, Any], coops: list[str]) -> tuple[dict[str, float], list[str]]:
    labour = plan.get("labour") or {}
    if not isinstance(labour, Mapping):
        raise InputError.single(
            "plan",
            "'labour' must map coop ids to {used, available}",
            column="labour",
            value=type(labour).__name__,
            fix="use the optimal planner's plan JSON",
        )
    hours, missing = {}, []
    for coop in coops:
        entry = labour.get(coop)
        if entry is None:
            hours[coop] = 0.0
            missing.append(coop)
            continue
        used = entry.get("used") if isinstance(entry, Mapping) else entry
        if not isinstance(used, int | float) or isinstance(used, bool) or used < 0:
            raise InputError.single(
                "plan",
                "planned hours must be a number ≥ 0",
                column=f"labour.{coop}.used",
                value=used,
                fix="give the hours the plan uses in this coop",
            )
        hours[coop] = float(used)
    return hours, missing


def labour_balance(
    workers: pd.DataFrame, coops: pd.DataFrame, plan: Mapping[str, Any], rules: FederationRules
) -> tuple[dict[str, CoopLabour], list[str]]:
    """Each coop's hours against the plan: surplus members to place and vacancies to fill.

    Returns the balances and the coops missing from the plan's labour (treated as 0 hours).
    """
    coop_ids = [str(c) for c in coops["id"]]
    planned, missing = _planned_hours(plan, coop_ids)
    per_member = dict(zip(coop_ids, coops["hours_per_member"].astype(float), strict=True))
    balances: dict[str, CoopLabour] = {}
    for coop in coop_ids:
        staff = workers[workers["coop"] == coop]
        members = staff[staff["member"]]
        others = staff[~staff["member"]].sort_values(["hours", "id"], ascending=[False, True])
        worker_hours = float(staff["hours"].sum())
        surplus = worker_hours - planned[coop]
        ended: list[str] = []
        vacancies = 0
        k = 0
        shared = 0.0
        if surplus > 1e-9:
            remaining = surplus
            if rules.relocation_non_members_first:
                for wid, h in zip(others["id"], others["hours"], strict=True):
                    if h <= remaining + 1e-9 and h > 0:
                        ended.append(str(wid))
                        remaining -= float(h)
            mean_hours = float(members["hours"].mean()) if len(members) else 0.0
            if mean_hours > 0:
                k = min(len(members), math.floor(remaining / mean_hours + 1e-9))
            shared = max(0.0, remaining - k * mean_hours)
        elif surplus < -1e-9 and per_member[coop] > 0:
            vacancies = math.floor(-surplus / per_member[coop] + 1e-9)
        balances[coop] = CoopLabour(
            coop, worker_hours, planned[coop], surplus, vacancies, tuple(ended), k, shared
        )
    return balances, missing


def retirement_caps(pool: pd.DataFrame, coops: Any, rules: FederationRules) -> dict[str, int]:
    """Most early retirements per coop: ``early_retirement.take_up`` of its eligible members."""
    eligible = pool[pool["age"] >= rules.early_retirement_age].groupby("coop").size()
    return {
        str(c): math.floor(rules.early_retirement_take_up * int(eligible.get(c, 0)) + 1e-9)
        for c in coops
    }


def _skills_by_coop(workers: pd.DataFrame, coops: Any) -> dict[str, frozenset[str]]:
    pairs = workers[["coop", "skill"]].drop_duplicates()
    found: dict[str, set[str]] = {}
    for coop, skill in zip(pairs["coop"].tolist(), pairs["skill"].tolist(), strict=True):
        found.setdefault(str(coop), set()).add(str(skill))
    return {str(c): frozenset(found.get(str(c), set())) for c in coops}


@dataclass
class _Column:
    cls: int
    kind: str  # "stay" | "move" | "retire" | "benefit"
    target: str
    cost: float


def settle_labour(
    workers: pd.DataFrame,
    coops: pd.DataFrame,
    plan: Mapping[str, Any],
    rules: FederationRules,
    distances: Mapping[tuple[str, str], float] | None = None,
) -> tuple[LabourOutcome, list[str]]:
    """Place every member after ``plan``; return the outcome and notes for the report.

    ``workers`` is a validated members table; ``coops`` a coops table (ids, group, region,
    hours_per_member); ``distances`` km between regions (pairs absent: no limit applies).
    """
    balances, missing = labour_balance(workers, coops, plan, rules)
    notes = [f"coop {c} is not in the plan's labour: planned hours taken as 0" for c in missing]
    info = coops.set_index("id")
    group = {str(k): str(v) for k, v in info["group"].items()}
    region = {str(k): str(v) for k, v in info["region"].items()}
    members = workers[workers["member"]]
    skills_at = _skills_by_coop(workers, group)
    surplus_coops = [c for c, b in balances.items() if b.surplus_members > 0]
    vacancy = {c: b.vacancies for c, b in balances.items() if b.vacancies > 0}
    L = sum(balances[c].surplus_members for c in surplus_coops)
    if L == 0:
        stayed = tuple(sorted(members["id"]))
        return LabourOutcome(
            balances, (), (), (), stayed, len(members), {"relocated": 0, "retired": 0, "cost": 0.0}
        ), notes
    age_limit = rules.early_retirement_age
    pool = members[members["coop"].isin(surplus_coops)].copy()
    pool["eligible"] = pool["age"] >= age_limit
    keys = list(
        zip(pool["coop"].tolist(), pool["skill"].tolist(), pool["eligible"].tolist(), strict=True)
    )
    classes = sorted(set(keys))
    class_index = {c: i for i, c in enumerate(classes)}
    pool["cls"] = [class_index[k] for k in keys]
    sizes = pool.groupby("cls").size().reindex(range(len(classes)), fill_value=0).to_numpy()
    limit = rules.relocation_max_distance_km
    dist = distances or {}
    columns: list[_Column] = []
    pair_info: dict[tuple[int, str], tuple[float, bool, bool, bool]] = {}
    for i, (coop, skill, eligible) in enumerate(classes):
        columns.append(_Column(i, "stay", coop, 0.0))
        columns.append(_Column(i, "benefit", "", 0.0))
        if eligible:
            columns.append(_Column(i, "retire", coop, 0.0))
        for target in vacancy:
            if target == coop:
                continue
            km = dist.get((region[coop], region[target]))
            if km is not None and km > limit:
                continue
            pc = pair_cost(
                rules,
                group[coop],
                region[coop],
                skill,
                group[target],
                region[target],
                skills_at[target],
            )
            pair_info[(i, target)] = pc
            columns.append(_Column(i, "move", target, pc[0]))
    C = max((c.cost for c in columns), default=0.0) + 1.0
    M2 = L * C + 1.0
    M1 = (L + 1) * M2
    cost = np.array(
        [c.cost - M1 if c.kind == "move" else (-M2 if c.kind == "retire" else 0.0) for c in columns]
    )
    n_var = len(columns)
    rows_eq, cols_eq, b_eq = [], [], []
    for j, c in enumerate(columns):
        rows_eq.append(c.cls)
        cols_eq.append(j)
    b_eq += [float(s) for s in sizes]
    stay_row = {c: len(classes) + k for k, c in enumerate(surplus_coops)}
    for j, c in enumerate(columns):
        if c.kind == "stay":
            rows_eq.append(stay_row[c.target])
            cols_eq.append(j)
    for coop in surplus_coops:
        n_c = int((pool["coop"] == coop).sum())
        b_eq.append(float(n_c - balances[coop].surplus_members))
    A_eq = coo_matrix((np.ones(len(rows_eq)), (rows_eq, cols_eq)), shape=(len(b_eq), n_var))
    # at most the vacancies of each target coop; at most the take-up of early retirement
    caps = retirement_caps(pool, surplus_coops, rules)
    ub_keys = [("move", t) for t in sorted(vacancy)] + [("retire", c) for c in surplus_coops]
    ub_row = {key: k for k, key in enumerate(ub_keys)}
    ub_c = [j for j, c in enumerate(columns) if c.kind in ("move", "retire")]
    ub_r = [ub_row[(columns[j].kind, columns[j].target)] for j in ub_c]
    A_ub = coo_matrix((np.ones(len(ub_r)), (ub_r, ub_c)), shape=(len(ub_keys), n_var))
    b_ub = [float(vacancy[t]) for t in sorted(vacancy)] + [float(caps[c]) for c in surplus_coops]
    result = linprog(
        cost,
        A_ub=A_ub.tocsr(),
        b_ub=b_ub,
        A_eq=A_eq.tocsr(),
        b_eq=b_eq,
        bounds=(0, None),
        method="highs-ds",
    )
    if result.status != 0:  # cannot happen: staying + benefit is always feasible
        raise RuntimeError(f"relocation matching failed: {result.message}")
    counts = np.rint(result.x).astype(int)
    if np.max(np.abs(result.x - counts)) > 1e-6:
        raise RuntimeError("relocation matching returned a fractional vertex")
    relocations: list[Relocation] = []
    retired: list[str] = []
    benefit: list[BenefitSpell] = []
    stay_ids: list[str] = sorted(
        str(i) for i in members.loc[~members["coop"].isin(surplus_coops), "id"]
    )
    period = rules.plan_period_months
    by_class = {i: frame for i, frame in pool.groupby("cls")}
    for i in range(len(classes)):
        frame = by_class[i]
        young = frame.sort_values(["age", "id"]).reset_index(drop=True)
        take: list[Any] = list(young.itertuples(index=False))
        cols_i = [(j, columns[j]) for j in range(n_var) if columns[j].cls == i and counts[j] > 0]
        moves = sorted(
            (c.target for j, c in cols_i for _ in range(counts[j]) if c.kind == "move"),
            key=lambda t: (pair_info[(i, t)][0], t),
        )
        n_retire = sum(counts[j] for j, c in cols_i if c.kind == "retire")
        n_benefit = sum(counts[j] for j, c in cols_i if c.kind == "benefit")
        for target in moves:
            person = take.pop(0)
            pc = pair_info[(i, target)]
            relocations.append(
                Relocation(str(person.id), str(person.coop), target, pc[0], pc[1], pc[2], pc[3])
            )
        for _ in range(n_retire):
            retired.append(str(take.pop().id))
        for _ in range(n_benefit):
            person = take.pop(0)
            drawn = int(person.months_on_benefit)
            months = max(0, min(period, rules.employment_aid_max_months - drawn))
            exhausted = drawn + period > rules.employment_aid_max_months
            benefit.append(BenefitSpell(str(person.id), str(person.coop), months, exhausted))
        stay_ids += [str(p.id) for p in take]
    relocated = len(relocations)
    objective = {
        "relocated": float(relocated),
        "retired": float(len(retired)),
        "on_benefit": float(len(benefit)),
        "cost": float(sum(r.cost for r in relocations)),
        "vacancies": float(sum(vacancy.values())),
    }
    outcome = LabourOutcome(
        balances,
        tuple(sorted(relocations, key=lambda r: r.member)),
        tuple(sorted(retired)),
        tuple(sorted(benefit, key=lambda b: b.member)),
        tuple(sorted(stay_ids)),
        len(members),
        objective,
    )
    return outcome, notes


def member_level_optimum(
    workers: pd.DataFrame,
    coops: pd.DataFrame,
    plan: Mapping[str, Any],
    rules: FederationRules,
    distances: Mapping[tuple[str, str], float] | None = None,
) -> tuple[int, int, float]:
    """Reference solver: the same lexicographic optimum by a member-level assignment.

    One row per member of a surplus coop, one column per place (each vacancy, each stay slot,
    a retirement and a benefit column per member), solved by
    :func:`scipy.optimize.linear_sum_assignment`. Returns (relocated, retired, disruption
    cost). Slower than :func:`settle_labour` (its matrix grows with the square of the surplus
    coops' members); it is kept to verify and benchmark the class-based transportation LP.
    """
    from scipy.optimize import linear_sum_assignment

    balances, _ = labour_balance(workers, coops, plan, rules)
    info = coops.set_index("id")
    surplus = [c for c, b in balances.items() if b.surplus_members > 0]
    vacancy = {c: b.vacancies for c, b in balances.items() if b.vacancies > 0}
    people = workers[workers["member"] & workers["coop"].isin(surplus)].to_dict("records")
    skills_at = _skills_by_coop(workers, [str(c) for c in info.index])
    n = len(people)
    if n == 0:
        return 0, 0, 0.0
    L = sum(balances[c].surplus_members for c in surplus)
    slots = [d for d in sorted(vacancy) for _ in range(vacancy[d])]
    stays = [
        c
        for c in surplus
        for _ in range(sum(1 for p in people if p["coop"] == c) - balances[c].surplus_members)
    ]
    dist = distances or {}
    pair = np.full((n, len(slots)), np.inf)
    for i, p in enumerate(people):
        for j, d in enumerate(slots):
            km = dist.get((str(info.at[p["coop"], "region"]), str(info.at[d, "region"])))
            if d != p["coop"] and (km is None or km <= rules.relocation_max_distance_km):
                pair[i, j] = pair_cost(
                    rules,
                    str(info.at[p["coop"], "group"]),
                    str(info.at[p["coop"], "region"]),
                    str(p["skill"]),
                    str(info.at[d, "group"]),
                    str(info.at[d, "region"]),
                    skills_at[d],
                )[0]
    C = float(np.max(pair[np.isfinite(pair)], initial=0.0)) + 1.0
    M2 = L * C + 1.0
    M1 = (L + 1) * M2
    M0 = (n + 1) * (M1 + M2 + C)  # every stay slot must be filled
    move = pair - M1
    stay = np.array([[-M0 if p["coop"] == c else np.inf for c in stays] for p in people])
    stay = stay.reshape(n, len(stays))
    caps = retirement_caps(pd.DataFrame(people), surplus, rules)
    retire_slots = [c for c in surplus for _ in range(caps[c])]
    retire = np.array(
        [
            [
                -M2 if p["coop"] == c and p["age"] >= rules.early_retirement_age else np.inf
                for c in retire_slots
            ]
            for p in people
        ]
    ).reshape(n, len(retire_slots))
    benefit = np.full((n, n), np.inf)
    benefit[np.arange(n), np.arange(n)] = 0.0
    cost = np.hstack([move, stay, retire, benefit])
    rows, cols = linear_sum_assignment(cost)
    k_move, k_stay = len(slots), len(stays)
    moved = [(r, c) for r, c in zip(rows, cols, strict=True) if c < k_move]
    retired = sum(1 for c in cols if k_move + k_stay <= c < k_move + k_stay + len(retire_slots))
    return len(moved), retired, float(sum(pair[r, c] for r, c in moved))
