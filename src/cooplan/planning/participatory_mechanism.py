"""The ``participatory`` planning mechanism, registered with :mod:`cooplan.planning.mechanism`.

Coops as worker councils, each region's public as a consumer council, running the
Albert–Hahnel procedure as pequod-cljs runs it (:mod:`cooplan.planning.participatory.federation`).
"""

from __future__ import annotations

from typing import Any

from cooplan.errors import InputError
from cooplan.model.economy import Economy
from cooplan.planning.mechanism import FunctionMechanism, MechanismPlan, register
from cooplan.planning.participatory.federation import (
    Calibration,
    LabourPooling,
    run_federation,
)
from cooplan.planning.participatory.procedure import DEFAULT_MAX_ROUNDS, DEFAULT_THRESHOLD

__all__ = ["PARTICIPATORY", "participatory_mechanism"]

_CALIBRATION_OPTIONS = (
    "cost_share",
    "resource_rent_share",
    "effort_fraction",
    "disutility_exponent",
)
_OPTIONS = ("labour", "threshold", "max_rounds", *_CALIBRATION_OPTIONS)


def participatory_mechanism(economy: Economy, seed: int, **options: Any) -> MechanismPlan:
    """Participatory planning on the federation's councils; one planning year.

    Deterministic (``seed`` is recorded but unused: the procedure makes no random draw).
    Options: ``labour`` (``coop``, the default, ``group`` or ``federation``), ``threshold``
    (fraction, default 0.03), ``max_rounds`` (default 200) and the :class:`Calibration` fields.
    """
    del seed
    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        raise InputError.single(
            "options",
            "unknown option of the participatory mechanism",
            value=", ".join(unknown),
            fix=f"use only {', '.join(_OPTIONS)}",
        )
    labour_option = str(options.get("labour", LabourPooling.COOP.value))
    try:
        labour = LabourPooling(labour_option)
    except ValueError:
        raise InputError.single(
            "options",
            "unknown labour pooling",
            column="labour",
            value=labour_option,
            fix=f"choose one of {', '.join(p.value for p in LabourPooling)}",
        ) from None
    try:
        calibration = Calibration(
            **{name: float(options[name]) for name in _CALIBRATION_OPTIONS if name in options}
        )
        threshold = float(options.get("threshold", DEFAULT_THRESHOLD))
        max_rounds = int(options.get("max_rounds", DEFAULT_MAX_ROUNDS))
    except (TypeError, ValueError):
        raise InputError.single(
            "options",
            "an option of the participatory mechanism is not a number",
            value=", ".join(f"{k}={v}" for k, v in sorted(options.items())),
            fix="give numbers, e.g. threshold=0.03, max_rounds=200, cost_share=0.8",
        ) from None
    if not (0 < threshold < 2 and max_rounds >= 1):
        raise InputError.single(
            "options",
            "threshold must be in (0, 2) and max_rounds at least 1",
            value=f"threshold={threshold}, max_rounds={max_rounds}",
            fix="e.g. threshold=0.03, max_rounds=200",
        )
    result = run_federation(
        economy,
        labour=labour,
        calibration=calibration,
        threshold=threshold,
        max_rounds=max_rounds,
    )
    return result.to_plan("participatory")


PARTICIPATORY = register(
    FunctionMechanism(
        "participatory",
        "Participatory planning (Albert & Hahnel, as pequod-cljs): coops as worker councils, "
        "regions as consumer councils, calibrated to the material balance; an iteration "
        "board moves prices until every imbalance is within 3%. Options: labour "
        "(coop, group, federation), threshold, max_rounds, calibration parameters.",
        participatory_mechanism,
    )
)
