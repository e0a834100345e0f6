"""The five real tables in ../shared: each imports into a valid economy whose balance
reproduces the publisher's own gross output within the table's rounding, with the labour
totals the READMEs state."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from cooplan.io.folder import load_economy
from cooplan.io.io_tables import (
    ImportOptions,
    LabourMeasure,
    SourceFormat,
    import_io,
    read_table,
)
from cooplan.io.io_tables.sectors import BEA_SECTOR_OF_SUMMARY
from cooplan.planning.balances import balance

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "us_bea_2023"


def _published(
    path: Path, key: str, value: str, where: tuple[str, str] | None = None
) -> dict[str, float]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if where is not None:
        rows = [r for r in rows if r[where[0]] == where[1]]
    return {r[key]: float(r[value]) for r in rows}


@dataclass(frozen=True)
class Case:
    folder: str
    fmt: SourceFormat
    published_file: str
    key: str
    value: str
    where: tuple[str, str] | None
    tolerance: float | None  # None: 0.30 × ‖Leontief inverse‖∞ (see the OECD case)
    labour: LabourMeasure
    labour_total: float
    members_total: float | None
    region: str
    n_groups: int
    wage: float | None = None


_BEA: dict[str, Any] = {
    "published_file": "totals.csv",
    "key": "code",
    "value": "value",
    "where": ("item", "industry_output"),
    "fmt": SourceFormat.BEA,
}
_OECD: dict[str, Any] = {
    "published_file": "gross_output.csv",
    "key": "industry",
    "value": "gross_output",
    "where": None,
    "fmt": SourceFormat.OECD,
    "tolerance": None,
    "members_total": None,
}
CASES = [
    # README us_bea_summary_2023: "industry output = Σ make row: max abs. difference 4";
    # "compensation of employees 14,209,567"; 2018 jobs 200,746,000 (splits ±2 per group).
    Case(
        "us_bea_summary_2023",
        **_BEA,
        tolerance=4.0,
        labour=LabourMeasure.COMPENSATION,
        labour_total=14_209_567.0,
        members_total=200_746_000.0,
        region="us",
        n_groups=15,
    ),
    # README us_bea_detail_2017: "industry output = Σ make row: 4"; compensation 10,434,981;
    # 2017 jobs 196,825,300 (us_bea_summary_2023/checks.json, SAEMP25N line 10, 2017);
    # groups: 15 sectors + 71 summary industries.
    Case(
        "us_bea_detail_2017",
        **_BEA,
        tolerance=4.0,
        labour=LabourMeasure.COMPENSATION,
        labour_total=10_434_981.0,
        members_total=196_825_300.0,
        region="us",
        n_groups=15 + 71,
    ),
    # README oecd_2018_USA_2015: "gross output = Σ domestic intermediate uses (row) + Σ domestic
    # final uses: 0.30" (propagated through the Leontief inverse); labour compensation
    # 9,862,854.3 (no headcount: members from an illustrative, stated wage). 17 ISIC groups
    # (sections A–T with D-E, M-N and R-S merged, as in the OECD industry list).
    Case(
        "oecd_2018_USA_2015",
        **_OECD,
        labour=LabourMeasure.COMPENSATION,
        labour_total=9_862_854.3,
        region="us",
        n_groups=17,
        wage=0.07,
    ),
    # README oecd_2018_DEU_2015: same row-balance rounding 0.30; labour compensation 1,722,218.6.
    Case(
        "oecd_2018_DEU_2015",
        **_OECD,
        labour=LabourMeasure.COMPENSATION,
        labour_total=1_722_218.6,
        region="de",
        n_groups=17,
        wage=0.05,
    ),
    # README sweden_sut_2016: every identity exact (0); hours 7,943,530 thousand;
    # persons 4,896,500. 20 ISIC sections (T-U merged).
    Case(
        "sweden_sut_2016",
        fmt=SourceFormat.SWEDEN,
        published_file="industry_accounts.csv",
        key="industry",
        value="value",
        where=("variable", "output_basic_prices"),
        tolerance=0.0,
        labour=LabourMeasure.HOURS,
        labour_total=7_943_530_000.0,
        members_total=4_896_500.0,
        region="se",
        n_groups=20,
    ),
]

ROW_BALANCE_ROUNDING_OECD = 0.30


def _table(shared_dir: Path, name: str) -> Path:
    folder = shared_dir / "data" / "io-tables" / name
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    return folder


def _leontief_norm(economy_inputs: dict[tuple[Any, Any], Any], codes: list[str]) -> float:
    index = {c: i for i, c in enumerate(codes)}
    A = np.zeros((len(codes), len(codes)))
    for (process, product), q in economy_inputs.items():
        if product in index:
            A[index[product], index[process]] = q
    return float(np.abs(np.linalg.inv(np.eye(len(codes)) - A)).sum(axis=1).max())


@pytest.mark.parametrize("case", CASES, ids=[c.folder for c in CASES])
def test_balance_reproduces_published_output(case: Case, shared_dir: Path, tmp_path: Path) -> None:
    folder = _table(shared_dir, case.folder)
    result = import_io(folder, tmp_path / "economy", options=ImportOptions(wage=case.wage))
    assert result.report.source_format is case.fmt
    assert result.report.labour_measure is case.labour
    economy = load_economy(tmp_path / "economy")  # the written folder validates
    assert list(economy.regions["id"]) == [case.region]
    assert len(economy.groups) == case.n_groups
    published = _published(folder / case.published_file, case.key, case.value, case.where)
    got = balance(economy)
    assert set(got.gross_output) == set(published)
    if case.tolerance is None:
        inputs = {(r.process, r.product): r.quantity for r in economy.inputs.itertuples()}
        tolerance = ROW_BALANCE_ROUNDING_OECD * _leontief_norm(inputs, list(published))
    else:
        tolerance = case.tolerance
    for product, value in published.items():
        assert got.gross_output[product] == pytest.approx(value, abs=tolerance + 1e-9 * value)
    assert got.total_labour == pytest.approx(case.labour_total, abs=1.0)
    coops = economy.coops
    available = float((coops["members"] * coops["hours_per_member"]).sum())
    assert available == pytest.approx(case.labour_total, abs=1.0)
    if case.members_total is not None:
        # members are whole persons: each industry's count is rounded (±0.5), and the
        # README's splits of SAEMP25N lines may move totals by ±2
        rounding = 0.5 * len(published) + 2
        assert int(coops["members"].sum()) == pytest.approx(case.members_total, abs=rounding)


def test_bea_employment_year_follows_the_table_year(shared_dir: Path) -> None:
    table = read_table(_table(shared_dir, "us_bea_summary_2023"), year=2015)
    assert table.headcount is not None and "2015" in table.headcount.note
    # checks.json employment_line_coverage 2015: SAEMP25N total line 10 = 190,315,800 jobs
    assert table.headcount.values.sum() == pytest.approx(190_315_800, abs=50)


def test_sweden_coop_split_keeps_output_and_members(shared_dir: Path) -> None:
    folder = _table(shared_dir, "sweden_sut_2016")
    economy = import_io(folder, options=ImportOptions(coop_size=20_000)).economy
    assert (economy.coops["members"] <= 20_000).all()
    assert int(economy.coops["members"].sum()) == 4_896_500  # README: persons employed
    published = _published(
        folder / "industry_accounts.csv", "industry", "value", ("variable", "output_basic_prices")
    )
    capacity = economy.processes.groupby("product")["capacity"].sum(min_count=1)
    for product, cap in capacity.dropna().items():
        assert cap == pytest.approx(published[str(product)], rel=1e-9)
    got = balance(economy).gross_output
    for product, value in published.items():
        assert got[product] == pytest.approx(value, rel=1e-9)


def test_bea_sector_table_matches_crosswalk(shared_dir: Path) -> None:
    folder = _table(shared_dir, "us_bea_detail_2017")
    with (folder / "detail_to_summary.csv").open(encoding="utf-8") as handle:
        pairs = {(r["summary_code"], r["sector_code"]) for r in csv.DictReader(handle)}
    pairs = {(s, g) for s, g in pairs if s not in ("Used", "Other")}
    assert pairs == set(BEA_SECTOR_OF_SUMMARY.items())


def test_bea_detail_groups_nest_summary_in_sector(shared_dir: Path) -> None:
    economy = import_io(_table(shared_dir, "us_bea_detail_2017")).economy
    parent = dict(zip(economy.groups["id"], economy.groups["parent"], strict=True))
    assert parent["summary-111CA"] == "sector-11"
    assert set(economy.coops["group"]) <= {g for g in parent if g.startswith("summary-")}


def test_example_folder_balances_to_bea_totals() -> None:
    economy = load_economy(EXAMPLE)
    published = _published(EXAMPLE / "bea_published_output.csv", "industry", "value")
    got = balance(economy).gross_output
    assert len(published) == 71
    for product, value in published.items():
        # README us_bea_summary_2023: industry output = Σ make row within 4
        assert got[product] == pytest.approx(value, abs=4.0 + 1e-9 * value)


def test_example_folder_is_what_import_io_writes(shared_dir: Path, tmp_path: Path) -> None:
    folder = _table(shared_dir, "us_bea_summary_2023")
    import_io(folder, tmp_path / "fresh")
    for path in sorted((tmp_path / "fresh").iterdir()):
        committed = EXAMPLE / path.name
        assert committed.is_file(), f"{path.name} missing from examples/us_bea_2023"
        stale = f"examples/us_bea_2023/{path.name} is stale: regenerate it (see its README)"
        if path.suffix != ".csv":
            assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), stale
            continue
        old = pd.read_csv(committed, dtype=str, keep_default_na=False)
        new = pd.read_csv(path, dtype=str, keep_default_na=False)
        assert list(old.columns) == list(new.columns) and len(old) == len(new), stale
        for column in new.columns:
            numbers = pd.to_numeric(new[column], errors="coerce")
            if numbers.notna().all() and len(new):
                assert np.allclose(pd.to_numeric(old[column]), numbers, rtol=1e-9), stale
            else:
                assert old[column].tolist() == new[column].tolist(), stale
