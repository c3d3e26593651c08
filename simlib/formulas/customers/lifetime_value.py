"""Customer lifetime value (COURSE.md §6, §8): the expected lifetime from retention, the simple CLV
(revenue × margin × lifetime) and the CLV with retention, discounting, a horizon and the acquisition cost —
vectorised over arrays of customers, in yuan rounded to the fen.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from simlib.base.fmt import number
from simlib.base.schema import ScenarioError
from simlib.formulas.customers.input_tables import shown

__all__ = ["clv", "clv_simple", "expected_lifetime"]


def _arr(name: str, v: Any, low: float, high: float, *, high_open: bool = False) -> np.ndarray:
    try:
        if isinstance(v, (str, bytes, bool, np.bool_)):
            raise TypeError
        a = np.asarray(v, dtype=float)
    except (TypeError, ValueError):
        raise ScenarioError.at(name, "type_number", input=shown(v)) from None
    if a.size == 0:
        raise ScenarioError.at(name, "type_number", input=shown(v))
    ok = np.isfinite(a) & (a >= low) & ((a < high) if high_open else (a <= high))
    if not ok.all():
        bad = a.flat[int(np.flatnonzero(~ok.ravel())[0])]
        code = "customers_range_open" if high_open else "customers_range"
        raise ScenarioError.at(name, code, low=number(low, digits=1),
                               high=number(high, digits=1) if math.isfinite(high) else "∞", input=float(bad))
    return a


def _out(x: np.ndarray) -> float | np.ndarray:
    return float(x) if np.ndim(x) == 0 else x


def expected_lifetime(retention: Any) -> float | np.ndarray:
    """Expected customer lifetime in periods, 1 ÷ (1 − retention) (a customer stays each period with
    probability ``retention``; the first period counts).

        >>> expected_lifetime(0.8)
        5.0
    """
    r = _arr("retention", retention, 0, 1, high_open=True)
    return _out(np.round(1 / (1 - r), 10))


def clv_simple(annual_revenue: Any, margin: Any, lifetime_years: Any) -> float | np.ndarray:
    """Simple CLV: annual revenue × margin × expected lifetime in years (COURSE.md §6, §8), to the fen.

        >>> clv_simple(100_000, 0.3, expected_lifetime(0.8))
        150000.0
    """
    rev = _arr("annual_revenue", annual_revenue, 0, math.inf)
    m = _arr("margin", margin, -1, 1)
    life = _arr("lifetime_years", lifetime_years, 0, math.inf)
    return _out(np.round(rev * m * life, 2))


def clv(annual_revenue: Any, margin: Any, retention: Any, *, discount_rate: Any = 0.0, years: int | None = None,
        acquisition_cost: Any = 0.0) -> float | np.ndarray:
    """Customer lifetime value with retention and discounting (COURSE.md §6, §8); vectorised, in
    yuan rounded to the fen.

    The yearly margin m = revenue × margin is earned at the start of each year the customer stays;
    the customer is still there in year t with probability retentionᵗ and money in year t is worth
    1 ÷ (1 + discount_rate)ᵗ today. With q = retention ÷ (1 + discount_rate):

    * ``years=None`` (no horizon): CLV = m ÷ (1 − q) = m × (1 + d) ÷ (1 + d − r);
      with d = 0 this is the simple CLV, m × 1 ÷ (1 − r) (:func:`clv_simple`);
    * ``years=T``: CLV = m × (1 − q^T) ÷ (1 − q) (= m × T when q = 1);

    minus ``acquisition_cost``. A retention of 1 needs a horizon.

        >>> clv(100_000, 0.3, 0.8)                                # simple: 30,000 × 5 years
        150000.0
        >>> round(clv(100_000, 0.3, 0.8, discount_rate=0.1))      # discounted at 10 %
        110000
        >>> round(clv(100_000, 0.3, 0.8, discount_rate=0.1, years=3, acquisition_cost=20_000))
        47686
    """
    rev = _arr("annual_revenue", annual_revenue, 0, math.inf)
    m = _arr("margin", margin, -1, 1)
    d = _arr("discount_rate", discount_rate, 0, 10)
    cac = _arr("acquisition_cost", acquisition_cost, 0, math.inf)
    r = _arr("retention", retention, 0, 1)
    if years is None:
        if np.any(r == 1):
            raise ScenarioError.at("retention", "customers_clv_forever")
        q = r / (1 + d)
        value = rev * m / (1 - q)
    else:
        if isinstance(years, bool) or not isinstance(years, (int, np.integer)) or not 1 <= years <= 200:
            raise ScenarioError.at("years", "customers_range", low=1, high=200, input=years)
        q = r / (1 + d)
        with np.errstate(divide="ignore", invalid="ignore"):
            geo = np.where(np.isclose(q, 1.0), float(years), (1 - q ** years) / (1 - np.where(q == 1, 0, q)))
        value = rev * m * geo
    return _out(np.round(value - cac, 2))
