"""``cooplan examples``: the bundled example folders and where they are installed."""

from __future__ import annotations

import typer
from rich.table import Table

from cooplan.cli.output import console
from cooplan.examples import example_folder, example_names


def register(app: typer.Typer) -> None:
    @app.command("examples")
    def list_examples() -> None:
        """List the bundled example folders (give a folder to any command, e.g. `plan`)."""
        table = Table(title="Bundled examples", title_justify="left")
        table.add_column("name")
        table.add_column("folder")
        for name in example_names():
            table.add_row(name, str(example_folder(name)))
        console.print(table)
