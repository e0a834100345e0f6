"""``cooplan validate DIR``: check an economy folder and list every problem."""

from __future__ import annotations

from pathlib import Path

import typer

from cooplan.cli.output import console
from cooplan.io import load_economy


def register(app: typer.Typer) -> None:
    @app.command()
    def validate(
        folder: Path = typer.Argument(..., help="Economy folder (economy.toml + CSV tables)."),
    ) -> None:
        """Check an economy folder: exit 0 when valid, 2 with every problem listed otherwise."""
        economy = load_economy(folder)
        counts = ", ".join(f"{v} {k}" for k, v in economy.summary().items())
        console.print(f"[green]valid[/]: {economy.meta.name} ({counts})")
