"""``cooplan settle``: settle a plan period — relocations, accounts, funds, pay ratios."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from cooplan.cli.output import console
from cooplan.errors import InputError
from cooplan.institutions.members import generate_members, load_members
from cooplan.institutions.relocation import region_distances
from cooplan.institutions.rules import load_rules
from cooplan.institutions.settlement import Settlement, settle
from cooplan.institutions.tables import coops_table, optional_table


def read_plan(path: Path) -> dict[str, Any]:
    """The plan JSON at ``path`` as a dict; InputError when it cannot be read."""
    if not path.is_file():
        raise InputError.single(
            str(path), "plan file not found", fix="give the JSON written by `cooplan plan --json`"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError.single(
            str(path), f"not valid JSON: {error}", fix="give the planner's JSON output"
        ) from error
    if not isinstance(data, dict):
        raise InputError.single(
            str(path),
            "the plan must be a JSON object",
            value=type(data).__name__,
            fix="give the planner's JSON output",
        )
    return data


def settle_folder(
    folder: Path, plan_path: Path, rules_path: Path | None = None, members_seed: int | None = None
) -> Settlement:
    """Settle ``plan_path`` for the economy in ``folder`` (members from ``members.csv``).

    ``members_seed``: generate members deterministically when the folder has no members.csv.
    """
    coops = coops_table(folder)
    rules_file = rules_path or (folder / "federation.toml")
    rules = load_rules(rules_file if rules_file.is_file() or rules_path else None)
    if (folder / "members.csv").is_file():
        members = load_members(folder / "members.csv", coops["id"])
    elif members_seed is not None:
        members = generate_members(coops, members_seed)
    else:
        raise InputError.single(
            str(folder / "members.csv"),
            "members file not found",
            fix="add members.csv or pass --members-seed N to generate members",
        )
    return settle(
        coops,
        members,
        read_plan(plan_path),
        rules,
        processes=optional_table(folder, "processes.csv"),
        inputs=optional_table(folder, "inputs.csv"),
        distances=region_distances(optional_table(folder, "regions.csv")),
    )


def _money(x: float) -> str:
    return f"{x:,.0f}"


def print_settlement(result: Settlement) -> None:
    """Rich tables of a settlement for people."""
    data = result.to_dict()
    m = data["members"]
    console.print(
        f"[bold]Members[/]: {m['before']} before = {m['stayed']} stayed + "
        f"{m['relocated']} relocated + {m['early_retired']} early retired + "
        f"{m['on_benefit']} on benefit"
    )
    moves = Counter((r["from"], r["to"]) for r in data["relocations"])
    if moves:
        table = Table(title="Relocations")
        for col in ("from", "to", "members"):
            table.add_column(col)
        for (a, b), n in sorted(moves.items()):
            table.add_row(a, b, str(n))
        console.print(table)
    table = Table(title="Accounts (thousand EUR)", caption=f"valuation: {result.valuation}")
    table.add_column("coop")
    for col in (
        "income",
        "costs",
        "surplus",
        "pooled",
        "result",
        "reserve",
        "returns",
        "uncovered",
        "pay ratio",
    ):
        table.add_column(col, justify="right")
    for coop, acc in data["accounts"].items():
        ratio = data["pay_ratio"][coop]
        cells = (
            acc["income"],
            acc["costs"],
            acc["surplus"],
            acc["pooled_in"] - acc["pooled_out"],
            acc["result"],
            acc["reserve"] - acc["reserve_charge"],
            acc["member_returns"] - acc["capital_charge"],
            acc["uncovered"],
        )
        table.add_row(
            coop, *(f"{c / 1000:,.0f}" for c in cells), "–" if ratio is None else f"1:{ratio:.2f}"
        )
    console.print(table)
    table = Table(title="Funds (EUR)")
    for col in ("fund", "before", "inflow", "outflow", "after"):
        table.add_column(col, justify="right" if col != "fund" else "left")
    for fund, flow in data["funds"].items():
        table.add_row(fund, *(_money(flow[k]) for k in ("before", "inflow", "outflow", "after")))
    console.print(table)
    for v in data["violations"]:
        console.print(f"[yellow]violation[/] {v['kind']}: {v['message']}", highlight=False)
    for note in data["notes"]:
        console.print(f"[dim]note: {note}[/]", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``cooplan settle`` to ``app``."""

    @app.command("settle")
    def settle_command(
        folder: Path = typer.Argument(..., help="Economy folder (coops.csv, members.csv …)."),
        plan: Path = typer.Option(..., "--plan", help="Plan JSON from the optimal planner."),
        rules: Path | None = typer.Option(
            None,
            "--rules",
            help="federation.toml (default: FOLDER/federation.toml or the built-in defaults).",
        ),
        json_out: Path | None = typer.Option(None, "--json", help="Write the full report here."),
        members_seed: int | None = typer.Option(
            None,
            "--members-seed",
            help="Generate members with this seed when FOLDER has no members.csv.",
        ),
        quiet: bool = typer.Option(False, "--quiet", help="Print nothing but errors."),
    ) -> None:
        """Settle a plan: relocate surplus members, distribute surplus, update funds."""
        result = settle_folder(folder, plan, rules, members_seed)
        if json_out is not None:
            text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False)
            tmp = json_out.with_suffix(json_out.suffix + ".tmp")
            tmp.write_text(text + "\n", encoding="utf-8")
            tmp.replace(json_out)
        if not quiet:
            print_settlement(result)
