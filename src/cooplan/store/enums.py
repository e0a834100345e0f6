"""Status and role enums stored in the database (as their string values).

The stages of the plan cycle are the institutions' plan states
(:class:`cooplan.institutions.plan_cycle.PlanState`: draft, published, recomputing, voting,
adopted, rejected, withdrawn).
"""

from __future__ import annotations

from enum import StrEnum

from cooplan.institutions.plan_cycle import PlanState as CycleStage

__all__ = ["BodyName", "CycleStage", "ProposalStatus", "Role", "RunStatus"]


class Role(StrEnum):
    """What an account may do. A person may hold several roles."""

    MEMBER = "member"
    """Member-owner of a coop: votes in that coop's General Assembly."""
    DELEGATE = "delegate"
    """Delegate to the Congress: votes in the Congress."""
    PLANNER = "planner"
    """Starts plan runs and drives the plan cycle."""
    ADMIN = "admin"
    """Creates coops and accounts."""


class RunStatus(StrEnum):
    """Where a plan run stands."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class BodyName(StrEnum):
    """Which body decides a proposal."""

    ASSEMBLY = "assembly"
    """A coop's General Assembly (its members)."""
    CONGRESS = "congress"
    """The federation's Congress (its delegates)."""


class ProposalStatus(StrEnum):
    """An open proposal takes ballots; a closed one has a result."""

    OPEN = "open"
    CLOSED = "closed"
