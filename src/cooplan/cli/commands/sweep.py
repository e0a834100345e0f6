"""``cooplan sweep DIR``: many seeds and parameter values of ``simulate``, on Dask if asked."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from cooplan.cli.output import console, working, write_json
from cooplan.errors import InputError
from cooplan.simulation.sweep import grid, run_sweep, simulation_task


def _values(text: str) -> tuple[str, list[float]]:
    name, _, values = text.partition("=")
    try:
        return name.strip(), [float(v) for v in values.split(",") if v.strip()]
    except ValueError as error:
        raise InputError.single(
            "--vary", "not NAME=V1,V2,…", value=text, fix="e.g. --vary reserve_share=0,0.1"
        ) from error


def register(app: typer.Typer) -> None:
    @app.command("sweep")
    def sweep_command(
        folder: Path = typer.Argument(..., help="Economy folder."),
        seeds: int = typer.Option(4, "--seeds", min=1, help="Seeds 0 … N−1 for every point."),
        periods: int = typer.Option(3, "--periods", min=1),
        vary: list[str] = typer.Option([], "--vary", help="NAME=V1,V2,… (repeatable)."),
        scheduler: str | None = typer.Option(
            None, help="'local' for a LocalCluster, or a scheduler address tcp://host:8786."
        ),
        workers: int = typer.Option(2, help="Workers of the LocalCluster."),
        csv_file: Path | None = typer.Option(None, "--csv", help="Write all rows as CSV."),
        json_file: Path | None = typer.Option(None, "--json", help="Write all rows as JSON."),
    ) -> None:
        """Run `simulate` over seeds and parameter grids; the same results wherever it runs."""
        axes = dict(_values(v) for v in vary)
        scenarios = grid(
            {"economy": str(folder), "periods": periods}, seed=list(range(seeds)), **axes
        )
        with working(f"{len(scenarios)} scenarios…"):
            rows = [
                r
                for rs in run_sweep(
                    simulation_task, scenarios, scheduler=scheduler, workers=workers
                )
                for r in rs
            ]
        frame = pd.DataFrame(rows)
        keys = [k for k in (*sorted(axes), "seed") if k in frame]
        summary = frame.groupby([k for k in keys if k != "seed"] or ["periods"])[
            ["fulfilment", "output_shortfall_hours"]
        ].mean()
        console.print(summary.to_string())
        if csv_file is not None:
            frame.to_csv(csv_file, index=False)
        if json_file is not None:
            write_json(json_file, rows)
