"""Cockshott's harmony function and its piecewise-linear outer approximation.

H(s) = ln(1 + s) for s ≥ 0 and s − s²/2 for s < 0, with s = y/d − 1 the relative
over-fulfilment of a target d by a delivery y (Cockshott, 5yearplan documentation; see
``docs/optimal.md``). H is concave and twice continuously differentiable on s ≥ −1 with
|H''| ≤ 1 there (H'' = −1 for s < 0, −1/(1+s)² for s ≥ 0).

The approximation is the lower envelope of tangents at points s_0 < s_1 < … : it lies above
H everywhere (an outer approximation of the hypograph, so the LP optimum bounds the true
optimum from above). Between consecutive tangent points a < b with |H''| ≤ M on [a, b],
0 ≤ envelope − H ≤ M (b − a)² / 8. Points are spaced h = √(8ε) apart on s < 0 (M = 1) and
geometrically, 1 + s_{j+1} = (1 + s_j)(1 + √(8ε)), on s ≥ 0 (M = 1/(1 + a)²), so the error
is at most ε on [s_0, s_last]; beyond s_last the caller must check (the planner widens the
range and solves again).
"""

from __future__ import annotations

import math

import numpy as np

FloatArray = np.ndarray


def harmony(s: FloatArray) -> FloatArray:
    """H(s) elementwise (s ≥ −1)."""
    s = np.asarray(s, dtype=float)
    positive = np.maximum(s, 0.0)
    negative = np.minimum(s, 0.0)
    return np.where(s >= 0, np.log1p(positive), negative - 0.5 * negative**2)


def harmony_slope(s: FloatArray) -> FloatArray:
    """H'(s) elementwise: 1/(1+s) for s ≥ 0, 1 − s for s < 0."""
    s = np.asarray(s, dtype=float)
    return np.where(s >= 0, 1.0 / (1.0 + np.maximum(s, 0.0)), 1.0 - np.minimum(s, 0.0))


def tangent_points(lowest: float, highest: float, tolerance: float) -> FloatArray:
    """Tangent points covering [lowest, highest] with envelope error at most ``tolerance``.

    ``lowest`` ≥ −1 and ``highest`` > ``lowest``; both ends are tangent points, and so is 0
    when it lies inside.
    """
    if not (tolerance > 0 and lowest >= -1.0 and highest > lowest):
        raise ValueError("need tolerance > 0 and -1 <= lowest < highest")
    step = math.sqrt(8.0 * tolerance)
    points: list[float] = []
    if lowest < 0:
        top = min(0.0, highest)
        count = max(1, math.ceil((top - lowest) / step))
        points.extend(np.linspace(lowest, top, count + 1).tolist())
    if highest > 0:
        start = max(lowest, 0.0)
        ratio = 1.0 + step
        count = max(1, math.ceil(math.log((1.0 + highest) / (1.0 + start)) / math.log(ratio)))
        grid = (1.0 + start) * ((1.0 + highest) / (1.0 + start)) ** (np.arange(count + 1) / count)
        points.extend((grid - 1.0).tolist())
    unique = np.unique(np.asarray(points, dtype=float))
    distinct = np.r_[True, np.diff(unique) > 1e-12]  # points closer than that are one
    result: FloatArray = unique[distinct]
    return result


def envelope(s: FloatArray, points: FloatArray) -> FloatArray:
    """The tangent envelope min_j [H(s_j) + H'(s_j)(s − s_j)] at each s."""
    s = np.asarray(s, dtype=float)[:, None]
    values = harmony(points)[None, :] + harmony_slope(points)[None, :] * (s - points[None, :])
    result: FloatArray = values.min(axis=1)
    return result


def envelope_error(points: FloatArray) -> float:
    """Exact largest gap envelope − H over [points[0], points[-1]].

    The gap is convex on each linear piece of the envelope, so its maximum is at a kink:
    the intersections of consecutive tangents.
    """
    if len(points) < 2:
        return 0.0
    a, b = points[:-1], points[1:]
    ga, gb = harmony_slope(a), harmony_slope(b)
    apart = ga > gb
    a, b, ga, gb = a[apart], b[apart], ga[apart], gb[apart]
    ha, hb = harmony(a), harmony(b)
    kinks = (hb - gb * b - ha + ga * a) / (ga - gb)
    kinks = np.clip(kinks, a, b)
    return float(np.max(envelope(kinks, points) - harmony(kinks), initial=0.0))
