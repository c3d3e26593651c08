"""How reps respond to their pay plan and target, week by week (COURSE.md §3; issue "targets and pay").

Each week a rep looks at what the plan pays for one more yuan of sales this period — the *marginal
pay*, smoothed over how uncertain the rest of the period is — and sets effort (selling hours)
against it, within bounds: ``effort_min`` (giving up, coasting) to ``1 + overtime_max`` (bounded
overtime). Where the scenario gives reps discount authority they may pull a deal that would close
next period into this one at a discount, and rational reps may push a deal closed late in a period
into the next when it pays more there. The named presets are what a trainer switches between:

* ``no_gaming`` — hours never move, no deal is moved: the funnel alone decides.
* ``rational`` — effort follows the smoothed marginal pay; forecasts count the open pipeline;
  pulls and pushes when they pay, counting what the deal would earn next period.
* ``myopic`` — as rational, but the forecast ignores the pipeline and the rep never pushes.

A linear commission pays the same for every yuan whenever it is booked, so under it nothing moves:
the patterns the literature reports (period-end bunching, Oyer 1998, Larkin 2014; effort falling
at a cap, Misra & Nair 2011; giving up far below a threshold, Chung, Steenburgh & Sudhir 2014) come
out of the plan's shape, not out of a rule that names them.
"""
from __future__ import annotations

import math
from functools import lru_cache
from itertools import pairwise
from typing import Literal

import numpy as np
from pydantic import Field
from scipy.special import ndtr

from simlib.base.schema import StrictModel

__all__ = ["PERIOD_WEEKS", "PRESETS", "Behaviour", "PayCurve", "period_bounds"]

PERIOD_WEEKS = {"month": None, "quarter": 13, "year": 52}

PRESETS = {
    "no_gaming": {"effort": False, "timing": False, "push": False, "pipeline": False},
    "rational": {"effort": True, "timing": True, "push": True, "pipeline": True},
    "myopic": {"effort": True, "timing": True, "push": False, "pipeline": False},
}


class Behaviour(StrictModel):
    """Behaviour parameters of a scenario (``behaviour:``); every field has a documented default."""
    preset: Literal["no_gaming", "rational", "myopic"] = "no_gaming"
    effort_min: float = Field(0.4, ge=0.05, le=1, description="lowest effort, share of normal hours")
    overtime_max: float = Field(0.3, ge=0, le=1, description="most overtime, share of normal hours")
    elasticity: float = Field(0.5, ge=0, le=5, description="how strongly effort follows marginal pay")
    discount_authority: float = Field(0.0, ge=0, le=0.5, description="discount a rep may give to pull a deal in")
    pull_weeks: int = Field(2, ge=0, le=52, description="weeks before period end in which a rep offers discounts to pull deals in")
    push_weeks: int = Field(2, ge=0, le=13, description="a deal won this close to period end may be pushed")
    reference_rate: float | None = Field(None, gt=0, le=1, description=(
        "marginal pay that means normal effort; by default the plan's own average rate at quota "
        "(variable pay at 100 % ÷ quota), so effort follows the plan's shape, not its generosity"))

    @property
    def rules(self) -> dict:
        return PRESETS[self.preset]


def period_bounds(period: str, horizon: int) -> list[tuple[int, int]]:
    """Plan periods as ``[(first week, end week), …]`` in 0-based weeks; a month is 4 or 5 weeks
    (4-4-5 within each 13-week quarter), a quarter 13 weeks, a year 52.

        >>> period_bounds("quarter", 26)
        [(0, 13), (13, 26)]
        >>> period_bounds("month", 13)
        [(0, 4), (4, 8), (8, 13)]
    """
    if period == "month":
        edges = [0]
        while edges[-1] < horizon:
            q, k = divmod(len(edges) - 1, 3)
            edges.append(q * 13 + (4, 8, 13)[k])
    else:
        step = PERIOD_WEEKS[period]
        edges = list(range(0, horizon + step, step))
    return [(a, min(b, horizon)) for a, b in pairwise(edges) if a < horizon]




class PayCurve:
    """A plan's variable pay (commission + bonus) as a fast vectorised function of sales and quota.

    Commission scales with quota at a given attainment; bonus depends on attainment only. Both are
    tabulated once from :meth:`CompPlan.payout` on a fine attainment grid, so the curve is exact on
    the grid and keeps the plan's jumps.
    """

    def __init__(self, plan, up_to: float = 4.0, step: float = 0.0025):
        self.plan, self.step = plan, step
        self.grid = np.arange(0.0, up_to + step / 2, step)
        q = 1_000_000.0
        pays = [plan.payout(sales=a * q, quota=q) for a in self.grid]
        self.comm = np.array([p.commission for p in pays]) / q
        self.bonus = np.array([p.bonus for p in pays])
        self.tail = (self.comm[-1] - self.comm[-2]) / step
        self._comm_pieces = _pieces(self.grid, self.comm, self.tail)
        self._bonus_pieces = _pieces(self.grid, self.bonus, 0.0)
        self._floor = max(float(np.nanmax(np.diff(self.comm) / step)), 1e-6)

    def reference_rate(self, quota: float, sd: float | None = None) -> float:
        """Marginal pay that means normal effort: what one more yuan is expected to pay a rep who is
        on track for quota at the start of a period (sales ~ Normal(quota, sd)). Effort is calibrated
        so that such a rep works normal hours under any plan; being ahead or behind, on a flat or a
        steep part of the curve, is what moves it.

            >>> from simlib.formulas.incentives import CompPlan
            >>> linear = CompPlan.from_dict({"commission": {"tiers": [{"from": 0, "rate": 0.03}]}})
            >>> round(PayCurve(linear).reference_rate(200_000), 4)
            0.03
        """
        sd = 0.5 * quota if sd is None else sd
        ref = float(self.marginal(quota, sd, quota))
        return ref if ref > 0 else self._floor

    def variable(self, sales, quota):
        """Commission + bonus for ``sales`` (array) against ``quota``."""
        a = np.asarray(sales, float) / quota      # below 0 only inside the smoothing: extrapolated
        idx = np.clip((a / self.step).astype(np.int64), 0, len(self.grid) - 1)
        frac = a - self.grid[idx]
        nxt = np.minimum(idx + 1, len(self.grid) - 1)
        slope = np.where(nxt > idx, (self.comm[nxt] - self.comm[idx]) / self.step, self.tail)
        return quota * (self.comm[idx] + slope * frac) + self.bonus[idx]

    def expected(self, mean, sd, quota):
        """Expected variable pay when period sales are Normal(mean, sd), in closed form over the
        curve's linear pieces, so a plan's jumps (a bonus at 100 %, a retroactive tier) count with
        their true weight — what a rep near a threshold feels.

            >>> from simlib.formulas.incentives import CompPlan
            >>> plan = CompPlan.from_dict({"bonus": {"target": 1000, "bands": [{"from": 0, "x": 0}, {"from": 1, "x": 1}]}})
            >>> round(float(PayCurve(plan).expected(100_000, 10_000, 100_000)))   # half the time at quota
            500
        """
        if np.ndim(mean) or np.ndim(sd):
            return np.vectorize(lambda m, s: self.expected(m, s, quota))(mean, sd)
        m, s = float(mean) / quota, max(float(sd) / quota, 1e-9)
        return quota * _piecewise_mean(self._comm_pieces, m, s) + _piecewise_mean(self._bonus_pieces, m, s)

    def marginal(self, mean, sd, quota, delta=None):
        """Expected pay of one more yuan of sales at period sales ~ Normal(mean, sd): the exact
        derivative of :meth:`expected` in ``mean`` (``delta`` is accepted for compatibility)."""
        if np.ndim(mean) or np.ndim(sd):
            return np.vectorize(lambda m, s: self.marginal(m, s, quota))(mean, sd)
        m, s = float(mean) / quota, max(float(sd) / quota, 1e-9)
        return _piecewise_slope(self._comm_pieces, m, s) + _piecewise_slope(self._bonus_pieces, m, s) / quota


def _pieces(grid: np.ndarray, values: np.ndarray, tail: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A tabulated curve as linear pieces ``value = alpha + slope * a`` starting at ``starts`` (the
    first reaches down to -inf, the last goes on at ``tail``). A cell whose slope differs from both
    neighbours is a jump at its right end (a retroactive tier, a bonus band, a gate), not a ramp.

        >>> g = np.arange(0, 2.01, 0.5); v = np.array([0, 0, 5, 5, 5.0])     # a step of 5 at 1.0
        >>> starts, alpha, slope = _pieces(g, v, 0.0)
        >>> [starts.tolist(), alpha.tolist(), slope.tolist()]
        [[-inf, 1.0], [0.0, 5.0], [0.0, 0.0]]
    """
    step = grid[1] - grid[0]
    d = np.diff(values) / step
    tol = 1e-9 * max(1.0, float(np.abs(d).max()))
    starts, alpha, slope = [-np.inf], [], []
    cur = d[0]
    alpha.append(values[0] - cur * grid[0])
    slope.append(cur)
    k = 1
    n = len(d)
    while k < n:
        if abs(d[k] - cur) <= tol:
            k += 1
            continue
        isolated = k + 1 < n and abs(d[k] - d[k + 1]) > tol
        if isolated:                          # a jump at grid[k + 1]: the current piece runs up to it
            at, cur = k + 1, d[k + 1]
        else:                                 # the slope changes at grid[k]
            at, cur = k, d[k]
        starts.append(grid[at])
        alpha.append(values[at] - cur * grid[at])
        slope.append(cur)
        k = at + 1
    if abs(tail - slope[-1]) > tol:           # beyond the grid the curve goes on at its last slope
        starts.append(grid[-1])
        alpha.append(values[-1] - tail * grid[-1])
        slope.append(tail)
    return np.asarray(starts, float), np.asarray(alpha, float), np.asarray(slope, float)


_SQRT2PI = math.sqrt(2 * math.pi)


def _z(pieces, m: float, s: float):
    starts = pieces[0]
    zl = (starts - m) / s
    zu = np.append(zl[1:], np.inf)
    return zl, zu


def _piecewise_mean(pieces, m: float, s: float) -> float:
    """E[f(A)] for A ~ Normal(m, s) and f given by :func:`_pieces`."""
    _, alpha, slope = pieces
    zl, zu = _z(pieces, m, s)
    dPhi = ndtr(zu) - ndtr(zl)
    dphi = (np.exp(-0.5 * np.minimum(zu * zu, 1e4)) - np.exp(-0.5 * np.minimum(zl * zl, 1e4))) / _SQRT2PI
    return float(alpha @ dPhi + slope @ (m * dPhi - s * dphi))


def _piecewise_slope(pieces, m: float, s: float) -> float:
    """d/dm E[f(A)]: the mean slope plus each jump times the density at it."""
    starts, alpha, slope = pieces
    zl, zu = _z(pieces, m, s)
    out = float(slope @ (ndtr(zu) - ndtr(zl)))
    if len(starts) > 1:
        x = starts[1:]
        jumps = (alpha[1:] + slope[1:] * x) - (alpha[:-1] + slope[:-1] * x)
        z = (x - m) / s
        out += float(jumps @ np.exp(-0.5 * np.minimum(z * z, 1e4))) / (_SQRT2PI * s)
    return out


@lru_cache(maxsize=64)
def _curve_for(plan_json: str) -> PayCurve:
    from simlib.formulas.incentives import CompPlan
    return PayCurve(CompPlan.model_validate_json(plan_json))


def curve_for(plan) -> PayCurve:
    """The (cached) pay curve of a plan."""
    return _curve_for(plan.model_dump_json(by_alias=True))


def effort_factor(marginal: float, reference: float, b: Behaviour) -> float:
    """Effort as a share of normal hours: ``(marginal ÷ reference) ** elasticity`` within the bounds.

        >>> b = Behaviour(preset="rational")
        >>> effort_factor(0.03, 0.03, b), effort_factor(0.0, 0.03, b), effort_factor(0.3, 0.03, b)
        (1.0, 0.4, 1.3)
    """
    if not b.rules["effort"]:
        return 1.0
    ratio = max(marginal, 0.0) / reference if reference > 0 else 1.0
    return float(min(1.0 + b.overtime_max, max(b.effort_min, ratio ** b.elasticity)))


def forecast_sd(remaining: float, mean_value: float, cv: float, quota: float) -> float:
    """Uncertainty of the rest of a period's sales: about √(wins left) deals of spread, plus a floor.

        >>> round(forecast_sd(1_000_000, 50_000, 0.4, 1_000_000))
        250832
    """
    return math.sqrt(max(remaining, 0.0) * mean_value * (1 + cv * cv)) + 0.01 * quota
