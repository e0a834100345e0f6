"""Monitoring a stream of production reports: indices, change alerts and their escalation.

:func:`monitor` replays the reports interval by interval. In each interval it (1) feeds
every coop–product series' ``actual`` to the multi-state forecaster (all series at once),
(2) raises an alert for each change signalled, (3) applies the resolutions reported for that
interval, and outlier alerts resolve themselves once the series reports again without a new
signal (a transient has passed), (4) escalates what is still open. It is a pure function of
its inputs: the same reports give the same alerts, bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cooplan.errors import InputError, Problem
from cooplan.model.economy import Economy
from cooplan.simulation.monitoring.escalation import (
    Alert,
    AlertBook,
    AlertEvent,
    EscalationPolicy,
    escalate,
    raise_alert,
    resolve,
)
from cooplan.simulation.monitoring.forecaster import (
    ChangeKind,
    ForecasterParams,
    MultiStateForecaster,
)
from cooplan.simulation.monitoring.indices import coop_indices, index_table
from cooplan.simulation.monitoring.reports import ReportTable

__all__ = [
    "MonitorSettings",
    "MonitoringResult",
    "Resolution",
    "escalation_bodies",
    "monitor",
]


@dataclass(frozen=True)
class MonitorSettings:
    """The forecaster's parameters, the escalation times, and whether outliers self-resolve."""

    forecaster: ForecasterParams = field(default_factory=ForecasterParams)
    escalation: EscalationPolicy = field(default_factory=EscalationPolicy)
    outliers_self_resolve: bool = True


@dataclass(frozen=True)
class Resolution:
    """A coop's report that the alerts on one product are dealt with, as of ``period``.

    ``kind`` ``None`` resolves every open alert of the coop and product raised at or before
    ``period``; otherwise only alerts of that kind.
    """

    coop: str
    product: str
    period: str
    kind: ChangeKind | None = None


@dataclass(frozen=True, eq=False)
class MonitoringResult:
    """What monitoring found.

    ``reports`` is the reports table with the three indices per row; ``coops`` each coop's
    labour-weighted indices per period; ``forecasts`` the forecaster's latest level, slope and
    next-interval forecast per series; ``alerts`` every alert (open ones have no
    ``resolved_at``); ``events`` the alert log in order.
    """

    periods: tuple[str, ...]
    reports: pd.DataFrame
    coops: pd.DataFrame
    forecasts: pd.DataFrame
    alerts: tuple[Alert, ...]
    events: tuple[AlertEvent, ...]

    def latest_coop_indices(self) -> pd.DataFrame:
        """Each coop's indices at the last period it reported."""
        return self.coops.groupby("coop", sort=True).tail(1).sort_values("coop")

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready form (missing indices are null)."""

        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            clean = frame.astype(object).where(frame.notna(), None)
            return [{str(k): v for k, v in row.items()} for row in clean.to_dict(orient="records")]

        return {
            "periods": list(self.periods),
            "coops": records(self.coops),
            "reports": records(self.reports),
            "forecasts": records(self.forecasts),
            "alerts": [a.to_dict() for a in self.alerts],
            "events": [e.to_dict() for e in self.events],
        }


def escalation_bodies(economy: Economy) -> dict[str, tuple[str, str]]:
    """Per coop: (its innermost group, the top of its chain of groups: the federation)."""
    parents: dict[str, str | None] = {
        str(g): (None if p is None or (isinstance(p, float) and np.isnan(p)) else str(p))
        for g, p in zip(economy.groups["id"], economy.groups["parent"], strict=True)
    }
    bodies = {}
    for coop, group in zip(economy.coops["id"], economy.coops["group"], strict=True):
        top = str(group)
        seen = {top}
        while parents.get(top) is not None:
            top = str(parents[top])
            if top in seen:  # a cycle: validation of the economy forbids it; stop anyway
                break
            seen.add(top)
        bodies[str(coop)] = (str(group), top)
    return bodies


def _check_resolutions(resolutions: Sequence[Resolution], reports: ReportTable) -> None:
    known = set(reports.periods)
    series = set(zip(reports.table["coop"], reports.table["product"], strict=True))
    problems = []
    for row, r in enumerate(resolutions, start=1):
        if r.period not in known:
            problems.append(
                Problem(
                    "resolutions",
                    "period is not a reporting period",
                    row=row,
                    column="period",
                    value=r.period,
                    fix="use a period of the reports",
                )
            )
        if (r.coop, r.product) not in series:
            problems.append(
                Problem(
                    "resolutions",
                    "no reports for this coop and product",
                    row=row,
                    column="product",
                    value=f"{r.coop}/{r.product}",
                    fix="resolve only coops and products that report",
                )
            )
    invalid = InputError.collect(problems, summary="invalid resolutions")
    if invalid is not None:
        raise invalid


def monitor(
    reports: ReportTable,
    economy: Economy,
    settings: MonitorSettings | None = None,
    resolutions: Sequence[Resolution] = (),
) -> MonitoringResult:
    """Indices, alerts and escalations for ``reports`` of coops of ``economy``."""
    settings = settings or MonitorSettings()
    _check_resolutions(resolutions, reports)
    table = reports.table
    periods = reports.periods
    series = sorted(set(zip(table["coop"], table["product"], strict=True)))
    column = {key: i for i, key in enumerate(series)}
    values = np.full((len(periods), len(series)), np.nan)
    rows = [column[(c, p)] for c, p in zip(table["coop"], table["product"], strict=True)]
    values[table["interval"].to_numpy(), rows] = table["actual"].to_numpy(dtype=float)
    by_interval: dict[int, list[Resolution]] = {}
    position = {label: i for i, label in enumerate(periods)}
    for r in resolutions:
        by_interval.setdefault(position[r.period], []).append(r)
    bodies = escalation_bodies(economy)
    model = MultiStateForecaster(settings.forecaster)
    state = model.initial(len(series))
    first_seen = np.full(len(series), -1)
    book = AlertBook()
    for t, period in enumerate(periods):
        observed = np.isfinite(values[t])
        first_seen = np.where((first_seen < 0) & observed, t, first_seen)
        step = model.update(state, values[t])
        state = step.state
        signalled = set()
        for row, signal in step.signals:
            coop, product = series[row]
            group, federation = bodies[coop]
            change = int(first_seen[row]) + signal.at
            alert = Alert(
                id=f"{coop}:{product}:{signal.kind.value}:{period}",
                coop=coop,
                product=product,
                kind=signal.kind,
                raised_at=period,
                raised_interval=t,
                change_at=periods[max(change, 0)],
                group=group,
                federation=federation,
                size=signal.size,
                probability=signal.probability,
            )
            book = raise_alert(book, alert)
            signalled.add(row)
        for r in by_interval.get(t, []):
            book = resolve(book, r.coop, r.product, t, period, r.kind)
        if settings.outliers_self_resolve:
            for alert in book.open_alerts():
                row = column[(alert.coop, alert.product)]
                if (
                    alert.kind is ChangeKind.OUTLIER
                    and alert.raised_interval < t
                    and observed[row]
                    and row not in signalled
                ):
                    book = resolve(book, alert.coop, alert.product, t, period, ChangeKind.OUTLIER)
        book = escalate(book, t, period, settings.escalation)
    forecasts = pd.DataFrame(
        {
            "coop": [c for c, _ in series],
            "product": [p for _, p in series],
            "level": state.level(),
            "slope": state.slope(),
            "forecast": state.forecast(1),
        }
    )
    return MonitoringResult(
        periods=periods,
        reports=index_table(table),
        coops=coop_indices(table, reports.labour),
        forecasts=forecasts,
        alerts=book.alerts,
        events=book.events,
    )
