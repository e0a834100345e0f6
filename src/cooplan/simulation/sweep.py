"""Scenario sweeps — many seeds, parameter grids — on Dask, identical to running them in turn.

:func:`run_sweep` maps a task over a list of scenarios. With ``scheduler=None`` the tasks run
one by one in this process; with ``"local"`` on a ``dask.distributed.LocalCluster`` started
for the sweep; with an address (``tcp://host:8786``) on a running cluster. Every task gets
its whole scenario, seed included, and returns plain data, so the results are the same,
bit for bit, wherever they ran; they come back in the order of the scenarios.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from cooplan.io import load_economy
from cooplan.simulation.disturbances import DisturbanceModel
from cooplan.simulation.periods import SimulationConfig, periods_table, simulate

Scenario = dict[str, Any]
SIMULATION_KEYS = {
    "periods",
    "seed",
    "mechanism",
    "depreciation",
    "investment_rate",
    "capital_labour",
    "labour_growth",
    "reserve_share",
}
DISTURBANCE_KEYS = {"shortfall_sd", "breakdown_probability", "breakdown_loss", "demand_shift_sd"}


def grid(base: Mapping[str, Any], **axes: Sequence[Any]) -> list[Scenario]:
    """Every combination of the values of ``axes`` on top of ``base`` (in a stable order)."""
    names = sorted(axes)
    return [
        {**base, **dict(zip(names, values, strict=True))}
        for values in itertools.product(*(axes[n] for n in names))
    ]


def simulation_task(scenario: Scenario) -> list[dict[str, Any]]:
    """One scenario of :func:`~cooplan.simulation.periods.simulate`: its periods as rows.

    ``scenario`` holds ``economy`` (a folder path) and any of the SimulationConfig and
    DisturbanceModel fields.
    """
    unknown = set(scenario) - SIMULATION_KEYS - DISTURBANCE_KEYS - {"economy"}
    if unknown:
        raise ValueError(f"unknown scenario keys: {', '.join(sorted(unknown))}")
    economy = load_economy(Path(scenario["economy"]))
    shocks = DisturbanceModel(**{k: scenario[k] for k in DISTURBANCE_KEYS if k in scenario})
    config = SimulationConfig(
        disturbances=shocks, **{k: scenario[k] for k in SIMULATION_KEYS if k in scenario}
    )
    rows = periods_table(simulate(economy, config)).to_dict(orient="records")
    given = {k: v for k, v in scenario.items() if k != "economy"}
    return [{**given, **{str(k): v for k, v in row.items()}} for row in rows]


def run_sweep(
    task: Callable[[Scenario], Any],
    scenarios: Sequence[Scenario],
    *,
    scheduler: str | None = None,
    workers: int = 2,
) -> list[Any]:
    """``[task(s) for s in scenarios]``, computed in turn, on a LocalCluster or a cluster."""
    if scheduler is None:
        return [task(s) for s in scenarios]
    from dask.distributed import Client, LocalCluster

    if scheduler == "local":
        with (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            return client.gather(client.map(task, list(scenarios), pure=False))
    with Client(scheduler) as client:
        return client.gather(client.map(task, list(scenarios), pure=False))
