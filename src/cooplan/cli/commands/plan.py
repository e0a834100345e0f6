"""``cooplan plan DIR --objective OBJ``: the optimal plan with valuations and deliveries."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer
from rich.table import Table

from cooplan.cli.options import ARGUMENTS
from cooplan.cli.output import console, err_console, fmt, working, write_json
from cooplan.io import load_economy
from cooplan.planning.largescale.progress import Progress
from cooplan.planning.largescale.threads import parse_threads
from cooplan.planning.optimal.api import plan
from cooplan.planning.optimal.result import Objective, PlanResult


def _print_summary(result: PlanResult) -> None:
    console.print(
        f"[bold]{result.economy}[/] — objective {result.objective.value}: "
        f"[bold]{result.status.value}[/]"
    )
    if result.objective_value is not None:
        console.print(f"objective value: [bold]{fmt(result.objective_value, 6)}[/]")
    if result.objective_bound is not None:
        console.print(
            f"optimum proven no better than [bold]{fmt(result.objective_bound, 6)}[/] "
            "(bound from the plan's valuations; the time limit came first)"
        )
    if result.fulfilment_lambda is not None:
        console.print(f"λ (complete sets of the assortment): {fmt(result.fulfilment_lambda, 6)}")
    if result.harmony is not None:
        h = result.harmony
        console.print(
            f"harmony: achieved {fmt(h.achieved, 6)}, LP bound {fmt(h.lp_bound, 6)} "
            f"(ε = {h.tolerance:g}, {h.pieces} tangent cuts)"
        )
    if result.certificate is not None:
        c = result.certificate
        verdict = "[green]passed[/]" if c.passed else "[red]FAILED[/]"
        console.print(
            f"certificate {verdict}: primal {c.primal_infeasibility:.2e}, dual "
            f"{c.dual_infeasibility:.2e}, complementarity {c.complementarity_gap:.2e}"
        )
    if result.solver is not None:
        s = result.solver
        note = f" — {s.note}" if s.note else ""
        console.print(f"solver: {s.name}, {s.iterations} iterations, {s.time_s:.3f} s{note}")


def _print_plan(result: PlanResult, unit: str) -> None:
    products = Table(title="Products", title_justify="left")
    for column in ("product", "output", "fulfilment", "price"):
        products.add_column(column, justify="left" if column == "product" else "right")
    for product, output in result.output.items():
        ratio = result.fulfilment_ratio.get(product)
        price = result.prices.get(product, result.resource_prices.get(product))
        products.add_row(product, fmt(output), "" if ratio is None else f"{ratio:.1%}", fmt(price))
    console.print(products)
    coops = Table(title="Coops", title_justify="left")
    for column in (
        "coop",
        f"used ({unit})",
        f"available ({unit})",
        "lent",
        "borrowed",
        f"value ({unit}⁻¹)",
    ):
        coops.add_column(column, justify="left" if column == "coop" else "right")
    for coop, use in result.labour.items():
        coops.add_row(
            coop,
            fmt(use.used),
            fmt(use.available),
            fmt(use.lent),
            fmt(use.borrowed),
            fmt(result.labour_prices.get(coop)),
        )
    console.print(coops)
    binding = {k: v for k, v in result.capacity_prices.items() if v > 0}
    for process, value in binding.items():
        console.print(f"capacity of {process} binds (value {fmt(value)} per unit)")
    for resource, value in result.resource_prices.items():
        if value > 0:
            console.print(f"resource {resource} binds (rent {fmt(value)} per unit)")
    if result.shipments:
        console.print(
            f"{len(result.shipments)} shipments, transport cost {fmt(result.transport_cost)}"
        )
    for move in result.relocations:
        console.print(f"{move.source} lends {fmt(move.hours)} {unit} to {move.target}")
    console.print(f"{len(result.deliveries)} deliveries (see --json for the list)")


def _print_diagnosis(result: PlanResult) -> None:
    if result.diagnosis is None:
        return
    console.print(f"[red]{result.diagnosis.message}[/]", highlight=False)
    if result.diagnosis.shortfalls:
        table = Table(title="Targets that cannot be met", title_justify="left")
        for column in ("product", "region", "required", "attainable", "shortfall"):
            table.add_column(column, justify="left" if column in ("product", "region") else "right")
        for s in result.diagnosis.shortfalls:
            table.add_row(
                s.product, s.region or "any", fmt(s.required), fmt(s.attainable), fmt(s.shortfall)
            )
        console.print(table)
    for b in result.diagnosis.binding:
        console.print(
            f"binding {b.kind} {b.name}: {fmt(b.used)} of {fmt(b.limit)} (value {fmt(b.value)})"
        )


class _ProgressWatch:
    """Shows each :class:`Progress` on the spinner and, every ``every`` seconds (None:
    never), as a line on standard error; crossover rounds and stage changes always print."""

    def __init__(self, show: Callable[[str], None], every: float | None):
        self.show, self.every = show, every
        self.printed_at: float | None = None
        self.stage: str | None = None

    def __call__(self, progress: Progress) -> None:
        self.show(progress.describe())
        if self.every is None:
            return
        due = self.printed_at is None or progress.elapsed_s - self.printed_at >= self.every
        if due or progress.stage != self.stage or progress.stage == "crossover":
            err_console.print(progress.describe(), highlight=False)
            self.printed_at, self.stage = progress.elapsed_s, progress.stage


def register(app: typer.Typer) -> None:
    @app.command("plan")
    def plan_command(
        folder: Path = typer.Argument(..., help="Economy folder."),
        objective: Objective = typer.Option(
            Objective.FULFILMENT, "--objective", "-o", help="What the plan optimises."
        ),
        mobility_share: float | None = typer.Option(
            None,
            "--mobility-share",
            help="Share μ of its hours a coop may lend to its group "
            "(default: the rules' relocation.mobility_share with --rules, else 0).",
        ),
        rules_file: Path | None = typer.Option(
            None, "--rules", help="federation.toml with the federation's rules."
        ),
        tie_break: bool = typer.Option(
            True,
            "--tie-break/--no-tie-break",
            help="Among optimal plans, pick the one without needless work (a second solve).",
        ),
        time_limit: float = typer.Option(
            600.0, "--time-limit", min=1.0, help="Seconds for the whole solve."
        ),
        threads: str | None = typer.Option(
            None,
            "--threads",
            help="CPU threads for the large-scale solver's sparse products: a number or "
            "'all' (default: COOPLAN_THREADS, else 1). Same plan whatever the number.",
        ),
        plan_memory: float | None = typer.Option(
            None,
            "--plan-memory",
            min=0.0,
            help="GiB the large-scale solver may keep for plans outside its current mix "
            "(default 2); less memory, more time, same plan.",
        ),
        progress_every: float | None = typer.Option(
            None,
            "--progress",
            min=0.0,
            help="Print how the large-scale solver stands (value, bound, gap) to standard "
            "error every this many seconds (0: every step). On a terminal the spinner "
            "shows it anyway.",
        ),
        json_file: Path | None = typer.Option(None, "--json", help="Write the plan as JSON."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No tables on the console."),
    ) -> None:
        """Optimal plan (Kantorovich LP) with prices, deliveries and a certificate.

        Exit status 0 for an optimal plan, 1 otherwise: infeasible or unbounded (the
        diagnosis is printed and written to the JSON file), or only feasible when the time
        limit came before optimality was proven (the plan is printed with its gap).
        """
        thread_count = None if threads is None else parse_threads(threads, ARGUMENTS, "--threads")
        memory = None if plan_memory is None else int(plan_memory * 2**30)
        economy = load_economy(folder)
        rules = None
        if rules_file is not None:
            from cooplan.institutions.rules import load_rules

            rules = load_rules(rules_file)
        with working(f"planning {economy.meta.name}…") as show:
            watch = _ProgressWatch(show, progress_every)
            result = plan(
                economy,
                objective,
                rules=rules,
                mobility_share=mobility_share,
                tie_break=tie_break,
                time_limit_s=time_limit,
                threads=thread_count,
                plan_memory_bytes=memory,
                progress=watch,
            )
        if not quiet:
            _print_summary(result)
            if result.has_plan:
                _print_plan(result, economy.meta.labour_unit)
            _print_diagnosis(result)
        if json_file is not None:
            write_json(
                json_file,
                result.to_json_dict(deliveries=False),
                stream={"deliveries": result.delivery_records()},
            )
            if not quiet:
                console.print(f"wrote {json_file}")
        if not result.is_optimal:
            raise typer.Exit(code=1)
