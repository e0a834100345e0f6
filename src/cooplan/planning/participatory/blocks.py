"""Council blocks: the per-round work, vectorised over consecutive councils (NumPy, SciPy).

Councils are cut into blocks of ``block_size`` consecutive councils (file order). Each block
turns a price vector into partial aggregates; partials are added in block order
(:func:`sum_in_block_order`). A run's numbers therefore depend on the block size (at the
level of rounding), never on which process or machine evaluates a block, so a Dask run and a
single-process run with the same block size agree bit for bit. With a single block every sum
runs in file order, as in pequod-cljs (spec ``participatory.md`` §4).

Worker council proposal (spec §2.3), with Δ = k(1 − B) − c:

    ln q = [k ln A + k Σ b_i ln(λ b_i / p_i) + c ln(λ c / (s k))] / Δ
         = C_j + α_j ln λ − β_j Σ b_i ln p_i
    C_j = [k ln A + k Σ b_i ln b_i + c ln(c / (s k))] / Δ,  α_j = (k B + c) / Δ,  β_j = k / Δ
    x_i = λ b_i q / p_i,   e = (λ c q / (s k))^(1/k)

so a block's spending on input commodity m is Σ b_i λ q over the entries using m, and the
demand is that spending divided by p_m once all blocks are added.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from cooplan.planning.participatory.councils import ConsumerCouncils, WorkerCouncils

__all__ = [
    "DEFAULT_BLOCK_SIZE",
    "ConsumerBlock",
    "Proposals",
    "WorkerBlock",
    "block_proposals",
    "consumer_block_constants",
    "consumer_blocks",
    "propose",
    "sum_in_block_order",
    "worker_block_aggregates",
    "worker_blocks",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Councils per block. The pilot files (3,000 WCs) fit in one block, so their sums run in
#: file order exactly as the program's.
DEFAULT_BLOCK_SIZE = 4096


@dataclass(frozen=True, eq=False)
class WorkerBlock:
    """Price-independent coefficients of a block of WCs (see the module docstring).

    ``exponents`` is the sparse (WCs × commodities) matrix of input exponents b (CSR, entries
    in file order); ``exponents_by_commodity`` its transpose (CSR, WCs ascending in each row).
    """

    commodity_count: int
    output_commodity: IntArray
    log_constant: FloatArray
    own_price_weight: FloatArray
    input_price_weight: FloatArray
    exponents: sparse.csr_matrix
    exponents_by_commodity: sparse.csr_matrix
    effort_exponent: FloatArray
    disutility_exponent: FloatArray
    disutility_coefficient: FloatArray

    @property
    def count(self) -> int:
        """Number of WCs in the block."""
        return int(self.output_commodity.shape[0])


@dataclass(frozen=True, eq=False)
class ConsumerBlock:
    """A block of CCs."""

    consumers: ConsumerCouncils


@dataclass(frozen=True, eq=False)
class Proposals:
    """Every WC's proposal at one price vector: output q, effort e and input quantities x.

    ``input_quantity`` is flat, aligned with ``WorkerCouncils.input_commodity``.
    """

    output: FloatArray
    effort: FloatArray
    input_quantity: FloatArray


def _worker_block(workers: WorkerCouncils, commodity_count: int) -> WorkerBlock:
    k = workers.disutility_exponent
    c = workers.effort_exponent
    b = workers.input_exponent
    n = workers.count
    exponents = sparse.csr_matrix(
        (b, workers.input_commodity, workers.input_offsets), shape=(n, commodity_count)
    )
    owner = workers.input_owner
    total = np.bincount(owner, weights=b, minlength=n)
    b_log_b = np.bincount(owner, weights=b * np.log(b), minlength=n)
    margin = k * (1.0 - total) - c
    constant = (
        k * np.log(workers.tfp) + k * b_log_b + c * np.log(c / (workers.disutility_coefficient * k))
    ) / margin
    return WorkerBlock(
        commodity_count=commodity_count,
        output_commodity=workers.output_commodity,
        log_constant=constant,
        own_price_weight=(k * total + c) / margin,
        input_price_weight=k / margin,
        exponents=exponents,
        exponents_by_commodity=exponents.T.tocsr(),
        effort_exponent=np.asarray(c),
        disutility_exponent=np.asarray(k),
        disutility_coefficient=np.asarray(workers.disutility_coefficient),
    )


def worker_blocks(
    workers: WorkerCouncils, commodity_count: int, block_size: int = DEFAULT_BLOCK_SIZE
) -> tuple[WorkerBlock, ...]:
    """Cut ``workers`` into blocks of ``block_size`` consecutive councils."""
    if block_size < 1:
        raise ValueError("block_size must be at least 1")
    return tuple(
        _worker_block(workers.rows(start, min(start + block_size, workers.count)), commodity_count)
        for start in range(0, workers.count, block_size)
    )


def consumer_blocks(
    consumers: ConsumerCouncils, block_size: int = DEFAULT_BLOCK_SIZE
) -> tuple[ConsumerBlock, ...]:
    """Cut ``consumers`` into blocks of ``block_size`` consecutive councils."""
    if block_size < 1:
        raise ValueError("block_size must be at least 1")
    return tuple(
        ConsumerBlock(consumers.rows(start, min(start + block_size, consumers.count)))
        for start in range(0, consumers.count, block_size)
    )


def _log_output(block: WorkerBlock, log_prices: FloatArray) -> FloatArray:
    """ln q of every WC of the block; Σ b ln p runs over each WC's inputs in file order."""
    weighted = block.exponents @ log_prices
    return (
        block.log_constant
        + block.own_price_weight * log_prices[block.output_commodity]
        - block.input_price_weight * weighted
    )


def worker_block_aggregates(block: WorkerBlock, prices: FloatArray) -> FloatArray:
    """Partial aggregates of one WC block at ``prices``: array (2, commodities).

    Row 0 is the supply (Σ q by product), row 1 the spending on each input (Σ λ·b·q, over
    WCs in file order); the input demand is the summed spending divided by the price.
    """
    log_prices = np.log(prices)
    output = np.exp(_log_output(block, log_prices))
    out = np.empty((2, block.commodity_count))
    out[0] = np.bincount(block.output_commodity, weights=output, minlength=block.commodity_count)
    out[1] = block.exponents_by_commodity @ (prices[block.output_commodity] * output)
    return out


def block_proposals(block: WorkerBlock, prices: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Output q and true effort e of every WC of the block at ``prices`` (spec §2.3)."""
    log_prices = np.log(prices)
    log_output = _log_output(block, log_prices)
    k = block.disutility_exponent
    log_effort = (
        log_prices[block.output_commodity]
        + np.log(block.effort_exponent)
        + log_output
        - np.log(block.disutility_coefficient)
        - np.log(k)
    ) / k
    return np.exp(log_output), np.exp(log_effort)


def consumer_block_constants(block: ConsumerBlock) -> FloatArray:
    """Partial demand constants of one CC block: array (2, G) of K_private and K_public."""
    private, public = block.consumers.demand_constants()
    return np.stack([private, public])


def sum_in_block_order(partials: Sequence[FloatArray]) -> FloatArray:
    """Add block partials left to right (block 0 first): the one summation order of a run."""
    total = np.array(partials[0], dtype=np.float64, copy=True)
    for partial in partials[1:]:
        total += partial
    return total


def propose(workers: WorkerCouncils, prices: FloatArray) -> Proposals:
    """Every WC's proposal (q, true effort e, inputs x) at ``prices`` (spec §2.3).

    Effort is the true maximiser, not the value pequod-cljs prints for 8-input councils
    (spec §2.4).
    """
    prices = np.asarray(prices, dtype=np.float64)
    block = _worker_block(workers, prices.shape[0])
    output, effort = block_proposals(block, prices)
    owner = workers.input_owner
    value = prices[block.output_commodity] * output
    return Proposals(
        output=output,
        effort=effort,
        input_quantity=value[owner] * workers.input_exponent / prices[workers.input_commodity],
    )
