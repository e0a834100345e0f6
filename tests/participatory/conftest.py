"""Fixtures for the participatory-planning tests: the stored pequod runs and small economies.

The stored runs live in ../shared/data/pequod (outside the repository, never copied into it);
tests that need them skip with a reason when that folder is absent.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cooplan.planning.participatory import (
    CouncilEconomy,
    EconomyScale,
    generate_economy,
    load_pequod,
)

PEQUOD_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "pequod"
SKIP_REASON = f"stored pequod-cljs runs not found at {PEQUOD_DIR} (../shared is absent)"

#: A small economy drawn by the spec's generator (§11.4): 5 goods, 20 WCs per industry, 40 CCs.
SMALL_SCALE = EconomyScale(
    consumers=40,
    workers_per_industry=20,
    goods_per_category=5,
    consumer_exponent_low=0.025,
    consumer_exponent_high=0.05,
)


@dataclass(frozen=True)
class StoredYear:
    """One year of a stored CSV: arrays (rounds × 50) in the CSV's commodity order."""

    prices: np.ndarray
    deltas: np.ndarray
    multipliers: np.ndarray
    supply: np.ndarray
    demand: np.ndarray
    imbalance_pct: np.ndarray
    wc_output: np.ndarray
    wc_effort: np.ndarray


@cache
def _economy(name: str) -> CouncilEconomy:
    return load_pequod(PEQUOD_DIR / f"{name}.clj.gz")


@cache
def _stored_years(name: str) -> tuple[StoredYear, ...]:
    with gzip.open(PEQUOD_DIR / f"{name}.csv.gz", "rt") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    data = rows[1:]
    cuts = [i for i, row in enumerate(data) if row[0] == "exponent-sum"]
    years = []
    for start, stop in ((0, cuts[0]), (cuts[0] + 1, cuts[1])):
        table = np.array([[float(v) for v in row[2:]] for row in data[start:stop]])
        years.append(
            StoredYear(
                prices=table[:, 0:50],
                deltas=table[:, 50:100],
                multipliers=table[:, 100:150],
                supply=table[:, 150:200],
                demand=table[:, 200:250],
                imbalance_pct=table[:, 300:350],
                wc_output=table[:, 350::2],
                wc_effort=table[:, 351::2],
            )
        )
    return tuple(years)


@cache
def _json(name: str) -> Any:
    path = PEQUOD_DIR / name
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as handle:
        return json.load(handle)


@pytest.fixture(scope="session")
def pequod_dir() -> Path:
    """The folder of stored runs; skips the test when it is absent."""
    if not PEQUOD_DIR.is_dir():
        pytest.skip(SKIP_REASON)
    return PEQUOD_DIR


@pytest.fixture(scope="session")
def pequod_economy(pequod_dir: Path) -> Callable[[str], CouncilEconomy]:
    """Loader of dep1exNN economies, cached for the session."""
    return _economy


@pytest.fixture(scope="session")
def stored_years(pequod_dir: Path) -> Callable[[str], tuple[StoredYear, ...]]:
    """The two years of a stored dep1exNN.csv.gz, cached for the session."""
    return _stored_years


@pytest.fixture(scope="session")
def stored_rounds(pequod_dir: Path) -> dict[str, Any]:
    """rounds_dep1ex01-10.json, keyed by experiment id."""
    return {e["id"]: e for e in _json("rounds_dep1ex01-10.json")["experiments"]}


@pytest.fixture(scope="session")
def recovered_path(pequod_dir: Path) -> Path:
    """Path of the recovered year-two draws."""
    return pequod_dir / "dep1ex_year2_recovered.json.gz"


@pytest.fixture(scope="session")
def recovered(pequod_dir: Path) -> dict[str, Any]:
    """The recovered year-two data, keyed by experiment id."""
    return dict(_json("dep1ex_year2_recovered.json.gz")["experiments"])


@pytest.fixture(scope="session")
def small_economy() -> CouncilEconomy:
    """A seeded small council economy (runs everywhere, no shared data needed)."""
    return generate_economy(SMALL_SCALE, seed=7, name="small")
