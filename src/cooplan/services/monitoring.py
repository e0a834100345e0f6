"""Production reports and Cybersyn-style monitoring of an economy's coops.

Reports are stored append-only in ``production_reports``; a later row for the same coop,
product and period supersedes the earlier one in the view that monitoring reads (the table
keeps both). Validation and monitoring are the engine's own
(:func:`cooplan.simulation.monitoring.validate_reports` and
:func:`cooplan.simulation.monitoring.monitor`); this module only stores, selects and calls.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cooplan.errors import InputError, Problem
from cooplan.model.economy import Economy
from cooplan.services.accounts import Actor, require
from cooplan.services.federation import economy_from_files, get_economy
from cooplan.services.runs import json_safe
from cooplan.simulation.monitoring import (
    REPORTS,
    Alert,
    AlertLevel,
    ReportTable,
    monitor,
    validate_reports,
)
from cooplan.store.enums import Role
from cooplan.store.models import Event, ProductionReport

UPLOAD_FILE = "reports.csv"
MAX_CSV_CHARS = 20_000_000
"""Largest report upload accepted (characters), about 300,000 rows."""
COLUMNS = tuple(c.name for c in REPORTS.columns)
KEY = ["coop", "product", "period"]
PERIOD_LENGTH = 32
"""Longest period label stored (the ``production_reports.period`` column)."""


@dataclass(frozen=True)
class RecordedReports:
    """What one upload stored: rows appended, and how many replaced an earlier report."""

    economy_id: int
    rows: int
    superseded: int
    periods: tuple[str, ...]


def _parse_csv(csv_text: str) -> pd.DataFrame:
    """The upload as a table of strings (InputError when it is not a CSV table)."""
    if len(csv_text) > MAX_CSV_CHARS:
        raise InputError.single(
            UPLOAD_FILE,
            f"the upload has {len(csv_text):,} characters, more than {MAX_CSV_CHARS:,}",
            fix="split the reports into several uploads",
        )
    if not csv_text.strip():
        raise InputError.single(
            UPLOAD_FILE, "the upload is empty", fix=f"send a CSV with columns {', '.join(COLUMNS)}"
        )
    try:
        return pd.read_csv(
            io.StringIO(csv_text), dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except (ValueError, pd.errors.ParserError, csv.Error) as error:
        raise InputError.single(
            UPLOAD_FILE,
            f"cannot be read as a CSV table: {error}",
            fix=f"send a CSV with columns {', '.join(COLUMNS)}",
        ) from error


def _check_period_lengths(raw: pd.DataFrame) -> None:
    """Period labels must fit the ``period`` column (``PERIOD_LENGTH`` characters)."""
    problems = [
        Problem(
            UPLOAD_FILE,
            f"period label longer than {PERIOD_LENGTH} characters",
            row=row,
            column="period",
            value=label,
            fix="use a whole number (1, 2, …) or an ISO date (YYYY-MM-DD)",
        )
        for row, label in enumerate(raw["period"].astype(str).str.strip(), start=1)
        if len(label) > PERIOD_LENGTH
    ]
    invalid = InputError.collect(problems, summary=f"invalid reports {UPLOAD_FILE}")
    if invalid is not None:
        raise invalid


def _stored_economy(session: Session, economy_id: int) -> Economy:
    return economy_from_files(get_economy(session, economy_id).files)


def latest_reports(session: Session, economy_id: int) -> pd.DataFrame:
    """The effective reports of an economy: per coop, product and period the newest row.

    Columns ``coop``, ``product``, ``period`` (text) and ``actual``, ``capability``,
    ``potential`` (floats, product units per interval), in upload order.
    """
    newest = (
        select(func.max(ProductionReport.id))
        .where(ProductionReport.economy_id == economy_id)
        .group_by(ProductionReport.coop, ProductionReport.product, ProductionReport.period)
    )
    rows = session.execute(
        select(
            ProductionReport.coop,
            ProductionReport.product,
            ProductionReport.period,
            ProductionReport.actual,
            ProductionReport.capability,
            ProductionReport.potential,
        )
        .where(ProductionReport.id.in_(newest))
        .order_by(ProductionReport.id)
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=list(COLUMNS))


def record_reports(
    session: Session,
    *,
    actor: Actor | None,
    economy_id: int,
    csv_text: str,
    bootstrap: bool = False,
) -> RecordedReports:
    """Validate a CSV of production reports against the stored economy and append them
    (planners and administrators; ``bootstrap`` for the demo, with no actor).

    The upload is checked by the monitoring engine: an :class:`InputError` names the row,
    column and value of every bad cell, and nothing is stored. The upload together with the
    reports already stored must also make one valid table (for example, no mix of numbered
    and dated periods).
    """
    if not bootstrap:
        actor = require(actor, Role.PLANNER, Role.ADMIN, what="record production reports")
    uploader = actor.id if actor is not None else None
    economy = _stored_economy(session, economy_id)
    raw = _parse_csv(csv_text)
    checked = validate_reports(raw, economy, UPLOAD_FILE)
    _check_period_lengths(raw)
    upload = checked.table[list(COLUMNS)]
    stored = latest_reports(session, economy_id)
    if not stored.empty:
        merged = pd.concat([stored, upload], ignore_index=True)
        merged = merged.drop_duplicates(KEY, keep="last").astype({c: str for c in KEY})
        validate_reports(merged, economy, f"{UPLOAD_FILE} with the reports already stored")
    earlier = set(zip(stored["coop"], stored["product"], stored["period"], strict=True))
    superseded = 0
    for coop, product, period, actual, capability, potential in upload.itertuples(index=False):
        superseded += (coop, product, period) in earlier
        session.add(
            ProductionReport(
                economy_id=economy_id,
                coop=str(coop),
                product=str(product),
                period=str(period),
                actual=float(actual),
                capability=float(capability),
                potential=float(potential),
                uploaded_by=uploader,
            )
        )
    session.add(
        Event(
            kind="reports.recorded",
            actor_id=uploader,
            subject=f"economy:{economy_id}",
            data={"rows": len(upload), "superseded": superseded, "periods": list(checked.periods)},
        )
    )
    session.flush()
    return RecordedReports(economy_id, len(upload), superseded, checked.periods)


def monitoring_of(session: Session, economy_id: int) -> tuple[Economy, ReportTable] | None:
    """The stored economy and its validated effective reports (None when it has none)."""
    economy = _stored_economy(session, economy_id)
    latest = latest_reports(session, economy_id)
    if latest.empty:
        return None
    return economy, validate_reports(latest.astype(str), economy, f"economy {economy_id} reports")


def economy_monitoring(session: Session, economy_id: int) -> dict[str, Any]:
    """Beer's triple index and the alerts of the economy's effective reports, as JSON.

    The engine's :meth:`MonitoringResult.to_json_dict` (``periods``, ``coops``, ``reports``,
    ``forecasts``, ``alerts``, ``events``) plus ``economy_id`` and ``report_count``; with no
    reports every list is empty.
    """
    found = monitoring_of(session, economy_id)
    if found is None:
        empty: dict[str, Any] = {
            key: [] for key in ("periods", "coops", "reports", "forecasts", "alerts", "events")
        }
        return {"economy_id": economy_id, "report_count": 0, **empty}
    economy, reports = found
    result = monitor(reports, economy)
    body: dict[str, Any] = json_safe(result.to_json_dict())
    return {"economy_id": economy_id, "report_count": len(reports.table), **body}


def latest_reported_economy(session: Session) -> int | None:
    """The economy that most recently received reports (None when none has)."""
    return session.scalar(
        select(ProductionReport.economy_id).order_by(ProductionReport.id.desc()).limit(1)
    )


@dataclass(frozen=True)
class CoopIndex:
    """A coop's labour-weighted triple index at the last period it reported (None: missing)."""

    coop: str
    period: str
    productivity: float | None
    latency: float | None
    performance: float | None


@dataclass(frozen=True)
class MonitoringPanel:
    """What the dashboard shows of monitoring: open and resolved alerts, latest indices."""

    economy_id: int
    periods: tuple[str, ...]
    open_alerts: tuple[Alert, ...]
    resolved_alerts: tuple[Alert, ...]
    indices: tuple[CoopIndex, ...]


def _number(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def monitoring_panel(session: Session, economy_id: int | None = None) -> MonitoringPanel | None:
    """The dashboard's monitoring panel for ``economy_id`` (default: the economy that last
    received reports); None when it has no reports. Open alerts come first, the highest
    escalation level first, then the newest."""
    economy_id = economy_id if economy_id is not None else latest_reported_economy(session)
    if economy_id is None:
        return None
    found = monitoring_of(session, economy_id)
    if found is None:
        return None
    economy, reports = found
    result = monitor(reports, economy)
    rank = {level: i for i, level in enumerate(reversed(list(AlertLevel)))}
    ordered = sorted(result.alerts, key=lambda a: (rank[a.level], -a.raised_interval, a.id))
    latest = result.latest_coop_indices()
    indices = tuple(
        CoopIndex(
            coop=str(row.coop),
            period=str(row.period),
            productivity=_number(row.productivity),
            latency=_number(row.latency),
            performance=_number(row.performance),
        )
        for row in latest.itertuples(index=False)
    )
    return MonitoringPanel(
        economy_id=economy_id,
        periods=result.periods,
        open_alerts=tuple(a for a in ordered if a.is_open),
        resolved_alerts=tuple(
            sorted(
                (a for a in result.alerts if not a.is_open),
                key=lambda a: (-(a.resolved_interval or 0), a.id),
            )
        ),
        indices=indices,
    )
