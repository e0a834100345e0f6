"""Alerts and their escalation from the coop to its group to the federation: a pure state machine.

An alert is raised at the coop. If it is still open ``to_group`` reporting intervals after it
was raised, it goes up to the coop's group; if still open ``to_federation`` intervals after
it was raised, to the federation (Cybersyn's rule: plant, then sector, then national level,
each given time to act first). "Within d intervals" is inclusive: an alert raised at
interval t and resolved at t + d is not escalated at t + d, because resolutions of an
interval are applied before its escalations.

Every function returns a new :class:`AlertBook`; nothing is changed in place. The book keeps
the alerts and an append-only log of events (raised, escalated, resolved).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from cooplan.simulation.monitoring.forecaster import ChangeKind

__all__ = [
    "Alert",
    "AlertBook",
    "AlertEvent",
    "AlertLevel",
    "EscalationPolicy",
    "EventKind",
    "escalate",
    "raise_alert",
    "resolve",
]


class AlertLevel(StrEnum):
    """Who is responsible for an open alert."""

    COOP = "coop"
    GROUP = "group"
    FEDERATION = "federation"


class EventKind(StrEnum):
    """What happened to an alert."""

    RAISED = "raised"
    ESCALATED = "escalated"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class EscalationPolicy:
    """Reporting intervals an alert may stay open before going up a level.

    Defaults: 2 intervals at the coop, then up to 5 in all before the federation.
    """

    to_group: int = 2
    to_federation: int = 5

    def __post_init__(self) -> None:
        if self.to_group < 1 or self.to_federation <= self.to_group:
            raise ValueError(
                "need 1 ≤ to_group < to_federation, got "
                f"to_group={self.to_group}, to_federation={self.to_federation}"
            )


@dataclass(frozen=True)
class Alert:
    """A change found in one coop's output of one product.

    ``id`` is ``coop:product:kind:raised_at``. ``raised_at``/``resolved_at`` are period labels
    (``resolved_at`` is ``None`` while open); ``raised_interval``/``resolved_interval`` their
    positions on the monitoring clock. ``change_at`` is the period where the change began.
    ``group`` and ``federation`` are the ids of the bodies it escalates to. ``size`` is the
    forecast error (product units per interval) at the change; ``probability`` the
    forecaster's posterior probability of ``kind`` (0 for drift-detected slope changes).
    """

    id: str
    coop: str
    product: str
    kind: ChangeKind
    raised_at: str
    raised_interval: int
    change_at: str
    group: str
    federation: str
    level: AlertLevel = AlertLevel.COOP
    resolved_at: str | None = None
    resolved_interval: int | None = None
    size: float = 0.0
    probability: float = 0.0

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def responsible(self) -> str:
        """Id of the body now responsible: the coop, its group or the federation."""
        return {
            AlertLevel.COOP: self.coop,
            AlertLevel.GROUP: self.group,
            AlertLevel.FEDERATION: self.federation,
        }[self.level]

    @property
    def direction(self) -> str:
        """``"up"`` or ``"down"``: the sign of the change."""
        return "up" if self.size >= 0 else "down"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "coop": self.coop,
            "product": self.product,
            "kind": self.kind.value,
            "direction": self.direction,
            "change_at": self.change_at,
            "raised_at": self.raised_at,
            "level": self.level.value,
            "responsible": self.responsible,
            "resolved_at": self.resolved_at,
            "size": self.size,
            "probability": self.probability,
        }


@dataclass(frozen=True)
class AlertEvent:
    """One entry of the alert log."""

    alert_id: str
    kind: EventKind
    interval: int
    period: str
    level: AlertLevel
    body: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "alert": self.alert_id,
            "event": self.kind.value,
            "period": self.period,
            "level": self.level.value,
            "body": self.body,
        }


@dataclass(frozen=True)
class AlertBook:
    """Every alert so far (in the order raised) and the event log."""

    alerts: tuple[Alert, ...] = ()
    events: tuple[AlertEvent, ...] = ()

    def open_alerts(self) -> tuple[Alert, ...]:
        return tuple(a for a in self.alerts if a.is_open)

    def find_open(self, coop: str, product: str, kind: ChangeKind) -> Alert | None:
        """The open alert of this kind for this coop and product, if any."""
        for alert in self.alerts:
            if alert.is_open and (alert.coop, alert.product, alert.kind) == (coop, product, kind):
                return alert
        return None


def raise_alert(book: AlertBook, alert: Alert) -> AlertBook:
    """Add ``alert`` (at the coop level), unless an open alert of its kind already exists for
    the same coop and product (the same problem, still being dealt with)."""
    if book.find_open(alert.coop, alert.product, alert.kind) is not None:
        return book
    if any(a.id == alert.id for a in book.alerts):
        raise ValueError(f"alert id {alert.id!r} already used")
    fresh = replace(alert, level=AlertLevel.COOP, resolved_at=None, resolved_interval=None)
    event = AlertEvent(
        fresh.id,
        EventKind.RAISED,
        fresh.raised_interval,
        fresh.raised_at,
        AlertLevel.COOP,
        fresh.coop,
    )
    return AlertBook((*book.alerts, fresh), (*book.events, event))


def resolve(
    book: AlertBook,
    coop: str,
    product: str,
    interval: int,
    period: str,
    kind: ChangeKind | None = None,
) -> AlertBook:
    """Resolve the open alerts of ``coop`` and ``product`` (of ``kind``, or all kinds) raised
    at or before ``interval``."""
    alerts = list(book.alerts)
    events = list(book.events)
    for position, alert in enumerate(alerts):
        if (
            alert.is_open
            and alert.coop == coop
            and alert.product == product
            and (kind is None or alert.kind == kind)
            and alert.raised_interval <= interval
        ):
            alerts[position] = replace(alert, resolved_at=period, resolved_interval=interval)
            events.append(
                AlertEvent(
                    alert.id, EventKind.RESOLVED, interval, period, alert.level, alert.responsible
                )
            )
    return AlertBook(tuple(alerts), tuple(events))


def escalate(book: AlertBook, interval: int, period: str, policy: EscalationPolicy) -> AlertBook:
    """Move up every open alert whose time at its level has run out by ``interval``."""
    alerts = list(book.alerts)
    events = list(book.events)
    for position, alert in enumerate(alerts):
        if not alert.is_open:
            continue
        waited = interval - alert.raised_interval
        target = alert.level
        if waited >= policy.to_federation:
            target = AlertLevel.FEDERATION
        elif waited >= policy.to_group and alert.level is AlertLevel.COOP:
            target = AlertLevel.GROUP
        if target is not alert.level:
            moved = replace(alert, level=target)
            alerts[position] = moved
            events.append(
                AlertEvent(
                    alert.id, EventKind.ESCALATED, interval, period, target, moved.responsible
                )
            )
    return AlertBook(tuple(alerts), tuple(events))
