"""The deliveries of a plan held as arrays: a read-only sequence of :class:`Delivery`.

A plan of a national economy has tens of millions of deliveries (one per supplier, user and
product: about 2·10⁷ at 10⁶ products with 20 inputs each). Held as Python objects that is
several gigabytes; held as six arrays it is 28 bytes a delivery. ``DeliveryTable`` keeps the
arrays and the name lists they index, and builds a :class:`Delivery` only when one is read,
so ``result.deliveries`` behaves like the tuple it used to be (``len``, indexing, slicing,
iteration, equality with any sequence of deliveries).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

import numpy as np

from cooplan.planning.optimal.result import Delivery


class DeliveryTable(Sequence[Delivery]):
    """Deliveries as arrays of indices into name lists, plus quantities (units per period).

    ``product`` indexes ``product_names``; ``source`` and ``target`` index ``parties`` (coop
    ids, then ``"nature"``, ``"public"``, ``"surplus"``); ``region`` and ``source_region``
    index ``region_names``, −1 meaning none.
    """

    __slots__ = (
        "_parties",
        "_product_names",
        "_region_names",
        "product",
        "quantity",
        "region",
        "source",
        "source_region",
        "target",
    )

    def __init__(
        self,
        product_names: Sequence[str],
        parties: Sequence[str],
        region_names: Sequence[str],
        columns: dict[str, np.ndarray],
    ):
        self._product_names = list(product_names)
        self._parties = list(parties)
        self._region_names = list(region_names)
        sizes = {name: np.asarray(values).size for name, values in columns.items()}
        if len(set(sizes.values())) > 1:
            raise ValueError(f"delivery columns of different lengths: {sizes}")
        self.product = np.asarray(columns["product"], dtype=np.int32)
        self.source = np.asarray(columns["source"], dtype=np.int32)
        self.target = np.asarray(columns["target"], dtype=np.int32)
        self.region = np.asarray(columns["region"], dtype=np.int32)
        self.source_region = np.asarray(columns["source_region"], dtype=np.int32)
        self.quantity = np.asarray(columns["quantity"], dtype=np.float64)

    def __len__(self) -> int:
        return int(self.quantity.size)

    def _region(self, index: int) -> str | None:
        return None if index < 0 else self._region_names[index]

    def _make(self, i: int) -> Delivery:
        return Delivery(
            self._product_names[int(self.product[i])],
            self._parties[int(self.source[i])],
            self._parties[int(self.target[i])],
            self._region(int(self.region[i])),
            self._region(int(self.source_region[i])),
            float(self.quantity[i]),
        )

    @overload
    def __getitem__(self, index: int) -> Delivery: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Delivery, ...]: ...

    def __getitem__(self, index: int | slice) -> Delivery | tuple[Delivery, ...]:
        if isinstance(index, slice):
            return tuple(self._make(i) for i in range(*index.indices(len(self))))
        n = len(self)
        i = index + n if index < 0 else index
        if not 0 <= i < n:
            raise IndexError(f"delivery index {index} out of range for {n} deliveries")
        return self._make(i)

    def __iter__(self) -> Iterator[Delivery]:
        products, parties = self._product_names, self._parties
        regions = [*self._region_names, None]  # index −1 reads None
        for p, s, t, r, sr, q in zip(
            self.product.tolist(),
            self.source.tolist(),
            self.target.tolist(),
            self.region.tolist(),
            self.source_region.tolist(),
            self.quantity.tolist(),
            strict=True,
        ):
            yield Delivery(products[p], parties[s], parties[t], regions[r], regions[sr], q)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # mutable arrays inside: not hashable

    def __repr__(self) -> str:
        return f"DeliveryTable({len(self)} deliveries)"
