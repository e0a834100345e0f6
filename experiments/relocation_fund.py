"""Experiment: how fast are surplus members relocated, and what does the fund's size change?

Question. When a coop loses two thirds of its work (the Fagor case), how fast are its surplus
members placed in other coops, how many retire early, and how long can the employment-aid
fund pay those still waiting, as the fund's buffer and the vacancy rate vary?

Method. ``cooplan.institutions.fagor.run_fagor`` on ``examples/fagor`` (18,700 workers,
about 1,800 surplus): month by month the other coops open vacancies (a share of their
workforce), the optimal matching places surplus members (relocation first, then early
retirement, then the benefit), and the fund pays benefits and early-retirement pay. We vary
the buffer (EUR 10–70 million; Mondragon's was EUR 35 million in 2013) and the monthly
vacancy rate (0.5–2%) and report months to place half of the surplus, members still on the
benefit after 9 months, and the fund's lowest balance.

Run: ``python experiments/relocation_fund.py`` (prints a Markdown table, writes
docs/experiments/relocation_fund.csv).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from cooplan.institutions.fagor import load_scenario, run_fagor
from cooplan.institutions.rules import load_rules

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "examples" / "fagor"


def main() -> None:
    base = load_scenario(FOLDER)
    rules = load_rules(FOLDER / "federation.toml")
    rows = []
    for vacancy in (0.005, 0.01, 0.02):
        scenario = dataclasses.replace(base, monthly_vacancy_rate=vacancy)
        for buffer in (10e6, 35e6, 70e6):
            outcome = run_fagor(
                FOLDER,
                scenario=scenario,
                rules=rules.with_values({"employment_aid.buffer": buffer}),
            )
            months = outcome.months
            half = next(
                (m.month for m in months if m.relocated_cumulative >= outcome.affected / 2), None
            )
            rows.append(
                {
                    "vacancy_rate": vacancy,
                    "buffer_meur": buffer / 1e6,
                    "affected": outcome.affected,
                    "months_to_half": half,
                    "relocated_9m": months[-1].relocated_cumulative,
                    "early_retired": months[-1].early_retired_cumulative,
                    "on_benefit_9m": months[-1].on_benefit,
                    "lowest_fund_meur": min(m.aid_fund for m in months) / 1e6,
                }
            )
    table = pd.DataFrame(rows)
    out = ROOT / "docs" / "experiments"
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "relocation_fund.csv", index=False)
    print(
        "| vacancies/month | buffer (M EUR) | months to place half | relocated by 9 "
        "| early retired | on benefit at 9 | lowest fund (M EUR) |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in table.itertuples():
        half = "> 9" if pd.isna(r.months_to_half) else f"{int(r.months_to_half)}"
        print(
            f"| {r.vacancy_rate:.1%} | {r.buffer_meur:.0f} | {half} | {r.relocated_9m} "
            f"| {r.early_retired} | {r.on_benefit_9m} | {r.lowest_fund_meur:.1f} |"
        )


if __name__ == "__main__":
    main()
