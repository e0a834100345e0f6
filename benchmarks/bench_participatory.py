"""Benchmark cooplan's participatory planning against demplan 0.1.1, side by side.

Both run year one (to the 3% threshold, cap 200 rounds) on the same council files in the same
process, alternating, and the median time per round is reported:

* the stored pilot experiments dep1ex01–NN (3,000 + 3,000 councils, 50 goods) from
  ../shared/data/pequod when present, otherwise generated pilot-scale files;
* a book-scale economy (30,000 + 30,000 councils, 100 goods per category, spec §11.4),
  with cooplan's time per round and peak memory (tracemalloc and the process's peak RSS).

Usage::

    .venv/bin/python benchmarks/bench_participatory.py [--files 5] [--repeats 7] [--no-book]
        [--dask] [--write docs/benchmarks-participatory.md]
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import statistics
import subprocess
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cooplan.planning.participatory import (
    BOOK_SCALE,
    PILOT_SCALE,
    generate_economy,
    load_pequod,
    run_participatory,
    write_pequod,
)

ROOT = Path(__file__).resolve().parents[1]
PEQUOD_DIR = ROOT / ".." / "shared" / "data" / "pequod"


@dataclass
class Timing:
    """Median seconds per round of a run, with its round count."""

    name: str
    rounds: int
    seconds_per_round: list[float]

    @property
    def median_ms(self) -> float:
        return 1e3 * statistics.median(self.seconds_per_round)


def _time_run(run: Callable[[], int]) -> tuple[float, int]:
    gc.collect()
    start = time.perf_counter()
    rounds = run()
    return time.perf_counter() - start, rounds


def _demplan_runner(path: Path) -> Callable[[], int] | None:
    try:
        import demplan
        from demplan.prefabs.hahnel import HahnelBook2021
    except ImportError:
        return None
    economy = demplan.load_dep1ex(str(path))
    procedure = HahnelBook2021(threshold_pct=3.0, max_rounds=200)

    def run() -> int:
        return int(demplan.run(procedure, economy, seed=0, differences=False).summary.rounds)

    return run


def _cooplan_runner(path: Path) -> Callable[[], int]:
    economy = load_pequod(path)

    def run() -> int:
        return run_participatory(economy, years=1).rounds

    return run


def compare(paths: list[Path], repeats: int) -> list[tuple[str, Timing, Timing | None]]:
    """Alternate demplan and cooplan runs on each file; per-round seconds per repeat."""
    rows = []
    for path in paths:
        ours = _cooplan_runner(path)
        theirs = _demplan_runner(path)
        ours_t = Timing("cooplan", 0, [])
        theirs_t = Timing("demplan", 0, []) if theirs else None
        for _ in range(repeats):
            seconds, ours_t.rounds = _time_run(ours)
            ours_t.seconds_per_round.append(seconds / ours_t.rounds)
            if theirs and theirs_t is not None:
                seconds, theirs_t.rounds = _time_run(theirs)
                theirs_t.seconds_per_round.append(seconds / theirs_t.rounds)
        rows.append((path.name.split(".")[0], ours_t, theirs_t))
        print(
            f"{path.name}: cooplan {ours_t.median_ms:.3f} ms/round ({ours_t.rounds} rounds)"
            + (
                f", demplan {theirs_t.median_ms:.3f} ms/round ({theirs_t.rounds} rounds)"
                if theirs_t
                else ""
            ),
            flush=True,
        )
    return rows


def book_scale(repeats: int, with_demplan: bool, with_dask: bool) -> dict[str, object]:
    """Time per round and peak memory at book scale (30,000 + 30,000 councils, 500 goods)."""
    economy = generate_economy(BOOK_SCALE, seed=0, name="book-seed0")
    out: dict[str, object] = {
        "wcs": economy.workers.count,
        "ccs": economy.consumers.count,
        "goods": economy.commodity_count,
        "entries": int(economy.workers.input_offsets[-1]),
    }
    per_round = []
    for _ in range(repeats):
        seconds, rounds = _time_run(lambda: run_participatory(economy, years=1).rounds)
        per_round.append(seconds / rounds)
    out["rounds"] = rounds
    out["cooplan_ms"] = 1e3 * statistics.median(per_round)
    two_years = []
    for _ in range(repeats):
        seconds, rounds2 = _time_run(lambda: run_participatory(economy, years=2, seed=1).rounds)
        two_years.append(seconds)
    out["two_year_rounds"] = rounds2
    out["two_year_s"] = statistics.median(two_years)
    tracemalloc.start()
    run_participatory(economy, years=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out["tracemalloc_peak_mib"] = peak / 2**20
    out["maxrss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"book scale: cooplan {out['cooplan_ms']:.2f} ms/round, peak {peak / 2**20:.1f} MiB")
    if with_dask:
        from distributed import Client, LocalCluster

        with (
            LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):

            def on_cluster() -> int:
                return run_participatory(economy, years=1, client=client).rounds

            seconds, rounds = _time_run(on_cluster)
            out["dask_ms"] = 1e3 * seconds / rounds
        print(f"book scale on a 2-process LocalCluster: {out['dask_ms']:.2f} ms/round")
    if with_demplan:
        with tempfile.TemporaryDirectory() as folder:
            path = write_pequod(economy, Path(folder) / "book-seed0.clj.gz")
            theirs = _demplan_runner(path)
            if theirs is not None:
                timings = []
                for _ in range(max(1, repeats // 2)):
                    seconds, theirs_rounds = _time_run(theirs)
                    timings.append(seconds / theirs_rounds)
                out["demplan_ms"] = 1e3 * statistics.median(timings)
                out["demplan_rounds"] = theirs_rounds
                print(f"book scale: demplan {out['demplan_ms']:.2f} ms/round")
    return out


def _machine() -> str:
    try:
        model = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        name = next(
            (
                line.split(":", 1)[1].strip()
                for line in model.splitlines()
                if line.startswith("Model name")
            ),
            platform.processor(),
        )
    except (OSError, subprocess.CalledProcessError):
        name = platform.processor()
    return f"{name}, {os.cpu_count()} cores visible, Python {platform.python_version()}"


def _versions() -> str:
    parts = [f"numpy {np.__version__}"]
    try:
        import demplan

        parts.append(f"demplan {getattr(demplan, '__version__', '0.1.1')}")
    except ImportError:
        parts.append("demplan not installed")
    return ", ".join(parts)


def report(
    rows: list[tuple[str, Timing, Timing | None]],
    book: dict[str, object] | None,
    source: str,
    repeats: int,
) -> str:
    lines = [
        "# Benchmarks: participatory planning",
        "",
        "Produced by `benchmarks/bench_participatory.py` "
        f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}).",
        "",
        f"Machine: {_machine()}; {_versions()}.",
        f"Load average at the end of the run: {os.getloadavg()[0]:.1f} on 2 cores: the container",
        "is shared with other jobs, so absolute times vary (up to 2× under load); the ratios",
        "come from runs interleaved in one process.",
        "",
        "## Pilot experiments, cooplan vs demplan",
        "",
        f"Year one to the 3% threshold, {repeats} interleaved repeats per file, median time per",
        f"round (whole run ÷ rounds, setup included). Files: {source}.",
        "",
        "| file | rounds (cooplan / demplan) | cooplan ms/round | demplan ms/round | speed-up |",
        "|---|---|---|---|---|",
    ]
    ratios = []
    for name, ours, theirs in rows:
        if theirs is None:
            lines.append(f"| {name} | {ours.rounds} / – | {ours.median_ms:.3f} | – | – |")
            continue
        ratio = theirs.median_ms / ours.median_ms
        ratios.append(ratio)
        lines.append(
            f"| {name} | {ours.rounds} / {theirs.rounds} | {ours.median_ms:.3f} | "
            f"{theirs.median_ms:.3f} | {ratio:.1f}× |"
        )
    if ratios:
        lines += ["", f"Median speed-up over the files: **{statistics.median(ratios):.1f}×**."]
    if book:
        lines += [
            "",
            "## Book scale (30,000 WCs + 30,000 CCs, 100 goods per category)",
            "",
            "Generated per spec §11.4 (`generate_economy(BOOK_SCALE, seed=0)`): "
            f"{book['wcs']} WCs, {book['ccs']} CCs, {book['goods']} commodities, "
            f"{book['entries']} WC input entries.",
            "",
            "| measure | value |",
            "|---|---|",
            f"| year-one rounds to 3% | {book['rounds']} |",
            f"| cooplan time per round (median of runs, setup included) | "
            f"{book['cooplan_ms']:.2f} ms |",
            f"| cooplan, two years ({book['two_year_rounds']} rounds; year two draws 6.2 M "
            f"exponent changes), whole run | {book['two_year_s']:.2f} s |",
            f"| peak traced memory during a run (tracemalloc) | "
            f"{book['tracemalloc_peak_mib']:.1f} MiB |",
            f"| peak RSS of the benchmark process so far | {book['maxrss_mib']:.0f} MiB |",
        ]
        if "dask_ms" in book:
            lines.append(
                "| cooplan on a 2-process Dask LocalCluster, per round | "
                f"{book['dask_ms']:.2f} ms |"
            )
        if "demplan_ms" in book:
            lines.append(
                f"| demplan time per round ({book['demplan_rounds']} rounds) | "
                f"{book['demplan_ms']:.2f} ms |"
            )
            lines.append(
                f"| speed-up | {float(book['demplan_ms']) / float(book['cooplan_ms']):.1f}× |"
            )
    if book and "dask_ms" in book:
        lines += [
            "",
            "The Dask row runs two worker processes on the same two cores: every round is a",
            "round trip to both workers, and the year's blocks are scattered to them first, so",
            "on one machine it is slower than one process. It is there for economies whose",
            "councils do not fit one machine; its results equal the single-process run bit for",
            "bit (tests/participatory/test_participatory_dask.py).",
        ]
    lines += [
        "",
        "Rerun: `.venv/bin/python benchmarks/bench_participatory.py --files 10 --dask "
        "--write docs/benchmarks-participatory.md` (needs `pip install demplan==0.1.1`).",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=5, help="number of dep1exNN files")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--no-book", action="store_true", help="skip the book-scale case")
    parser.add_argument("--no-book-demplan", action="store_true")
    parser.add_argument("--dask", action="store_true", help="also time a Dask LocalCluster")
    parser.add_argument("--write", type=Path, default=None, help="write the Markdown report")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if PEQUOD_DIR.is_dir():
            paths = [PEQUOD_DIR / f"dep1ex{n:02d}.clj.gz" for n in range(1, args.files + 1)]
            source = f"stored dep1ex01–{args.files:02d} (pequod-cljs, commit 0d24482)"
        else:
            paths = [
                write_pequod(
                    generate_economy(PILOT_SCALE, seed=n, name=f"pilot{n}"),
                    Path(folder) / f"pilot{n}.clj",
                )
                for n in range(args.files)
            ]
            source = "generated pilot-scale economies (../shared absent)"
        rows = compare(paths, args.repeats)
    book = None if args.no_book else book_scale(3, not args.no_book_demplan, args.dask)
    text = report(rows, book, source, args.repeats)
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
