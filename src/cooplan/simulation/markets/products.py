"""Which products of an economy are sold on regulated markets (products.csv ``market``)."""

from __future__ import annotations

from cooplan.model.economy import Economy

__all__ = ["market_products"]


def market_products(economy: Economy) -> list[str]:
    """Ids of the products flagged ``market = true``, in file order."""
    products = economy.products
    return [str(p) for p, flag in zip(products["id"], products["market"], strict=True) if flag]
