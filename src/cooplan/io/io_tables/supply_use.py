"""Supply-use (make-use) tables → industry-by-industry tables, industry-technology assumption.

With make (supply) matrix V (industries × commodities, money), domestic use U (commodities ×
industries) and domestic final use e (commodities), the market-share matrix
D = V diag(q)⁻¹ (q = Σ_j V_jc, domestic commodity output) gives each industry's share of
each commodity. Each commodity's uses are spread over the industries that make it in
proportion to D ("fixed product-sales structure", the industry-based technology of Miller &
Blair, *Input-Output Analysis*, 2nd ed. 2009, §5.3.2 and §5.4): the industry-by-industry
flows are Z = D U and final demand f = D e. Because D q = g (industry output), g = Z 1 + f
holds exactly whenever each commodity's domestic output equals its domestic uses, so the
table's industry outputs are reproduced by the Leontief balance x = A x + f.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cooplan.io.io_tables.common import FloatArray


@dataclass(frozen=True)
class IndustryFlows:
    """Industry-by-industry flows Z (money), final demand f, industry output g = Σ_c V_jc.

    ``unmade_use`` is the domestic use of commodities that no industry makes (q = 0): it drops
    out of the industry-by-industry table and is reported.
    """

    flows: FloatArray
    final_demand: FloatArray
    output: FloatArray
    market_share: FloatArray
    unmade_use: float


def industry_by_industry(make: FloatArray, use: FloatArray, final_use: FloatArray) -> IndustryFlows:
    """Industry-technology transformation of ``make`` (ind × com) and ``use`` (com × ind).

    ``final_use`` (domestic final use) is a vector over commodities or a commodities ×
    categories matrix (summed over categories).
    """
    q = make.sum(axis=0)
    made = q != 0
    share = np.zeros_like(make, dtype=float)
    share[:, made] = make[:, made] / q[made]
    final = final_use if final_use.ndim == 1 else final_use.sum(axis=1)
    unmade = float(np.abs(use[~made]).sum() + np.abs(final[~made]).sum())
    return IndustryFlows(
        flows=share @ use,
        final_demand=share @ final,
        output=make.sum(axis=1),
        market_share=share,
        unmade_use=unmade,
    )
