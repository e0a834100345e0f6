"""Cybersyn-style monitoring: Beer's triple index, Harrison–Stevens change alerts, escalation.

Pure functions over a tidy table of production reports; no database, no HTTP. Start with
:func:`read_reports` (or :func:`validate_reports`) and :func:`monitor`.
"""

from cooplan.simulation.monitoring.escalation import (
    Alert,
    AlertBook,
    AlertEvent,
    AlertLevel,
    EscalationPolicy,
    EventKind,
    escalate,
    raise_alert,
    resolve,
)
from cooplan.simulation.monitoring.forecaster import (
    ChangeKind,
    ChangeSignal,
    ForecasterParams,
    ForecasterState,
    MultiStateForecaster,
    detect_changes,
    detect_changes_batch,
)
from cooplan.simulation.monitoring.indices import (
    TripleIndex,
    coop_indices,
    index_table,
    triple_index,
)
from cooplan.simulation.monitoring.reports import (
    REPORTS,
    ReportTable,
    read_reports,
    validate_reports,
)
from cooplan.simulation.monitoring.resolutions import parse_resolutions, read_resolutions
from cooplan.simulation.monitoring.run import (
    MonitoringResult,
    MonitorSettings,
    Resolution,
    escalation_bodies,
    monitor,
)

__all__ = [
    "REPORTS",
    "Alert",
    "AlertBook",
    "AlertEvent",
    "AlertLevel",
    "ChangeKind",
    "ChangeSignal",
    "EscalationPolicy",
    "EventKind",
    "ForecasterParams",
    "ForecasterState",
    "MonitorSettings",
    "MonitoringResult",
    "MultiStateForecaster",
    "ReportTable",
    "Resolution",
    "TripleIndex",
    "coop_indices",
    "detect_changes",
    "detect_changes_batch",
    "escalate",
    "escalation_bodies",
    "index_table",
    "monitor",
    "parse_resolutions",
    "raise_alert",
    "read_reports",
    "read_resolutions",
    "resolve",
    "triple_index",
    "validate_reports",
]
