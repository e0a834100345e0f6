"""``cooplan import-io``: turn a published input-output table into an economy folder."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from cooplan.cli.output import console
from cooplan.io.io_tables import (
    ImportOptions,
    ImportResult,
    LabourMeasure,
    OutputCheck,
    SourceFormat,
    compare_output,
    import_io,
)


class FormatChoice(StrEnum):
    """``--format`` values: a source family, or ``auto`` to detect it from the files."""

    AUTO = "auto"
    BEA = "bea"
    OECD = "oecd"
    SWEDEN = "sweden"
    GENERIC = "generic"


def _amount(value: float) -> str:
    """Thousands separators for large amounts, significant digits for small ones."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.6g}"


def _check(result: ImportResult) -> OutputCheck:
    from cooplan.planning.balances import balance

    return compare_output(result.published_output, balance(result.economy).gross_output)


def _print(console: Console, result: ImportResult, out: Path, check: OutputCheck | None) -> None:
    r = result.report
    unit = r.money_unit
    console.print(f"[bold]Imported[/] {r.name} ({r.source_format.value}) → {out}")
    console.print(
        f"  {r.products} products{' (+ resource IMPORTS)' if r.imported_inputs else ''} · "
        f"{r.coops:,} coops · "
        f"{r.members:,} members · gross output {r.gross_output:,.0f} {unit}"
    )
    console.print(
        f"  labour: [bold]{r.labour_measure.value}[/] — {r.labour_unit} per {unit} of output "
        f"({r.labour_note}); total {_amount(r.total_labour)} {r.labour_unit}",
        highlight=False,
    )
    console.print(f"  members: {r.members_note}", highlight=False)
    console.print(
        f"  final demand (domestic): {r.final_demand:,.0f} {unit}; imported inputs: "
        f"{r.imported_inputs:,.0f} {unit} (resource IMPORTS, not limited)",
        highlight=False,
    )
    for note in r.notes:
        console.print(f"  • {note}", highlight=False, markup=False)
    console.print(
        f"  • {r.negative_flows_moved} negative flows ({r.negative_flows_total:,.1f}) moved to "
        f"final demand; negative final demand absorbed for "
        f"{', '.join(r.negative_demand_absorbed) or 'no industry'}",
        highlight=False,
    )
    if r.dropped_industries:
        console.print(f"  • dropped (no output): {', '.join(r.dropped_industries)}")
    if check is not None:
        console.print(
            f"  check: balance vs published gross output: max |Δ| = "
            f"{check.max_abs_difference:,.3g} {unit} ({check.worst_product}), "
            f"relative {check.max_relative_difference:.2e}",
            highlight=False,
        )
    if r.attribution:
        console.print(f"  {r.attribution}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``import-io`` to ``app``."""

    @app.command("import-io")
    def import_io_command(
        source: Path = typer.Argument(..., help="Folder holding the table's CSV files."),
        out: Path = typer.Argument(..., help="Economy folder to write (replaced if present)."),
        fmt: FormatChoice = typer.Option(
            FormatChoice.AUTO, "--format", help="Source family; auto detects it from the files."
        ),
        coop_size: int | None = typer.Option(
            None, "--coop-size", min=1, help="Split each industry into coops of ≤ N members."
        ),
        year: int | None = typer.Option(
            None, "--year", help="The table's year (default: from the table or folder name)."
        ),
        labour: LabourMeasure | None = typer.Option(
            None,
            "--labour",
            help="Labour measure (default: hours if present, else compensation, else jobs).",
        ),
        wage: float | None = typer.Option(
            None,
            "--wage",
            help="Compensation per worker per year (table money unit), to estimate members "
            "where the table has no headcount (OECD, generic without jobs).",
        ),
        check: bool = typer.Option(
            True, "--check/--no-check", help="Balance the economy and compare with the table."
        ),
    ) -> None:
        """Turn a real input-output table (BEA, OECD, Statistics Sweden, generic) into an
        economy folder: one product, process and coop per industry, in money units."""
        result = import_io(
            source,
            out,
            fmt=None if fmt is FormatChoice.AUTO else SourceFormat(fmt.value),
            options=ImportOptions(coop_size=coop_size, labour=labour, wage=wage),
            year=year,
        )
        _print(console, result, out, _check(result) if check else None)
