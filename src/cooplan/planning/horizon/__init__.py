"""Multi-period plans over a horizon with capital: one LP, rolled forward year by year."""

from cooplan.planning.horizon.model import (
    CapitalTable,
    HorizonObjective,
    HorizonPlan,
    HorizonSettings,
    plan_horizon,
    read_capital,
)

__all__ = [
    "CapitalTable",
    "HorizonObjective",
    "HorizonPlan",
    "HorizonSettings",
    "plan_horizon",
    "read_capital",
]
