"""Request and response bodies of the API (pydantic), with bounds that name the field on 422."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from cooplan.institutions.voting import Method
from cooplan.store.enums import BodyName, CycleStage, ProposalStatus, Role, RunStatus

MAX_ID = 2**31 - 1


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
Identifier = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]


class Strict(BaseModel):
    """Bodies reject unknown fields."""

    model_config = ConfigDict(extra="forbid")


class TokenRequest(Strict):
    username: Annotated[Text, Field(min_length=1, max_length=64)]
    password: Annotated[Text, Field(min_length=1, max_length=256)]


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"


class AccountIn(Strict):
    username: Annotated[Text, Field(min_length=2, max_length=64)]
    password: Annotated[Text, Field(min_length=8, max_length=256)]
    display_name: Annotated[Text, Field(max_length=200)] = ""
    coop_id: Identifier | None = None
    roles: Annotated[list[Role], Field(min_length=1, max_length=4)] = [Role.MEMBER]


class AccountOut(BaseModel):
    id: int
    username: str
    display_name: str
    coop_id: str | None
    roles: list[Role]


class GroupOut(BaseModel):
    id: str
    name: str
    parent: str | None
    axis: str


class CoopIn(Strict):
    id: Identifier
    name: Annotated[Text, Field(min_length=1, max_length=200)]
    region: Annotated[Text, Field(max_length=64)] = ""
    group_id: Identifier | None = None
    members: Annotated[int, Field(ge=0, le=10_000_000)] = 0
    hours_per_member: Annotated[float, Field(ge=0, le=8784)] = 0.0
    non_members: Annotated[int, Field(ge=0, le=10_000_000)] = 0


class CoopOut(BaseModel):
    id: str
    name: str
    region: str
    group_id: str | None
    members: int
    hours_per_member: float
    non_members: int
    registered_members: int = 0


class FederationOut(BaseModel):
    groups: list[GroupOut]
    coops: list[CoopOut]
    latest_run_id: int | None
    fulfilment_lambda: float | None
    labour_used: float | None
    labour_available: float | None


class EconomyIn(Strict):
    files: Annotated[dict[Annotated[Text, Field(max_length=64)], Text], Field(min_length=1)]
    source: Annotated[Text, Field(max_length=500)] = ""


class EconomyOut(BaseModel):
    id: int
    name: str
    source: str
    digest: str
    summary: dict[str, Any]
    imported_at: datetime


class MechanismOut(BaseModel):
    name: str
    title: str
    description: str
    assigns_suppliers: bool


class PlanRunIn(Strict):
    economy_id: RowId
    mechanism: Annotated[Text, Field(max_length=32)] = "balance"
    seed: Annotated[int, Field(ge=0, le=MAX_ID)] = 0
    objective: Annotated[Text, Field(max_length=32)] | None = None


class PlanRunOut(BaseModel):
    id: int
    economy_id: int
    mechanism: str
    parameters: dict[str, Any]
    seed: int
    solver: str | None
    input_digest: str
    version: str
    status: RunStatus
    progress: float
    message: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: dict[str, Any] | None = None


class PlanRunResult(PlanRunOut):
    result: dict[str, Any] | None


class CoopPlanOut(BaseModel):
    coop: str
    name: str
    run_id: int
    mechanism: str
    input_digest: str
    assigns_suppliers: bool
    outputs: dict[str, float]
    inputs: dict[str, float]
    labour_used: float
    labour_available: float
    deliveries_in: list[dict[str, Any]]
    deliveries_out: list[dict[str, Any]]
    units: dict[str, str] = {}


class ProposalIn(Strict):
    title: Annotated[Text, Field(min_length=1, max_length=200)]
    question: Annotated[Text, Field(min_length=1, max_length=10_000)]
    body: BodyName
    method: Method = Method.SIMPLE_MAJORITY
    coop_id: Identifier | None = None
    options: Annotated[list[Annotated[Text, Field(max_length=200)]], Field(max_length=20)] = []
    quorum: Annotated[float, Field(ge=0, le=1)] = 0.5
    threshold: Annotated[float, Field(ge=0, le=1)] | None = None
    max_score: Annotated[int, Field(ge=1, le=100)] = 5


class ProposalOut(BaseModel):
    id: int
    title: str
    question: str
    body: BodyName
    coop_id: str | None
    method: str
    options: list[str]
    choices: list[str]
    quorum: float
    threshold: float | None
    max_score: int
    status: ProposalStatus
    result: dict[str, Any] | None
    created_at: datetime
    closed_at: datetime | None
    plan_cycle_id: int | None
    my_ballot: Any = None


ChoiceValue = (
    Annotated[Text, Field(max_length=32)]
    | Annotated[list[Annotated[Text, Field(max_length=200)]], Field(max_length=20)]
    | Annotated[dict[Annotated[Text, Field(max_length=200)], float], Field(max_length=20)]
)


class VoteIn(Strict):
    choice: ChoiceValue


class BallotOut(BaseModel):
    id: int
    proposal_id: int
    choice: Any
    cast_at: datetime


class CycleIn(Strict):
    economy_id: RowId
    mechanism: Annotated[Text, Field(max_length=32)] = "balance"


class CounterPlanIn(Strict):
    """A coop's counter-plan: hours per member, capacities and labour coefficients (hours per
    unit) of its own processes, and the reason for the changes."""

    hours_per_member: Annotated[float, Field(ge=0, le=8784)] | None = None
    capacities: Annotated[
        dict[Identifier, Annotated[float, Field(ge=0, le=1e15)]], Field(max_length=100)
    ] = {}
    labour: Annotated[
        dict[Identifier, Annotated[float, Field(ge=0, le=1e9)]], Field(max_length=100)
    ] = {}
    note: Annotated[Text, Field(min_length=1, max_length=5000)]


class CycleOut(BaseModel):
    id: int
    economy_id: int
    mechanism: str
    stage: CycleStage
    draft_run_id: int | None
    revised_run_id: int | None
    adopted_run_id: int | None
    congress_proposal_id: int | None
    assembly_proposals: dict[str, int]
    counter_plans: list[dict[str, Any]]
    responses: dict[str, str]
    variants: list[dict[str, Any]]
    chosen: str | None
    history: list[dict[str, Any]]
    created_at: datetime


class SettlementIn(Strict):
    plan_run_id: RowId
    seed: Annotated[int, Field(ge=0, le=MAX_ID)] = 0


class SettlementOut(BaseModel):
    id: int
    plan_run_id: int
    summary: dict[str, Any]
    created_at: datetime


class RelocationOut(BaseModel):
    id: int
    settlement_id: int
    from_coop: str
    to_coop: str
    workers: int
    hours: float
    note: str
    at: datetime


class FundBalanceOut(BaseModel):
    ledger: str
    holder: str
    balance: float


class ErrorOut(BaseModel):
    detail: str
    problems: list[dict[str, Any]] = []


Responses = dict[int | str, dict[str, Any]]
"""The ``responses=`` argument of a route: error statuses and their body."""
