"""Worker and consumer councils as immutable column arrays (spec ``participatory.md`` §2–3).

Worker council ``j`` produces good ``product[j]`` of the category of ``industry[j]`` with

    q = A · e^c · Π_i x_i^{b_i}

and maximises ``λ·q − Σ p_i x_i − s·e^k``. Its inputs are stored flat, in file order
(intermediate ids, then nature ids, then labour ids), as ``input_commodity`` (global commodity
index) and ``input_exponent`` (b), delimited by ``input_offsets``. Consumer council ``h`` has
Cobb-Douglas utility with exponents ``utility_exponents[h]`` on private goods and
``public_good_exponents[h]`` on public goods, and a fixed budget ``income[h]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from cooplan.errors import Problem
from cooplan.planning.participatory.commodities import (
    INDUSTRY_CATEGORY,
    Category,
    commodity_names,
)

__all__ = [
    "PEQUOD_ENDOWMENT",
    "ConsumerCouncils",
    "CouncilEconomy",
    "WorkerCouncils",
    "worker_problems",
]

#: Supply of every natural-resource and every labour type, hard-coded in pequod-cljs ``setup``
#: (spec §1).
PEQUOD_ENDOWMENT = 1000.0

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def _frozen(array: NDArray[np.generic], dtype: type) -> NDArray[np.generic]:
    out: NDArray[np.generic] = np.array(array, dtype=dtype, copy=True)
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class WorkerCouncils:
    """Worker councils (WCs) in file order; row ``j`` is the WC with id ``j + 1``.

    ``tfp`` is A, ``effort_exponent`` c, ``disutility_exponent`` k (``:du``) and
    ``disutility_coefficient`` s. All arrays are read-only copies.
    """

    industry: IntArray
    product: IntArray
    tfp: FloatArray
    effort_exponent: FloatArray
    disutility_exponent: FloatArray
    disutility_coefficient: FloatArray
    input_offsets: IntArray
    input_commodity: IntArray
    input_exponent: FloatArray
    goods_per_category: int

    def __post_init__(self) -> None:
        for name in ("industry", "product", "input_offsets", "input_commodity"):
            object.__setattr__(self, name, _frozen(getattr(self, name), np.int64))
        for name in (
            "tfp",
            "effort_exponent",
            "disutility_exponent",
            "disutility_coefficient",
            "input_exponent",
        ):
            object.__setattr__(self, name, _frozen(getattr(self, name), np.float64))
        n = self.industry.shape[0]
        for name in ("product", "tfp", "effort_exponent", "disutility_exponent"):
            if getattr(self, name).shape != (n,):
                raise ValueError(f"{name} must have one entry per worker council ({n})")
        if self.disutility_coefficient.shape != (n,):
            raise ValueError("disutility_coefficient must have one entry per worker council")
        if self.input_offsets.shape != (n + 1,) or self.input_offsets[0] != 0:
            raise ValueError("input_offsets must start at 0 and have one entry more than WCs")
        if np.any(np.diff(self.input_offsets) < 1):
            raise ValueError("every worker council needs at least one input")
        entries = int(self.input_offsets[-1])
        if self.input_commodity.shape != (entries,) or self.input_exponent.shape != (entries,):
            raise ValueError("input_commodity and input_exponent must match input_offsets")

    @property
    def count(self) -> int:
        """Number of worker councils."""
        return int(self.industry.shape[0])

    @property
    def input_counts(self) -> IntArray:
        """Number of inputs of each WC."""
        return np.diff(self.input_offsets)

    @property
    def input_owner(self) -> IntArray:
        """Row of the WC each flat input entry belongs to."""
        return np.repeat(np.arange(self.count, dtype=np.int64), self.input_counts)

    @property
    def output_commodity(self) -> IntArray:
        """Global commodity index of each WC's product."""
        category = np.asarray([int(c) for c in INDUSTRY_CATEGORY], dtype=np.int64)
        return category[self.industry] * self.goods_per_category + (self.product - 1)

    @property
    def exponent_sum(self) -> FloatArray:
        """B = Σ b over each WC's inputs (input order, left to right)."""
        return np.add.reduceat(self.input_exponent, self.input_offsets[:-1])

    def rows(self, start: int, stop: int) -> WorkerCouncils:
        """The WCs ``start`` … ``stop − 1`` (a block of consecutive councils)."""
        first, last = int(self.input_offsets[start]), int(self.input_offsets[stop])
        return WorkerCouncils(
            industry=self.industry[start:stop],
            product=self.product[start:stop],
            tfp=self.tfp[start:stop],
            effort_exponent=self.effort_exponent[start:stop],
            disutility_exponent=self.disutility_exponent[start:stop],
            disutility_coefficient=self.disutility_coefficient[start:stop],
            input_offsets=self.input_offsets[start : stop + 1] - first,
            input_commodity=self.input_commodity[first:last],
            input_exponent=self.input_exponent[first:last],
            goods_per_category=self.goods_per_category,
        )

    def with_input_exponents(self, input_exponent: FloatArray) -> WorkerCouncils:
        """The same councils with new input exponents (same flat order)."""
        return WorkerCouncils(
            industry=self.industry,
            product=self.product,
            tfp=self.tfp,
            effort_exponent=self.effort_exponent,
            disutility_exponent=self.disutility_exponent,
            disutility_coefficient=self.disutility_coefficient,
            input_offsets=self.input_offsets,
            input_commodity=self.input_commodity,
            input_exponent=input_exponent,
            goods_per_category=self.goods_per_category,
        )


@dataclass(frozen=True, eq=False)
class ConsumerCouncils:
    """Consumer councils (CCs) in file order; budgets in the units of the prices."""

    income: FloatArray
    utility_exponents: FloatArray
    public_good_exponents: FloatArray

    def __post_init__(self) -> None:
        for name in ("income", "utility_exponents", "public_good_exponents"):
            object.__setattr__(self, name, _frozen(getattr(self, name), np.float64))
        n = self.income.shape[0]
        if self.utility_exponents.ndim != 2 or self.utility_exponents.shape[0] != n:
            raise ValueError("utility_exponents must be (consumer councils × goods)")
        if self.public_good_exponents.shape != self.utility_exponents.shape:
            raise ValueError("public_good_exponents must have the shape of utility_exponents")

    @property
    def count(self) -> int:
        """Number of consumer councils."""
        return int(self.income.shape[0])

    def rows(self, start: int, stop: int) -> ConsumerCouncils:
        """The CCs ``start`` … ``stop − 1`` (a block of consecutive councils)."""
        return ConsumerCouncils(
            income=self.income[start:stop],
            utility_exponents=self.utility_exponents[start:stop],
            public_good_exponents=self.public_good_exponents[start:stop],
        )

    def demand_constants(self) -> tuple[FloatArray, FloatArray]:
        """``(K_private, K_public)``: aggregate demand for good n is ``K_n / p_n`` (spec §3, §8).

        ``K_n = Σ_h Y_h·u_{h,n} / S_h`` with ``S_h`` the sum of all of h's exponents, summed
        over councils in file order.
        """
        total = self.utility_exponents.sum(axis=1) + self.public_good_exponents.sum(axis=1)
        share = self.income / total
        # A cumulative sum adds strictly in file order (np.sum may add pairwise).
        private = np.cumsum(share[:, None] * self.utility_exponents, axis=0)[-1]
        public = np.cumsum(share[:, None] * self.public_good_exponents, axis=0)[-1]
        return private, public


@dataclass(frozen=True, eq=False)
class CouncilEconomy:
    """A council economy: the WCs, the CCs and the fixed endowments of nature and labour."""

    workers: WorkerCouncils
    consumers: ConsumerCouncils
    nature_supply: FloatArray
    labour_supply: FloatArray
    name: str = "economy"
    commodities: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        g = self.workers.goods_per_category
        object.__setattr__(self, "nature_supply", _frozen(self.nature_supply, np.float64))
        object.__setattr__(self, "labour_supply", _frozen(self.labour_supply, np.float64))
        if self.nature_supply.shape != (g,) or self.labour_supply.shape != (g,):
            raise ValueError(f"nature and labour supply need {g} entries each")
        if self.consumers.utility_exponents.shape[1] != g:
            raise ValueError("consumer exponents must have one column per good of a category")
        object.__setattr__(self, "commodities", commodity_names(g))

    @property
    def goods_per_category(self) -> int:
        """G, the number of goods in each of the five categories."""
        return self.workers.goods_per_category

    @property
    def commodity_count(self) -> int:
        """5·G commodities."""
        return 5 * self.goods_per_category

    def endowment(self) -> FloatArray:
        """Fixed supply per commodity: nature and labour endowments, zero elsewhere."""
        g = self.goods_per_category
        supply = np.zeros(5 * g)
        supply[g * Category.NATURE : g * (Category.NATURE + 1)] = self.nature_supply
        supply[g * Category.LABOUR : g * (Category.LABOUR + 1)] = self.labour_supply
        return supply


def worker_problems(workers: WorkerCouncils, source: str) -> list[Problem]:
    """Economic problems that make a WC's proposal undefined, one :class:`Problem` per WC.

    Checks exponents > 0, A > 0, s > 0, c > 0, k > 0 and ``Δ = k(1 − B) − c > 0`` (the
    proposal is then the unique maximiser, spec §2.2). ``row`` is the 1-based WC id.
    """
    problems: list[Problem] = []
    owner = workers.input_owner
    bad_exponent = np.unique(owner[~(workers.input_exponent > 0)])
    for j in bad_exponent:
        problems.append(
            Problem(
                source,
                "an input exponent is not above zero",
                row=int(j) + 1,
                column="wcs :input-exponents",
                fix="exponents must be > 0",
            )
        )
    checks = (
        ("tfp", ":a", "A"),
        ("effort_exponent", ":c", "c"),
        ("disutility_exponent", ":du", "k"),
        ("disutility_coefficient", ":s", "s"),
    )
    for attribute, key, symbol in checks:
        values = getattr(workers, attribute)
        for j in np.flatnonzero(~(values > 0)):
            problems.append(
                Problem(
                    source,
                    f"{symbol} is not above zero",
                    row=int(j) + 1,
                    column=f"wcs {key}",
                    value=float(values[j]),
                    fix=f"{symbol} must be > 0",
                )
            )
    margin = workers.disutility_exponent * (1.0 - workers.exponent_sum) - workers.effort_exponent
    for j in np.flatnonzero(~(margin > 0)):
        problems.append(
            Problem(
                source,
                "k·(1 − Σb) − c is not above zero: the council has no finite best proposal",
                row=int(j) + 1,
                column="wcs :input-exponents",
                value=float(margin[j]),
                fix="lower the input exponents or c so that Σb + c/k < 1",
            )
        )
    return problems
