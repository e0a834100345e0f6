"""``cooplan mechanisms``: list the registered planning mechanisms."""

from __future__ import annotations

import typer
from rich.table import Table

from cooplan.cli.output import console
from cooplan.planning.mechanism import mechanisms


def register(app: typer.Typer) -> None:
    @app.command("mechanisms")
    def list_mechanisms() -> None:
        """List the planning mechanisms that `compare`, the API and the web app can use."""
        table = Table(title="Planning mechanisms", title_justify="left")
        table.add_column("name")
        table.add_column("what it does")
        for name, mechanism in mechanisms().items():
            table.add_row(name, mechanism.description)
        console.print(table)
