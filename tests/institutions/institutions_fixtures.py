"""Small federations and plans (dicts of the optimal planner's plan-JSON shape) for the tests."""

from __future__ import annotations

from typing import Any

import pandas as pd


def coops_frame() -> pd.DataFrame:
    """Four coops in two groups and two regions."""
    return pd.DataFrame(
        {
            "id": ["fagor", "orona", "eroski", "ulma"],
            "name": ["Fagor", "Orona", "Eroski", "Ulma"],
            "region": ["debagoiena", "debagoiena", "bizkaia", "bizkaia"],
            "group": ["industry", "industry", "retail", "industry"],
            "members": [6, 3, 3, 2],
            "hours_per_member": [1000.0, 1000.0, 1000.0, 1000.0],
            "non_members": [1, 0, 0, 0],
            "reserve": [5000.0, 1000.0, 0.0, 0.0],
        }
    )


def workers_frame() -> pd.DataFrame:
    """Workers of :func:`coops_frame` (fagor has one non-member)."""
    rows = [
        ("f1", "fagor", True, 58, "assembly", 1.0),
        ("f2", "fagor", True, 30, "assembly", 1.5),
        ("f3", "fagor", True, 45, "design", 2.0),
        ("f4", "fagor", True, 61, "machining", 1.2),
        ("f5", "fagor", True, 25, "sales", 1.0),
        ("f6", "fagor", True, 40, "assembly", 3.0),
        ("fx", "fagor", False, 22, "assembly", 1.0),
        ("o1", "orona", True, 35, "assembly", 1.0),
        ("o2", "orona", True, 50, "machining", 2.0),
        ("o3", "orona", True, 29, "design", 1.4),
        ("e1", "eroski", True, 33, "sales", 1.0),
        ("e2", "eroski", True, 41, "sales", 1.3),
        ("e3", "eroski", True, 56, "logistics", 1.1),
        ("u1", "ulma", True, 38, "machining", 1.0),
        ("u2", "ulma", True, 47, "assembly", 7.0),
    ]
    frame = pd.DataFrame(rows, columns=["id", "coop", "member", "age", "skill", "pay_index"])
    frame["name"] = frame["id"].str.upper()
    frame["hours"] = 1000.0
    frame["capital_account"] = [20000.0 if m else 0.0 for m in frame["member"]]
    frame["months_on_benefit"] = 0
    return frame


def plan(used: dict[str, float] | None = None, **overrides: Any) -> dict[str, Any]:
    """A plan dict: fagor's work collapses, orona and ulma need more hours."""
    used = used or {"fagor": 2000.0, "orona": 4000.0, "eroski": 3000.0, "ulma": 3000.0}
    data: dict[str, Any] = {
        "status": "optimal",
        "objective": "max_lambda",
        "objective_value": 1.0,
        "fulfilment": {"lambda": 1.0, "ratio": {"fridges": 1.0, "lifts": 1.0, "food": 1.0}},
        "activity": {"p_fridge": 100.0, "p_lift": 50.0, "p_food": 400.0, "p_parts": 80.0},
        "output": {"fridges": 100.0, "lifts": 50.0, "food": 400.0, "parts": 80.0},
        "labour": {
            c: {"used": h, "available": 7000.0 if c == "fagor" else 3000.0} for c, h in used.items()
        },
        "prices": {"fridges": 60.0, "lifts": 200.0, "food": 20.0, "parts": 40.0},
        "labour_prices": {"fagor": 0.0, "orona": 1.0, "eroski": 0.5, "ulma": 1.0},
        "resource_prices": {"steel": 2.0},
        "deliveries": [
            {"product": "steel", "from": "nature", "to": "ulma", "quantity": 100.0},
            {"product": "parts", "from": "ulma", "to": "fagor", "quantity": 30.0},
            {"product": "parts", "from": "ulma", "to": "orona", "quantity": 50.0},
            {
                "product": "fridges",
                "from": "fagor",
                "to": "public",
                "region": "bizkaia",
                "quantity": 100.0,
            },
            {
                "product": "lifts",
                "from": "orona",
                "to": "public",
                "region": "bizkaia",
                "quantity": 50.0,
            },
            {
                "product": "food",
                "from": "eroski",
                "to": "public",
                "region": "bizkaia",
                "quantity": 400.0,
            },
        ],
        "transport_cost": 0.0,
        "relocations": [],
        "certificate": {},
        "solver": "highs",
    }
    data.update(overrides)
    return data
