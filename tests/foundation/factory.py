"""Build small economies in memory for tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cooplan.model import Economy, EconomyMeta, build_economy


def leontief_economy(
    A: Sequence[Sequence[float]],
    labour: Sequence[float],
    demand: Sequence[float],
    *,
    names: Sequence[str] | None = None,
    extra_techniques: Sequence[tuple[int, Sequence[float], float]] = (),
) -> Economy:
    """One product, coop and process per column of ``A`` (a_ij: input of i per unit of j).

    ``extra_techniques`` adds processes (product index, input column, labour) run by the
    same coop as the product's first process.
    """
    matrix = np.asarray(A, dtype=float)
    n = matrix.shape[0]
    ids = list(names or [f"p{i}" for i in range(n)])
    products = pd.DataFrame({"id": ids, "name": ids, "unit": "unit", "kind": "good"})
    coops = pd.DataFrame(
        {
            "id": [f"coop_{i}" for i in ids],
            "name": ids,
            "region": "r",
            "group": "g",
            "members": 10,
            "hours_per_member": 1000.0,
        }
    )
    rows = [(f"make_{ids[j]}", f"coop_{ids[j]}", ids[j], float(labour[j])) for j in range(n)]
    inputs = [
        (f"make_{ids[j]}", ids[i], matrix[i, j])
        for j in range(n)
        for i in range(n)
        if matrix[i, j] != 0
    ]
    for k, (product, column, hours) in enumerate(extra_techniques):
        pid = f"alt{k}_{ids[product]}"
        rows.append((pid, f"coop_{ids[product]}", ids[product], float(hours)))
        inputs += [(pid, ids[i], float(q)) for i, q in enumerate(column) if q != 0]
    processes = pd.DataFrame(rows, columns=["id", "coop", "product", "labour"])
    processes["capacity"] = ""
    tables = {
        "products": products,
        "coops": coops,
        "processes": processes,
        "inputs": pd.DataFrame(inputs, columns=["process", "product", "quantity"]),
        "demand": pd.DataFrame({"product": ids, "quantity": [float(d) for d in demand]}),
    }
    return build_economy(EconomyMeta(name="test"), tables)
