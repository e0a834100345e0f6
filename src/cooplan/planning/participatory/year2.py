"""Year two: the "augmented reset" (spec ``participatory.md`` §8).

Before a new year every WC input exponent b gets an independent draw from {0, 0.001, 0.002,
0.003, 0.004} ("technical change") and every CC exponent one from {−0.002, −0.001, 0, 0.001,
0.002}; prices and multipliers carry over from the previous year's last update. The program
drew these unseeded; here they come either from a seeded generator (:func:`draw_augmentation`)
or from the values recovered from the stored runs (:func:`load_recovered_year2`), where the
consumer side is given by its 2·G demand constants K (aggregate demand K_n / p_n).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cooplan.errors import InputError, Problem
from cooplan.planning.participatory.councils import (
    ConsumerCouncils,
    CouncilEconomy,
    WorkerCouncils,
)

__all__ = [
    "CONSUMER_DRAW_VALUES",
    "WORKER_DRAW_VALUES",
    "Augmentation",
    "ConsumerConstants",
    "augment_consumers",
    "augment_workers",
    "draw_augmentation",
    "load_recovered_year2",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Increments of each WC exponent, chosen uniformly (pequod-cljs ``augment-wc``, spec §8).
WORKER_DRAW_VALUES: tuple[float, ...] = (0.0, 0.001, 0.002, 0.003, 0.004)
#: Increments of each CC exponent, chosen uniformly (spec §8).
CONSUMER_DRAW_VALUES: tuple[float, ...] = (-0.002, -0.001, 0.0, 0.001, 0.002)


@dataclass(frozen=True, eq=False)
class ConsumerConstants:
    """The consumer side in aggregate: demand for good n is ``private[n] / p`` (resp. public)."""

    private: FloatArray
    public: FloatArray


@dataclass(frozen=True, eq=False)
class Augmentation:
    """The changes applied before a new year.

    ``worker_draws`` holds, per flat WC input entry (file order: intermediate, nature, labour),
    an index into :data:`WORKER_DRAW_VALUES`. The consumer side is either per-CC draws
    (``consumer_utility_draws``/``consumer_public_draws``, indices into
    :data:`CONSUMER_DRAW_VALUES`, shape CCs × G) or, for recovered runs,
    ``consumer_constants`` that replace the CCs altogether.
    """

    worker_draws: IntArray
    consumer_utility_draws: IntArray | None = None
    consumer_public_draws: IntArray | None = None
    consumer_constants: ConsumerConstants | None = None

    def __post_init__(self) -> None:
        per_cc = self.consumer_utility_draws is not None and self.consumer_public_draws is not None
        if per_cc == (self.consumer_constants is not None):
            raise ValueError("give either per-CC draws or consumer constants, not both/neither")


def draw_augmentation(
    workers: WorkerCouncils, consumers: ConsumerCouncils, rng: np.random.Generator
) -> Augmentation:
    """Fresh uniform draws for every WC input exponent and every CC exponent."""
    shape = consumers.utility_exponents.shape
    choices = len(CONSUMER_DRAW_VALUES)
    return Augmentation(
        worker_draws=rng.integers(0, len(WORKER_DRAW_VALUES), size=workers.input_exponent.size),
        consumer_utility_draws=rng.integers(0, choices, size=shape),
        consumer_public_draws=rng.integers(0, choices, size=shape),
    )


def augment_workers(workers: WorkerCouncils, augmentation: Augmentation) -> WorkerCouncils:
    """WCs with every input exponent raised by its draw."""
    draws = np.asarray(augmentation.worker_draws)
    if draws.shape != workers.input_exponent.shape:
        raise ValueError("one worker draw per WC input entry is needed")
    increments = np.asarray(WORKER_DRAW_VALUES)[draws]
    return workers.with_input_exponents(workers.input_exponent + increments)


def augment_consumers(
    consumers: ConsumerCouncils | ConsumerConstants, augmentation: Augmentation
) -> ConsumerCouncils | ConsumerConstants:
    """CCs with every exponent changed by its draw, or the given consumer constants."""
    if augmentation.consumer_constants is not None:
        return augmentation.consumer_constants
    if isinstance(consumers, ConsumerConstants):
        raise ValueError("per-council draws need per-council consumers, not constants")
    assert augmentation.consumer_utility_draws is not None
    assert augmentation.consumer_public_draws is not None
    values = np.asarray(CONSUMER_DRAW_VALUES)
    return ConsumerCouncils(
        income=consumers.income,
        utility_exponents=consumers.utility_exponents + values[augmentation.consumer_utility_draws],
        public_good_exponents=consumers.public_good_exponents
        + values[augmentation.consumer_public_draws],
    )


def _problem(source: str, message: str, column: str, value: Any = None) -> InputError:
    return InputError(
        [
            Problem(
                source,
                message,
                column=column,
                value=value,
                fix="use the recovered-draws file that belongs to this council file",
            )
        ],
        summary=message,
    )


def load_recovered_year2(
    path: str | Path, experiment: str, economy: CouncilEconomy
) -> Augmentation:
    """The recovered year-two draws of ``experiment`` (e.g. ``dep1ex01``).

    Reads ``dep1ex_year2_recovered.json(.gz)``: per WC the draws in units of 0.001 (input,
    nature, labour order) and the 20 consumer constants K. Checks they fit ``economy``.
    """
    source = str(path)
    try:
        raw = Path(path).read_bytes()
        data = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    except FileNotFoundError:
        raise InputError.single(source, "file not found", fix="check the path") from None
    except (OSError, ValueError, EOFError) as error:
        raise InputError.single(source, f"cannot read JSON: {error}") from None
    runs = data.get("experiments", {}) if isinstance(data, dict) else {}
    if experiment not in runs:
        raise _problem(source, f"no experiment {experiment!r}", "experiments", experiment)
    run = runs[experiment]
    draws = run.get("wc_exponent_draws_milli")
    counts = economy.workers.input_counts
    if not isinstance(draws, list) or len(draws) != economy.workers.count:
        raise _problem(
            source, f"expected {economy.workers.count} WC draw vectors", "wc_exponent_draws_milli"
        )
    for j, (vector, count) in enumerate(zip(draws, counts, strict=True)):
        if len(vector) != count or any(d not in (0, 1, 2, 3, 4) for d in vector):
            raise _problem(
                source,
                f"WC {j + 1}: expected {count} draws in 0..4",
                "wc_exponent_draws_milli",
                vector,
            )
    goods = economy.goods_per_category
    constants = []
    for key in ("cc_private_K", "cc_public_K"):
        values = run.get(key)
        if not isinstance(values, list) or len(values) != goods:
            raise _problem(source, f"expected {goods} numbers", key)
        constants.append(np.asarray(values, dtype=np.float64))
    return Augmentation(
        worker_draws=np.asarray([d for vector in draws for d in vector], dtype=np.int64),
        consumer_constants=ConsumerConstants(private=constants[0], public=constants[1]),
    )
