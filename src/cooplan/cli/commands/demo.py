"""``cooplan demo [DIR]``: the main job on the bundled sample federation, as a readable report."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.rule import Rule

from cooplan.cli.commands.balance import print_balance
from cooplan.cli.output import console
from cooplan.io import load_economy
from cooplan.planning.balances import balance

DEFAULT_FOLDER = Path("examples/federation")


def run_demo(folder: Path) -> None:
    """Validate, balance and report on the economy in ``folder``."""
    economy = load_economy(folder)
    counts = ", ".join(f"{v} {k}" for k, v in economy.summary().items())
    console.print(Rule(f"[bold]{economy.meta.name}[/]"))
    console.print(f"valid economy: {counts}")
    if economy.meta.description:
        console.print(economy.meta.description, style="dim")
    console.print(Rule("1. Material balances and labour values"))
    print_balance(balance(economy), economy.meta.labour_unit)


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        folder: Path = typer.Argument(DEFAULT_FOLDER, help="Economy folder to demonstrate on."),
    ) -> None:
        """Run the main job on the sample federation and print a readable report."""
        run_demo(folder)
