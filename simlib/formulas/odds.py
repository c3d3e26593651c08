"""Odds: the one formula by which skill, ramp, roles and training move a stage's conversion.

A conversion ``p`` is moved by multiplying its odds ``p / (1 − p)`` by a factor ``m`` (:func:`odds_scale`);
:func:`solve_odds` finds the one factor that moves a whole funnel's win chance by a given ratio.
"""
from __future__ import annotations

import numpy as np

__all__ = ["odds_scale", "solve_odds"]


def odds_scale(p: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Conversions ``p`` with their odds multiplied by ``m``: ``p·m / (1 − p + p·m)``; 0 and 1 stay.

    How skill, ramp and roles move a rep's conversions (the workbook's choice: the decks give rates, not how
    a better rep moves them; odds keep every rate inside 0–1).

        >>> odds_scale(np.array([0.5, 0.0, 1.0]), np.array([3.0, 3.0, 3.0])).tolist()
        [0.75, 0.0, 1.0]
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        out = p * m / (1 - p + p * m)
    return np.where((p == 0) | (p == 1), p, out)


def solve_odds(q: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Per row, the odds multiplier ``x`` (same at every stage) that makes the product of the row's
    conversions ``f`` times what it is (stages at 0 or 1 stay)."""
    mask = (q > 0) & (q < 1)
    qm = np.where(mask, q, 0.5)
    target = np.log(f) + np.where(mask, np.log(qm), 0.0).sum(axis=1)
    lo = np.full(len(q), -60.0)
    hi = np.zeros(len(q))
    for _ in range(64):
        mid = 0.5 * (lo + hi)
        x = np.exp(mid)[:, None]
        val = np.where(mask, np.log(qm * x / (1 - qm + qm * x)), 0.0).sum(axis=1)
        high = val > target
        hi = np.where(high, mid, hi)
        lo = np.where(high, lo, mid)
    return np.exp(0.5 * (lo + hi))
