"""What a horizon plan is asked for: length, growth, lags, end condition and objective."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from cooplan.errors import InputError, Problem


class HorizonObjective(StrEnum):
    """What the horizon plan maximises.

    ``max-min`` and ``discounted`` trade the yearly fulfilment λₜ off; the other three deliver
    a fixed share of every year's targets (``required_fulfilment``) and maximise a total
    (Williams, *Model Building in Mathematical Programming*, problem 12.9):
    ``max-capacity`` the capacity standing in the last year, ``max-output`` the output of the
    last ``output_years`` years, ``max-labour`` the hours worked over the horizon.
    """

    MAX_MIN = "max-min"
    DISCOUNTED = "discounted"
    MAX_CAPACITY = "max-capacity"
    MAX_OUTPUT = "max-output"
    MAX_LABOUR = "max-labour"

    @property
    def fixes_fulfilment(self) -> bool:
        """Whether λₜ is fixed at ``required_fulfilment`` rather than maximised."""
        return self not in (HorizonObjective.MAX_MIN, HorizonObjective.DISCOUNTED)


class TerminalCondition(StrEnum):
    """What the plan must leave behind after its last year.

    ``none``: nothing. ``static``: the inputs (drawn in the last year, as the production lag
    requires) for a year after the horizon that runs at least the stationary plan meeting the
    targets with the least labour, within that year's capacity (Williams' year 6 bound
    x ≥ (I − A)⁻¹ d). Needs ``production_lag`` 1.
    """

    NONE = "none"
    STATIC = "static"


@dataclass(frozen=True)
class HorizonSettings:
    """Growth, depreciation, lags and the objective of a horizon plan (rates per year).

    ``production_lag`` L: the inputs and labour of year t's output are drawn in year t − L
    (0: the same year; 1: the year before, for year 0 from the initial stocks in the present
    year). ``construction_lag`` C: capacity whose inputs are drawn in year t is ready in year
    t + C. ``required_fulfilment``: the share of each year's targets above the floors that the
    fixed-fulfilment objectives deliver (1 = every target; 0 = the floors only).
    ``output_years``: how many final years ``max-output`` sums (0 = all). ``labour_limit``:
    whether coops' hours bind (Williams drops the limit when maximising employment).
    """

    years: int = 5
    demand_growth: float = 0.0
    labour_growth: float = 0.0
    depreciation: float = 0.05
    discount: float = 0.95
    objective: HorizonObjective = HorizonObjective.MAX_MIN
    production_lag: int = 0
    construction_lag: int = 1
    terminal: TerminalCondition = TerminalCondition.NONE
    required_fulfilment: float = 1.0
    output_years: int = 0
    labour_limit: bool = True

    @classmethod
    def from_options(cls, options: Mapping[str, Any], source: str = "options") -> HorizonSettings:
        """Settings from loosely typed options (a command line's ``KEY=VALUE``, JSON).

        Every key must be a field; numbers must be numbers (whole numbers for the integer
        fields), ``labour_limit`` a boolean, ``objective`` and ``terminal`` one of their
        values. Raises :class:`InputError` naming each bad option (``source`` is the file or
        place they came from); the values' ranges are checked by :meth:`problems`.
        """
        known = {f.name for f in fields(cls)}
        problems: list[Problem] = []
        values: dict[str, Any] = {}
        for key, value in options.items():
            default = getattr(cls, key, None)
            if key not in known:
                problems.append(
                    Problem(
                        source,
                        "unknown horizon setting",
                        column=key,
                        value=value,
                        fix="use one of " + ", ".join(sorted(known)),
                    )
                )
            elif isinstance(default, StrEnum):
                choices = [member.value for member in type(default)]
                if value in choices:
                    values[key] = type(default)(value)
                else:
                    problems.append(
                        Problem(
                            source,
                            f"{key} must be one of {', '.join(choices)}",
                            column=key,
                            value=value,
                        )
                    )
            elif isinstance(default, bool):
                if isinstance(value, bool):
                    values[key] = value
                else:
                    problems.append(
                        Problem(source, f"{key} must be true or false", column=key, value=value)
                    )
            elif isinstance(default, int):
                if isinstance(value, int) and not isinstance(value, bool):
                    values[key] = value
                else:
                    problems.append(
                        Problem(source, f"{key} must be a whole number", column=key, value=value)
                    )
            elif isinstance(value, int | float) and not isinstance(value, bool):
                values[key] = float(value)
            else:
                problems.append(Problem(source, f"{key} must be a number", column=key, value=value))
        error = InputError.collect(problems, summary="invalid horizon settings")
        if error is not None:
            raise error
        return cls(**values)

    def problems(self) -> list[Problem]:
        """What is wrong with these settings (empty when they are fine)."""
        found = []

        def bad(column: str, message: str, fix: str = "") -> None:
            found.append(
                Problem("settings", message, column=column, value=getattr(self, column), fix=fix)
            )

        if self.years < 1:
            bad("years", "years must be at least 1")
        for name in ("depreciation", "discount"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                bad(name, f"{name} must lie in [0, 1]")
        for name in ("demand_growth", "labour_growth"):
            if not -1.0 < getattr(self, name) < 10.0:
                bad(name, f"{name} must lie in (−1, 10)")
        if self.production_lag not in (0, 1):
            bad("production_lag", "production_lag must be 0 or 1 (years)")
        if self.construction_lag < 1:
            bad("construction_lag", "construction_lag must be at least 1 (year)")
        if self.terminal == TerminalCondition.STATIC and self.production_lag != 1:
            bad(
                "terminal",
                "the static end condition needs production_lag 1",
                fix="without a lag the year after the horizon draws nothing from it",
            )
        if not (math.isfinite(self.required_fulfilment) and self.required_fulfilment >= 0.0):
            bad("required_fulfilment", "required_fulfilment must be finite and at least 0")
        if self.output_years < 0:
            bad("output_years", "output_years must be at least 0 (0 = every year)")
        return found
