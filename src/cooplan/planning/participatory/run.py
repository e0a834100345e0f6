"""``run_participatory``: the Python entry point of participatory planning (what the CLI wraps).

Year one starts from price 700 and multiplier 0.25 everywhere; each later year applies an
augmented reset (:mod:`.year2`) and continues from the previous year's last prices and
multipliers (spec ``participatory.md`` §7–8).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from cooplan.errors import InputError
from cooplan.planning.participatory.blocks import (
    DEFAULT_BLOCK_SIZE,
    block_proposals,
    consumer_block_constants,
    consumer_blocks,
    sum_in_block_order,
    worker_blocks,
)
from cooplan.planning.participatory.commodities import Category
from cooplan.planning.participatory.councils import (
    ConsumerCouncils,
    CouncilEconomy,
    WorkerCouncils,
    worker_problems,
)
from cooplan.planning.participatory.procedure import (
    DEFAULT_MAX_ROUNDS,
    DEFAULT_THRESHOLD,
    INITIAL_MULTIPLIER,
    INITIAL_PRICE,
    CouncilEvaluator,
    LocalEvaluator,
    run_year,
)
from cooplan.planning.participatory.result import ParticipatoryResult, PlanStatus, YearResult
from cooplan.planning.participatory.year2 import (
    Augmentation,
    ConsumerConstants,
    augment_consumers,
    augment_workers,
    draw_augmentation,
)

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["run_participatory"]

FloatArray = NDArray[np.float64]


def _consumer_spending(
    consumers: ConsumerCouncils | ConsumerConstants,
    goods: int,
    block_size: int,
    client: Client | None,
) -> FloatArray:
    """K per commodity: CC constants in the private and public slots, zero elsewhere."""
    if isinstance(consumers, ConsumerConstants):
        private, public = consumers.private, consumers.public
    else:
        blocks = consumer_blocks(consumers, block_size)
        if client is None:
            private, public = sum_in_block_order([consumer_block_constants(b) for b in blocks])
        else:
            from cooplan.planning.participatory.cluster import consumer_constants_on_cluster

            private, public = consumer_constants_on_cluster(client, blocks)
    spending = np.zeros(5 * goods)
    spending[goods * Category.PRIVATE : goods * (Category.PRIVATE + 1)] = private
    spending[goods * Category.PUBLIC : goods * (Category.PUBLIC + 1)] = public
    return spending


def _check_workers(workers: WorkerCouncils, year: int) -> None:
    problems = worker_problems(workers, f"worker councils, year {year}")
    error = InputError.collect(problems, summary=f"year {year}: some councils cannot propose")
    if error is not None:
        raise error


def run_participatory(
    economy: CouncilEconomy,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    years: int = 2,
    max_rounds: int = DEFAULT_MAX_ROUNDS,
    year2_draws: Augmentation | None = None,
    seed: int = 0,
    client: Client | None = None,
    block_size: int = DEFAULT_BLOCK_SIZE,
) -> ParticipatoryResult:
    """Run the Albert–Hahnel participatory procedure as pequod-cljs does, for ``years`` years.

    ``threshold`` is the worst relative imbalance (fraction; 0.03 = 3%) that ends a year;
    ``max_rounds`` caps each year (status ROUND_LIMIT). ``year2_draws`` fixes the changes
    before year two (e.g. :func:`~.year2.load_recovered_year2`); other years' changes are drawn
    from ``numpy.random.default_rng(seed)``. With ``client`` (a ``dask.distributed.Client``)
    the councils are evaluated on its cluster; results are bit-for-bit those of a
    single-process run with the same ``block_size``.
    """
    if years < 1:
        raise ValueError("years must be at least 1")
    if years > 2 and year2_draws is not None and year2_draws.consumer_constants is not None:
        raise ValueError("years after a recovered year two need per-council consumers")
    goods = economy.goods_per_category
    commodities = economy.commodity_count
    rng = np.random.default_rng(seed)
    used_rng = False
    workers: WorkerCouncils = economy.workers
    consumers: ConsumerCouncils | ConsumerConstants = economy.consumers
    prices = np.full(commodities, INITIAL_PRICE)
    multipliers = np.full(commodities, INITIAL_MULTIPLIER)
    endowment = economy.endowment()
    results: list[YearResult] = []
    for year in range(1, years + 1):
        if year > 1:
            if year == 2 and year2_draws is not None:
                change = year2_draws
            elif isinstance(consumers, ConsumerConstants):
                raise ValueError("years after a recovered year two need per-council consumers")
            else:
                change = draw_augmentation(workers, consumers, rng)
                used_rng = True
            workers = augment_workers(workers, change)
            consumers = augment_consumers(consumers, change)
            _check_workers(workers, year)
        blocks = worker_blocks(workers, commodities, block_size)
        evaluator: CouncilEvaluator
        if client is None:
            evaluator = LocalEvaluator(blocks)
        else:
            from cooplan.planning.participatory.cluster import DaskEvaluator

            evaluator = DaskEvaluator(client, blocks)
        try:
            trajectory = run_year(
                evaluator,
                endowment=endowment,
                consumer_spending=_consumer_spending(consumers, goods, block_size, client),
                start_prices=prices,
                start_multipliers=multipliers,
                threshold=threshold,
                max_rounds=max_rounds,
            )
        finally:
            close = getattr(evaluator, "close", None)
            if close is not None:
                close()
        plan_prices = trajectory.prices[-2] if trajectory.prices.shape[0] > 1 else prices
        outputs, efforts = zip(*(block_proposals(b, plan_prices) for b in blocks), strict=True)
        results.append(
            YearResult(
                year=year,
                status=trajectory.status,
                threshold=threshold,
                start_prices=prices,
                start_multipliers=multipliers,
                prices=trajectory.prices,
                deltas=trajectory.deltas,
                multipliers=trajectory.multipliers,
                supply=trajectory.supply,
                demand=trajectory.demand,
                imbalance_pct=trajectory.imbalance_pct,
                worker_output=np.concatenate(outputs),
                worker_effort=np.concatenate(efforts),
            )
        )
        prices, multipliers = trajectory.prices[-1], trajectory.multipliers[-1]
        if trajectory.status is PlanStatus.DIVERGED:
            break  # a later year cannot start from non-finite prices
    return ParticipatoryResult(
        economy=economy.name,
        commodities=economy.commodities,
        threshold=threshold,
        max_rounds=max_rounds,
        block_size=block_size,
        seed=seed if used_rng else None,
        years=tuple(results),
    )
