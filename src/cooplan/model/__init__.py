"""The economy model: schema, validated tables, and the array snapshot for algorithms."""

from cooplan.model.economy import Economy, EconomyMeta
from cooplan.model.snapshot import EconomySnapshot, build_snapshot
from cooplan.model.validate import build_economy

__all__ = ["Economy", "EconomyMeta", "EconomySnapshot", "build_economy", "build_snapshot"]
