"""``cooplan monitor REPORTS.csv --economy DIR``: Beer's indices and escalated change alerts."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cooplan.cli.output import console, fmt, working, write_json
from cooplan.errors import InputError
from cooplan.io import load_economy
from cooplan.simulation.monitoring import (
    AlertLevel,
    EscalationPolicy,
    ForecasterParams,
    MonitoringResult,
    MonitorSettings,
    monitor,
    read_reports,
    read_resolutions,
)

_LEVEL_STYLE = {
    AlertLevel.COOP: "yellow",
    AlertLevel.GROUP: "dark_orange",
    AlertLevel.FEDERATION: "red",
}


def print_monitoring(result: MonitoringResult, groups: dict[str, str]) -> None:
    """Rich tables: each coop's latest indices, then every alert with its level."""
    open_by_coop: dict[str, int] = {}
    for alert in result.alerts:
        if alert.is_open:
            open_by_coop[alert.coop] = open_by_coop.get(alert.coop, 0) + 1
    table = Table(
        title="Beer's triple index per coop (latest period, labour-weighted)", title_justify="left"
    )
    for column in (
        "coop",
        "group",
        "period",
        "productivity",
        "latency",
        "performance",
        "open alerts",
    ):
        table.add_column(column, justify="left" if column in ("coop", "group") else "right")
    for row in result.latest_coop_indices().itertuples(index=False):
        coop = str(row.coop)
        opened = open_by_coop.get(coop, 0)
        table.add_row(
            coop,
            groups.get(coop, ""),
            str(row.period),
            fmt(_number(row.productivity), 3),
            fmt(_number(row.latency), 3),
            fmt(_number(row.performance), 3),
            str(opened) if opened else "",
            style="bold" if opened else None,
        )
    console.print(table)
    alerts = Table(title=f"Alerts ({len(result.alerts)})", title_justify="left")
    for column in (
        "coop",
        "product",
        "kind",
        "direction",
        "change at",
        "raised at",
        "level",
        "responsible",
        "resolved at",
    ):
        alerts.add_column(column)
    for alert in result.alerts:
        alerts.add_row(
            alert.coop,
            alert.product,
            alert.kind.value,
            alert.direction,
            alert.change_at,
            alert.raised_at,
            alert.level.value,
            alert.responsible,
            alert.resolved_at or "open",
            style=None if not alert.is_open else _LEVEL_STYLE[alert.level],
        )
    if result.alerts:
        console.print(alerts)
    still_open = [a for a in result.alerts if a.is_open]
    at_federation = sum(a.level is AlertLevel.FEDERATION for a in still_open)
    console.print(
        f"{len(result.periods)} reporting intervals, {len(result.alerts)} alerts, "
        f"{len(still_open)} open ({at_federation} at the federation)"
    )


def _number(value: object) -> float | None:
    number = float(value)  # type: ignore[arg-type]
    return None if number != number else number


def register(app: typer.Typer) -> None:
    @app.command("monitor")
    def monitor_command(
        reports_file: Path = typer.Argument(
            ..., help="Reports CSV: coop, product, period, actual, capability, potential."
        ),
        economy_dir: Path = typer.Option(..., "--economy", help="Economy folder (coops, groups)."),
        json_file: Path | None = typer.Option(None, "--json", help="Write the result as JSON."),
        resolutions_file: Path | None = typer.Option(
            None, "--resolutions", help="CSV of resolved alerts: coop, product, period[, kind]."
        ),
        to_group: int = typer.Option(2, help="Intervals an alert stays at the coop."),
        to_federation: int = typer.Option(5, help="Intervals before it reaches the federation."),
        threshold: float = typer.Option(
            0.5, help="Posterior probability of a change that raises an alert."
        ),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No tables on the console."),
    ) -> None:
        """Cybersyn-style monitoring: triple index, Harrison–Stevens alerts, escalation."""
        economy = load_economy(economy_dir)
        reports = read_reports(reports_file, economy)
        resolutions = read_resolutions(resolutions_file) if resolutions_file else []
        try:
            settings = MonitorSettings(
                forecaster=ForecasterParams(threshold=threshold),
                escalation=EscalationPolicy(to_group=to_group, to_federation=to_federation),
            )
        except ValueError as error:
            raise InputError.single(
                "command line", str(error), fix="check --to-group, --to-federation, --threshold"
            ) from error
        with working(f"monitoring {len(reports.table)} reports…"):
            result = monitor(reports, economy, settings, resolutions)
        if not quiet:
            groups = dict(zip(economy.coops["id"], economy.coops["group"], strict=True))
            print_monitoring(result, groups)
        if json_file is not None:
            write_json(json_file, result.to_json_dict())
            console.print(f"wrote {json_file}")
