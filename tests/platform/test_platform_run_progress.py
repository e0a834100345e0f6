"""A plan run on a large economy shows the solver's progress while it computes: the run's
message carries the solver's line and its progress rises with the closing gap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from platform_support import fast_settings, seed_federation

from cooplan.io import write_economy
from cooplan.services import runs
from cooplan.services.federation import import_economy, read_folder
from cooplan.services.runs import execute_plan_run, start_plan_run
from cooplan.store.db import open_database
from cooplan.store.enums import RunStatus
from cooplan.store.models import PlanRun
from cooplan.synthetic import synthetic_economy


def test_a_large_optimal_run_reports_its_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'progress.db'}"
    seed_federation(url, fast_settings())
    # 2,600 goods × 2 techniques: above the 5,000 processes that go to the large-scale solver.
    big = synthetic_economy(2600, techniques=2, inputs_per_process=4, n_resources=1, seed=1)
    folder = write_economy(big, tmp_path / "big")
    db = open_database(url)
    with db.session() as session:
        record = import_economy(session, read_folder(folder), actor=None, bootstrap=True)
        run_id = start_plan_run(
            session, actor=None, economy_id=record.id, mechanism="optimal", bootstrap=True
        ).id
    written: list[dict[str, Any]] = []
    real_update = runs._update

    def recorded(db_: Any, run_id_: int, **values: Any) -> None:
        written.append(values)
        real_update(db_, run_id_, **values)

    monkeypatch.setattr(runs, "_update", recorded)
    monkeypatch.setattr(runs.RunProgress, "EVERY_S", 0.0)  # every report, for the test
    assert execute_plan_run(db, run_id) is RunStatus.DONE
    reports = [w for w in written if str(w.get("message", "")).startswith("computing (optimal): ")]
    assert len(reports) >= 3
    assert any("column generation, iteration" in w["message"] for w in reports)
    fractions = [w["progress"] for w in reports]
    assert fractions == sorted(fractions) and fractions[0] >= 0.3 and fractions[-1] <= 0.9
    assert fractions[-1] > 0.8  # the last report is close to the certificate (gap ≤ 10⁻⁵)
    with db.session() as session:
        run = session.get(PlanRun, run_id)
        assert run is not None and run.progress == 1.0 and run.message == "done"
        assert run.result["engine"]["status"] == "optimal"
        assert run.result["engine"]["solver"]["name"] == "largescale"
    db.dispose()
