"""``cooplan horizon DIR --years N``: a plan over several years with investment (one LP)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cooplan.cli.output import console, fmt, working, write_json
from cooplan.io import load_economy
from cooplan.planning.horizon import (
    HorizonObjective,
    HorizonSettings,
    TerminalCondition,
    plan_horizon,
    read_capital,
    read_stocks,
)


def register(app: typer.Typer) -> None:
    @app.command("horizon")
    def horizon_command(
        folder: Path = typer.Argument(..., help="Economy folder."),
        years: int = typer.Option(5, "--years", help="Length of the horizon (years)."),
        capital: Path | None = typer.Option(
            None, "--capital", help="capital.csv (default: the folder's, if any)."
        ),
        stocks: Path | None = typer.Option(
            None, "--stocks", help="stocks.csv (product,quantity) in hand at the start."
        ),
        growth: float = typer.Option(0.0, "--growth", help="Yearly growth of the targets."),
        labour_growth: float = typer.Option(0.0, help="Yearly growth of coops' hours."),
        depreciation: float = typer.Option(0.05, help="Capacity lost per year."),
        discount: float = typer.Option(0.95, help="Weight of each later year."),
        objective: HorizonObjective = typer.Option(HorizonObjective.MAX_MIN, "--objective"),
        production_lag: int = typer.Option(
            0, help="Years between drawing inputs and the output (0 or 1)."
        ),
        construction_lag: int = typer.Option(
            1, help="Years between drawing building inputs and the capacity."
        ),
        terminal: TerminalCondition = typer.Option(
            TerminalCondition.NONE, help="What the last year leaves behind (static: lag 1)."
        ),
        required_fulfilment: float = typer.Option(
            1.0, help="Share of targets above floors delivered (max-capacity/output/labour)."
        ),
        output_years: int = typer.Option(0, help="Final years summed by max-output (0 = all)."),
        labour_limit: bool = typer.Option(
            True, "--labour-limit/--no-labour-limit", help="Whether coops' hours bind."
        ),
        json_file: Path | None = typer.Option(None, "--json", help="Write the plan as JSON."),
    ) -> None:
        """Plan several years at once: investment raises capacity, stocks carry over."""
        economy = load_economy(folder)
        path = capital or (folder / "capital.csv")
        table = read_capital(path, economy) if path.is_file() else None
        in_hand = read_stocks(stocks, economy) if stocks is not None else None
        settings = HorizonSettings(
            years=years,
            demand_growth=growth,
            labour_growth=labour_growth,
            depreciation=depreciation,
            discount=discount,
            objective=objective,
            production_lag=production_lag,
            construction_lag=construction_lag,
            terminal=terminal,
            required_fulfilment=required_fulfilment,
            output_years=output_years,
            labour_limit=labour_limit,
        )
        with working(f"planning {years} years…"):
            result = plan_horizon(economy, settings, table, in_hand)
        if result.status != "optimal":
            console.print(
                f"[red]{result.status}[/]: no plan delivers the floors "
                "(and any required fulfilment) every year"
            )
            if production_lag and in_hand is None:
                console.print("with a production lag, year 0's inputs come from --stocks")
            raise typer.Exit(1)
        view = Table(title=f"{economy.meta.name}: {years}-year plan ({objective.value})")
        for column in ("year", "λ (complete sets)", "labour", "invested in"):
            view.add_column(column, justify="left" if column == "invested in" else "right")
        for t, lam in enumerate(result.fulfilment):
            invested = ", ".join(f"{p} +{fmt(v)}" for p, v in result.investment[t].items())
            view.add_row(str(t), f"{lam:.4f}", fmt(sum(result.labour[t].values())), invested or "—")
        console.print(view)
        console.print(f"objective ({objective.value}): {fmt(result.objective_value or 0.0)}")
        cert = result.certificate
        console.print(
            f"certificate: primal {cert['primal_infeasibility']:.1e}, dual "
            f"{cert['dual_infeasibility']:.1e}, gap {cert['complementarity_gap']:.1e}"
        )
        if json_file is not None:
            write_json(json_file, result.to_json_dict())
            console.print(f"wrote {json_file}")
