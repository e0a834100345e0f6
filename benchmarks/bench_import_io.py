"""Benchmark ``cooplan import-io`` on the five real tables, beside its baseline.

Baseline: loading the written economy folder with ``load_economy`` (what every later command
pays). For each table in ../shared/data/io-tables: best-of-N wall time of reading the source
(``read_table``), converting and validating (``table_to_economy``), writing the folder, the
baseline load, and the Leontief balance. Writes a Markdown table to
docs/benchmarks-import-io.md (``--write``) and prints it.

    .venv/bin/python benchmarks/bench_import_io.py --repeat 3 --write
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from cooplan.io.folder import load_economy, write_economy
from cooplan.io.io_tables import ImportOptions, ImportResult, IndustryTable, read_table
from cooplan.io.io_tables.convert import table_to_economy
from cooplan.planning.balances import balance

REPO = Path(__file__).resolve().parents[1]
TABLES = REPO.parent / "shared" / "data" / "io-tables"
WAGE = {"oecd_2018_USA_2015": 0.07, "oecd_2018_DEU_2015": 0.05}  # illustrative, for members


def _best(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def _machine() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next(
            (
                line.split(":", 1)[1].strip()
                for line in out.splitlines()
                if line.startswith("Model name")
            ),
            platform.processor(),
        )
    except OSError:
        model = platform.processor()
    return f"{model}; Python {platform.python_version()}"


def _bench_one(folder: Path, repeat: int) -> str:
    options = ImportOptions(wage=WAGE.get(folder.name))
    t_read, table = _best(partial(read_table, folder), repeat)
    assert isinstance(table, IndustryTable)
    t_conv, result = _best(partial(table_to_economy, table, options, str(folder)), repeat)
    assert isinstance(result, ImportResult)
    economy = result.economy
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "economy"
        t_write, _ = _best(partial(write_economy, economy, out), repeat)
        t_load, _ = _best(partial(load_economy, out), repeat)
    t_bal, _ = _best(partial(balance, economy), repeat)
    return (
        f"| {folder.name} | {len(economy.products)} | {len(economy.inputs):,} | "
        f"{t_read:.3f} | {t_conv:.3f} | {t_write:.3f} | {t_load:.3f} | {t_bal:.3f} |"
    )


def run(repeat: int) -> str:
    rows = [_bench_one(f, repeat) for f in sorted(p for p in TABLES.iterdir() if p.is_dir())]
    header = (
        "## import-io\n\n"
        f"Machine: {_machine()}; 2 cores shared. Best of {repeat} runs, seconds.\n"
        "Baseline: `load_economy` of the written folder.\n\n"
        "| table | products | input rows | read source | convert + validate | write | "
        "baseline: load folder | balance |\n|---|---|---|---|---|---|---|---|\n"
    )
    return header + "\n".join(rows) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks-import-io.md")
    args = parser.parse_args()
    if not TABLES.is_dir():
        raise SystemExit(f"{TABLES} is absent: nothing to benchmark")
    text = run(args.repeat)
    print(text)
    if args.write:
        (REPO / "docs" / "benchmarks-import-io.md").write_text(
            "# Benchmarks: import-io\n\n" + text, encoding="utf-8"
        )


if __name__ == "__main__":
    main()
