"""The federation's rules: every number of its institutions as a named, documented parameter.

One table, :data:`PARAMETERS`, describes each parameter once (key, type, unit, default,
bounds, meaning, source). Validation of ``federation.toml``, the defaults, the documentation
table and the template file are all derived from it. Keys are ``section.name`` as they appear
in the TOML file; the :class:`FederationRules` attribute is the key with the dot replaced by an
underscore (``surplus.mandatory_reserve`` → ``rules.surplus_mandatory_reserve``).

Sources are the project's domain brief ``institutions.md`` (strength of source in brackets:
[P] primary, [S] good secondary, [W] weak secondary) or, where that brief gives no number,
an explicit *assumption* that the federation's congress is expected to set.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from cooplan.errors import InputError, Problem

__all__ = [
    "PARAMETERS",
    "FederationRules",
    "Parameter",
    "ParameterType",
    "default_rules",
    "load_rules",
    "parse_rules",
    "rules_markdown_table",
    "rules_toml_template",
]


class ParameterType(StrEnum):
    """The value type of a parameter as written in TOML."""

    FLOAT = "float"
    INT = "int"
    BOOL = "bool"
    STR = "str"


@dataclass(frozen=True)
class Parameter:
    """One rule of the federation: its key, type, unit, default, bounds, meaning and source."""

    key: str
    type: ParameterType
    unit: str
    default: float | int | bool | str
    meaning: str
    source: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()

    @property
    def attribute(self) -> str:
        """The :class:`FederationRules` attribute holding this parameter."""
        return self.key.replace(".", "_")


_F, _I, _B, _S = ParameterType.FLOAT, ParameterType.INT, ParameterType.BOOL, ParameterType.STR
_IM = "institutions.md"

PARAMETERS: tuple[Parameter, ...] = (
    # --- pay -------------------------------------------------------------------------------
    Parameter("pay.ratio_cap", _F, "max/min pay index", 6.0,
              "Highest allowed ratio of the highest to the lowest pay index in a coop; a "
              "violation is reported, never clipped.",
              f"{_IM}: Mondragon 1:6 since 1988 (voted 147 to 132) [S]", 1.0, 100.0),
    Parameter("pay.base_advance_per_year", _F, "EUR/year", 15000.0,
              "Yearly advance (pay) of a full-time worker at pay index 1.",
              f"{_IM}: entry capital EUR 13,000–17,000, 'about a year's pay' [W]", 0.0, None),
    Parameter("pay.full_time_hours", _F, "hours/year", 1700.0,
              "Hours a full-time worker works in a year; converts yearly advances to hourly.",
              "assumption (Spanish collective agreements are about 1,700–1,800 hours a year)",
              1.0, 8784.0),
    Parameter("pay.labour_share_of_value_added", _F, "share", 0.75,
              "Share of the federation's value added paid as advances; calibrates the plan's "
              "valuation units to money when valuation.money_per_unit is 0.",
              "assumption (a labour share typical of manufacturing); not in institutions.md",
              0.01, 1.0),
    Parameter("valuation.money_per_unit", _F, "EUR per valuation unit", 0.0,
              "Money value of one unit of the plan's prices; 0 = calibrate from "
              "pay.labour_share_of_value_added.",
              "assumption", 0.0, None),
    Parameter("valuation.basis", _S, "", "auto",
              "Prices of the accounts: the plan's shadow prices, labour values, or auto (shadow "
              "prices when every final product has a positive one, else labour values).",
              "assumption", None, None, ("auto", "shadow_prices", "labour_values")),
    Parameter("plan.period_months", _I, "months", 12,
              "Length of one plan period; members' hours are hours per period.",
              "assumption (Mondragon's plans and congresses are yearly) [P]", 1, 120),
    # --- surplus ---------------------------------------------------------------------------
    Parameter("surplus.mandatory_reserve", _F, "share of result", 0.20,
              "Share of a coop's positive result (after pooling and interest) to its "
              "indivisible mandatory reserve.",
              f"{_IM}: Spanish law at least 20% [S][P] (Italian law 30%)", 0.0, 1.0),
    Parameter("surplus.education_fund", _F, "share of result", 0.10,
              "Share of the positive result to the education and promotion fund.",
              f"{_IM}: Spanish law at least 5%, Catalonia 10%, Mondragon practice 10% social "
              "[S][P][W]", 0.0, 1.0),
    Parameter("surplus.group_pooling", _F, "share of result", 0.15,
              "Share of each coop's result (profit or loss) pooled within its group and "
              "redistributed in proportion to hours worked.",
              f"{_IM}: 15–40% pooled within a sectoral group [W]", 0.0, 1.0),
    Parameter("surplus.central_fund", _F, "share of result", 0.10,
              "Share of the positive result to the central inter-cooperation fund.",
              f"{_IM}: about 10% of group profits [P][W]", 0.0, 1.0),
    # --- capital accounts ------------------------------------------------------------------
    Parameter("capital.interest_rate", _F, "per year", 0.075,
              "Interest credited on members' capital accounts (a yearly rate, prorated to "
              "the period).", f"{_IM}: at most 7.5% a year [S]", 0.0, 0.075),
    Parameter("capital.interest_max_share_of_result", _F, "share of result", 0.40,
              "Interest may not exceed this share of the coop's positive result.",
              f"{_IM}: interest limited to 40% of the coop's result [S]", 0.0, 1.0),
    Parameter("capital.interest_cash_share", _F, "share of interest", 0.0,
              "Share of the interest paid in cash; the rest is credited to the account.",
              f"{_IM}: cash payment at most 50% [S]; default 0 (returns are credited [P])",
              0.0, 0.5),
    Parameter("capital.entry_fee", _F, "EUR", 15000.0,
              "Entry capital a new member contributes.",
              f"{_IM}: EUR 13,000–17,000 [W]", 0.0, None),
    Parameter("capital.entry_fee_to_reserve", _F, "share of entry fee", 0.25,
              "Non-refundable part of the entry capital that goes to reserves.",
              f"{_IM}: about 25% [W]", 0.0, 1.0),
    # --- losses ----------------------------------------------------------------------------
    Parameter("losses.reserve_share", _F, "share of loss", 0.5,
              "Share of a loss (after pooling and solidarity support) charged to the coop's "
              "reserve; the rest is charged to members' capital accounts in proportion to "
              "work. Whatever the balances cannot cover is reported as uncovered.",
              f"assumption; {_IM} says losses are charged to reserves and capital accounts "
              "without a split", 0.0, 1.0),
    Parameter("losses.group_absorb_max", _F, "share of loss", 0.40,
              "Most of a coop's loss that federation funds (solidarity agreements) absorb.",
              f"{_IM}: group funds absorb at most about 40% [W]", 0.0, 1.0),
    # --- employment aid --------------------------------------------------------------------
    Parameter("employment_aid.contribution_rate", _F, "share of wage bill", 0.01,
              "Contribution of every coop to the employment-aid fund, as a share of its "
              "wage bill (advances).",
              f"assumption; {_IM} gives only the form (a share of the wage bill) [S]",
              0.0, 1.0),
    Parameter("employment_aid.crisis_surcharge", _F, "share of wage bill", 0.015,
              "Extra contribution while employment_aid.crisis is true.",
              f"{_IM}: raised by 1.5 points in the 2013 crisis [S]", 0.0, 1.0),
    Parameter("employment_aid.crisis", _B, "", False,
              "Whether the crisis surcharge applies this period.", "assumption", None, None),
    Parameter("employment_aid.benefit_rate", _F, "share of advance", 0.80,
              "Benefit paid to a member awaiting relocation, as a share of their advance.",
              f"{_IM}: about 80% [W]", 0.0, 1.0),
    Parameter("employment_aid.max_months", _I, "months", 24,
              "Longest a member may draw the benefit.", f"{_IM}: at most 2 years [S]", 0, 600),
    Parameter("employment_aid.buffer", _F, "EUR", 35_000_000.0,
              "Opening balance of the employment-aid fund when none is given.",
              f"{_IM}: EUR 35 million in 2013 [S]", 0.0, None),
    # --- early retirement ------------------------------------------------------------------
    Parameter("early_retirement.age", _I, "years", 55,
              "Members at least this old may take early retirement.",
              f"{_IM}: offered from age 55 [S]", 16, 100),
    Parameter("early_retirement.take_up", _F, "share of eligible members", 1.0,
              "Share of a surplus coop's eligible members who accept early retirement when "
              "it is offered (rounded down per coop).",
              f"assumption; {_IM}: early retirement is offered from age 55 [S]", 0.0, 1.0),
    Parameter("early_retirement.benefit_rate", _F, "share of advance", 0.80,
              "Early-retirement pay from the employment-aid fund, as a share of the advance.",
              "assumption (same as the employment-aid benefit)", 0.0, 1.0),
    # --- relocation ------------------------------------------------------------------------
    Parameter("relocation.group_weight", _F, "cost points", 4.0,
              "Disruption cost of moving a member to a coop of another group.",
              f"assumption; order 'same group first, then region, then skill' from {_IM}",
              0.0, None),
    Parameter("relocation.region_weight", _F, "cost points", 2.0,
              "Disruption cost of moving a member to another region.",
              "assumption (below the group weight)", 0.0, None),
    Parameter("relocation.skill_weight", _F, "cost points", 1.0,
              "Disruption cost of moving a member to a coop where nobody has their skill.",
              "assumption (below the region weight)", 0.0, None),
    Parameter("relocation.max_distance_km", _F, "km", 100.0,
              "Members are not moved farther than this (when regions have coordinates).",
              "assumption (Mondragon's coops lie within about 100 km)", 0.0, None),
    Parameter("relocation.pay_protection", _F, "share of advance", 1.0,
              "Share of their previous advance a relocated member is guaranteed; a shortfall "
              "is topped up by the employment-aid fund.",
              "assumption", 0.0, 1.0),
    Parameter("relocation.non_members_first", _B, "", True,
              "Non-member workers' hours are cut before any member becomes surplus.",
              "assumption (non-members are not covered by the no-dismissal rule)", None, None),
    Parameter("relocation.mobility_share", _F, "share of hours", 0.10,
              "μ: most of a coop's hours the planner may lend to another coop of its group "
              "in one period (used by the optimal planner).",
              "planning.md (μ); value an assumption", 0.0, 1.0),
    # --- congress and votes ----------------------------------------------------------------
    Parameter("congress.delegates", _I, "delegates", 650,
              "Seats in the federation congress.", f"{_IM}: about 650 delegates [P][S]", 1, None),
    Parameter("congress.min_per_coop", _I, "delegates", 2,
              "Minimum seats of each coop (never more than its members).",
              f"assumption; {_IM} names 'a minimum per coop' as the rule", 0, None),
    Parameter("congress.standing_committee", _I, "seats", 21,
              "Seats of the Standing Committee, allocated to groups by members.",
              f"{_IM}: a Standing Committee of 21 by division [P][S]", 1, None),
    Parameter("votes.simple_majority", _F, "share of yes+no", 0.5,
              "A simple-majority proposal passes when yes votes are MORE than this share of "
              "yes+no votes (abstentions are not counted).", "standard definition", 0.0, 1.0),
    Parameter("votes.qualified_majority", _F, "share of yes+no", 2.0 / 3.0,
              "A qualified-majority proposal passes when yes votes are AT LEAST this share of "
              "yes+no votes.", "assumption (two thirds is the usual statutory threshold)",
              0.5, 1.0),
    Parameter("votes.quorum", _F, "share of eligible voters", 0.5,
              "A vote is valid only when at least this share of eligible voters took part "
              "(abstentions count as taking part).", "assumption", 0.0, 1.0),
    Parameter("votes.score_max", _I, "points", 5,
              "Highest score on a score ballot (the lowest is 0).", "assumption", 1, 1000),
    Parameter("votes.plan_method", _S, "", "ranked_choice",
              "Method by which the congress chooses among plan variants.",
              "assumption", None, None,
              ("simple_majority", "qualified_majority", "consent", "ranked_choice", "score")),
    Parameter("membership.trial_months", _I, "months", 6,
              "Trial period before a worker can become a member.",
              f"{_IM}: 6–12 months [P]", 0, 60),
    # --- solidarity ------------------------------------------------------------------------
    Parameter("solidarity.max_duration_periods", _I, "periods", 3,
              "Longest duration of a solidarity agreement.",
              f"assumption; {_IM}: support comes with a cap, a duration and milestones", 1, 100),
)  # fmt: skip

_BY_KEY: dict[str, Parameter] = {p.key: p for p in PARAMETERS}


@dataclass(frozen=True)
class FederationRules:
    """All rules of a federation; build with :func:`load_rules` or :func:`default_rules`."""

    pay_ratio_cap: float
    pay_base_advance_per_year: float
    pay_full_time_hours: float
    pay_labour_share_of_value_added: float
    valuation_money_per_unit: float
    valuation_basis: str
    plan_period_months: int
    surplus_mandatory_reserve: float
    surplus_education_fund: float
    surplus_group_pooling: float
    surplus_central_fund: float
    capital_interest_rate: float
    capital_interest_max_share_of_result: float
    capital_interest_cash_share: float
    capital_entry_fee: float
    capital_entry_fee_to_reserve: float
    losses_reserve_share: float
    losses_group_absorb_max: float
    employment_aid_contribution_rate: float
    employment_aid_crisis_surcharge: float
    employment_aid_crisis: bool
    employment_aid_benefit_rate: float
    employment_aid_max_months: int
    employment_aid_buffer: float
    early_retirement_age: int
    early_retirement_take_up: float
    early_retirement_benefit_rate: float
    relocation_group_weight: float
    relocation_region_weight: float
    relocation_skill_weight: float
    relocation_max_distance_km: float
    relocation_pay_protection: float
    relocation_non_members_first: bool
    relocation_mobility_share: float
    congress_delegates: int
    congress_min_per_coop: int
    congress_standing_committee: int
    votes_simple_majority: float
    votes_qualified_majority: float
    votes_quorum: float
    votes_score_max: int
    votes_plan_method: str
    membership_trial_months: int
    solidarity_max_duration_periods: int

    @property
    def employment_aid_rate(self) -> float:
        """Contribution rate in force (with the crisis surcharge when it applies)."""
        surcharge = self.employment_aid_crisis_surcharge if self.employment_aid_crisis else 0.0
        return self.employment_aid_contribution_rate + surcharge

    @property
    def advance_per_hour(self) -> float:
        """Advance per hour at pay index 1 (EUR/hour)."""
        return self.pay_base_advance_per_year / self.pay_full_time_hours

    @property
    def member_returns_share(self) -> float:
        """Share of the positive result (after interest) credited to members."""
        return 1.0 - (
            self.surplus_mandatory_reserve + self.surplus_education_fund + self.surplus_central_fund
        )

    def get(self, key: str) -> float | int | bool | str:
        """Value of the parameter ``key`` (``section.name``)."""
        if key not in _BY_KEY:
            raise KeyError(key)
        value: float | int | bool | str = getattr(self, _BY_KEY[key].attribute)
        return value

    def as_dict(self) -> dict[str, dict[str, float | int | bool | str]]:
        """Nested ``{section: {name: value}}``, the shape of ``federation.toml``."""
        nested: dict[str, dict[str, float | int | bool | str]] = {}
        for p in PARAMETERS:
            section, name = p.key.split(".", 1)
            nested.setdefault(section, {})[name] = self.get(p.key)
        return nested

    def with_values(
        self, values: Mapping[str, Any], source: str = "<overrides>"
    ) -> FederationRules:
        """A copy with ``values`` (``{"section.name": value}``) applied and validated."""
        nested: dict[str, Any] = self.as_dict()
        for key, value in values.items():
            section, _, name = key.partition(".")
            nested.setdefault(section, {})[name] = value
        return parse_rules(nested, source)


def _check_value(p: Parameter, value: Any, file: str) -> tuple[Any, Problem | None]:
    def problem(message: str, fix: str) -> Problem:
        return Problem(file=file, row=None, column=p.key, value=value, message=message, fix=fix)

    if p.type is ParameterType.BOOL:
        if not isinstance(value, bool):
            return None, problem("must be true or false", "write true or false (no quotes)")
        return value, None
    if p.type is ParameterType.STR:
        if not isinstance(value, str):
            return None, problem("must be a string", 'write the value in quotes, e.g. "x"')
        if p.choices and value not in p.choices:
            return None, problem("is not one of the allowed values", f"use one of {p.choices}")
        return value, None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, problem(f"must be a number ({p.unit or p.type.value})", "write a number")
    if p.type is ParameterType.INT:
        if isinstance(value, float) and not value.is_integer():
            return None, problem("must be a whole number", f"round it, e.g. {round(value)}")
        value = int(value)
    else:
        value = float(value)
        if value != value or value in (float("inf"), float("-inf")):
            return None, problem("must be a finite number", "write a finite number")
    if p.minimum is not None and value < p.minimum:
        return None, problem(f"is below the minimum {p.minimum:g}", f"use at least {p.minimum:g}")
    if p.maximum is not None and value > p.maximum:
        return None, problem(f"is above the maximum {p.maximum:g}", f"use at most {p.maximum:g}")
    return value, None


def _flatten(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for name, value in data.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            yield from _flatten(value, key + ".")
        else:
            yield key, value


def _cross_checks(values: Mapping[str, Any], file: str) -> list[Problem]:
    problems: list[Problem] = []
    shares = ("surplus.mandatory_reserve", "surplus.education_fund", "surplus.central_fund")
    total = sum(float(values[k]) for k in shares)
    if total > 1.0 + 1e-12:
        problems.append(
            Problem(
                file=file,
                column="surplus",
                value=round(total, 6),
                message="reserve + education + central fund shares exceed 1",
                fix="lower the shares so that they add up to at most 1 (the rest goes to "
                "members' capital accounts)",
            )
        )
    if float(values["votes.qualified_majority"]) < float(values["votes.simple_majority"]):
        problems.append(
            Problem(
                file=file,
                column="votes.qualified_majority",
                value=values["votes.qualified_majority"],
                message="the qualified majority is below the simple majority",
                fix="set votes.qualified_majority at least votes.simple_majority",
            )
        )
    return problems


def parse_rules(data: Mapping[str, Any], source: str = "federation.toml") -> FederationRules:
    """Validate nested ``{section: {name: value}}`` data; missing keys take their defaults.

    Raises :class:`InputError` listing every unknown key, wrong type and out-of-range value.
    """
    problems: list[Problem] = []
    values: dict[str, Any] = {p.key: p.default for p in PARAMETERS}
    for key, value in _flatten(data):
        spec = _BY_KEY.get(key)
        if spec is None:
            close = difflib.get_close_matches(key, list(_BY_KEY), n=1)
            fix = f"did you mean {close[0]!r}?" if close else "remove it (see docs/institutions.md)"
            problems.append(
                Problem(file=source, column=key, value=value, message="unknown rule", fix=fix)
            )
            continue
        checked, problem = _check_value(spec, value, source)
        if problem is not None:
            problems.append(problem)
        else:
            values[key] = checked
    if not problems:
        problems += _cross_checks(values, source)
    error = InputError.collect(problems, f"invalid federation rules in {source}")
    if error is not None:
        raise error
    return FederationRules(**{_BY_KEY[k].attribute: v for k, v in values.items()})


def default_rules() -> FederationRules:
    """The rules with every parameter at its documented default."""
    return parse_rules({}, "<defaults>")


def load_rules(path: str | Path | None = None) -> FederationRules:
    """Read ``federation.toml`` at ``path`` (``None``: all defaults) and validate it."""
    if path is None:
        return default_rules()
    file = Path(path)
    if not file.is_file():
        raise InputError.single(
            str(file), "rules file not found", fix="give the path of a federation.toml"
        )
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError.single(
            str(file), f"not valid TOML: {error}", fix="fix the syntax (see the template)"
        ) from error
    return parse_rules(data, str(file))


def _format_value(value: float | int | bool | str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float):
        return repr(value)
    return str(value)


def rules_toml_template(rules: FederationRules | None = None) -> str:
    """A complete ``federation.toml`` with every parameter, its unit and source as comments."""
    rules = rules or default_rules()
    lines = ["# Federation rules for cooplan. Every key is optional; see docs/institutions.md."]
    section = ""
    for p in PARAMETERS:
        this_section, name = p.key.split(".", 1)
        if this_section != section:
            section = this_section
            lines += ["", f"[{section}]"]
        lines.append(f"# {p.meaning} Unit: {p.unit or '-'}. Source: {p.source}.")
        lines.append(f"{name} = {_format_value(rules.get(p.key))}")
    return "\n".join(lines) + "\n"


def rules_markdown_table() -> str:
    """The documentation table of every parameter (name, type, unit, default, meaning, source)."""
    rows = ["| key | type | unit | default | meaning | source |", "|---|---|---|---|---|---|"]
    for p in PARAMETERS:
        cells = [f"`{p.key}`", p.type.value, p.unit or "–", _format_value(p.default), p.meaning,
                 p.source]  # fmt: skip
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) + "\n"
