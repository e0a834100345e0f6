"""Experiment: do gross-output targets waste inputs?

Question. Soviet enterprises were judged by gross output (val) valued at cost-based prices,
so a unit made with more materials counted for more. Does choosing techniques that way waste
inputs, against choosing them by net output (least labour, the non-substitution choice)?

Method. For each economy, labour values v come from the least-labour techniques
(``cooplan.planning.balances``). A coop judged by gross output picks, for each of its
products, the technique with the largest gross value per hour of its own work,
(l_p + Σ_i a_ip v_i) / l_p; a coop judged by net output picks the least-labour one. Both
deliver the same final demand; we compare total labour, intermediate inputs (valued at v)
and gross output (valued at v). Economies: the sample federation, and synthetic economies of
2,000 products with two techniques each (seeds 0–4, ``cooplan.synthetic``).

Run: ``python experiments/gross_output.py`` (prints a Markdown table, writes
docs/experiments/gross_output.csv).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cooplan.io import load_economy
from cooplan.model.economy import Economy
from cooplan.model.snapshot import EconomySnapshot
from cooplan.planning.balances import balance
from cooplan.synthetic import synthetic_snapshot

ROOT = Path(__file__).resolve().parents[1]


def _gross_choice(snap: EconomySnapshot, values: np.ndarray) -> dict[str, str]:
    """Per product, the process with the largest gross value per own hour."""
    gross = snap.process_labour + snap.A.T @ values
    per_hour = gross / np.maximum(snap.process_labour, 1e-12)
    choice: dict[str, str] = {}
    for p in np.lexsort((-per_hour, snap.process_product)):
        choice.setdefault(snap.product_ids[snap.process_product[p]], snap.process_ids[p])
    return choice


def compare(economy: Economy | EconomySnapshot, label: str) -> dict[str, float | str]:
    snap = economy.snapshot() if isinstance(economy, Economy) else economy
    net = balance(economy)
    values = np.array([net.labour_values[p] for p in snap.product_ids])
    gross = balance(economy, techniques=_gross_choice(snap, values))

    def totals(result: object) -> tuple[float, float, float]:
        x = np.array([result.activity.get(p, 0.0) for p in snap.process_ids])  # type: ignore[attr-defined]
        inputs = float(values @ (snap.A @ x))
        output = float(values @ (snap.B @ x))
        return float(result.total_labour), inputs, output  # type: ignore[attr-defined]

    (l_net, i_net, g_net), (l_gross, i_gross, g_gross) = totals(net), totals(gross)
    switched = sum(net.technique[k] != gross.technique[k] for k in net.technique)
    return {
        "economy": label,
        "techniques switched": switched,
        "labour, net targets": l_net,
        "labour, gross targets": l_gross,
        "extra labour %": 100 * (l_gross / l_net - 1),
        "extra inputs %": 100 * (i_gross / i_net - 1),
        "extra gross output %": 100 * (g_gross / g_net - 1),
    }


def main() -> None:
    rows = [compare(load_economy(ROOT / "examples" / "federation"), "sample federation")]
    for seed in range(5):
        snap = synthetic_snapshot(2000, techniques=2, inputs_per_process=10, seed=seed)
        rows.append(compare(snap, f"synthetic 2,000 × 2, seed {seed}"))
    table = pd.DataFrame(rows)
    out = ROOT / "docs" / "experiments"
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "gross_output.csv", index=False)
    print("| " + " | ".join(table.columns) + " |")
    print("|" + "---|" * len(table.columns))
    for _, row in table.iterrows():
        cells = [f"{v:,.1f}" if isinstance(v, float) else str(v) for v in row]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
