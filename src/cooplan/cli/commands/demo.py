"""``cooplan demo [DIR]``: the main job on the bundled sample federation, as a readable report."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import typer
from rich.rule import Rule
from rich.table import Table

from cooplan.cli.commands.balance import print_balance
from cooplan.cli.commands.settle import print_settlement
from cooplan.cli.output import console, fmt
from cooplan.examples import example_folder
from cooplan.institutions.fagor import run_fagor
from cooplan.institutions.members import generate_members, load_members
from cooplan.institutions.rules import load_rules
from cooplan.institutions.settlement import settle
from cooplan.io import load_economy
from cooplan.model.economy import Economy
from cooplan.planning.balances import balance
from cooplan.planning.optimal import PlanResult, plan

DEFAULT_FOLDER = example_folder("federation")


def _print_plan(result: PlanResult, economy: Economy) -> None:
    """The plan per coop, the valuations and the main deliveries between coops."""
    unit = economy.meta.labour_unit
    coop_of = dict(zip(economy.processes["id"], economy.processes["coop"], strict=True))
    product_of = dict(zip(economy.processes["id"], economy.processes["product"], strict=True))
    console.print(
        f"status [bold]{result.status.value}[/]; λ = {fmt(result.fulfilment_lambda)} complete "
        f"sets of the assortment (floors delivered in full); certificate "
        f"{'passed' if result.certificate and result.certificate.passed else 'FAILED'}"
    )
    outputs: dict[str, list[str]] = {}
    for process, level in result.activity.items():
        if level > 1e-9:
            outputs.setdefault(coop_of[process], []).append(f"{product_of[process]} {fmt(level)}")
    table = Table(title="Plan per coop", title_justify="left")
    for column in ("coop", "makes", f"hours used ({unit})", "available", "value of an hour"):
        table.add_column(column, justify="left" if column in ("coop", "makes") else "right")
    for coop, use in result.labour.items():
        table.add_row(
            coop,
            ", ".join(outputs.get(coop, [])) or "—",
            fmt(use.used),
            fmt(use.available),
            fmt(result.labour_prices.get(coop, 0.0)),
        )
    console.print(table)
    priced = sorted(result.prices.items(), key=lambda kv: -kv[1])
    values = [f"{p} {fmt(v)}" for p, v in priced if v > 1e-12]
    rents = [f"{p} {fmt(v)}" for p, v in result.resource_prices.items() if v > 1e-12]
    caps = [f"{p} {fmt(v)}" for p, v in result.capacity_prices.items() if v > 1e-12]
    console.print("valuations (duals): products: " + (", ".join(values) or "all zero"))
    console.print("  resource rents: " + (", ".join(rents) or "none binding"))
    console.print("  capacity rents: " + (", ".join(caps) or "none binding"))
    between = [
        d for d in result.deliveries if d.source in result.labour and d.target in result.labour
    ]
    between.sort(key=lambda d: -d.quantity * max(result.prices.get(d.product, 0.0), 1e-9))
    flows = Table(title="Main deliveries between coops", title_justify="left")
    for column in ("product", "from", "to", "quantity"):
        flows.add_column(column, justify="right" if column == "quantity" else "left")
    for d in between[:12]:
        flows.add_row(d.product, d.source, d.target, fmt(d.quantity))
    console.print(flows)


def _print_pooling(economy: Economy, members: pd.DataFrame, folder: Path) -> None:
    """How pooling within the industry group spreads the fall of the appliance coop's result."""
    demand = economy.demand.copy()
    rows = demand["product"] == "appliances"
    if not rows.any():
        return
    demand.loc[rows, "quantity"] = demand.loc[rows, "quantity"] / 3
    demand.loc[rows, "floor"] = 0.0
    shocked = dataclasses.replace(economy, demand=demand)
    planned = plan(shocked, "min-labour")
    if not planned.is_optimal:
        return
    rules_file = folder / "federation.toml"
    settled = settle(
        shocked.coops,
        members,
        planned.to_json_dict(),
        load_rules(rules_file if rules_file.is_file() else None),
        processes=shocked.processes,
        inputs=shocked.inputs,
    )
    table = Table(
        title="The same loss in the sample federation: appliance demand falls to a third "
        "(thousand EUR)",
        title_justify="left",
    )
    for column in ("coop", "surplus", "pooled out", "pooled in", "result", "returns/member (EUR)"):
        table.add_column(column, justify="left" if column == "coop" else "right")
    group = economy.coops.set_index("id")["group"]
    per_coop = members[members["member"]].groupby("coop").size()
    for coop, account in settled.accounts.items():
        if group[coop] != "industry":
            continue
        a = account.to_dict()
        table.add_row(
            coop,
            f"{a['surplus'] / 1000:,.0f}",
            f"{a['pooled_out'] / 1000:,.0f}",
            f"{a['pooled_in'] / 1000:,.0f}",
            f"{a['result'] / 1000:,.0f}",
            f"{a['member_returns'] / max(int(per_coop.get(coop, 0)), 1):,.0f}",
        )
    console.print(table)
    data = settled.to_dict()["members"]
    console.print(
        f"members: {data['before']} = {data['stayed']} stayed + {data['relocated']} relocated + "
        f"{data['early_retired']} early retired + {data['on_benefit']} on the benefit; the "
        "industry group pools part of every coop's result (surplus.group_pooling), so the "
        "fall of the appliance coop's result is shared by the group (pooled in > pooled out: "
        "see docs/experiments.md, pooling)."
    )


def run_demo(folder: Path) -> None:
    """Validate, balance, plan and settle the economy in ``folder``; replay the Fagor case."""
    economy = load_economy(folder)
    counts = ", ".join(f"{v} {k}" for k, v in economy.summary().items())
    console.print(Rule(f"[bold]{economy.meta.name}[/]"))
    console.print(f"valid economy: {counts}")
    if economy.meta.description:
        console.print(economy.meta.description, style="dim")
    console.print(Rule("1. Material balances and labour values"))
    print_balance(balance(economy), economy.meta.labour_unit)

    console.print(Rule("2. The optimal plan (Kantorovich: most complete sets of the assortment)"))
    result = plan(economy, "fulfilment")
    _print_plan(result, economy)
    if not result.is_optimal:
        return

    console.print(Rule("3. Solidarity after the plan: relocations, accounts, funds"))
    members_file = folder / "members.csv"
    members = (
        load_members(members_file, economy.coops["id"])
        if members_file.is_file()
        else generate_members(economy.coops, seed=0)
    )
    print_settlement(
        settle(
            economy.coops,
            members,
            result.to_json_dict(),
            load_rules(
                folder / "federation.toml" if (folder / "federation.toml").is_file() else None
            ),
            processes=economy.processes,
            inputs=economy.inputs,
        )
    )
    fagor = folder.parent / "fagor"
    if fagor.is_dir():
        console.print(
            Rule("4. The Fagor case: the largest industrial coop loses two thirds of its work")
        )
        outcome = run_fagor(fagor)
        table = Table(
            title=f"{outcome.affected} members surplus; month by month", title_justify="left"
        )
        for column in (
            "month",
            "vacancies",
            "relocated",
            "relocated so far",
            "published",
            "early retired",
            "on benefit",
            "aid fund (M EUR)",
        ):
            table.add_column(column, justify="right")
        published = {c.month: c.published for c in outcome.relocated}
        for m in outcome.months:
            table.add_row(
                str(m.month),
                str(m.vacancies),
                str(m.relocated),
                str(m.relocated_cumulative),
                str(published.get(m.month, "")),
                str(m.early_retired_cumulative),
                str(m.on_benefit),
                f"{m.aid_fund / 1e6:,.1f}",
            )
        console.print(table)
        _print_pooling(economy, members, folder)
        console.print(
            "Published course (Fagor Electrodomésticos, 2013–14): 215 relocated in the first "
            "month, about 600 by three months, 1,050 of 2,000 by eight; 480 early retirements. "
            "See docs/institutions.md for what the model explains and what it does not."
        )


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        folder: Path = typer.Argument(DEFAULT_FOLDER, help="Economy folder to demonstrate on."),
        serve: bool = typer.Option(
            False, "--serve", help="Then serve the web app with demo accounts (printed)."
        ),
        port: int = typer.Option(8000, help="Port for --serve."),
    ) -> None:
        """Run the main job on the sample federation and print a readable report."""
        run_demo(folder)
        if serve:
            from cooplan.cli.commands.serve import serve_platform

            serve_platform(port=port, demo=True, demo_folder=folder)
