"""Small hand-built economies shared by several test modules."""

from __future__ import annotations

import pandas as pd

from cooplan.model import EconomyMeta, build_economy
from cooplan.model.economy import Economy


def grain_farm(
    capacity: float = 100.0, hours: float = 1000.0, demand: float = 10.0, members: int = 1
) -> Economy:
    """One product (grain, t), one process (``sow``: 1 hour a tonne, ``capacity`` t; NaN =
    unbounded), one coop (``farm``: ``members`` sharing ``hours`` hours), no inputs, a target
    of ``demand`` t."""
    tables = {
        "products": pd.DataFrame([{"id": "grain", "name": "grain", "unit": "t", "kind": "good"}]),
        "coops": pd.DataFrame(
            [
                {
                    "id": "farm",
                    "name": "farm",
                    "region": "r",
                    "group": "g",
                    "members": members,
                    "hours_per_member": hours / members,
                }
            ]
        ),
        "processes": pd.DataFrame(
            [{"id": "sow", "coop": "farm", "product": "grain", "labour": 1.0, "capacity": capacity}]
        ),
        "inputs": pd.DataFrame(columns=["process", "product", "quantity"]),
        "demand": pd.DataFrame([{"product": "grain", "quantity": demand}]),
    }
    return build_economy(EconomyMeta(name="grain"), tables)
