"""Settlement after a plan: labour placements, coop accounts, funds, pay ratios, violations.

``settle`` is pure: tables and the plan dict in, a frozen :class:`Settlement` out. All money is
EUR (see :mod:`cooplan.institutions.accounts` for how the plan's valuations become EUR).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pandas as pd

from cooplan.errors import InputError
from cooplan.institutions.accounts import (
    CoopAccount,
    choose_valuation,
    money_per_unit,
    plan_values,
)
from cooplan.institutions.funds import Fund, FundFlow, allocate_capped, allocate_proportional
from cooplan.institutions.members import validate_members
from cooplan.institutions.relocation import LabourOutcome, settle_labour
from cooplan.institutions.rules import FederationRules, default_rules
from cooplan.institutions.solidarity import (
    Agreement,
    AgreementStatus,
    SupportLine,
    agreement_status,
    validate_agreements,
)
from cooplan.institutions.tables import coops_table

__all__ = ["Settlement", "Violation", "ViolationKind", "settle"]


class ViolationKind(StrEnum):
    """Rules broken or limits hit in a settlement (reported, never silently corrected)."""

    PAY_RATIO = "pay_ratio"
    FUND_EXHAUSTED = "fund_exhausted"
    UNCOVERED_LOSS = "uncovered_loss"
    BENEFIT_EXHAUSTED = "benefit_exhausted"
    MILESTONE_MISSED = "milestone_missed"


@dataclass(frozen=True)
class Violation:
    """One violation: what, where, the value found and the limit."""

    kind: ViolationKind
    coop: str | None
    value: float
    limit: float
    message: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "kind": self.kind.value,
            "coop": self.coop,
            "value": self.value,
            "limit": self.limit,
            "message": self.message,
        }


@dataclass(frozen=True)
class Settlement:
    """Everything settled after one plan period."""

    labour: LabourOutcome
    accounts: Mapping[str, CoopAccount]
    funds: Mapping[Fund, FundFlow]
    pay_ratio: Mapping[str, float | None]
    violations: tuple[Violation, ...]
    solidarity: Mapping[str, SupportLine]
    member_accounts: pd.DataFrame
    money_per_unit: float
    valuation: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """The JSON report (``cooplan settle --json``)."""
        lab = self.labour
        return {
            "valuation": self.valuation,
            "money_per_unit": self.money_per_unit,
            "members": {
                "before": lab.members_before,
                "stayed": len(lab.stayed),
                "relocated": len(lab.relocations),
                "early_retired": len(lab.early_retirements),
                "on_benefit": len(lab.on_benefit),
            },
            "labour": {c: b.to_dict() for c, b in lab.balances.items()},
            "matching": dict(lab.objective),
            "relocations": [r.to_dict() for r in lab.relocations],
            "early_retirements": list(lab.early_retirements),
            "on_benefit": [b.to_dict() for b in lab.on_benefit],
            "accounts": {c: a.to_dict() for c, a in self.accounts.items()},
            "funds": {f.value: flow.to_dict() for f, flow in self.funds.items()},
            "pay_ratio": dict(self.pay_ratio),
            "solidarity": {c: s.to_dict() for c, s in self.solidarity.items()},
            "violations": [v.to_dict() for v in self.violations],
            "notes": list(self.notes),
        }


def _work_after(workers: pd.DataFrame, coops: pd.DataFrame, labour: LabourOutcome) -> pd.DataFrame:
    """Workers working in the period with their coop and hours after relocation."""
    ended = {w for b in labour.balances.values() for w in b.non_member_contracts_ended}
    gone = set(labour.early_retirements) | {b.member for b in labour.on_benefit}
    moved = {r.member: r.target for r in labour.relocations}
    per_member = dict(zip(coops["id"], coops["hours_per_member"].astype(float), strict=True))
    work = workers[~workers["id"].isin(ended | gone)].copy()
    work["origin"] = work["coop"]
    ids, coop, hours = work["id"].tolist(), work["coop"].tolist(), work["hours"].tolist()
    work["coop"] = [moved.get(i, c) for i, c in zip(ids, coop, strict=True)]
    work["hours"] = [
        per_member[moved[i]] if i in moved else float(h) for i, h in zip(ids, hours, strict=True)
    ]
    return work


def _pay_ratios(work: pd.DataFrame, coops: list[str]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for coop in coops:
        pay = work.loc[work["coop"] == coop, "pay_index"]
        out[coop] = float(pay.max() / pay.min()) if len(pay) else None
    return out


def settle(
    economy_coops: pd.DataFrame | Any,
    members: pd.DataFrame,
    plan: Mapping[str, Any],
    rules: FederationRules | None = None,
    *,
    processes: pd.DataFrame | None = None,
    inputs: pd.DataFrame | None = None,
    distances: Mapping[tuple[str, str], float] | None = None,
    opening: Mapping[str, float] | None = None,
    agreements: Sequence[Agreement] = (),
    period: int = 0,
) -> Settlement:
    """Settle one plan period for the federation.

    ``economy_coops``: coops table (or folder/Economy, see :func:`coops_table`); ``members``:
    members table; ``plan``: the optimal planner's plan dict (needs ``labour``, ``prices``,
    ``deliveries``); ``processes``/``inputs``: the economy's tables, needed for labour values
    (``valuation.basis``); ``distances``: km between regions; ``opening``: opening fund
    balances in EUR by :class:`Fund` value
    (employment aid defaults to ``employment_aid.buffer``, others to 0; reserves come from the
    coops' ``reserve`` column and capital accounts from the members table).
    """
    rules = rules or default_rules()
    coops = coops_table(economy_coops)
    coop_ids = [str(c) for c in coops["id"]]
    workers = validate_members(members, "members", coop_ids)
    status = str(plan.get("status", "optimal")).lower()
    if status not in ("optimal", "feasible"):
        raise InputError.single(
            "plan",
            "only an optimal (or feasible) plan can be settled",
            column="status",
            value=plan.get("status"),
            fix="settle a plan that the planner solved",
        )
    by_coop = validate_agreements(agreements, coop_ids, rules)
    labour, notes = settle_labour(workers, coops, plan, rules, distances)
    work = _work_after(workers, coops, labour)
    rate_hour = rules.advance_per_hour
    work["advance"] = rate_hour * work["pay_index"] * work["hours"]
    advances = work.groupby("coop")["advance"].sum().reindex(coop_ids, fill_value=0.0)
    hours = work.groupby("coop")["hours"].sum().reindex(coop_ids, fill_value=0.0)
    contribution = advances * rules.employment_aid_rate
    valuation = choose_valuation(plan, rules.valuation_basis, processes, inputs)
    values = plan_values(plan, coop_ids, valuation)
    scale = money_per_unit(
        values,
        float(advances.sum()),
        rules.pay_labour_share_of_value_added,
        rules.valuation_money_per_unit,
    )
    group = dict(zip(coop_ids, coops["group"].astype(str), strict=True))
    surplus = {
        c: scale * values[c].value_added - float(advances[c]) - float(contribution[c])
        for c in coop_ids
    }
    pooled_out = {
        c: rules.surplus_group_pooling * surplus[c] if group[c] else 0.0 for c in coop_ids
    }
    pooled_in = dict.fromkeys(coop_ids, 0.0)
    for g in sorted({g for g in group.values() if g}):
        in_group = [c for c in coop_ids if group[c] == g]
        pool = sum(pooled_out[c] for c in in_group)
        pooled_in.update(allocate_proportional(pool, {c: float(hours[c]) for c in in_group}))
    # --- opening balances ----------------------------------------------------------------
    opening = dict(opening or {})
    aid_before = float(opening.get(Fund.EMPLOYMENT_AID.value, rules.employment_aid_buffer))
    central_before = float(opening.get(Fund.CENTRAL.value, 0.0))
    education_before = float(opening.get(Fund.EDUCATION.value, 0.0))
    reserve_before = dict(zip(coop_ids, coops["reserve"].astype(float), strict=True))
    member_rows = workers[workers["member"]]
    capital_before = dict(zip(member_rows["id"], member_rows["capital_account"], strict=True))
    capital_of_coop = member_rows.groupby("coop")["capital_account"].sum()
    # --- distribution: profits first (they feed the central fund), then losses ------------
    years = rules.plan_period_months / 12.0
    fields_: dict[str, dict[str, float]] = {c: {} for c in coop_ids}
    credits = dict.fromkeys(capital_before, 0.0)
    charges = dict.fromkeys(capital_before, 0.0)
    interest_credit = dict.fromkeys(capital_before, 0.0)
    member_work = work[work["member"]]
    central_in = 0.0
    for c in coop_ids:
        r = surplus[c] - pooled_out[c] + pooled_in[c]
        f = fields_[c]
        f.update(
            interest=0.0,
            interest_cash=0.0,
            reserve=0.0,
            education=0.0,
            central=0.0,
            member_returns=0.0,
            support=0.0,
            reserve_charge=0.0,
            capital_charge=0.0,
            uncovered=0.0,
        )
        if r <= 0:
            continue
        balance = float(capital_of_coop.get(c, 0.0))
        interest = min(
            rules.capital_interest_rate * years * balance,
            rules.capital_interest_max_share_of_result * r,
        )
        q = r - interest
        f["interest"] = interest
        f["interest_cash"] = interest * rules.capital_interest_cash_share
        f["reserve"] = q * rules.surplus_mandatory_reserve
        f["education"] = q * rules.surplus_education_fund
        f["central"] = q * rules.surplus_central_fund
        f["member_returns"] = q - f["reserve"] - f["education"] - f["central"]
        central_in += f["central"]
        owners = member_rows[member_rows["coop"] == c]
        share = allocate_proportional(
            interest - f["interest_cash"],
            dict(zip(owners["id"], owners["capital_account"], strict=True)),
        )
        for m, v in share.items():
            interest_credit[m] += v
        here = member_work[member_work["coop"] == c]
        weights = dict(zip(here["id"], here["advance"], strict=True))
        if not weights:  # nobody works there any more: the coop's own members share
            weights = dict(zip(owners["id"], owners["pay_index"] * owners["hours"], strict=True))
        if weights:
            for m, v in allocate_proportional(f["member_returns"], weights).items():
                credits[m] += v
        else:  # a coop without members: the members' part stays in the reserve
            f["reserve"] += f["member_returns"]
            f["member_returns"] = 0.0
            notes.append(f"coop {c} has no members: member returns kept in its reserve")
    central_out = 0.0
    support_lines: dict[str, SupportLine] = {}
    violations: list[Violation] = []
    for c in coop_ids:
        agreement = by_coop.get(c)
        state, missed = (
            agreement_status(agreement, period) if agreement else (AgreementStatus.NOT_STARTED, ())
        )
        r = surplus[c] - pooled_out[c] + pooled_in[c]
        f = fields_[c]
        if r < 0:
            loss = -r
            if agreement is not None and state is AgreementStatus.ACTIVE:
                available = max(0.0, central_before + central_in - central_out)
                f["support"] = min(
                    rules.losses_group_absorb_max * loss, agreement.remaining, available
                )
                central_out += f["support"]
            rest = loss - f["support"]
            reserve_room = max(0.0, reserve_before[c])
            f["reserve_charge"] = min(rules.losses_reserve_share * rest, reserve_room)
            here = member_work[member_work["coop"] == c]
            weights = dict(zip(here["id"], here["advance"], strict=True))
            caps = {m: capital_before[m] for m in weights}
            charged = allocate_capped(rest - f["reserve_charge"], weights, caps)
            f["capital_charge"] = sum(charged.values())
            for m, v in charged.items():
                charges[m] += v
            extra = min(
                rest - f["reserve_charge"] - f["capital_charge"], reserve_room - f["reserve_charge"]
            )
            f["reserve_charge"] += max(0.0, extra)
            f["uncovered"] = max(0.0, rest - f["reserve_charge"] - f["capital_charge"])
            if f["uncovered"] > 0.005:
                violations.append(
                    Violation(
                        ViolationKind.UNCOVERED_LOSS,
                        c,
                        f["uncovered"],
                        0.0,
                        f"loss of {c} not covered by reserve, capital accounts or solidarity",
                    )
                )
        if agreement is not None:
            left = max(0, agreement.start_period + agreement.duration - period)
            support_lines[c] = SupportLine(
                c, agreement.cap, agreement.paid, f["support"], state, left, missed
            )
            if missed:
                violations.append(
                    Violation(
                        ViolationKind.MILESTONE_MISSED,
                        c,
                        len(missed),
                        0,
                        f"{c} missed milestones {', '.join(missed)}: support suspended",
                    )
                )
    accounts = {
        c: CoopAccount(
            coop=c,
            income=scale * values[c].income,
            materials=scale * (values[c].materials + values[c].resources),
            advances=float(advances[c]),
            aid_contribution=float(contribution[c]),
            surplus=surplus[c],
            pooled_out=pooled_out[c],
            pooled_in=pooled_in[c],
            **fields_[c],
        )
        for c in coop_ids
    }
    # --- employment aid: benefits and early-retirement pay --------------------------------
    pay_of = dict(zip(workers["id"], workers["pay_index"].astype(float), strict=True))
    hours_of = dict(zip(workers["id"], workers["hours"].astype(float), strict=True))
    drawn_of = dict(zip(workers["id"], workers["months_on_benefit"].astype(int), strict=True))
    benefit_paid = 0.0
    for spell in labour.on_benefit:
        monthly = (
            rate_hour * pay_of[spell.member] * hours_of[spell.member] / rules.plan_period_months
        )
        benefit_paid += rules.employment_aid_benefit_rate * monthly * spell.months
        if spell.exhausted:
            violations.append(
                Violation(
                    ViolationKind.BENEFIT_EXHAUSTED,
                    spell.coop,
                    float(drawn_of[spell.member] + rules.plan_period_months),
                    float(rules.employment_aid_max_months),
                    f"member {spell.member} reaches the benefit's maximum "
                    "duration: relocate with priority",
                )
            )
    retire_paid = sum(
        (
            rules.early_retirement_benefit_rate * rate_hour * pay_of[m] * hours_of[m]
            for m in labour.early_retirements
        ),
        start=0.0,
    )
    funds = {
        Fund.EMPLOYMENT_AID: FundFlow(
            aid_before, float(contribution.sum()), benefit_paid + retire_paid
        ),
        Fund.CENTRAL: FundFlow(central_before, central_in, central_out),
        Fund.EDUCATION: FundFlow(
            education_before, sum(a.education for a in accounts.values()), 0.0
        ),
        Fund.RESERVES: FundFlow(
            sum(reserve_before.values()),
            sum(a.reserve for a in accounts.values()),
            sum(a.reserve_charge for a in accounts.values()),
        ),
        Fund.CAPITAL_ACCOUNTS: FundFlow(
            sum(capital_before.values()),
            sum(credits.values()) + sum(interest_credit.values()),
            sum(charges.values()),
        ),
    }
    aid_after = funds[Fund.EMPLOYMENT_AID].after
    if aid_after < 0:
        violations.append(
            Violation(
                ViolationKind.FUND_EXHAUSTED,
                None,
                aid_after,
                0.0,
                "the employment-aid fund is overdrawn: raise the "
                "contribution (crisis surcharge) or the buffer",
            )
        )
    ratios = _pay_ratios(work, coop_ids)
    for c, ratio in ratios.items():
        if ratio is not None and ratio > rules.pay_ratio_cap + 1e-9:
            violations.append(
                Violation(
                    ViolationKind.PAY_RATIO,
                    c,
                    ratio,
                    rules.pay_ratio_cap,
                    f"pay ratio of {c} is 1:{ratio:.2f}, above the cap 1:{rules.pay_ratio_cap:g}",
                )
            )
    ledger = pd.DataFrame({"id": list(capital_before)})
    ledger["before"] = ledger["id"].map(capital_before)
    ledger["returns"] = ledger["id"].map(credits)
    ledger["interest"] = ledger["id"].map(interest_credit)
    ledger["charge"] = ledger["id"].map(charges)
    ledger["after"] = ledger["before"] + ledger["returns"] + ledger["interest"] - ledger["charge"]
    return Settlement(
        labour,
        accounts,
        funds,
        ratios,
        tuple(violations),
        support_lines,
        ledger,
        scale,
        f"{valuation.basis.value} ({valuation.reason})",
        tuple(notes),
    )
