"""The economy in its human form: stable string ids and one table per kind of thing.

An :class:`Economy` is built only by :func:`cooplan.model.validate.build_economy` (directly,
or through :func:`cooplan.io.folder.load_economy`), so every instance is valid. Algorithms do
not read these tables: they work on the immutable array snapshot returned by
:meth:`Economy.snapshot` (see :mod:`cooplan.model.snapshot`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from cooplan.model.snapshot import EconomySnapshot


@dataclass(frozen=True)
class EconomyMeta:
    """What ``economy.toml`` says: the economy's name and its units."""

    name: str
    period: str = "year"
    labour_unit: str = "hour"
    currency: str = "hour"
    description: str = ""


@dataclass(frozen=True, eq=False)
class Economy:
    """A validated economy: one pandas table per table of the economy folder.

    The tables hold exactly the columns of :mod:`cooplan.model.schema` (optional columns
    filled with their defaults), with ids as ``str`` and numbers as ``float``/``int``. Treat
    them as read-only: the snapshot is computed once and cached.
    """

    meta: EconomyMeta
    products: pd.DataFrame
    coops: pd.DataFrame
    processes: pd.DataFrame
    inputs: pd.DataFrame
    outputs: pd.DataFrame
    demand: pd.DataFrame
    resources: pd.DataFrame
    regions: pd.DataFrame
    groups: pd.DataFrame
    transport: pd.DataFrame
    source: str = field(default="<memory>")

    def table(self, name: str) -> pd.DataFrame:
        """The table called ``name`` (as in the folder, e.g. ``"coops"``)."""
        value = getattr(self, name)
        if not isinstance(value, pd.DataFrame):
            raise KeyError(name)
        return value

    @cached_property
    def snapshot_cache(self) -> EconomySnapshot:
        from cooplan.model.snapshot import build_snapshot

        return build_snapshot(self)

    def snapshot(self) -> EconomySnapshot:
        """The immutable array form used by every algorithm (built once, then cached)."""
        return self.snapshot_cache

    def summary(self) -> dict[str, int]:
        """Counts of the main objects, for reports."""
        return {
            "products": len(self.products),
            "coops": len(self.coops),
            "processes": len(self.processes),
            "inputs": len(self.inputs),
            "regions": len(self.regions),
            "groups": len(self.groups),
            "members": int(self.coops["members"].sum()),
        }
