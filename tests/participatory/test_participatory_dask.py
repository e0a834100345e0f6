"""Councils evaluated on a Dask cluster give the single-process run bit for bit."""

from __future__ import annotations

import time

import pytest

from cooplan.planning.participatory import run_participatory

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as dask_client,
    ):
        yield dask_client


def _all_bytes(result):
    return [
        array.tobytes()
        for year in result.years
        for array in (
            year.prices,
            year.deltas,
            year.multipliers,
            year.supply,
            year.demand,
            year.imbalance_pct,
            year.worker_output,
            year.worker_effort,
        )
    ]


@pytest.mark.parametrize("block_size", [7, 25, 4096])
def test_cluster_run_equals_single_process_run(client, small_economy, block_size):
    local = run_participatory(small_economy, years=2, seed=9, block_size=block_size)
    remote = run_participatory(small_economy, years=2, seed=9, block_size=block_size, client=client)
    assert remote.rounds_by_year == local.rounds_by_year
    assert _all_bytes(remote) == _all_bytes(local)
    assert remote.status is local.status


def test_cluster_run_releases_its_data(client, small_economy):
    run_participatory(small_economy, years=1, block_size=10, client=client)
    deadline = time.monotonic() + 10  # releases reach the scheduler asynchronously
    while client.who_has() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not client.who_has()


def test_cluster_reproduces_stored_run(client, pequod_economy, recovered_path, stored_rounds):
    from cooplan.planning.participatory import load_recovered_year2

    economy = pequod_economy("dep1ex01")
    draws = load_recovered_year2(recovered_path, "dep1ex01", economy)
    local = run_participatory(economy, year2_draws=draws, block_size=1000)
    remote = run_participatory(economy, year2_draws=draws, block_size=1000, client=client)
    assert _all_bytes(remote) == _all_bytes(local)
    expected = stored_rounds["dep1ex01"]
    assert remote.rounds_by_year == (expected["rounds"], expected["year2_rounds"])


def test_cli_scheduler_option(client, small_economy, tmp_path):
    import json

    from cooplan.cli import main
    from cooplan.planning.participatory import write_pequod

    path = write_pequod(small_economy, tmp_path / "small.clj")
    out = tmp_path / "remote.json"
    address = client.scheduler.address
    assert main(["participatory", str(path), "--scheduler", address, "--json", str(out)]) == 0
    local = run_participatory(small_economy, years=2, seed=0)
    assert json.loads(out.read_text()) == json.loads(json.dumps(local.to_dict()))
    assert main(["participatory", str(path), "--scheduler", "nonsense://x"]) == 2
