"""Regulated markets inside the plan: clearing prices, ceilings and queues, floors and unsold
stock, taxes, and Cockshott & Cottrell's price–value feedback to the plan's targets.

Pure functions; no database, no HTTP. See ``docs/markets.md``.
"""

from cooplan.simulation.markets.clearing import (
    MarketOutcome,
    MarketStatus,
    ProductMarket,
    ProductRegulation,
    Regulation,
    clear_market,
    clear_markets,
)
from cooplan.simulation.markets.demand import (
    DEFAULT_ELASTICITY,
    ConstantElasticityDemand,
    DemandCurve,
    DemandForm,
    LinearDemand,
    calibrated_demand,
)
from cooplan.simulation.markets.feedback import (
    DEFAULT_ADJUSTMENT_RATE,
    DEFAULT_MAX_CHANGE,
    adjust_targets,
)
from cooplan.simulation.markets.products import market_products

__all__ = [
    "DEFAULT_ADJUSTMENT_RATE",
    "DEFAULT_ELASTICITY",
    "DEFAULT_MAX_CHANGE",
    "ConstantElasticityDemand",
    "DemandCurve",
    "DemandForm",
    "LinearDemand",
    "MarketOutcome",
    "MarketStatus",
    "ProductMarket",
    "ProductRegulation",
    "Regulation",
    "adjust_targets",
    "calibrated_demand",
    "clear_market",
    "clear_markets",
    "market_products",
]
