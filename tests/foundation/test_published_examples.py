"""Material balances reproduce published input-output examples to their printed precision."""

from __future__ import annotations

import numpy as np
import pytest

from cooplan.planning.balances import balance
from tests.foundation.factory import leontief_economy

# Miller, R. E. & Blair, P. D. (2009), Input-Output Analysis, 2nd ed., ch. 2, sec. 2.3:
# Z = [[150, 500], [200, 100]], x = (1000, 2000), value added (650, 1400).
MB_Z = [[150.0, 500.0], [200.0, 100.0]]
MB_X = [1000.0, 2000.0]
MB_VALUE_ADDED = [650.0, 1400.0]
MB_A = [[0.15, 0.25], [0.20, 0.05]]  # published, ibid.
MB_NEW_DEMAND = [600.0, 1500.0]
MB_X_NEW = [1247.52, 1841.58]  # published, ibid. (2 decimals)
MB_VALUE_ADDED_NEW = [810.89, 1289.11]  # published, ibid.

# Leontief, W. (1951), Input-Output Economics, Scientific American 185(4); table 2-1 in
# Input-Output Economics (1986): wheat (bushels) and cloth (yards), labour in man-years.
LEONTIEF_A = [[25 / 100, 20 / 50], [14 / 100, 6 / 50]]
LEONTIEF_LABOUR = [80 / 100, 180 / 50]
LEONTIEF_FINAL = [55.0, 30.0]
LEONTIEF_PRICES = [2.0, 5.0]  # published: $2 per bushel, $5 per yard at $1 per man-year
LEONTIEF_TOTAL_LABOUR = 260.0  # published: 80 + 180 man-years

# Cockshott, W. P., "Design for Julia implementation of the New Harmony algorithm", sec. 5,
# eq. (11)-(14), tables 1-2: EU 2006, EUR million; the 6th row is labour.
EU_A = [
    [0.1204, 0.0252, 0.0016, 0.0025, 0.0086],
    [0.202, 0.3533, 0.2086, 0.0749, 0.6336],
    [0.007, 0.0062, 0.1968, 0.0155, 0.0014],
    [0.1696, 0.2117, 0.1771, 0.3021, 0.2861],
    [0.0277, 0.0927, 0.0223, 0.021, 0.0767],
]
EU_LABOUR = [0.1639, 0.1727, 0.2249, 0.3204, 0.0]
EU_F_OLD = [113575.0, 2031855.0, 1128416.0, 7015443.0, 447070.0]
EU_F_NEW = [113575.0, 2131855.0, 1128416.0, 6915443.0, 447070.0]
# Published gross outputs (the 6th figure is labour), truncated to whole EUR million.
EU_X_OLD = [381212, 6850772, 1720148, 13285530, 1527186, 5889154]
EU_X_NEW = [385670, 7010310, 1719742, 13197413, 1541324, 5889113]


def test_miller_blair_chapter_2() -> None:
    A = np.array(MB_Z) / np.array(MB_X)[None, :]
    np.testing.assert_allclose(A, MB_A, atol=1e-12)
    labour = np.array(MB_VALUE_ADDED) / np.array(MB_X)  # value added per unit as the input
    result = balance(leontief_economy(A, labour, MB_NEW_DEMAND))
    x = [result.gross_output["p0"], result.gross_output["p1"]]
    np.testing.assert_allclose(x, MB_X_NEW, atol=0.005)
    value_added = [labour[j] * x[j] for j in range(2)]
    np.testing.assert_allclose(value_added, MB_VALUE_ADDED_NEW, atol=0.005)
    # Price model: with value added as the only primary input, every price is 1.
    assert result.labour_values["p0"] == pytest.approx(1.0, rel=1e-12)
    assert result.labour_values["p1"] == pytest.approx(1.0, rel=1e-12)


def test_leontief_1951_wheat_and_cloth() -> None:
    economy = leontief_economy(
        LEONTIEF_A, LEONTIEF_LABOUR, LEONTIEF_FINAL, names=["wheat", "cloth"]
    )
    result = balance(economy)
    assert result.gross_output["wheat"] == pytest.approx(100.0, rel=1e-12)
    assert result.gross_output["cloth"] == pytest.approx(50.0, rel=1e-12)
    assert result.labour_values["wheat"] == pytest.approx(LEONTIEF_PRICES[0], rel=1e-12)
    assert result.labour_values["cloth"] == pytest.approx(LEONTIEF_PRICES[1], rel=1e-12)
    assert result.total_labour == pytest.approx(LEONTIEF_TOTAL_LABOUR, rel=1e-12)


@pytest.mark.parametrize(("final", "published"), [(EU_F_OLD, EU_X_OLD), (EU_F_NEW, EU_X_NEW)])
def test_cockshott_eu_2006(final: list[float], published: list[int]) -> None:
    result = balance(leontief_economy(EU_A, EU_LABOUR, final))
    x = [result.gross_output[f"p{i}"] for i in range(5)]
    # Published values are truncated to whole units: within 1 of ours.
    np.testing.assert_array_less(np.abs(np.array(x) - np.array(published[:5])), 1.0)
    assert abs(result.total_labour - published[5]) < 1.0
