"""The platform's tables as typed SQLAlchemy 2 models.

Records whose history matters (ballots, events, relocations, ledger entries, production
reports) are append-only: a correction is a new row, never an edit. The effective ballot of a
member on a proposal is the row named by ``ballot_heads`` (primary key: proposal and account),
which the same transaction that appends the ballot moves; the count reads only those.

Schema changes go through Alembic revisions in ``migrations/versions`` (0001 the first release);
``tests/platform`` checks that the migrated schema matches these models.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from cooplan.store.enums import BodyName, CycleStage, ProposalStatus, Role, RunStatus

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
ID_LENGTH = 64


def utcnow() -> datetime:
    """The current time in UTC (timezone-aware)."""
    return datetime.now(UTC)


class StrEnumType(TypeDecorator[Any]):
    """A StrEnum stored as its value in a VARCHAR (no database enum type to migrate)."""

    impl = String(16)
    cache_ok = True

    def __init__(self, enum: type[StrEnum]) -> None:
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.enum(value)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp (SQLite returns naive values: they are read as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value  # type: ignore[no-any-return]


class Base(DeclarativeBase):
    """Base of every model; constraint names follow :data:`NAMING`."""

    metadata = MetaData(naming_convention=NAMING)


class Group(Base):
    """A group of coops (division, sector, region); ``parent`` makes a tree."""

    __tablename__ = "groups"
    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    axis: Mapped[str] = mapped_column(String(32), default="sector")


class Coop(Base):
    """A worker cooperative of the federation."""

    __tablename__ = "coops"
    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(ID_LENGTH), default="")
    group_id: Mapped[str | None] = mapped_column(ForeignKey("groups.id"))
    members: Mapped[int] = mapped_column(Integer, default=0)
    hours_per_member: Mapped[float] = mapped_column(Float, default=0.0)
    non_members: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Account(Base):
    """A person's login. ``coop_id`` is the coop whose assembly a member votes in."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(ID_LENGTH), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    coop_id: Mapped[str | None] = mapped_column(ForeignKey("coops.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    roles: Mapped[list[AccountRole]] = relationship(lazy="selectin", cascade="all, delete-orphan")

    def role_set(self) -> frozenset[Role]:
        """The roles this account holds."""
        return frozenset(r.role for r in self.roles)


class AccountRole(Base):
    """One role held by an account."""

    __tablename__ = "account_roles"
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    role: Mapped[Role] = mapped_column(StrEnumType(Role), primary_key=True)


class ApiToken(Base):
    """A bearer token; only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginFailure(Base):
    """A failed login, kept to rate-limit guessing (per username and client address)."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_username_ip_at", "username", "ip", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(ID_LENGTH))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StoredEconomy(Base):
    """An economy imported from a folder: its files verbatim and their SHA-256 digest."""

    __tablename__ = "economies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(500), default="")
    digest: Mapped[str] = mapped_column(String(64), index=True)
    files: Mapped[dict[str, str]] = mapped_column(JSON)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlanRun(Base):
    """One computation of a plan: parameters, seed, input digest, progress and result."""

    __tablename__ = "plan_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    economy_id: Mapped[int] = mapped_column(ForeignKey("economies.id"), index=True)
    mechanism: Mapped[str] = mapped_column(String(32))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    solver: Mapped[str | None] = mapped_column(String(64))
    input_digest: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[RunStatus] = mapped_column(StrEnumType(RunStatus), default=RunStatus.QUEUED)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(String(500), default="")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Proposal(Base):
    """A question put to a body (a coop's assembly or the Congress) with a decision method."""

    __tablename__ = "proposals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text)
    body: Mapped[BodyName] = mapped_column(StrEnumType(BodyName))
    coop_id: Mapped[str | None] = mapped_column(ForeignKey("coops.id"), index=True)
    method: Mapped[str] = mapped_column(String(32))
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    quorum: Mapped[float] = mapped_column(Float, default=0.5)
    threshold: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[int] = mapped_column(Integer, default=5)
    status: Mapped[ProposalStatus] = mapped_column(
        StrEnumType(ProposalStatus), default=ProposalStatus.OPEN
    )
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    plan_cycle_id: Mapped[int | None] = mapped_column(ForeignKey("plan_cycles.id"), index=True)


class Ballot(Base):
    """A ballot as cast (append-only). A later ballot by the same person supersedes it."""

    __tablename__ = "ballots"
    __table_args__ = (Index("ix_ballots_proposal_id_account_id", "proposal_id", "account_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    choice: Mapped[Any] = mapped_column(JSON)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BallotHead(Base):
    """The effective ballot of one person on one proposal (one row per pair, by key)."""

    __tablename__ = "ballot_heads"
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"))


class Event(Base):
    """The append-only audit log: who did what, when, with the data of the act."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    subject: Mapped[str] = mapped_column(String(200), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# ---- revision 0002: the plan cycle and settlements ----


class PlanCycle(Base):
    """One round of the plan cycle: draft, assemblies, recomputation, Congress, adoption."""

    __tablename__ = "plan_cycles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    economy_id: Mapped[int] = mapped_column(ForeignKey("economies.id"))
    mechanism: Mapped[str] = mapped_column(String(32))
    stage: Mapped[CycleStage] = mapped_column(StrEnumType(CycleStage), default=CycleStage.DRAFT)
    draft_run_id: Mapped[int | None] = mapped_column(ForeignKey("plan_runs.id"))
    revised_run_id: Mapped[int | None] = mapped_column(ForeignKey("plan_runs.id"))
    adopted_run_id: Mapped[int | None] = mapped_column(ForeignKey("plan_runs.id"))
    congress_proposal_id: Mapped[int | None] = mapped_column(Integer)
    machine: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """The institutions' plan-cycle state machine, serialised (revision 0003)."""
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CounterPlan(Base):
    """A coop's counter-plan: changes to its own figures (members, hours, capacities)."""

    __tablename__ = "counter_plans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("plan_cycles.id"), index=True)
    coop_id: Mapped[str] = mapped_column(ForeignKey("coops.id"))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Settlement(Base):
    """The settlement of an adopted plan's period: its summary (accounts, funds)."""

    __tablename__ = "settlements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_run_id: Mapped[int] = mapped_column(ForeignKey("plan_runs.id"))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RelocationRecord(Base):
    """Hours of work moved from one coop to another by a settlement (append-only)."""

    __tablename__ = "relocations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"), index=True)
    from_coop: Mapped[str] = mapped_column(String(ID_LENGTH))
    to_coop: Mapped[str] = mapped_column(String(ID_LENGTH))
    workers: Mapped[int] = mapped_column(Integer, default=0)
    hours: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(String(500), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LedgerEntry(Base):
    """One movement on a fund or a coop's account (append-only; corrections are new rows)."""

    __tablename__ = "ledger_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    settlement_id: Mapped[int | None] = mapped_column(ForeignKey("settlements.id"), index=True)
    ledger: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    holder: Mapped[str] = mapped_column(String(ID_LENGTH), default="")
    amount: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(500), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# ---- revision 0004: production reports (Cybersyn monitoring) ----


class ProductionReport(Base):
    """One coop's report of one product for one period (append-only).

    Quantities are in the product's unit per reporting interval (Beer's actuality, capability
    and potentiality). A later row for the same economy, coop, product and period supersedes
    the earlier one in the monitoring view; the table keeps both.
    """

    __tablename__ = "production_reports"
    __table_args__ = (
        Index(
            "ix_production_reports_economy_id_coop_product_period",
            "economy_id",
            "coop",
            "product",
            "period",
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    economy_id: Mapped[int] = mapped_column(ForeignKey("economies.id"))
    coop: Mapped[str] = mapped_column(String(ID_LENGTH))
    product: Mapped[str] = mapped_column(String(ID_LENGTH))
    period: Mapped[str] = mapped_column(String(32))
    actual: Mapped[float] = mapped_column(Float)
    capability: Mapped[float] = mapped_column(Float)
    potential: Mapped[float] = mapped_column(Float)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
