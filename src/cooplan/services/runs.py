"""Plan runs: recorded with their parameters, seed and input digest, computed in the background.

:func:`start_plan_run` records a queued run (planners only) and returns it; the caller hands its
id to a :class:`RunExecutor`, whose threads call :func:`execute_plan_run`. Progress and the
result (the engine's JSON plus the per-coop :func:`~cooplan.services.mechanisms.plan_view`)
are read back from the database.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session, defer

from cooplan import __version__
from cooplan.errors import ConflictError, CooplanError, InputError, NotFoundError
from cooplan.planning.largescale.progress import Progress
from cooplan.services.accounts import Actor, require
from cooplan.services.federation import (
    economy_from_files,
    files_digest,
    get_coop,
    get_economy,
)
from cooplan.services.mechanisms import get_mechanism, plan_view
from cooplan.store.db import Database
from cooplan.store.enums import Role, RunStatus
from cooplan.store.models import Event, PlanRun, utcnow

log = logging.getLogger(__name__)
MAX_SEED = 2**31 - 1


def json_safe(value: Any) -> Any:
    """``value`` with every non-finite float replaced by ``None`` (JSON has no NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def start_plan_run(
    session: Session,
    *,
    actor: Actor | None,
    economy_id: int,
    mechanism: str = "balance",
    seed: int = 0,
    parameters: Mapping[str, Any] | None = None,
    bootstrap: bool = False,
    files_override: Mapping[str, str] | None = None,
) -> PlanRun:
    """Record a queued plan run of ``mechanism`` on a stored economy (planners only).

    ``files_override`` replaces some of the economy's files (used by the plan cycle for a
    plan recomputed with counter-plans); the input digest covers the files actually used.
    """
    if not bootstrap:
        require(actor, Role.PLANNER, what="start plan runs")
    chosen = get_mechanism(mechanism)
    if not 0 <= seed <= MAX_SEED:
        raise InputError.single(
            "plan run", "seed out of range", column="seed", value=seed, fix=f"0…{MAX_SEED}"
        )
    record = get_economy(session, economy_id)
    files = {**record.files, **(files_override or {})}
    run = PlanRun(
        economy_id=record.id,
        mechanism=chosen.name,
        parameters={
            **(parameters or {}),
            **({"files": dict(files_override)} if files_override else {}),
        },
        seed=seed,
        input_digest=files_digest(files),
        version=__version__,
        status=RunStatus.QUEUED,
        progress=0.0,
        message="queued",
        created_by=actor.id if actor else None,
    )
    session.add(run)
    session.flush()
    session.add(
        Event(
            kind="plan_run.started",
            actor_id=actor.id if actor else None,
            subject=f"plan_run:{run.id}",
            data={"mechanism": run.mechanism, "economy_id": economy_id, "seed": seed},
        )
    )
    return run


def _update(db: Database, run_id: int, **values: Any) -> None:
    with db.session() as session:
        run = session.get(PlanRun, run_id)
        if run is not None:
            for key, value in values.items():
                setattr(run, key, value)


class RunProgress:
    """Writes a solver's :class:`Progress` into a running run: its line as the run's message
    and, from the gap, its progress — 0.3 (computing, no gap yet) rising to 0.9 as the gap
    falls from 1 to 10⁻⁶ (never back). At most one write every ``EVERY_S`` seconds."""

    EVERY_S = 2.0

    def __init__(self, db: Database, run_id: int, mechanism: str):
        self.db, self.run_id, self.mechanism = db, run_id, mechanism
        self.written_at: float | None = None
        self.fraction = 0.3

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if self.written_at is not None and now - self.written_at < self.EVERY_S:
            return
        gap = progress.gap
        if gap is not None:
            closeness = min(max(math.log10(1.0 / max(gap, 1e-300)) / 6.0, 0.0), 1.0)
            self.fraction = max(self.fraction, 0.3 + 0.6 * closeness)
        message = f"computing ({self.mechanism}): {progress.describe()}"
        _update(self.db, self.run_id, progress=self.fraction, message=message[:500])
        self.written_at = now


def execute_plan_run(db: Database, run_id: int) -> RunStatus:
    """Compute a queued run and store its result (or its error); returns the final status."""
    with db.session() as session:
        run = session.get(PlanRun, run_id)
        if run is None:
            raise NotFoundError(f"no plan run {run_id}")
        if run.status is not RunStatus.QUEUED:
            return run.status
        run.status, run.started_at, run.progress, run.message = (
            RunStatus.RUNNING,
            utcnow(),
            0.1,
            "loading the economy",
        )
        files = {**get_economy(session, run.economy_id).files, **run.parameters.get("files", {})}
        mechanism, seed = run.mechanism, run.seed
        parameters = {k: v for k, v in run.parameters.items() if k != "files"}
    try:
        economy = economy_from_files(files)
        _update(db, run_id, progress=0.3, message=f"computing ({mechanism})")
        watch = RunProgress(db, run_id, mechanism)
        result = get_mechanism(mechanism).runner(economy, seed, parameters, progress=watch)
        view = plan_view(economy, mechanism, result)
        solver = result.get("solver")
        solver_name = solver.get("name") if isinstance(solver, Mapping) else None
        _update(
            db,
            run_id,
            status=RunStatus.DONE,
            progress=1.0,
            message="done",
            result=json_safe({"engine": result, "plan": view}),
            solver=str(solver_name or mechanism)[:64],
            finished_at=utcnow(),
        )
        return RunStatus.DONE
    except CooplanError as error:
        problems = [p.to_dict() for p in getattr(error, "problems", [])]
        _update(
            db,
            run_id,
            status=RunStatus.FAILED,
            progress=1.0,
            message=str(error)[:500],
            error={"type": type(error).__name__, "message": str(error), "problems": problems},
            finished_at=utcnow(),
        )
        return RunStatus.FAILED
    except Exception as error:  # a bug in a mechanism must not kill the worker
        log.exception("plan run %s failed", run_id)
        _update(
            db,
            run_id,
            status=RunStatus.FAILED,
            progress=1.0,
            message=f"internal error: {type(error).__name__}",
            error={
                "type": type(error).__name__,
                "message": str(error),
                "trace": traceback.format_exc()[-4000:],
            },
            finished_at=utcnow(),
        )
        return RunStatus.FAILED


class RunExecutor:
    """A small thread pool that computes plan runs in the background."""

    def __init__(self, db: Database, workers: int = 2) -> None:
        self.db = db
        self.workers = max(1, workers)
        self.pool = self._new_pool()
        self.listeners: list[Callable[[int, RunStatus], None]] = []

    def _new_pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="plan")

    def submit(self, run_id: int) -> Future[RunStatus]:
        """Compute run ``run_id`` in a worker thread (threads restart after a shutdown, as
        when the app goes through another lifespan)."""
        try:
            return self.pool.submit(self._work, run_id)
        except RuntimeError:  # the pool was shut down by an earlier lifespan
            self.pool = self._new_pool()
            return self.pool.submit(self._work, run_id)

    def _work(self, run_id: int) -> RunStatus:
        status = execute_plan_run(self.db, run_id)
        for listener in self.listeners:
            listener(run_id, status)
        return status

    def shutdown(self) -> None:
        """Wait for running computations and stop the threads."""
        self.pool.shutdown(wait=True, cancel_futures=False)


def get_run(session: Session, run_id: int) -> PlanRun:
    """The plan run with this id (404 if none)."""
    run = session.get(PlanRun, run_id)
    if run is None:
        raise NotFoundError(f"no plan run {run_id}")
    return run


def list_runs(session: Session, limit: int = 50) -> list[PlanRun]:
    """The latest plan runs, newest first."""
    return list(session.scalars(select(PlanRun).order_by(PlanRun.id.desc()).limit(limit)))


def latest_done_run_id(session: Session) -> int | None:
    """The id of the adopted plan of the latest plan cycle, else of the newest finished run."""
    from cooplan.store.models import PlanCycle

    adopted = session.scalar(
        select(PlanCycle.adopted_run_id)
        .where(PlanCycle.adopted_run_id.is_not(None))
        .order_by(PlanCycle.id.desc())
        .limit(1)
    )
    if adopted is not None:
        return int(adopted)
    newest = session.scalar(
        select(PlanRun.id)
        .where(PlanRun.status == RunStatus.DONE)
        .order_by(PlanRun.id.desc())
        .limit(1)
    )
    return None if newest is None else int(newest)


def latest_done_run(session: Session) -> PlanRun | None:
    """The adopted plan of the latest plan cycle, else the newest finished run."""
    run_id = latest_done_run_id(session)
    return None if run_id is None else session.get(PlanRun, run_id)


_VIEWS: OrderedDict[tuple[str, int, str, str], dict[str, Any]] = OrderedDict()
_VIEWS_LOCK = threading.Lock()
VIEW_CACHE_SIZE = 16


def _plan_view_of(session: Session, run_id: int) -> tuple[PlanRun, dict[str, Any]]:
    """A finished run (its result column not loaded) and its per-coop plan view.

    A finished run's result never changes, so its view is parsed once and kept (LRU), keyed
    by the database, the run and its input digest and finishing time.
    """
    run = session.scalar(select(PlanRun).options(defer(PlanRun.result)).where(PlanRun.id == run_id))
    if run is None:
        raise NotFoundError(f"no plan run {run_id}")
    if run.status is not RunStatus.DONE:
        raise ConflictError(f"plan run {run.id} is {run.status.value}, not done")
    bind = session.get_bind()
    url = bind.engine.url if isinstance(bind, Connection) else bind.url
    key = (str(url), run.id, run.input_digest, str(run.finished_at))
    with _VIEWS_LOCK:
        view = _VIEWS.get(key)
        if view is not None:
            _VIEWS.move_to_end(key)
            return run, view
    result = session.scalar(select(PlanRun.result).where(PlanRun.id == run_id))
    if result is None:
        raise ConflictError(f"plan run {run.id} has no result")
    view = result["plan"]
    with _VIEWS_LOCK:
        _VIEWS[key] = view
        while len(_VIEWS) > VIEW_CACHE_SIZE:
            _VIEWS.popitem(last=False)
    return run, view


def coop_plan(session: Session, coop_id: str, run_id: int | None = None) -> dict[str, Any]:
    """A coop's part of a finished plan run (the adopted or latest one when ``run_id`` is None):
    outputs, inputs, labour, and deliveries in (who from) and out (who to)."""
    coop = get_coop(session, coop_id)
    chosen = run_id if run_id is not None else latest_done_run_id(session)
    if chosen is None:
        raise NotFoundError("no finished plan run yet")
    run, view = _plan_view_of(session, chosen)
    entry = view["coops"].get(coop.id)
    if entry is None:
        raise NotFoundError(f"coop {coop_id!r} is not in the economy of plan run {run.id}")
    deliveries = view.get("deliveries", [])
    return {
        "coop": coop.id,
        "name": coop.name,
        "run_id": run.id,
        "mechanism": run.mechanism,
        "input_digest": run.input_digest,
        "assigns_suppliers": view.get("assigns_suppliers", False),
        "outputs": entry["outputs"],
        "inputs": entry["inputs"],
        "labour_used": entry["labour_used"],
        "labour_available": entry["labour_available"],
        "deliveries_in": [d for d in deliveries if d.get("to") == coop.id],
        "deliveries_out": [d for d in deliveries if d.get("from") == coop.id],
        "units": {
            product: unit
            for product, unit in view.get("units", {}).items()
            if product in entry["outputs"] or product in entry["inputs"]
        },
    }


def run_deliveries(
    session: Session, run_id: int, coop_id: str | None = None
) -> list[dict[str, Any]]:
    """Deliveries of a finished run, optionally only those to or from ``coop_id``."""
    run = get_run(session, run_id)
    if run.status is not RunStatus.DONE or run.result is None:
        raise ConflictError(f"plan run {run.id} is {run.status.value}, not done")
    deliveries: list[dict[str, Any]] = run.result["plan"].get("deliveries", [])
    if coop_id is None:
        return deliveries
    return [d for d in deliveries if coop_id in (d.get("from"), d.get("to"))]


def recover_runs(db: Database) -> list[int]:
    """After a restart: runs left ``running`` are marked failed (interrupted); the ids of
    ``queued`` runs are returned, to be submitted again."""
    with db.session() as session:
        for run in session.scalars(select(PlanRun).where(PlanRun.status == RunStatus.RUNNING)):
            run.status = RunStatus.FAILED
            run.message = "interrupted by a restart of the server"
            run.error = {"type": "Interrupted", "message": run.message}
            run.finished_at = utcnow()
        return list(
            session.scalars(
                select(PlanRun.id).where(PlanRun.status == RunStatus.QUEUED).order_by(PlanRun.id)
            )
        )
