"""``cooplan compare DIR``: several planning mechanisms on one economy, side by side."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

import cooplan.planning.harmony.mechanism  # noqa: F401 - registers the "harmony" mechanism
from cooplan.cli.options import assignment, malformed
from cooplan.cli.output import console, fmt, working
from cooplan.io import load_economy
from cooplan.planning.compare import (
    Comparison,
    compare,
    plot_comparison,
    write_csv,
    write_json,
)


def _compact(value: float | None) -> str:
    """A large quantity in 4 significant digits with k/M/G (e.g. 23.18 M)."""
    if value is None:
        return "—"
    for size, suffix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if abs(value) >= size:
            return f"{value / size:.4g}{suffix}"
    return fmt(value)


def _figure(value: float | None) -> str:
    """A score in 4 significant digits; rounding noise (|x| < 5e-7) shown as 0."""
    if value is None:
        return "—"
    return "0" if abs(value) < 5e-7 else f"{value:.4g}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def print_comparison(comparison: Comparison, unit: str = "hour") -> None:
    """The Rich table of a comparison: one row per mechanism (first seed's plan)."""
    table = Table(
        title=f"{comparison.economy}: {len(comparison.products)} products with demand, "
        f"seeds {', '.join(map(str, comparison.seeds))}",
        title_justify="left",
    )
    columns = (
        "mechanism",
        "status",
        f"labour ({unit})",
        "over hours",
        "limits over",
        "max over",
        "min fulf.",
        "mean fulf.",
        "unmet",
        "harmony",
        "rounds",
        "s",
        "MB",
    )
    for column in columns:
        left = column in ("mechanism", "status")
        table.add_column(column, justify="left" if left else "right", no_wrap=left)
    for summary in comparison.summaries():
        run = summary.first
        status = summary.status.value + ("" if summary.same_plan_every_seed else " (varies)")
        table.add_row(
            summary.mechanism,
            status,
            _compact(run.labour_used),
            _compact(run.labour_beyond_hours),
            str(run.limits_exceeded),
            _percent(run.max_overuse),
            _percent(run.lowest_fulfilment),
            _percent(run.mean_fulfilment),
            _percent(run.total_unmet_share),
            _figure(run.harmony),
            str(run.rounds),
            f"{summary.median_time_s:.3g}",
            f"{summary.max_peak_memory_mb:.3g}",
        )
    console.print(table)
    for summary in comparison.summaries():
        over = summary.first.overused
        if over:
            shown = ", ".join(f"{name} +{value:.1%}" for name, value in list(over.items())[:5])
            more = f" and {len(over) - 5} more" if len(over) > 5 else ""
            console.print(f"[yellow]{summary.mechanism}[/] exceeds {shown}{more}")
    console.print(
        f"coops' hours: {fmt(comparison.runs[0].labour_available)} {unit}. over hours: "
        "hours beyond coops' own; limits over: coops, capacities, resources beyond their "
        "limit (max over: the worst, relative); fulf. = delivered / demand (mean capped at "
        "1); unmet: mean unmet share; harmony: Σ w H(y/d − 1); s: median wall time; MB: peak "
        "traced memory."
    )


def _parse_options(raw: list[str]) -> dict[str, dict[str, Any]]:
    options: dict[str, dict[str, Any]] = {}
    form = ("--option", "MECHANISM.KEY=VALUE", "harmony.max_rounds=200")
    for item in raw:
        target, value = assignment(item, *form)
        name, _, key = target.partition(".")
        if not (name and key):
            raise malformed(item, *form)
        options.setdefault(name, {})[key] = value
    return options


def register(app: typer.Typer) -> None:
    @app.command("compare")
    def compare_command(
        folder: Path = typer.Argument(..., help="Economy folder."),
        mechanisms: str | None = typer.Option(
            None,
            "--mechanisms",
            "-m",
            help="Comma-separated mechanism names (default: every registered one).",
        ),
        seeds: int = typer.Option(1, "--seeds", help="Run each mechanism with seeds 0..N-1."),
        option: list[str] = typer.Option(
            [], "--option", "-o", help="MECHANISM.KEY=VALUE passed to that mechanism."
        ),
        json_file: Path | None = typer.Option(None, "--json", help="Write everything as JSON."),
        csv_file: Path | None = typer.Option(
            None, "--csv", help="Write one row per mechanism and seed as CSV."
        ),
        plot_file: Path | None = typer.Option(
            None, "--plot", help="Draw fulfilment and labour per mechanism into a PNG."
        ),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No table on the console."),
    ) -> None:
        """Run planning mechanisms on the same economy and compare labour, fulfilment, cost."""
        names = None if mechanisms is None else mechanisms.split(",")
        options = _parse_options(option)
        economy = load_economy(folder)
        with working(f"comparing mechanisms on {economy.meta.name}…"):
            comparison = compare(economy, names, seeds, options=options)
        if not quiet:
            print_comparison(comparison, economy.meta.labour_unit)
        for path, writer in (
            (json_file, write_json),
            (csv_file, write_csv),
            (plot_file, plot_comparison),
        ):
            if path is not None:
                writer(comparison, path)
                console.print(f"wrote {path}")
