"""Evaluate council blocks on a Dask cluster; prices are broadcast each round.

The WC blocks are split into contiguous partitions, one per Dask worker, and scattered to
their worker once per year. Each round every partition receives the price vector and returns
its blocks' partial aggregates; the client adds all partials in block order, exactly as
:class:`~cooplan.planning.participatory.procedure.LocalEvaluator` does, so the run is
identical bit for bit to a single-process run with the same block size.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from cooplan.planning.participatory.blocks import (
    ConsumerBlock,
    WorkerBlock,
    consumer_block_constants,
    sum_in_block_order,
    worker_block_aggregates,
)

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["DaskEvaluator", "consumer_constants_on_cluster"]

FloatArray = NDArray[np.float64]


def _partition_aggregates(blocks: Sequence[WorkerBlock], prices: FloatArray) -> list[FloatArray]:
    return [worker_block_aggregates(block, prices) for block in blocks]


def _partition_constants(blocks: Sequence[ConsumerBlock]) -> list[FloatArray]:
    return [consumer_block_constants(block) for block in blocks]


def _split(count: int, parts: int) -> list[range]:
    """``parts`` contiguous, near-equal ranges covering ``range(count)``."""
    bounds = np.linspace(0, count, parts + 1).round().astype(int)
    return [range(a, b) for a, b in itertools.pairwise(bounds) if b > a]


def _workers(client: Client) -> list[str]:
    workers = sorted(client.nthreads())  # every worker (scheduler_info may truncate)
    if not workers:
        raise RuntimeError("the Dask cluster has no workers")
    return workers


class DaskEvaluator:
    """Evaluates WC blocks on the workers of ``client``'s cluster, partitioned by council."""

    def __init__(self, client: Client, blocks: Sequence[WorkerBlock]) -> None:
        self._client = client
        workers = _workers(client)
        self._partitions: list[tuple[Any, str]] = []
        for group, worker in zip(_split(len(blocks), len(workers)), workers, strict=False):
            data = tuple(blocks[i] for i in group)
            [future] = client.scatter([data], workers=[worker], hash=False)
            self._partitions.append((future, worker))

    def worker_aggregates(self, prices: FloatArray) -> FloatArray:
        """Partial aggregates from every partition, added in block order."""
        futures = [
            self._client.submit(_partition_aggregates, data, prices, workers=[worker], pure=False)
            for data, worker in self._partitions
        ]
        partials = [p for part in self._client.gather(futures) for p in part]
        return sum_in_block_order(partials)

    def close(self) -> None:
        """Release the scattered blocks on the cluster."""
        self._client.cancel([data for data, _ in self._partitions])
        self._partitions = []


def consumer_constants_on_cluster(client: Client, blocks: Sequence[ConsumerBlock]) -> FloatArray:
    """CC demand constants (2, G) computed by partition on the cluster, added in block order."""
    futures = []
    scattered = []
    for group, worker in zip(
        _split(len(blocks), len(_workers(client))), _workers(client), strict=False
    ):
        [data] = client.scatter([tuple(blocks[i] for i in group)], workers=[worker], hash=False)
        scattered.append(data)
        futures.append(client.submit(_partition_constants, data, workers=[worker], pure=False))
    try:
        return sum_in_block_order([p for part in client.gather(futures) for p in part])
    finally:
        client.cancel(scattered + futures)
