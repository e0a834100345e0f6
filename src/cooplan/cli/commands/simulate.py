"""``cooplan simulate DIR --periods N --seed S``: plan, carry out, report, period after period."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cooplan.cli.options import assignment
from cooplan.cli.output import console, fmt, working, write_json
from cooplan.institutions.members import load_members
from cooplan.institutions.rules import load_rules
from cooplan.io import load_economy
from cooplan.simulation.behaviour import RatchetScheme
from cooplan.simulation.disturbances import DisturbanceModel
from cooplan.simulation.periods import SimulationConfig, production_reports, simulate


def register(app: typer.Typer) -> None:
    @app.command("simulate")
    def simulate_command(
        folder: Path = typer.Argument(..., help="Economy folder."),
        periods: int = typer.Option(5, "--periods", min=1, help="Number of plan periods."),
        seed: int = typer.Option(0, "--seed", help="Run seed (every draw derives from it)."),
        mechanism: str = typer.Option("balance", "--mechanism", help="See `cooplan mechanisms`."),
        shortfall_sd: float = typer.Option(0.03, help="S.d. of each coop's output shortfall."),
        breakdown: float = typer.Option(0.02, help="Probability of a breakdown per coop."),
        demand_sd: float = typer.Option(0.02, help="S.d. of demand shifts."),
        reserve: float = typer.Option(0.0, help="Reserve share planned above demand (slack)."),
        depreciation: float = typer.Option(0.05, help="Capacity lost per period."),
        investment: float = typer.Option(0.1, help="Capacity added where it binds."),
        capital_labour: float = typer.Option(
            0.0, help="Hours of work per unit of capacity built (charged and paid for)."
        ),
        labour_growth: float = typer.Option(0.0, help="Workforce growth per period."),
        json_file: Path | None = typer.Option(None, "--json", help="Write every period as JSON."),
        ratchet: float | None = typer.Option(
            None, "--ratchet", help="Coops face a ratchet ρ and hide capacity (default: truthful)."
        ),
        members_file: Path | None = typer.Option(
            None, "--members", help="members.csv: settle each period by the federation's rules."
        ),
        rules_file: Path | None = typer.Option(None, "--rules", help="federation.toml."),
        objective: str = typer.Option("fulfilment", help="Objective of the optimal mechanism."),
        option: list[str] = typer.Option(
            [],
            "--option",
            "-o",
            help="KEY=VALUE passed to the mechanism each period (e.g. construction_lag=2, "
            "capital=capital.csv for horizon).",
        ),
        reports_file: Path | None = typer.Option(
            None, "--reports", help="Write production reports (CSV) for `cooplan monitor`."
        ),
    ) -> None:
        """Simulate the economy over periods: plan, disturbances, execution, investment."""
        economy = load_economy(folder)
        options: dict[str, object] = {"objective": objective} if mechanism == "optimal" else {}
        options.update(
            assignment(item, "--option", "KEY=VALUE", "construction_lag=2") for item in option
        )
        config = SimulationConfig(
            periods=periods,
            seed=seed,
            mechanism=mechanism,
            mechanism_options=options,
            disturbances=DisturbanceModel(shortfall_sd, breakdown, 0.5, demand_sd),
            depreciation=depreciation,
            investment_rate=investment,
            capital_labour=capital_labour,
            labour_growth=labour_growth,
            reserve_share=reserve,
            concealment=None if ratchet is None else RatchetScheme(ratchet=ratchet),
        )
        with working(f"simulating {periods} periods…"):
            members = load_members(members_file, economy.coops["id"]) if members_file else None
            result = simulate(economy, config, members=members, rules=load_rules(rules_file))
        table = Table(title=f"{economy.meta.name}: {periods} periods, seed {seed}")
        for column in (
            "period",
            "fulfilment",
            "planned labour",
            "shortfall (hours)",
            "cascade rounds",
            "breakdowns",
            "investments",
            "stock",
        ):
            table.add_column(column, justify="right")
        for p in result.periods:
            table.add_row(
                str(p.period),
                f"{p.fulfilment:.1%}",
                fmt(p.planned_labour),
                fmt(p.output_shortfall),
                str(p.cascade_rounds),
                ", ".join(p.breakdowns) or "—",
                str(len(p.investment)),
                fmt(sum(p.stock.values())),
            )
        console.print(table)
        if json_file is not None:
            write_json(json_file, result.to_json_dict())
            console.print(f"wrote {json_file}")
        if reports_file is not None:
            production_reports(result, economy).to_csv(reports_file, index=False)
            console.print(f"wrote {reports_file}")
