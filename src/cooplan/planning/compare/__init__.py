"""The comparison harness: run several planning mechanisms on one economy, side by side.

``compare(economy, mechanisms, seeds)`` returns a :class:`Comparison` (one
:class:`MechanismRun` per mechanism and seed, summaries per mechanism); ``write_json``,
``write_csv`` and ``plot_comparison`` turn it into files. See ``docs/compare.md``.
"""

from cooplan.planning.compare.files import comparison_csv_rows, write_csv, write_json
from cooplan.planning.compare.measure import MechanismRun, measure
from cooplan.planning.compare.plot import plot_comparison
from cooplan.planning.compare.runner import Comparison, MechanismSummary, compare

__all__ = [
    "Comparison",
    "MechanismRun",
    "MechanismSummary",
    "compare",
    "comparison_csv_rows",
    "measure",
    "plot_comparison",
    "write_csv",
    "write_json",
]
