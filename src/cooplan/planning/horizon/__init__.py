"""Multi-period plans over a horizon with capital: one LP, rolled forward year by year."""

from cooplan.planning.horizon.capital import CapitalTable, read_capital, read_stocks
from cooplan.planning.horizon.model import HorizonPlan, plan_horizon
from cooplan.planning.horizon.settings import HorizonObjective, HorizonSettings, TerminalCondition

__all__ = [
    "CapitalTable",
    "HorizonObjective",
    "HorizonPlan",
    "HorizonSettings",
    "TerminalCondition",
    "plan_horizon",
    "read_capital",
    "read_stocks",
]
