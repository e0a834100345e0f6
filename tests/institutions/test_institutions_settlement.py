"""Settlement: money conserved to rounding, members all placed, violations reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from institutions_fixtures import coops_frame, plan, workers_frame

from cooplan.cli import main
from cooplan.errors import InputError
from cooplan.institutions.funds import Fund, allocate_capped
from cooplan.institutions.rules import default_rules
from cooplan.institutions.settlement import ViolationKind, settle
from cooplan.institutions.solidarity import Agreement, AgreementStatus, Milestone

TOL = 1e-6


def _check_identities(result: Any, scale_plan: dict[str, Any]) -> None:
    accounts = result.accounts
    for c, a in accounts.items():
        assert a.surplus == pytest.approx(a.income - a.costs, abs=TOL)
        r = a.result
        if r > 0:
            parts = a.interest + a.reserve + a.education + a.central + a.member_returns
            assert parts == pytest.approx(r, rel=1e-9, abs=TOL), c
            assert a.support == a.reserve_charge == a.capital_charge == a.uncovered == 0
        else:
            cover = a.support + a.reserve_charge + a.capital_charge + a.uncovered
            assert cover == pytest.approx(-r, rel=1e-9, abs=TOL), c
        for name in (
            "reserve",
            "education",
            "central",
            "member_returns",
            "interest",
            "support",
            "reserve_charge",
            "capital_charge",
            "uncovered",
        ):
            assert getattr(a, name) >= -TOL, (c, name)
    # pooling is zero-sum within each group
    assert sum(a.pooled_out for a in accounts.values()) == pytest.approx(
        sum(a.pooled_in for a in accounts.values()), abs=TOL
    )
    # inter-coop deliveries cancel: federation income − materials = value of public deliveries
    prices = {**scale_plan["resource_prices"], **scale_plan["prices"]}
    public = sum(
        d["quantity"] * prices[d["product"]]
        for d in scale_plan["deliveries"]
        if d["to"] == "public"
    ) - sum(
        d["quantity"] * prices[d["product"]]
        for d in scale_plan["deliveries"]
        if d["from"] == "nature"
    )
    va = sum(a.income - a.materials for a in accounts.values())
    # Both sides are differences of sums over every delivery: compare at the size of those.
    flows = result.money_per_unit * sum(
        abs(d["quantity"] * prices[d["product"]]) for d in scale_plan["deliveries"]
    )
    assert va == pytest.approx(result.money_per_unit * public, rel=1e-9, abs=1e-9 * flows)
    # funds: after = before + in − out, and they hold what the accounts say
    funds = result.funds
    assert funds[Fund.CENTRAL].inflow == pytest.approx(sum(a.central for a in accounts.values()))
    assert funds[Fund.CENTRAL].outflow == pytest.approx(sum(a.support for a in accounts.values()))
    assert funds[Fund.EMPLOYMENT_AID].inflow == pytest.approx(
        sum(a.aid_contribution for a in accounts.values())
    )
    assert funds[Fund.EDUCATION].inflow == pytest.approx(
        sum(a.education for a in accounts.values())
    )
    credited = sum(a.member_returns + a.interest - a.interest_cash for a in accounts.values())
    assert funds[Fund.CAPITAL_ACCOUNTS].inflow == pytest.approx(credited, abs=TOL)
    assert funds[Fund.CAPITAL_ACCOUNTS].outflow == pytest.approx(
        sum(a.capital_charge for a in accounts.values()), abs=TOL
    )
    ledger = result.member_accounts
    assert (ledger["after"] >= -TOL).all()
    assert ledger["after"].sum() == pytest.approx(funds[Fund.CAPITAL_ACCOUNTS].after, abs=1e-4)
    # The whole federation: value added = advances + aid contributions + Σ surplus, and every
    # euro of surplus lands in a fund, an account, interest or is reported uncovered.
    total_surplus = sum(a.surplus for a in accounts.values())
    # Each coop's surplus is its income less its costs to TOL (checked above), so the sums
    # agree to TOL per coop (value added itself may be near zero: −0.02 EUR in one case).
    assert va == pytest.approx(
        sum(a.advances + a.aid_contribution for a in accounts.values()) + total_surplus,
        rel=1e-9,
        abs=TOL * len(accounts),
    )
    landed = sum(
        a.interest
        + a.reserve
        + a.education
        + a.central
        + a.member_returns
        - a.support
        - a.reserve_charge
        - a.capital_charge
        - a.uncovered
        for a in accounts.values()
    )
    assert landed == pytest.approx(total_surplus, rel=1e-9, abs=1e-6)


def test_fixture_settlement_report() -> None:
    result = settle(coops_frame(), workers_frame(), plan())
    data = result.to_dict()
    for key in (
        "relocations",
        "early_retirements",
        "on_benefit",
        "accounts",
        "funds",
        "pay_ratio",
        "violations",
    ):
        assert key in data
    for key in (
        "income",
        "costs",
        "surplus",
        "reserve",
        "education",
        "pooled_out",
        "pooled_in",
        "member_returns",
    ):
        assert key in data["accounts"]["fagor"]
    for flow in data["funds"].values():
        assert set(flow) == {"before", "inflow", "outflow", "after"}
    # ulma's pay ratio 7 > 6 is reported, not clipped
    assert data["pay_ratio"]["ulma"] == pytest.approx(7.0)
    assert [v["kind"] for v in data["violations"]] == [ViolationKind.PAY_RATIO.value]
    assert json.loads(json.dumps(data)) == data
    _check_identities(result, plan())


prices = st.floats(0.0, 300.0, allow_nan=False)


@st.composite
def plans(draw: Any) -> dict[str, Any]:
    used = {c: 1000.0 * draw(st.integers(0, 7)) for c in ("fagor", "orona", "eroski", "ulma")}
    p = plan(used)
    p["prices"] = {k: draw(prices) for k in p["prices"]}
    p["prices"]["fridges"] = max(p["prices"]["fridges"], 1.0)  # value added stays positive
    for d in p["deliveries"]:
        d["quantity"] = draw(st.floats(0.0, 500.0, allow_nan=False))
    p["deliveries"][2]["quantity"] = max(p["deliveries"][2]["quantity"], 1.0)
    return p


@settings(max_examples=40, deadline=None)
@given(
    plans(),
    st.floats(0.0, 0.4),
    st.floats(0.0, 1.0),
    st.floats(0.0, 5e4),
    st.floats(0.0, 4e4),
    st.booleans(),
)
def test_money_is_conserved(
    plan_: dict[str, Any],
    pooling: float,
    reserve_share: float,
    central: float,
    capital: float,
    with_agreement: bool,
) -> None:
    rules = default_rules().with_values(
        {
            "surplus.group_pooling": pooling,
            "losses.reserve_share": reserve_share,
            "valuation.money_per_unit": 10.0,
        }  # fixed scale: losses happen
    )
    workers = workers_frame()
    workers.loc[workers["member"], "capital_account"] = capital
    agreements = [Agreement("ulma", 30000.0, 0, 2)] if with_agreement else []
    result = settle(
        coops_frame(), workers, plan_, rules, opening={"central": central}, agreements=agreements
    )
    _check_identities(result, plan_)
    assert result.labour.members_before == len(result.labour.stayed) + len(
        result.labour.relocations
    ) + len(result.labour.early_retirements) + len(result.labour.on_benefit)
    for line in result.solidarity.values():
        assert line.cumulative <= line.cap + TOL
    assert result.funds[Fund.CENTRAL].after >= -TOL


def test_loss_is_shared_by_reserve_and_capital_then_uncovered() -> None:
    rules = default_rules().with_values(
        {"valuation.money_per_unit": 1.0, "surplus.group_pooling": 0.0}
    )
    workers = workers_frame()
    workers.loc[workers["coop"] == "orona", "capital_account"] = 1000.0
    result = settle(coops_frame(), workers, plan(), rules)
    orona = result.accounts["orona"]
    assert orona.result < 0
    assert orona.reserve_charge == pytest.approx(1000.0)  # reserve of 1,000 exhausted
    # charged in proportion to work, capped at each balance: o1–o3 hold 1,000 each and f2,
    # relocated in from fagor, 20,000: all of it is taken before the rest is uncovered.
    assert orona.capital_charge == pytest.approx(3 * 1000.0 + 20000.0)
    assert orona.uncovered > 0
    kinds = {v.kind for v in result.violations}
    assert ViolationKind.UNCOVERED_LOSS in kinds


def test_solidarity_support_is_capped_and_conditional() -> None:
    rules = default_rules().with_values(
        {"valuation.money_per_unit": 1.0, "surplus.group_pooling": 0.0}
    )
    active = Agreement("orona", cap=5000.0, start_period=0, duration=2, paid=2000.0)
    result = settle(
        coops_frame(), workers_frame(), plan(), rules, agreements=[active], opening={"central": 1e6}
    )
    line = result.solidarity["orona"]
    assert line.status is AgreementStatus.ACTIVE
    assert line.support == pytest.approx(3000.0)  # the rest of the cap, no more
    assert line.cumulative == pytest.approx(5000.0)
    missed = Agreement("orona", 5000.0, 0, 3, (Milestone("close plant", 0, met=False),))
    later = settle(
        coops_frame(),
        workers_frame(),
        plan(),
        rules,
        agreements=[missed],
        opening={"central": 1e6},
        period=1,
    )
    assert later.solidarity["orona"].status is AgreementStatus.SUSPENDED
    assert later.accounts["orona"].support == 0.0
    assert ViolationKind.MILESTONE_MISSED in {v.kind for v in later.violations}
    with pytest.raises(InputError, match="duration"):
        settle(
            coops_frame(),
            workers_frame(),
            plan(),
            rules,
            agreements=[Agreement("orona", 1.0, 0, 99)],
        )


def test_aid_fund_overdraft_is_a_violation() -> None:
    workers = workers_frame()
    workers["age"] = 30
    result = settle(
        coops_frame(),
        workers,
        plan({"fagor": 0.0, "orona": 3000.0, "eroski": 3000.0, "ulma": 2000.0}),
        opening={"employment_aid": 0.0},
    )
    assert len(result.labour.on_benefit) == 6
    assert result.funds[Fund.EMPLOYMENT_AID].after < 0
    assert ViolationKind.FUND_EXHAUSTED in {v.kind for v in result.violations}


def test_bad_plans_are_refused() -> None:
    with pytest.raises(InputError, match="optimal"):
        settle(coops_frame(), workers_frame(), plan(status="infeasible"))
    bad = plan()
    bad["prices"]["food"] = -3
    with pytest.raises(InputError) as caught:
        settle(coops_frame(), workers_frame(), bad)
    assert caught.value.problems[0].column == "prices.food"
    bad = plan()
    bad["deliveries"][0]["from"] = "nowhere"
    with pytest.raises(InputError, match="invalid plan"):
        settle(coops_frame(), workers_frame(), bad)


def test_allocate_capped_waterfills() -> None:
    out = allocate_capped(
        100.0, {"a": 1.0, "b": 1.0, "c": 2.0}, {"a": 10.0, "b": 100.0, "c": 100.0}
    )
    assert out["a"] == pytest.approx(10.0)
    assert out["b"] + out["c"] == pytest.approx(90.0)
    assert out["c"] == pytest.approx(60.0)


def test_cli_settle_writes_json(tmp_path: Path) -> None:
    coops_frame().to_csv(tmp_path / "coops.csv", index=False)
    workers_frame().to_csv(tmp_path / "members.csv", index=False)
    (tmp_path / "plan.json").write_text(json.dumps(plan()), encoding="utf-8")
    out = tmp_path / "settlement.json"
    code = main(
        [
            "settle",
            str(tmp_path),
            "--plan",
            str(tmp_path / "plan.json"),
            "--json",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["members"]["relocated"] == 2
    assert data == json.loads(json.dumps(settle(coops_frame(), workers_frame(), plan()).to_dict()))


def test_cli_settle_reports_bad_members(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    coops_frame().to_csv(tmp_path / "coops.csv", index=False)
    workers = workers_frame()
    workers["age"] = workers["age"].astype(object)
    workers.loc[2, "age"] = "old"
    workers.to_csv(tmp_path / "members.csv", index=False)
    (tmp_path / "plan.json").write_text(json.dumps(plan()), encoding="utf-8")
    code = main(["settle", str(tmp_path), "--plan", str(tmp_path / "plan.json")])
    assert code == 2
    err = capsys.readouterr().err
    assert "row 3" in err and "'age'" in err and "old" in err


def test_labour_values_reproduce_leontief_1951() -> None:
    # Leontief, "Input-Output Economics", Scientific American 185(4), 1951, Table 2-1: wheat
    # takes 0.25 wheat, 0.14 cloth and 0.8 man-years a bushel; cloth 0.40 wheat, 0.12 cloth and
    # 3.6 man-years a yard; prices per unit wage (= labour values) 2 and 5.
    import pandas as pd

    from cooplan.institutions.accounts import ValuationBasis, choose_valuation, labour_values

    processes = pd.DataFrame(
        {
            "id": ["farm", "mill"],
            "coop": ["a", "b"],
            "product": ["wheat", "cloth"],
            "labour": [0.8, 3.6],
        }
    )
    inputs = pd.DataFrame(
        {
            "process": ["farm", "farm", "mill", "mill"],
            "product": ["wheat", "cloth", "wheat", "cloth"],
            "quantity": [0.25, 0.14, 0.40, 0.12],
        }
    )
    plan_ = {
        "activity": {"farm": 100.0, "mill": 50.0},
        "prices": {"wheat": 0.0, "cloth": 1.0},
        "deliveries": [{"product": "wheat", "from": "a", "to": "public", "quantity": 55.0}],
    }
    values = labour_values(plan_, processes, inputs)
    assert values == {"wheat": pytest.approx(2.0), "cloth": pytest.approx(5.0)}
    chosen = choose_valuation(plan_, "auto", processes, inputs)
    assert chosen.basis is ValuationBasis.LABOUR_VALUES  # wheat's shadow price is 0
    assert "wheat" in chosen.reason
    with pytest.raises(InputError, match="labour values need"):
        choose_valuation(plan_, "labour_values")


def test_unproductive_techniques_and_worthless_plans_are_refused() -> None:
    import pandas as pd

    from cooplan.institutions.accounts import labour_values

    processes = pd.DataFrame({"id": ["p"], "coop": ["a"], "product": ["x"], "labour": [1.0]})
    inputs = pd.DataFrame({"process": ["p"], "product": ["x"], "quantity": [1.5]})
    with pytest.raises(InputError, match="not productive"):
        labour_values({"activity": {"p": 1.0}}, processes, inputs)
    zero = plan()
    zero["prices"] = dict.fromkeys(zero["prices"], 0.0)
    with pytest.raises(InputError, match="no positive value added"):
        settle(coops_frame(), workers_frame(), zero)


def test_settlement_is_deterministic() -> None:
    first = json.dumps(settle(coops_frame(), workers_frame(), plan()).to_dict(), sort_keys=True)
    again = json.dumps(settle(coops_frame(), workers_frame(), plan()).to_dict(), sort_keys=True)
    assert first == again
