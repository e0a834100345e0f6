"""Synthetic council economies drawn as pequod-cljs draws them (spec ``participatory.md`` §11.4).

Per WC: the numbers of intermediate, nature and labour inputs are uniform on {1..4}, {1..2},
{1..2} (capped at G), each id set a uniform random subset of 1..G; each exponent is uniform
in [0.75/n, 0.85/n) with n the total number of inputs; c ~ U[0.05, 0.1), k ~ U[3, 4),
A ~ U[4, 6), s = 1. WCs come in file order: industry 2 (public), then 1, then 0, each with
products 1..G in equal shares. Per CC: income 5000 (= 500 × effort 1 × 10 workers) and
every exponent uniform in the given range. Nature and labour supply are 1000 per type.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cooplan.planning.participatory.commodities import Category
from cooplan.planning.participatory.councils import (
    PEQUOD_ENDOWMENT,
    ConsumerCouncils,
    CouncilEconomy,
    WorkerCouncils,
)

__all__ = ["BOOK_SCALE", "PILOT_SCALE", "EconomyScale", "generate_economy"]

#: CC budget in the pequod files: 500 × effort 1 × 10 workers (spec §3.1).
CONSUMER_INCOME = 5000.0
_INDUSTRY_ORDER = (2, 1, 0)  # file order of the generated WCs (spec §11.3)
_INPUT_LIMITS = ((Category.INTERMEDIATE, 4), (Category.NATURE, 2), (Category.LABOUR, 2))


@dataclass(frozen=True)
class EconomyScale:
    """Sizes of a generated economy and the CC exponent range [low, high)."""

    consumers: int
    workers_per_industry: int
    goods_per_category: int
    consumer_exponent_low: float
    consumer_exponent_high: float


#: The dep1ex01–50 pilot set: 3,000 CCs, 1,000 WCs per industry, 10 goods (gen.clj, 0d24482).
PILOT_SCALE = EconomyScale(3000, 1000, 10, 0.025, 0.05)
#: The book set (Hahnel 2021 ch. 9; pequod-cljs commit f139dec): 30,000 CCs, 10,000 WCs per
#: industry, 100 goods, CC exponents in [0.005, 0.01).
BOOK_SCALE = EconomyScale(30000, 10000, 100, 0.005, 0.01)


def _random_subsets(
    rng: np.random.Generator, counts: NDArray[np.int64], goods: int, width: int
) -> NDArray[np.int64]:
    """Row j: ``counts[j]`` distinct ids from 1..goods in ascending order, then −1 padding."""
    n = counts.shape[0]
    keys = rng.random((n, goods))
    chosen = np.argsort(keys, axis=1)[:, :width] + 1
    chosen = np.where(np.arange(width) < counts[:, None], chosen, goods + 1)
    chosen.sort(axis=1)
    return np.where(chosen > goods, -1, chosen)


def generate_economy(
    scale: EconomyScale = PILOT_SCALE, *, seed: int = 0, name: str | None = None
) -> CouncilEconomy:
    """A seeded random economy of ``scale`` (same seed, same economy, bit for bit)."""
    rng = np.random.default_rng(seed)
    goods = scale.goods_per_category
    per_industry = scale.workers_per_industry
    industry = np.repeat(np.asarray(_INDUSTRY_ORDER, dtype=np.int64), per_industry)
    product_one = np.repeat(np.arange(1, goods + 1), -(-per_industry // goods))[:per_industry]
    product = np.tile(product_one, len(_INDUSTRY_ORDER))
    n = industry.shape[0]
    id_columns: list[NDArray[np.int64]] = []
    counts = np.zeros(n, dtype=np.int64)
    for category, limit in _INPUT_LIMITS:
        width = min(limit, goods)
        how_many = rng.integers(1, width + 1, size=n)
        ids = _random_subsets(rng, how_many, goods, width)
        id_columns.append(np.where(ids > 0, goods * int(category) + ids - 1, -1))
        counts += how_many
    table = np.concatenate(id_columns, axis=1)
    commodity = table[table >= 0]
    owner = np.repeat(np.arange(n), counts)
    low = 0.75 / counts[owner]
    exponent = low + rng.random(commodity.shape[0]) * (0.85 / counts[owner] - low)
    workers = WorkerCouncils(
        industry=industry,
        product=product,
        tfp=rng.uniform(4.0, 6.0, size=n),
        effort_exponent=rng.uniform(0.05, 0.10, size=n),
        disutility_exponent=rng.uniform(3.0, 4.0, size=n),
        disutility_coefficient=np.ones(n),
        input_offsets=np.concatenate([[0], np.cumsum(counts)]),
        input_commodity=commodity,
        input_exponent=exponent,
        goods_per_category=goods,
    )
    lo, hi = scale.consumer_exponent_low, scale.consumer_exponent_high
    consumers = ConsumerCouncils(
        income=np.full(scale.consumers, CONSUMER_INCOME),
        utility_exponents=rng.uniform(lo, hi, size=(scale.consumers, goods)),
        public_good_exponents=rng.uniform(lo, hi, size=(scale.consumers, goods)),
    )
    endowment = np.full(goods, PEQUOD_ENDOWMENT)
    return CouncilEconomy(
        workers,
        consumers,
        endowment,
        endowment.copy(),
        name=name or f"generated-{goods}x{scale.workers_per_industry}-seed{seed}",
    )
