"""``cooplan balance DIR``: material balances, labour values and coop checks."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cooplan.cli.output import console, fmt, working, write_json
from cooplan.io import load_economy
from cooplan.planning.balances import BalanceResult, balance


def print_balance(result: BalanceResult, unit: str = "hour") -> None:
    """Rich tables of a balance: products, then coops with their labour check."""
    table = Table(title=f"Material balance — {result.economy}", title_justify="left")
    for column in ("product", "technique", "gross output", "intermediate", "final", "surplus"):
        table.add_column(column, justify="left" if column in ("product", "technique") else "right")
    table.add_column(f"labour value ({unit}/unit)", justify="right")
    for row in result.products:
        table.add_row(
            row.product,
            result.technique.get(row.product, "(resource)"),
            fmt(row.production),
            fmt(row.intermediate_use),
            fmt(row.final_use),
            fmt(row.surplus if abs(row.surplus) > 1e-6 * max(1.0, row.production) else 0.0),
            fmt(result.labour_values[row.product]),
        )
    console.print(table)
    coops = Table(title="Labour and capacity by coop", title_justify="left")
    for column in ("coop", f"required ({unit})", f"available ({unit})", "use", "over by"):
        coops.add_column(column, justify="left" if column == "coop" else "right")
    for c in result.coops:
        use = c.labour_required / c.labour_available if c.labour_available else float("inf")
        over = fmt(c.labour_over) if c.labour_over > 0 else ""
        if c.over_capacity:
            over += " capacity: " + ", ".join(f"{k} +{fmt(v)}" for k, v in c.over_capacity.items())
        style = "red" if c.labour_over > 0 or c.over_capacity else None
        coops.add_row(
            c.coop,
            fmt(c.labour_required),
            fmt(c.labour_available),
            f"{use:.0%}",
            over,
            style=style,
        )
    console.print(coops)
    console.print(f"total labour: [bold]{fmt(result.total_labour)}[/] {unit}")
    if result.spectral_radius is not None:
        console.print(f"spectral radius of A (chosen techniques): {result.spectral_radius:.4f}")
    for product, deficit in result.resource_deficits.items():
        console.print(f"[red]resource {product} short by {fmt(deficit)}[/]")
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}")


def register(app: typer.Typer) -> None:
    @app.command("balance")
    def balance_command(
        folder: Path = typer.Argument(..., help="Economy folder."),
        json_file: Path | None = typer.Option(None, "--json", help="Write the result as JSON."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No tables on the console."),
    ) -> None:
        """Gross output for final demand (x = Ax + d), labour values and coop checks."""
        economy = load_economy(folder)
        with working(f"balancing {economy.meta.name}…"):
            result = balance(economy)
        if not quiet:
            print_balance(result, economy.meta.labour_unit)
        if json_file is not None:
            write_json(json_file, result.to_json_dict())
            console.print(f"wrote {json_file}")
