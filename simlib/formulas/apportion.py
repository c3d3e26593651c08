"""Apportioning a total into whole units that sum exactly to it (COURSE.md §1: no "black hole").

Every split of a target — quarters, months, products, reps — goes through :func:`split`.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction

from simlib.base.schema import ScenarioError

__all__ = ["as_fraction", "split"]



def as_fraction(x: float | Fraction) -> Fraction:
    """Exact value of ``x`` as written (0.1 -> 1/10, not its binary neighbour)."""
    if isinstance(x, Fraction):
        return x
    return Fraction(repr(float(x))) if isinstance(x, float) else Fraction(x)


def split(total: float, weights: Mapping[str, float], unit: float = 1) -> dict[str, float]:
    """Split ``total`` in proportion to ``weights`` into whole ``unit``\\ s that sum exactly to it.

    Largest-remainder (Hamilton) rounding: each part gets the floor of its exact share; the units
    left over go to the largest remainders, earlier keys first on ties (COURSE.md §1: no "black hole").

    Raises:
        ScenarioError: a negative weight or total, all weights zero, or a total that is not a whole
            number of units (naming the field) — never a silent fix.

        >>> split(10_000_000, {"core": 0.6, "new": 0.3, "accessories": 0.1})
        {'core': 6000000, 'new': 3000000, 'accessories': 1000000}
        >>> split(1, {"x": 1, "y": 1}, unit=0.01)
        {'x': 0.5, 'y': 0.5}
    """
    if not weights:
        raise ScenarioError.at("weights", "split_empty")
    for key, w in weights.items():
        if not isinstance(w, (int, float, Fraction)) or isinstance(w, bool) or not math.isfinite(w) or w < 0:
            raise ScenarioError.at(f"weights.{key}", "split_weight", key=key, input=w)
    if isinstance(total, bool) or not isinstance(total, (int, float)) or not math.isfinite(total) or total < 0:
        raise ScenarioError.at("total", "split_total", input=total)
    if unit <= 0:
        raise ScenarioError.at("unit", "split_unit_positive", input=unit)
    fw = {k: as_fraction(w) for k, w in weights.items()}
    wsum = sum(fw.values())
    if wsum == 0:
        raise ScenarioError.at("weights", "split_zero")
    units_f = as_fraction(total) / as_fraction(unit)
    units = round(units_f)
    if abs(units_f - units) > Fraction(1, 10**6):
        raise ScenarioError.at("total", "split_not_multiple", total=total, unit=unit)
    exact = {k: units * w / wsum for k, w in fw.items()}
    base = {k: math.floor(v) for k, v in exact.items()}
    left = units - sum(base.values())
    order = sorted(exact, key=lambda k: -(exact[k] - base[k]))  # stable: earlier keys win ties
    for k in order[:left]:
        base[k] += 1
    return {k: _scale(v, unit) for k, v in base.items()}


def _scale(units: int, unit: float) -> float:
    value = as_fraction(unit) * units
    if value.denominator == 1:
        return int(value)
    decimals = max(0, -math.floor(math.log10(unit))) if unit < 1 else 0
    return round(float(value), decimals + 2)
