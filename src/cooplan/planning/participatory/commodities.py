"""The commodity layout of the participatory procedure: five categories of ``G`` goods each.

Global (zero-based) index of good ``n`` (1-based) of category ``cat`` is ``G·cat + (n − 1)``
with categories in the order private, intermediate, nature, labour, public — the order of
the price columns of pequod-cljs output (spec ``participatory.md`` §1).
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["Category", "commodity_index", "commodity_names"]


class Category(IntEnum):
    """Commodity categories, valued as their position in the global index."""

    PRIVATE = 0
    INTERMEDIATE = 1
    NATURE = 2
    LABOUR = 3
    PUBLIC = 4

    @property
    def label(self) -> str:
        """Short lower-case name used in commodity names and reports."""
        return self.name.lower()


#: The category each worker-council ``:industry`` code produces (0 private, 1 intermediate,
#: 2 public).
INDUSTRY_CATEGORY: tuple[Category, Category, Category] = (
    Category.PRIVATE,
    Category.INTERMEDIATE,
    Category.PUBLIC,
)


def commodity_index(category: Category, good: int, goods_per_category: int) -> int:
    """Zero-based global index of the 1-based ``good`` of ``category``."""
    return goods_per_category * int(category) + (good - 1)


def commodity_names(goods_per_category: int) -> tuple[str, ...]:
    """Names such as ``private-1`` … ``public-G``, in global-index order."""
    return tuple(
        f"{category.label}-{good}"
        for category in Category
        for good in range(1, goods_per_category + 1)
    )
