"""Harrison–Stevens (1971) multi-state Bayesian short-term forecaster with change signals.

The series is a linear growth model (level μ, slope β) observed with noise:

    y_t = μ_t + ν_t,        ν_t ~ N(0, e_j V)
    μ_t = μ_{t-1} + β_t + γ_t,   γ_t ~ N(0, g_j V)
    β_t = β_{t-1} + δ_t,          δ_t ~ N(0, d_j V)

where at each interval one of four states j holds, drawn independently with prior
probabilities π_j: no change, step change (large g), slope change (large d) and transient
(outlier: large e). This is West & Harrison's *class II* multi-process model (the model may
switch every interval; Harrison & Stevens 1971 §5; West & Harrison 1997 ch. 12). The
posterior after each observation is a mixture over (state at t−1, state at t) of 16 normal
components; it is collapsed back to four, one per current state, by matching the mean and
covariance (the Harrison–Stevens approximation).

The observation variance V is unknown and learned (conjugate inverse-gamma prior with
``n`` degrees of freedom and point estimate ``S``; one-step forecasts are Student t). All
state covariances are held in units of V ("scale-free"), so the forecaster does not depend
on the unit of the series.

A change is signalled one interval after it happens, from the *one-step-back* posterior
probabilities P(state at t−1 = j | y_1..y_t): one further observation is what tells a step
(the series stays moved) from a transient (it comes back).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy.special import gammaln, ndtri, stdtr

__all__ = [
    "ChangeKind",
    "ChangeSignal",
    "ForecasterParams",
    "ForecasterState",
    "MultiStateForecaster",
    "StepResult",
    "detect_changes",
    "detect_changes_batch",
]


class ChangeKind(StrEnum):
    """The four states of the Harrison–Stevens model (``NONE`` never raises an alert)."""

    NONE = "none"
    STEP = "step"
    SLOPE = "slope"
    OUTLIER = "outlier"


KINDS: tuple[ChangeKind, ...] = (
    ChangeKind.NONE,
    ChangeKind.STEP,
    ChangeKind.SLOPE,
    ChangeKind.OUTLIER,
)

_G = np.array([[1.0, 1.0], [0.0, 1.0]])


@dataclass(frozen=True)
class ForecasterParams:
    """Parameters of the four-state model (variances in units of the observation variance V).

    ``prior`` gives π for (none, step, slope, outlier). ``level_var``, ``slope_var`` and
    ``noise_var`` give, per state, the variance multipliers g_j, d_j and e_j. ``threshold``
    is the one-step-back posterior probability at or above which a change is signalled.
    ``warmup`` observations are absorbed before any signal (the variance is being learned).
    ``prior_cv`` sets the first guess of the noise scale as a fraction of the first value
    (with ``prior_dof`` degrees of freedom, i.e. weakly). The drift monitor (West & Harrison
    cumulative Bayes factor against a forecast shifted by ``drift_shift`` standard
    deviations, standardised errors capped at ``drift_error_cap``) signals a slope change
    when the log Bayes factor falls below −``drift_log_threshold`` (``math.inf``: never, which
    leaves the plain Harrison–Stevens model). Such a signal is classified, on the last
    ``history`` observations, as a step or a slope change (whichever fits better by least
    squares, change point searched near where the evidence began). The defaults are ours, chosen on
    the synthetic series of ``tests/monitoring`` (see ``docs/monitoring.md``).
    """

    prior: tuple[float, float, float, float] = (0.95, 0.02, 0.01, 0.02)
    level_var: tuple[float, float, float, float] = (1e-3, 100.0, 1e-3, 1e-3)
    slope_var: tuple[float, float, float, float] = (1e-5, 1e-5, 0.1, 1e-5)
    noise_var: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 100.0)
    threshold: float = 0.5
    warmup: int = 10
    prior_cv: float = 0.05
    prior_dof: float = 0.01
    drift_shift: float = 1.0
    drift_log_threshold: float = 5.0
    drift_error_cap: float = 3.0
    history: int = 24

    def __post_init__(self) -> None:
        for name in ("prior", "level_var", "slope_var", "noise_var"):
            values = getattr(self, name)
            if len(values) != 4 or any(not (v > 0 and math.isfinite(v)) for v in values):
                raise ValueError(f"{name} must be four positive finite numbers, got {values!r}")
        if abs(sum(self.prior) - 1.0) > 1e-9:
            raise ValueError(f"prior must sum to 1, got {sum(self.prior)}")
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold must lie in (0, 1), got {self.threshold}")
        if self.history < 8:
            raise ValueError(f"history must be at least 8, got {self.history}")
        if self.warmup < 1:
            raise ValueError(f"warmup must be at least 1, got {self.warmup}")
        for name in ("prior_cv", "prior_dof", "drift_shift", "drift_error_cap"):
            if not (getattr(self, name) > 0 and math.isfinite(getattr(self, name))):
                raise ValueError(f"{name} must be positive and finite, got {getattr(self, name)}")
        if not self.drift_log_threshold > 0:  # math.inf switches the drift monitor off
            raise ValueError(f"drift_log_threshold must be > 0, got {self.drift_log_threshold}")


@dataclass(frozen=True)
class ChangeSignal:
    """A change detected in a series.

    ``at`` is the interval where the change happened, counted from the series' first
    observation (interval 0); ``seen_at`` the interval that revealed it. A signal from the
    one-step-back probabilities has ``at = seen_at − 1``, ``size`` the one-step forecast
    error at ``at`` (series units) and ``probability`` the posterior probability of ``kind``
    at ``at``. A signal from the drift monitor has ``probability`` 0 (the monitor gives a
    Bayes factor), and ``kind``, ``at`` and ``size`` (the shift, or the change of slope per
    interval) from the least-squares classification of the recent observations.
    """

    kind: ChangeKind
    at: int
    seen_at: int
    probability: float
    size: float


@dataclass(frozen=True, eq=False)
class ForecasterState:
    """The collapsed posteriors of B series at once (one row per series), immutable.

    Per series: ``mean`` (B, 4, 2) level and slope of the four components (one per current
    state), ``cov`` (B, 4, 2, 2) in units of V, ``scale`` (B, 4) the estimates S of V,
    ``log_weight`` (B, 4) log posterior probabilities of the current state, ``dof`` (B,)
    degrees of freedom, ``count`` (B,) observations absorbed, ``time`` (B,) intervals since
    the first observation (missing ones included), ``active`` (B,) whether the series has
    started, ``last_error`` (B,) the latest one-step forecast error, ``slope_before`` (B,)
    the slope one interval earlier and ``drift_up``/``drift_down`` (B,) the drift monitor's
    −log cumulative Bayes factors, accumulating since ``drift_since_up``/``drift_since_down``
    (B,), and ``recent`` (B, H) the last H observations (NaN where missing). Treat the
    arrays as read-only.
    """

    mean: np.ndarray
    cov: np.ndarray
    scale: np.ndarray
    log_weight: np.ndarray
    dof: np.ndarray
    count: np.ndarray
    time: np.ndarray
    active: np.ndarray
    last_error: np.ndarray
    slope_before: np.ndarray
    drift_up: np.ndarray
    drift_down: np.ndarray
    drift_since_up: np.ndarray
    drift_since_down: np.ndarray
    recent: np.ndarray

    @property
    def size(self) -> int:
        """Number of series B."""
        return int(self.dof.shape[0])

    def probabilities(self) -> np.ndarray:
        """(B, 4) posterior probability of (none, step, slope, outlier) at the latest interval."""
        return np.exp(self.log_weight - logsumexp(self.log_weight, axis=1, keepdims=True))

    def level(self) -> np.ndarray:
        """(B,) posterior mean level at the latest interval (NaN where not started)."""
        value = np.einsum("bj,bj->b", self.probabilities(), self.mean[:, :, 0])
        return np.where(self.active, value, np.nan)

    def slope(self) -> np.ndarray:
        """(B,) posterior mean slope per interval (NaN where not started)."""
        value = np.einsum("bj,bj->b", self.probabilities(), self.mean[:, :, 1])
        return np.where(self.active, value, np.nan)

    def forecast(self, steps: int = 1) -> np.ndarray:
        """(B,) point forecast ``steps`` intervals ahead (level + steps × slope)."""
        return self.level() + steps * self.slope()


@dataclass(frozen=True, eq=False)
class StepResult:
    """One update of B series: the new state, the one-step-back probabilities (B, 4) of
    (none, step, slope, outlier) and the signals as ``(row, signal)`` pairs."""

    state: ForecasterState
    back_probabilities: np.ndarray
    signals: tuple[tuple[int, ChangeSignal], ...]


class MultiStateForecaster:
    """Pure functions of the Harrison–Stevens model for one set of parameters.

    ``initial(B)`` gives B series not yet started; ``update(state, y)`` absorbs one interval:
    ``y`` holds one value per series, NaN for a missing report (the state then evolves
    without an observation). A series starts at its first finite value.
    """

    def __init__(self, params: ForecasterParams | None = None) -> None:
        self.params = params or ForecasterParams()
        p = self.params
        self._log_prior = np.log(np.asarray(p.prior, dtype=float))
        g = np.asarray(p.level_var, dtype=float)
        d = np.asarray(p.slope_var, dtype=float)
        # evolution covariance of (μ, β) when μ_t = μ_{t-1} + β_t + γ_t, β_t = β_{t-1} + δ_t
        self._W = np.zeros((4, 2, 2))
        self._W[:, 0, 0] = g + d
        self._W[:, 0, 1] = d
        self._W[:, 1, 0] = d
        self._W[:, 1, 1] = d
        self._e = np.asarray(p.noise_var, dtype=float)

    def initial(self, size: int) -> ForecasterState:
        """``size`` series, none started yet."""
        return ForecasterState(
            mean=np.zeros((size, 4, 2)),
            cov=np.tile(np.eye(2), (size, 4, 1, 1)),
            scale=np.ones((size, 4)),
            log_weight=np.tile(self._log_prior, (size, 1)),
            dof=np.full(size, self.params.prior_dof),
            count=np.zeros(size, dtype=np.int64),
            time=np.zeros(size, dtype=np.int64),
            active=np.zeros(size, dtype=bool),
            last_error=np.zeros(size),
            slope_before=np.zeros(size),
            drift_up=np.zeros(size),
            drift_down=np.zeros(size),
            drift_since_up=np.zeros(size, dtype=np.int64),
            drift_since_down=np.zeros(size, dtype=np.int64),
            recent=np.full((size, self.params.history), np.nan),
        )

    def update(self, state: ForecasterState, y: np.ndarray) -> StepResult:
        """Absorb one interval's values ``y`` (B,), NaN = missing; signal the changes found."""
        p = self.params
        y = np.asarray(y, dtype=float).reshape(state.size)
        seen = np.isfinite(y)
        y0 = np.where(seen, y, 0.0)
        m, C, S, lw, n = state.mean, state.cov, state.scale, state.log_weight, state.dof
        a = m @ _G.T  # (B, i, 2) prior means, one per previous component i
        P = np.einsum("ab,nibc,dc->niad", _G, C, _G)  # G C G'
        R = P[:, :, None, :, :] + self._W[None, None, :, :, :]  # (B, i, j, 2, 2)
        Q = R[..., 0, 0] + self._e[None, None, :]  # scale-free one-step forecast variance
        f = a[:, :, 0]
        err = y0[:, None, None] - f[:, :, None]  # (B, i, j)
        var = Q * S[:, :, None]
        log_dens = np.where(seen[:, None, None], _student_t_logpdf(err, var, n[:, None, None]), 0)
        log_joint = lw[:, :, None] + self._log_prior[None, None, :] + log_dens
        A = R[..., :, 0] / Q[..., None]
        gain = np.where(seen[:, None, None, None], A * err[..., None], 0.0)
        means = a[:, :, None, :] + gain
        shrink = A[..., :, None] * A[..., None, :] * Q[..., None, None]
        covs = R - np.where(seen[:, None, None, None, None], shrink, 0.0)
        new_dof = np.where(seen, n + 1.0, n)
        updated_scale = (n[:, None, None] * S[:, :, None] + err**2 / Q) / new_dof[:, None, None]
        scales = np.where(seen[:, None, None], updated_scale, S[:, :, None])
        log_joint = log_joint - logsumexp(log_joint, axis=(1, 2), keepdims=True)
        back = np.exp(logsumexp(log_joint, axis=2))  # P(state at t-1 = i | y_1..t)
        new_lw = logsumexp(log_joint, axis=1)  # P(state at t = j | y_1..t)
        q = np.exp(log_joint - new_lw[:, None, :])  # q[b, i, j] = P(i | j)
        new_S = 1.0 / np.einsum("bij,bij->bj", q, 1.0 / scales)
        new_m = np.einsum("bij,bijk->bjk", q, means)
        d = means - new_m[:, None, :, :]
        abs_cov = covs * scales[..., None, None] + d[..., :, None] * d[..., None, :]
        new_C = np.einsum("bij,bijkl->bjkl", q, abs_cov) / new_S[:, :, None, None]
        prev_p = np.exp(lw - logsumexp(lw, axis=1, keepdims=True))
        f_mix = np.einsum("bi,bi->b", prev_p, f)
        error = np.where(seen, y0 - f_mix, 0.0)
        # drift monitor: one-step forecast under "no change", standardised, capped
        var_none = Q[:, :, 0] * S + (f - f_mix[:, None]) ** 2
        t_score = error / np.sqrt(np.einsum("bi,bi->b", prev_p, var_none))
        # Student t (dof n) to standard normal by the probability integral transform
        z = np.where(t_score < 0, 1, -1) * ndtri(stdtr(n, -np.abs(t_score)))
        z = np.clip(z, -p.drift_error_cap, p.drift_error_cap)
        h = p.drift_shift
        active_seen = state.active & seen
        counting = active_seen & (state.count >= p.warmup)
        up_before = np.where(counting, state.drift_up, 0.0)
        down_before = np.where(counting, state.drift_down, 0.0)
        drift_up = np.where(counting, np.maximum(0.0, up_before + h * z - h * h / 2), 0.0)
        drift_down = np.where(counting, np.maximum(0.0, down_before - h * z - h * h / 2), 0.0)
        time = state.time + 1
        since_up = np.where(up_before > 0, state.drift_since_up, time)
        since_down = np.where(down_before > 0, state.drift_since_down, time)
        slope_prev = np.einsum("bi,bi->b", prev_p, m[:, :, 1])
        signals: list[tuple[int, ChangeSignal]] = []
        eligible = active_seen & (state.count >= p.warmup)
        firing = (back[:, 1:].max(axis=1) >= p.threshold) | (
            np.maximum(drift_up, drift_down) > p.drift_log_threshold
        )
        recent = np.concatenate([state.recent[:, 1:], np.where(seen, y0, np.nan)[:, None]], axis=1)
        for row in np.flatnonzero(eligible & firing):
            signal = self._signal(
                int(state.time[row]), back[row], float(state.last_error[row]), float(error[row])
            )
            if signal is None and max(drift_up[row], drift_down[row]) > p.drift_log_threshold:
                start = since_up[row] if drift_up[row] >= drift_down[row] else since_down[row]
                window = recent[row]
                first = window.size - 1 - int(time[row] - start)
                kind, at, size = _classify_drift(window, first, float(error[row]))
                signal = ChangeSignal(
                    kind, int(time[row]) - (window.size - 1 - at), int(time[row]), 0.0, size
                )
                # intervention: open the level and slope to rapid learning
                new_C[row] += self._W[1] + self._W[2]
            if signal is not None:
                drift_up[row] = drift_down[row] = 0.0
                signals.append((int(row), signal))
        moved = ForecasterState(
            mean=new_m,
            cov=new_C,
            scale=new_S,
            log_weight=new_lw,
            dof=new_dof,
            count=state.count + seen,
            time=time,
            active=state.active,
            last_error=error,
            slope_before=slope_prev,
            drift_up=drift_up,
            drift_down=drift_down,
            drift_since_up=since_up,
            drift_since_down=since_down,
            recent=recent,
        )
        starting = seen & ~state.active
        new_state = (
            _select(moved, self._started(y0, recent), state.active, starting)
            if starting.any()
            else moved
        )
        return StepResult(new_state, back, tuple(signals))

    def _signal(
        self, before: int, back: np.ndarray, error_before: float, error_now: float
    ) -> ChangeSignal | None:
        """The Harrison–Stevens signal for the interval ``before`` (one-step-back), if any."""
        k = 1 + int(np.argmax(back[1:]))
        if back[k] < self.params.threshold:
            return None
        return ChangeSignal(KINDS[k], before, before + 1, float(back[k]), error_before)

    def _started(self, y0: np.ndarray, recent: np.ndarray) -> ForecasterState:
        """Every series started at ``y0``: level y0, slope 0, diffuse, noise scale guessed."""
        p = self.params
        size = y0.shape[0]
        guess = np.where(y0 != 0, (p.prior_cv * y0) ** 2, 1.0)
        mean = np.zeros((size, 4, 2))
        mean[:, :, 0] = y0[:, None]
        return ForecasterState(
            mean=mean,
            cov=np.tile(np.eye(2), (size, 4, 1, 1)),
            scale=np.tile(guess[:, None], (1, 4)),
            log_weight=np.tile(self._log_prior, (size, 1)),
            dof=np.full(size, p.prior_dof),
            count=np.ones(size, dtype=np.int64),
            time=np.zeros(size, dtype=np.int64),
            active=np.ones(size, dtype=bool),
            last_error=np.zeros(size),
            slope_before=np.zeros(size),
            drift_up=np.zeros(size),
            drift_down=np.zeros(size),
            drift_since_up=np.zeros(size, dtype=np.int64),
            drift_since_down=np.zeros(size, dtype=np.int64),
            recent=recent,
        )


def _classify_drift(
    window: np.ndarray, first: int, fallback_size: float
) -> tuple[ChangeKind, int, float]:
    """Step or slope change? For each change point c near ``first`` (the window position where
    the drift evidence began), a line is fitted to the observations before c and the
    departures from it after c are fitted either by a constant (a step) or by a ramp starting
    at c (a slope change). The fit with the least total squared error wins. Returns its kind,
    change point (window position) and size (the shift, or the change of slope per interval,
    in series units). ``window`` holds the last observations, NaN where missing. Where no
    change point near ``first`` leaves enough observations on both sides, every change point
    of the window is tried; with too few observations altogether it is called a slope change
    at ``first`` of size ``fallback_size``."""
    k = np.arange(window.size, dtype=float)
    seen = np.isfinite(window)
    best: tuple[float, ChangeKind, int, float] | None = None

    def usable(c: int) -> bool:
        return int((seen & (k < c)).sum()) >= 4 and int((seen & (k >= c)).sum()) >= 2

    near = [c for c in range(max(0, first - 4), first + 2) if usable(c)]
    for c in near or [c for c in range(window.size) if usable(c)]:
        before = seen & (k < c)
        after = seen & (k >= c)
        slope, level = np.polyfit(k[before], window[before], 1)
        pre_rss = float(np.sum((level + slope * k[before] - window[before]) ** 2))
        departure = window[after] - (level + slope * k[after])
        shift = float(departure.mean())
        ramp = k[after] - c + 1
        rate = float(departure @ ramp / (ramp @ ramp))
        for kind, rss, size in (
            (ChangeKind.STEP, float(np.sum((departure - shift) ** 2)), shift),
            (ChangeKind.SLOPE, float(np.sum((departure - rate * ramp) ** 2)), rate),
        ):
            if best is None or pre_rss + rss < best[0]:
                best = (pre_rss + rss, kind, c, size)
    if best is None:  # too few observations to tell: call it a slope change where it began
        return ChangeKind.SLOPE, max(first, 0), fallback_size
    return best[1], best[2], best[3]


def _select(
    moved: ForecasterState, started: ForecasterState, active: np.ndarray, starting: np.ndarray
) -> ForecasterState:
    """Rows already active take ``moved``, rows starting now take ``started``, others stay."""
    values = {}
    for name in ForecasterState.__dataclass_fields__:
        a = getattr(moved, name)
        b = getattr(started, name)
        shape = (-1,) + (1,) * (a.ndim - 1)
        values[name] = np.where(starting.reshape(shape), b, a)
    values["active"] = active | starting
    # inactive rows keep a harmless state (they have not started)
    return ForecasterState(**values)


def logsumexp(
    values: np.ndarray, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
) -> np.ndarray:
    """log Σ exp(values) along ``axis``, computed stably (numpy only, for speed)."""
    top = np.max(values, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    total = np.log(np.sum(np.exp(values - top), axis=axis, keepdims=True)) + top
    return total if keepdims else np.squeeze(total, axis=axis)


def _student_t_logpdf(err: np.ndarray, var: np.ndarray, dof: np.ndarray) -> np.ndarray:
    """Log density of ``err`` under a Student t with ``dof`` degrees of freedom, scale² ``var``."""
    z2 = err**2 / var
    return (
        gammaln((dof + 1) / 2)
        - gammaln(dof / 2)
        - 0.5 * np.log(dof * math.pi * var)
        - (dof + 1) / 2 * np.log1p(z2 / dof)
    )


def detect_changes_batch(
    values: np.ndarray, params: ForecasterParams | None = None
) -> list[list[ChangeSignal]]:
    """Run the forecaster over a (T, B) array (one column per series, NaN = missing).

    Returns, per series, its signals with ``at``/``seen_at`` as row indices of ``values``.
    A signal is dropped when one of the same kind was raised at the interval before (the
    same change seen twice).
    """
    matrix = np.asarray(values, dtype=float)
    if matrix.ndim != 2:
        raise ValueError(f"values must be a (T, B) array, got shape {matrix.shape}")
    model = MultiStateForecaster(params)
    state = model.initial(matrix.shape[1])
    found: list[list[ChangeSignal]] = [[] for _ in range(matrix.shape[1])]
    for t in range(matrix.shape[0]):
        step = model.update(state, matrix[t])
        state = step.state
        for row, signal in step.signals:
            lag = signal.seen_at - signal.at
            placed = ChangeSignal(signal.kind, t - lag, t, signal.probability, signal.size)
            previous = found[row]
            if previous and previous[-1].kind == placed.kind and previous[-1].seen_at >= t - 1:
                continue
            previous.append(placed)
    return found


def detect_changes(
    series: list[float | None] | np.ndarray, params: ForecasterParams | None = None
) -> list[ChangeSignal]:
    """Signals of the forecaster over one series (``None``/NaN = missing), indices into it."""
    column = np.array([np.nan if v is None else float(v) for v in series], dtype=float)
    return detect_changes_batch(column.reshape(-1, 1), params)[0]
