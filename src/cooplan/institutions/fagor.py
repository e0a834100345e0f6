"""The Fagor Electrodomésticos closure (2013) replayed month by month, against the record.

The scenario (examples/fagor/): the federation's largest industrial coop loses two thirds of
its work in one period, leaving about 1,800 members surplus. Each month the other coops open
vacancies (retirements, temporary contracts ending: ``monthly_vacancy_rate`` of their
workforce, an assumption to calibrate); the surplus members are placed by the same optimal
matching as :func:`cooplan.institutions.relocation.settle_labour` (relocation first, then early
retirement from ``early_retirement.age``, then the employment-aid benefit), and the
employment-aid fund pays benefits and early-retirement pay from its buffer.

Published course (institutions.md, [S]): about 1,800–1,900 members affected; 215 relocated
within a month, about 400 by mid-December 2013, over 600 by February 2014, 1,050 of about
2,000 by July 2014; 480 early retirements (by 2015).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cooplan.errors import InputError
from cooplan.examples import example_folder
from cooplan.institutions.members import load_members
from cooplan.institutions.relocation import region_distances, settle_labour
from cooplan.institutions.rules import FederationRules, load_rules
from cooplan.institutions.tables import coops_table, optional_table

__all__ = [
    "PUBLISHED_AFFECTED",
    "PUBLISHED_EARLY_RETIREMENTS",
    "PUBLISHED_RELOCATED",
    "Checkpoint",
    "FagorMonth",
    "FagorOutcome",
    "FagorScenario",
    "load_scenario",
    "run_fagor",
]

# institutions.md, "The Fagor Electrodomésticos closure (2013)" [S]: cumulative relocations
# by month after the closure (Oct–Nov 2013): within a month, mid-December 2013, February 2014
# (about three months), July 2014 (about eight months).
PUBLISHED_RELOCATED: dict[int, int] = {1: 215, 2: 400, 3: 600, 8: 1050}
PUBLISHED_EARLY_RETIREMENTS = 480  # institutions.md [S], by 2015
PUBLISHED_AFFECTED = (1800, 1900)  # institutions.md [S], members affected

DEFAULT_FOLDER = example_folder("fagor")


@dataclass(frozen=True)
class FagorScenario:
    """Parameters of the replay (``scenario.toml`` in the scenario folder)."""

    coop: str
    work_fall: float
    months: int
    monthly_vacancy_rate: float


@dataclass(frozen=True)
class FagorMonth:
    """The state at the end of one month (counts of members; EUR for the fund)."""

    month: int
    vacancies: int
    relocated: int
    relocated_cumulative: int
    early_retired_cumulative: int
    on_benefit: int
    aid_fund: float


@dataclass(frozen=True)
class Checkpoint:
    """Model against record at one month."""

    month: int
    model: int
    published: int

    @property
    def ratio(self) -> float:
        """Model / published."""
        return self.model / self.published


@dataclass(frozen=True)
class FagorOutcome:
    """The replay: members affected, the months, and the comparison with the record."""

    affected: int
    months: tuple[FagorMonth, ...]
    relocated: tuple[Checkpoint, ...]
    early_retirements: Checkpoint

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "affected": self.affected,
            "months": [vars(m) for m in self.months],
            "relocated": [{**vars(c), "ratio": c.ratio} for c in self.relocated],
            "early_retirements": vars(self.early_retirements),
        }


def load_scenario(folder: str | Path = DEFAULT_FOLDER) -> FagorScenario:
    """Read ``scenario.toml`` from ``folder``."""
    path = Path(folder) / "scenario.toml"
    if not path.is_file():
        raise InputError.single(str(path), "scenario file not found", fix="see examples/fagor")
    data = tomllib.loads(path.read_text(encoding="utf-8")).get("scenario", {})
    try:
        scenario = FagorScenario(
            str(data["coop"]),
            float(data["work_fall"]),
            int(data["months"]),
            float(data["monthly_vacancy_rate"]),
        )
    except (KeyError, ValueError, TypeError) as error:
        raise InputError.single(
            str(path),
            f"bad or missing [scenario] key: {error}",
            column="scenario",
            fix="give coop, work_fall, months, monthly_vacancy_rate",
        ) from error
    if not (
        0 <= scenario.work_fall <= 1
        and scenario.months >= 1
        and 0 <= scenario.monthly_vacancy_rate <= 1
    ):
        raise InputError.single(
            str(path),
            "work_fall and monthly_vacancy_rate lie in [0, 1], months ≥ 1",
            column="scenario",
            value=vars(scenario),
            fix="correct the values",
        )
    return scenario


def run_fagor(
    folder: str | Path = DEFAULT_FOLDER,
    *,
    scenario: FagorScenario | None = None,
    rules: FederationRules | None = None,
) -> FagorOutcome:
    """Replay the closure with the scenario in ``folder`` and compare with the record."""
    folder = Path(folder)
    scenario = scenario or load_scenario(folder)
    coops = coops_table(folder)
    if scenario.coop not in set(coops["id"]):
        raise InputError.single(
            str(folder / "scenario.toml"),
            "the closing coop is not in coops.csv",
            column="scenario.coop",
            value=scenario.coop,
            fix="name a coop of coops.csv",
        )
    rules = rules or load_rules(folder / "federation.toml")
    monthly = rules.with_values({"plan.period_months": 1})
    workers = load_members(folder, coops["id"])
    distances = region_distances(optional_table(folder, "regions.csv"))
    per_member = dict(zip(coops["id"], coops["hours_per_member"], strict=True))
    fagor = scenario.coop
    planned_fagor = (1 - scenario.work_fall) * float(
        workers.loc[workers["coop"] == fagor, "hours"].sum()
    )
    carry = dict.fromkeys(coops["id"], 0.0)
    aid = rules.employment_aid_buffer
    rate = rules.advance_per_hour
    retired_pay = 0.0  # monthly early-retirement pay of everyone retired so far (EUR)
    months: list[FagorMonth] = []
    cumulative = 0
    retired_total = 0
    affected = 0
    for month in range(1, scenario.months + 1):
        labour: dict[str, dict[str, float]] = {}
        opened = 0
        for coop in coops["id"]:
            hours = float(workers.loc[workers["coop"] == coop, "hours"].sum())
            if coop == fagor:
                labour[coop] = {"used": planned_fagor}
                continue
            staff = int((workers["coop"] == coop).sum())
            carry[coop] += scenario.monthly_vacancy_rate * staff
            slots = math.floor(carry[coop] + 1e-9)
            carry[coop] -= slots
            opened += slots
            labour[coop] = {"used": hours + slots * float(per_member[coop])}
        outcome, _ = settle_labour(workers, coops, {"labour": labour}, monthly, distances)
        if month == 1:
            affected = outcome.balances[fagor].surplus_members
        moved = {r.member: r.target for r in outcome.relocations}
        on_benefit = {s.member for s in outcome.on_benefit}
        gone = set(outcome.early_retirements)
        # members' hours are per plan period (rules.plan_period_months): pay per month
        per_month = workers["pay_index"] * workers["hours"] / rules.plan_period_months
        pay = dict(zip(workers["id"].tolist(), per_month.tolist(), strict=True))
        retired_pay += sum(rules.early_retirement_benefit_rate * rate * pay[m] for m in gone)
        benefit = sum(rules.employment_aid_benefit_rate * rate * pay[m] for m in on_benefit)
        workers = workers[~workers["id"].isin(gone)].copy()
        is_moved = workers["id"].isin(list(moved))
        ids, current = workers["id"].tolist(), workers["coop"].tolist()
        new_coop = [moved.get(i, c) for i, c in zip(ids, current, strict=True)]
        workers["coop"] = new_coop
        workers.loc[is_moved, "hours"] = [
            float(per_member[c]) for c in workers.loc[is_moved, "coop"]
        ]
        workers.loc[workers["id"].isin(list(on_benefit)), "months_on_benefit"] += 1
        working = workers[~workers["id"].isin(list(on_benefit))]
        wage_bill = float((rate * working["pay_index"] * working["hours"]).sum())
        wage_bill /= rules.plan_period_months
        aid += rules.employment_aid_rate * wage_bill - benefit - retired_pay
        cumulative += len(moved)
        retired_total += len(gone)
        months.append(
            FagorMonth(month, opened, len(moved), cumulative, retired_total, len(on_benefit), aid)
        )
    checkpoints = tuple(
        Checkpoint(m, months[m - 1].relocated_cumulative, n)
        for m, n in PUBLISHED_RELOCATED.items()
        if m <= len(months)
    )
    retired = Checkpoint(len(months), retired_total, PUBLISHED_EARLY_RETIREMENTS)
    return FagorOutcome(affected, tuple(months), checkpoints, retired)


def monthly_table(outcome: FagorOutcome) -> pd.DataFrame:
    """The months as a table (one row a month) with the published counts beside."""
    frame = pd.DataFrame([vars(m) for m in outcome.months])
    frame["published_relocated"] = frame["month"].map(PUBLISHED_RELOCATED)
    return frame
