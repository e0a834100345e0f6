"""``cooplan participatory``: run Albert–Hahnel participatory planning on a council file."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from cooplan.errors import InputError, Problem
from cooplan.io.folder import load_economy
from cooplan.planning.participatory import (
    DEFAULT_BLOCK_SIZE,
    DEFAULT_MAX_ROUNDS,
    DEFAULT_THRESHOLD,
    Category,
    LabourPooling,
    ParticipatoryResult,
    load_pequod,
    load_recovered_year2,
    run_federation,
    run_participatory,
)
from cooplan.planning.participatory.federation import FederationResult
from cooplan.planning.participatory.generator import BOOK_SCALE, PILOT_SCALE, generate_economy
from cooplan.planning.participatory.writer import write_pequod

console = Console()
_SCALES = {"pilot": PILOT_SCALE, "book": BOOK_SCALE}
#: Seconds to wait for a Dask scheduler before giving up.
_CONNECT_TIMEOUT_S = 20


def _write_json(path: Path, payload: dict[str, Any]) -> None:
    """Write ``payload`` to ``path`` through a temporary file (nothing is half-written)."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        temporary.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def _print(result: ParticipatoryResult) -> None:
    summary = Table(title=f"Participatory planning: {result.economy}")
    for column in ("year", "status", "rounds", "max imbalance %", "first round < 5%"):
        summary.add_column(column, justify="right")
    for year in result.years:
        below = year.first_round_below(5.0)
        summary.add_row(
            str(year.year),
            year.status.value,
            str(year.rounds),
            f"{year.max_imbalance_pct:.4f}",
            "—" if below is None else str(below),
        )
    console.print(summary)
    for year in result.years:
        worst = ", ".join(f"{v:.3f}" for v in year.worst_imbalance_pct)
        console.print(f"year {year.year} worst imbalance by round (%): {worst}", highlight=False)
    goods = len(result.commodities) // 5
    prices = result.final_prices.reshape(5, goods)
    table = Table(title="Final prices (after the last update)")
    table.add_column("good", justify="right")
    for category in Category:
        table.add_column(category.label, justify="right")
    if goods <= 10:
        for good in range(goods):
            table.add_row(str(good + 1), *(f"{p:.2f}" for p in prices[:, good]))
    else:
        for label, reduce in (("min", np.min), ("median", np.median), ("max", np.max)):
            table.add_row(label, *(f"{float(reduce(row)):.2f}" for row in prices))
    console.print(table)


def _print_federation(result: FederationResult) -> None:
    year = result.year
    summary = Table(title=f"Participatory planning, coops as councils: {result.councils.economy}")
    for column in ("status", "rounds", "max imbalance %", "first round < 5%", "labour"):
        summary.add_column(column, justify="right")
    below = year.first_round_below(5.0)
    summary.add_row(
        year.status.value,
        str(year.rounds),
        f"{year.max_imbalance_pct:.4f}",
        "—" if below is None else str(below),
        result.councils.labour.value,
    )
    console.print(summary)
    worst = ", ".join(f"{v:.3f}" for v in year.worst_imbalance_pct)
    console.print(f"worst imbalance by round (%): {worst}", highlight=False)
    table = Table(title="Commodities (prices in hours; the plan's round)")
    for column in ("commodity", "category", "start price", "plan price", "supply", "demand", "%"):
        table.add_column(column, justify="left" if column == "commodity" else "right")
    councils = result.councils
    for j, name in enumerate(councils.commodity_ids):
        table.add_row(
            name,
            councils.commodity_category[j].label,
            f"{councils.calibration_prices[j]:.4g}",
            f"{year.plan_prices[j]:.4g}",
            f"{year.supply[-1, j]:.6g}",
            f"{year.demand[-1, j]:.6g}",
            f"{year.imbalance_pct[-1, j]:.2f}",
        )
    console.print(table)


def _run_folder(
    folder: Path,
    labour: str,
    threshold: float,
    max_rounds: int,
    unused: Mapping[str, object],
    json_out: Path | None,
) -> None:
    """``cooplan participatory FOLDER``: the federation's coops and regions as councils."""
    problems = [
        Problem("command line", "applies only to council files", column=name, value=str(value))
        for name, value in unused.items()
        if value is not None
    ]
    if labour not in {p.value for p in LabourPooling}:
        problems.append(
            Problem(
                "command line",
                "unknown labour pooling",
                column="--labour",
                value=labour,
                fix="choose federation, group or coop",
            )
        )
    error = InputError.collect(problems, summary="invalid options for an economy folder")
    if error is not None:
        raise error
    result = run_federation(
        load_economy(folder),
        labour=LabourPooling(labour),
        threshold=threshold,
        max_rounds=max_rounds,
    )
    _print_federation(result)
    if json_out is not None:
        plan = result.to_plan()
        payload = {
            "economy": result.councils.economy,
            "mechanism": plan.mechanism,
            "status": plan.status.value,
            "rounds": plan.rounds,
            "activity": plan.activity,
            "output": plan.output,
            "labour_used": plan.labour_used,
            "final_delivered": plan.final_delivered,
            "details": plan.details,
        }
        _write_json(json_out, payload)
        console.print(f"wrote {json_out}", highlight=False)


def _check_options(threshold: float, years: int, max_rounds: int, block_size: int) -> None:
    """Refuse option values the procedure cannot run with (exit status 2)."""
    checks = (
        ("--threshold", threshold, 0 < threshold < 2, "give a fraction in (0, 2), e.g. 0.03"),
        ("--years", years, years >= 1, "give at least 1"),
        ("--max-rounds", max_rounds, max_rounds >= 1, "give at least 1"),
        ("--block-size", block_size, block_size >= 1, "give at least 1"),
    )
    problems = [
        Problem("command line", "option value out of range", column=name, value=value, fix=fix)
        for name, value, ok, fix in checks
        if not ok
    ]
    error = InputError.collect(problems, summary="invalid options")
    if error is not None:
        raise error


def register(app: typer.Typer) -> None:
    """Add ``participatory`` and ``participatory-generate`` to ``app``."""

    @app.command("participatory")
    def participatory(
        file: Path = typer.Argument(
            ...,
            help="Council file (pequod-cljs .clj or .clj.gz), or an economy folder: its "
            "coops and regions then act as the councils.",
        ),
        threshold: float = typer.Option(
            DEFAULT_THRESHOLD,
            help="Stop a year when the worst relative imbalance is at most this (0.03 = 3%).",
        ),
        years: int = typer.Option(2, help="Planning years (year 2+: augmented reset)."),
        max_rounds: int = typer.Option(DEFAULT_MAX_ROUNDS, help="Round cap per year."),
        seed: int = typer.Option(0, help="Seed of the year-two changes (unless --year2-draws)."),
        year2_draws: Path | None = typer.Option(
            None, help="Recovered year-two draws (dep1ex_year2_recovered.json.gz)."
        ),
        experiment: str | None = typer.Option(
            None, help="Experiment id in --year2-draws (default: the file's name, e.g. dep1ex01)."
        ),
        scheduler: str | None = typer.Option(
            None, help="Dask scheduler address (e.g. tcp://host:8786): evaluate councils there."
        ),
        block_size: int = typer.Option(
            DEFAULT_BLOCK_SIZE, help="Councils per block (sets the summation order)."
        ),
        json_out: Path | None = typer.Option(None, "--json", help="Write the result as JSON."),
        labour: str = typer.Option(
            "coop", help="Economy folder only: labour pools: coop, group or federation."
        ),
    ) -> None:
        """Run participatory planning (Albert & Hahnel, as pequod-cljs) on FILE."""
        _check_options(threshold, years, max_rounds, block_size)
        if file.is_dir():
            unused = {
                "--year2-draws": year2_draws,
                "--experiment": experiment,
                "--scheduler": scheduler,
            }
            _run_folder(file, labour, threshold, max_rounds, unused, json_out)
            return
        economy = load_pequod(file)
        draws = None
        if year2_draws is not None:
            draws = load_recovered_year2(year2_draws, experiment or economy.name, economy)
        client = None
        if scheduler is not None:
            from distributed import Client

            try:
                client = Client(scheduler, timeout=_CONNECT_TIMEOUT_S)
            except (OSError, ValueError) as error:  # unreachable, timed out, bad address
                raise InputError.single(
                    "--scheduler",
                    f"cannot reach the Dask scheduler: {error}",
                    value=scheduler,
                    fix="start `dask scheduler` and workers, or drop the option",
                ) from None
        try:
            result = run_participatory(
                economy,
                threshold=threshold,
                years=years,
                max_rounds=max_rounds,
                year2_draws=draws,
                seed=seed,
                client=client,
                block_size=block_size,
            )
        finally:
            if client is not None:
                client.close()
        _print(result)
        if json_out is not None:
            _write_json(json_out, result.to_dict())
            console.print(f"wrote {json_out}", highlight=False)

    @app.command("participatory-generate")
    def participatory_generate(
        out: Path = typer.Argument(..., help="Council file to write (.clj, or .clj.gz)."),
        scale: str = typer.Option("pilot", help="pilot (3,000+3,000, 10 goods) or book."),
        seed: int = typer.Option(0, help="Seed of the random draws."),
    ) -> None:
        """Write a random council economy drawn as pequod-cljs draws its experiments."""
        if scale not in _SCALES:
            raise InputError.single(
                "command line",
                "unknown scale",
                column="--scale",
                value=scale,
                fix=f"choose one of {sorted(_SCALES)}",
            )
        name = out.name.removesuffix(".gz").removesuffix(".clj")
        economy = generate_economy(_SCALES[scale], seed=seed, name=name)
        write_pequod(economy, out)
        console.print(
            f"wrote {out}: {economy.workers.count} worker and "
            f"{economy.consumers.count} consumer councils, {economy.commodity_count} goods",
            highlight=False,
        )
