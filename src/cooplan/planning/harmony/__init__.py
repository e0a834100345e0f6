"""Harmony planning (Cockshott 1990; Cockshott & Cottrell 1993) as an iterative mechanism.

``harmony_plan(economy)`` returns a :class:`HarmonyResult`; importing
:mod:`cooplan.planning.harmony.mechanism` registers the ``harmony`` mechanism. See
``docs/harmony.md``.
"""

from cooplan.planning.harmony.api import HarmonyResult, harmony_plan
from cooplan.planning.harmony.solver import HarmonyOptions, RoundTrace

__all__ = ["HarmonyOptions", "HarmonyResult", "RoundTrace", "harmony_plan"]
