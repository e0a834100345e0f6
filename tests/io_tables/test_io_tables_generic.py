"""import-io on hand-made tables in the generic format: Miller & Blair's two-sector example,
negative cells, coop splitting, labour units, and a property test over random tables."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooplan.cli import main
from cooplan.io.folder import load_economy, write_economy
from cooplan.io.io_tables import ImportOptions, LabourMeasure, SourceFormat, import_io
from cooplan.model.validate import build_economy
from cooplan.planning.balances import balance

# R. E. Miller & P. D. Blair, Input-Output Analysis: Foundations and Extensions, 2nd ed.
# (2009), ch. 2, sec. 2.3 numerical example (transcribed in
# /work/shared/data/examples/miller_blair_ch2_two_sector.json).
MB_Z = np.array([[150.0, 500.0], [200.0, 100.0]])
MB_FINAL_DEMAND = [350.0, 1700.0]
MB_OUTPUT = [1000.0, 2000.0]
MB_VALUE_ADDED = [650.0, 1400.0]
MB_A = [[0.15, 0.25], [0.2, 0.05]]
MB_NEW_FINAL_DEMAND = [600.0, 1500.0]
MB_NEW_OUTPUT = [1247.52, 1841.58]  # published to 2 decimals
MB_CODES = ("1", "2")


@pytest.fixture
def miller_blair(tmp_path: Path, write_generic: Callable[..., Path]) -> Path:
    return write_generic(
        tmp_path / "mb",
        MB_CODES,
        MB_Z,
        MB_FINAL_DEMAND,
        MB_OUTPUT,
        {"compensation": MB_VALUE_ADDED, "jobs": [65.0, 140.0]},
        name="Miller & Blair ch. 2",
    )


def test_miller_blair_coefficients_and_base_output(miller_blair: Path, tmp_path: Path) -> None:
    result = import_io(miller_blair, tmp_path / "out")
    economy = load_economy(tmp_path / "out")
    A = {(r.product, r.process): r.quantity for r in economy.inputs.itertuples()}
    for i, row in enumerate(MB_A):
        for j, value in enumerate(row):
            assert A[(MB_CODES[i], MB_CODES[j])] == pytest.approx(value, abs=1e-12)
    assert result.report.source_format is SourceFormat.GENERIC
    assert result.report.labour_measure is LabourMeasure.COMPENSATION
    labour = dict(zip(economy.processes["product"], economy.processes["labour"], strict=True))
    assert labour == pytest.approx({"1": 0.65, "2": 0.70})
    result_balance = balance(economy)
    assert [result_balance.gross_output[c] for c in MB_CODES] == pytest.approx(MB_OUTPUT)
    # Σ labour = Σ value added: 2050 (Miller & Blair's value-added row)
    assert result_balance.total_labour == pytest.approx(sum(MB_VALUE_ADDED))
    assert economy.meta.labour_unit == "USD million of compensation"
    assert economy.meta.currency == "USD million"


def test_miller_blair_new_final_demand(miller_blair: Path, tmp_path: Path) -> None:
    economy = import_io(miller_blair).economy
    raw = {name: economy.table(name) for name in ("products", "coops", "processes", "inputs")}
    raw["demand"] = economy.demand.assign(quantity=MB_NEW_FINAL_DEMAND)
    raw["groups"] = economy.groups
    changed = build_economy(economy.meta, raw)
    out = balance(changed).gross_output
    assert [out[c] for c in MB_CODES] == pytest.approx(MB_NEW_OUTPUT, abs=0.005)


def test_jobs_labour_and_coop_split(miller_blair: Path) -> None:
    result = import_io(miller_blair, options=ImportOptions(coop_size=30, labour=LabourMeasure.JOBS))
    economy = result.economy
    assert economy.meta.labour_unit == "job"
    coops = economy.coops
    # 65 jobs → 3 coops of 22/22/21; 140 → 5 coops of 28
    sizes = coops.groupby(coops["id"].str.split("-").str[0])["members"].apply(list).to_dict()
    assert sizes == {"1": [22, 22, 21], "2": [28] * 5}
    assert (coops["members"] <= 30).all()
    procs = economy.processes
    capacity = procs.groupby("product")["capacity"].sum()
    assert capacity.to_dict() == pytest.approx({"1": 1000.0, "2": 2000.0})
    hours = (coops["members"] * coops["hours_per_member"]).sum()
    assert hours == pytest.approx(65 + 140)
    assert balance(economy).gross_output == pytest.approx({"1": 1000.0, "2": 2000.0})


def test_negative_cells_are_moved_and_output_kept(
    tmp_path: Path, write_generic: Callable[..., Path]
) -> None:
    # Industry "b" sells −5 to "a" (used goods) and its final demand is −20 (stock drawdown).
    Z = np.array([[10.0, 20.0, 5.0], [-5.0, 10.0, 40.0], [15.0, 5.0, 10.0]])
    output = np.array([100.0, 25.0, 80.0])
    final = output - Z.sum(axis=1)
    assert final[1] < 0
    folder = write_generic(
        tmp_path / "neg",
        ("a", "b", "c"),
        Z,
        final,
        output,
        {"hours": [50.0, 10.0, 30.0], "jobs": [2.0, 1.0, 1.0]},
        imports=[3.0, 0.0, 1.0],
    )
    result = import_io(folder)
    report = result.report
    assert report.negative_flows_moved == 1
    assert report.negative_flows_total == pytest.approx(-5.0)
    assert report.negative_demand_absorbed == ("b",)
    assert report.labour_measure is LabourMeasure.HOURS
    assert (result.economy.inputs["quantity"] >= 0).all()
    assert (result.economy.demand["quantity"] > 0).all()
    got = balance(result.economy).gross_output
    assert [got[c] for c in "abc"] == pytest.approx(output, rel=1e-12)
    imports = result.economy.inputs[result.economy.inputs["product"] == "IMPORTS"]
    assert dict(zip(imports["process"], imports["quantity"], strict=True)) == pytest.approx(
        {"a": 0.03, "c": 0.0125}
    )


def test_zero_output_industry_without_flows_is_dropped(
    tmp_path: Path, write_generic: Callable[..., Path]
) -> None:
    Z = np.array([[10.0, 0.0], [0.0, 0.0]])
    folder = write_generic(
        tmp_path / "z", ("a", "idle"), Z, [90.0, 0.0], [100.0, 0.0], {"jobs": [3.0, 0.0]}
    )
    result = import_io(folder)
    assert result.report.dropped_industries == ("idle",)
    assert list(result.economy.processes["product"]) == ["a"]


def test_cli_writes_folder_and_reports(
    miller_blair: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cli-out"
    code = main(["import-io", str(miller_blair), str(out), "--format", "generic"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "labour: compensation" in printed
    assert "max |Δ|" in printed
    economy = load_economy(out)
    assert "labour per unit = compensation" in economy.meta.description
    assert economy.summary()["products"] == 2  # no imports in the table: no IMPORTS resource


@st.composite
def _tables(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    n = draw(st.integers(1, 6))
    cells = st.floats(0.0, 1.0, allow_nan=False)
    shares = np.array(draw(st.lists(cells, min_size=n * n, max_size=n * n))).reshape(n, n)
    output = np.array(draw(st.lists(st.floats(1.0, 1e6), min_size=n, max_size=n)))
    # Columns of A sum to at most 0.9, so the table is productive; Z = A x̂ and f = x − Z 1,
    # which is negative for some rows (then absorbed into intermediate use by the import).
    A = 0.9 * shares / np.maximum(shares.sum(axis=0, keepdims=True), 1.0)
    Z = A * output[np.newaxis, :]
    final = output - Z.sum(axis=1)
    return Z, final, output, int(draw(st.integers(1, 5_000)))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(table=_tables(), jobs_seed=st.integers(1, 10_000))
def test_property_balance_reproduces_output(
    tmp_path_factory: pytest.TempPathFactory,
    write_generic: Callable[..., Path],
    table: tuple[np.ndarray, np.ndarray, np.ndarray, int],
    jobs_seed: int,
) -> None:
    Z, final, output, coop_size = table
    n = len(output)
    codes = tuple(f"i{k}" for k in range(n))
    jobs = [float(jobs_seed % (97 + k) + 1) for k in range(n)]
    folder = write_generic(
        tmp_path_factory.mktemp("prop"),
        codes,
        Z,
        final,
        output,
        {"jobs": jobs, "compensation": list(output * 0.3)},
    )
    result = import_io(folder, options=ImportOptions(coop_size=coop_size))
    economy = result.economy
    got = balance(economy).gross_output
    assert [got[c] for c in codes] == pytest.approx(list(output), rel=1e-9)
    coops = economy.coops
    assert int(coops["members"].sum()) == int(sum(jobs))
    labour = (coops["members"] * coops["hours_per_member"]).sum()
    assert labour == pytest.approx(float((output * 0.3).sum()), rel=1e-9)
    if (economy.processes["capacity"].notna()).any():
        cap = economy.processes.dropna(subset=["capacity"]).groupby("product")["capacity"].sum()
        for product, value in cap.items():
            assert value == pytest.approx(output[codes.index(str(product))], rel=1e-9)


def test_round_trip_through_folder(miller_blair: Path, tmp_path: Path) -> None:
    economy = import_io(miller_blair).economy
    write_economy(economy, tmp_path / "again")
    loaded = load_economy(tmp_path / "again")
    assert balance(loaded).gross_output == pytest.approx(balance(economy).gross_output)
