"""``compare``: run the chosen registered mechanisms on one economy with the same seeds."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cooplan.errors import InputError
from cooplan.model.economy import Economy
from cooplan.planning.compare.measure import MechanismRun, measure
from cooplan.planning.mechanism import RunStatus, mechanisms, run

ARGUMENTS = "<arguments>"


@dataclass(frozen=True)
class MechanismSummary:
    """One mechanism over all seeds: medians of the cost, the figures of the first seed.

    ``same_plan_every_seed`` is True when every seed gave the same labour and fulfilment
    (a deterministic mechanism, or a random one that settles on one plan).
    """

    mechanism: str
    status: RunStatus
    seeds: int
    median_time_s: float
    max_peak_memory_mb: float
    same_plan_every_seed: bool
    first: MechanismRun

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "mechanism": self.mechanism,
            "status": self.status.value,
            "seeds": self.seeds,
            "median_time_s": self.median_time_s,
            "max_peak_memory_mb": self.max_peak_memory_mb,
            "same_plan_every_seed": self.same_plan_every_seed,
            "rounds": self.first.rounds,
            "labour_used": self.first.labour_used,
            "labour_available": self.first.labour_available,
            "labour_beyond_hours": self.first.labour_beyond_hours,
            "limits_exceeded": self.first.limits_exceeded,
            "max_overuse": self.first.max_overuse,
            "lowest_fulfilment": self.first.lowest_fulfilment,
            "mean_fulfilment": self.first.mean_fulfilment,
            "unmet_share": self.first.total_unmet_share,
            "harmony": self.first.harmony,
        }


@dataclass(frozen=True)
class Comparison:
    """Every run of every mechanism on one economy, in the order asked for."""

    economy: str
    mechanisms: tuple[str, ...]
    seeds: tuple[int, ...]
    products: tuple[str, ...]
    runs: tuple[MechanismRun, ...]
    labour_unit: str = "hour"

    def runs_of(self, mechanism: str) -> tuple[MechanismRun, ...]:
        return tuple(r for r in self.runs if r.mechanism == mechanism)

    def summaries(self) -> tuple[MechanismSummary, ...]:
        result = []
        for name in self.mechanisms:
            runs = self.runs_of(name)
            first = runs[0]
            same = all(
                r.fulfilment == first.fulfilment and r.labour_used == first.labour_used
                for r in runs[1:]
            )
            result.append(
                MechanismSummary(
                    mechanism=name,
                    status=first.status,
                    seeds=len(runs),
                    median_time_s=float(statistics.median(r.time_s for r in runs)),
                    max_peak_memory_mb=max(r.peak_memory_mb for r in runs),
                    same_plan_every_seed=same,
                    first=first,
                )
            )
        return tuple(result)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "economy": self.economy,
            "mechanisms": list(self.mechanisms),
            "seeds": list(self.seeds),
            "products": list(self.products),
            "labour_unit": self.labour_unit,
            "summary": [s.to_json_dict() for s in self.summaries()],
            "runs": [r.to_json_dict() for r in self.runs],
        }


def _check_names(names: Sequence[str]) -> tuple[str, ...]:
    known = mechanisms()
    chosen = tuple(dict.fromkeys(n.strip() for n in names if n.strip()))
    if not chosen:
        raise InputError.single(
            ARGUMENTS,
            "no mechanism named",
            column="mechanisms",
            value=",".join(names),
            fix=f"name one or more of: {', '.join(known)}",
        )
    unknown = [n for n in chosen if n not in known]
    if unknown:
        raise InputError.single(
            ARGUMENTS,
            f"unknown planning mechanism(s): {', '.join(unknown)}",
            column="mechanisms",
            value=",".join(unknown),
            fix=f"registered mechanisms are: {', '.join(known)} (see `cooplan mechanisms`)",
        )
    return chosen


def _check_seeds(seeds: int | Sequence[int]) -> tuple[int, ...]:
    if isinstance(seeds, int):
        if seeds < 1:
            raise InputError.single(
                ARGUMENTS,
                "need at least one seed",
                column="seeds",
                value=seeds,
                fix="give the number of seeds, e.g. 3 (seeds 0, 1, 2)",
            )
        return tuple(range(seeds))
    chosen = tuple(int(s) for s in seeds)
    if not chosen:
        raise InputError.single(
            ARGUMENTS,
            "need at least one seed",
            column="seeds",
            value="[]",
            fix="give one or more seeds",
        )
    return chosen


def compare(
    economy: Economy,
    mechanisms: Sequence[str] | None = None,
    seeds: int | Sequence[int] = 1,
    *,
    options: dict[str, dict[str, Any]] | None = None,
    keep_details: bool = False,
) -> Comparison:
    """Run each mechanism (by registered name; all registered when ``None``) once per seed.

    ``seeds``: a count n (seeds 0..n−1) or the seeds themselves. ``options[name]`` are
    passed to that mechanism's ``solve``. Raises :class:`InputError` naming unknown
    mechanisms and listing the registered ones. Each run is timed by
    :func:`cooplan.planning.mechanism.run` (wall time; peak memory traced by tracemalloc).
    """
    from cooplan.planning.mechanism import mechanisms as registered

    names = _check_names(list(registered()) if mechanisms is None else list(mechanisms))
    seed_list = _check_seeds(seeds)
    extra = options or {}
    runs: list[MechanismRun] = []
    for name in names:
        for seed in seed_list:
            plan, record = run(name, economy, seed=seed, **extra.get(name, {}))
            runs.append(measure(economy, plan, record, keep_details=keep_details))
    snap = economy.snapshot()
    demanded = tuple(
        p
        for i, p in enumerate(snap.product_ids)
        if snap.final_demand[i] > 0 and not snap.is_resource[i]
    )
    return Comparison(
        economy=economy.meta.name,
        mechanisms=names,
        seeds=seed_list,
        products=demanded,
        runs=tuple(runs),
        labour_unit=economy.meta.labour_unit,
    )
