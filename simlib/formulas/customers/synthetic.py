"""A reproducible synthetic account table (COURSE.md §6) whose profits follow the 80/20 pattern, for the
tiering lessons and drills and the account base of :mod:`simlib.models.accounts`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from simlib.base.records import is_number
from simlib.base.schema import ScenarioError

__all__ = ["synthetic_accounts"]

_INDUSTRIES = ("manufacturing", "retail", "software", "healthcare", "logistics")
_REGIONS = ("East", "South", "North", "other")
_REGION_P = (0.35, 0.25, 0.20, 0.20)  # S1's regional split


def synthetic_accounts(n: int = 200, seed: int = 0, *, dist: str = "lognormal", sigma: float = 1.68,
                       alpha: float = 1.16, median_profit: float = 20_000,
                       rng: np.random.Generator | None = None) -> pd.DataFrame:
    """A reproducible account table whose profits follow the 80/20 pattern (COURSE.md §6).

    Profits are lognormal with ``sigma`` = 1.68 — for which the top 20 % of accounts hold 80 % of the
    profit in expectation (top-20 % share = Φ(σ − 0.8416)) — or Pareto with tail index ``alpha``
    (α = log 5 / log 4 ≈ 1.16 is the textbook 80/20, but its samples vary far more). Other columns:
    ``margin`` 15–45 %, ``revenue`` = profit ÷ margin, ``arpu`` (monthly revenue), ``repurchase``
    (rate 0–1, higher for bigger accounts), ``industry``, ``region`` (S1's 35/25/20/20).

    Every draw comes from one generator: ``rng`` when the caller passes one (a run's
    ``Streams(seed)["customers"]``, :class:`simlib.base.rng.Streams`), else ``numpy.random.default_rng(seed)``
    — one seed, one table. ``seed`` is not used when ``rng`` is given.

        >>> a = synthetic_accounts(5, seed=3)
        >>> list(a.columns)
        ['account', 'industry', 'region', 'revenue', 'margin', 'profit', 'arpu', 'repurchase']
        >>> a.equals(synthetic_accounts(5, seed=3)), a["account"].tolist()[:2]
        (True, ['C0001', 'C0002'])
        >>> a.equals(synthetic_accounts(5, rng=np.random.default_rng(3)))
        True
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= 1_000_000:
        raise ScenarioError.at("n", "customers_range", low=1, high="1,000,000", input=n)
    if rng is None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ScenarioError.at("seed", "customers_seed", input=seed)
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, not {type(rng).__name__}")
    if dist not in ("lognormal", "pareto"):
        raise ScenarioError.at("dist", "choice", expected="lognormal, pareto", input=repr(dist))
    for name, v in (("sigma", sigma), ("alpha", alpha), ("median_profit", median_profit)):
        if not is_number(v) or v <= 0:
            raise ScenarioError.at(name, "greater_than", limit=0, input=v)
    if rng is None:
        rng = np.random.default_rng(int(seed))
    if dist == "lognormal":
        profit = median_profit * rng.lognormal(0.0, sigma, n)
    else:
        profit = median_profit / 2 ** (1 / alpha) * (1 + rng.pareto(alpha, n))
    margin = rng.uniform(0.15, 0.45, n)
    profit = np.round(profit, 0)
    revenue = np.round(profit / margin, 0)
    pct = pd.Series(profit).rank(pct=True).to_numpy()
    repurchase = np.clip(0.25 + 0.55 * pct + rng.normal(0.0, 0.08, n), 0.0, 1.0)
    width = max(4, len(str(n)))
    return pd.DataFrame({
        "account": [f"C{i:0{width}d}" for i in range(1, n + 1)],
        "industry": rng.choice(_INDUSTRIES, n),
        "region": rng.choice(_REGIONS, n, p=_REGION_P),
        "revenue": revenue,
        "margin": np.round(margin, 3),
        "profit": profit,
        "arpu": np.round(revenue / 12, 0),
        "repurchase": np.round(repurchase, 3),
    })
