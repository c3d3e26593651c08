"""Numbers, money and percentages written one way in each language (Babel's CLDR patterns).

Every page, feedback line and table formats its numbers here, so "45.2%" is written the same in the
Funnel Lab, a drill's feedback and a dashboard. A value that is not a finite number is written "—".

    >>> number(1_200_000), number(12.5), number(0.3333), number(2.5, digits=0)
    ('1,200,000', '12.5', '0.33', '2')
    >>> percent(0.45), percent(0.452), percent(0.452, digits=0), percent(-0.05, signed=True)
    ('45%', '45.2%', '45%', '-5%')
    >>> money(1_234_567, "zh-Hant"), money(1_234_567, "en"), money(float("nan"), "en")
    ('1,234,567 元', '¥1,234,567', '—')

``digits`` is the most decimals shown (trailing zeros dropped), or with ``fixed=True`` exactly that many.
"""
from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal, format_percent

from simlib.base.i18n import normalize_lang, t

__all__ = ["BLANK", "locale_of", "money", "number", "percent"]

#: what a missing or non-finite value is written as
BLANK = "—"
_LOCALES = {"zh-Hant": "zh_Hant_TW", "zh-Hans": "zh_Hans_CN", "en": "en_US"}


def locale_of(lang: str | None) -> str:
    """The Babel locale of a page language (``zh-Hant`` -> ``zh_Hant_TW``)."""
    return _LOCALES[normalize_lang(lang)]


def _finite(x: Any) -> float | None:
    if x is None or isinstance(x, bool):
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _pattern(digits: int, fixed: bool, suffix: str = "") -> str:
    decimals = ("." + ("0" if fixed else "#") * digits) if digits > 0 else ""
    return f"#,##0{decimals}{suffix}"


def number(x: Any, lang: str | None = None, *, digits: int = 2, fixed: bool = False, signed: bool = False) -> str:
    """``x`` with thousands separators and at most ``digits`` decimals (exactly ``digits`` when ``fixed``);
    ``signed`` writes a ``+`` before a positive number.

        >>> number(1234.5, digits=1, fixed=True), number(3, signed=True), number(None)
        ('1,234.5', '+3', '—')
    """
    v = _finite(x)
    if v is None:
        return BLANK
    out = format_decimal(Decimal(repr(v)), format=_pattern(digits, fixed), locale=locale_of(lang))
    if out.lstrip("-").strip("0.,") == "":   # -0 and 0.00 are written 0
        out = out.lstrip("-")
    return ("+" + out) if signed and v > 0 and not out.startswith("-") and out.strip("0.,") else out


def percent(x: Any, lang: str | None = None, *, digits: int = 1, fixed: bool = False, signed: bool = False) -> str:
    """The share ``x`` (0.452) as a percentage ("45.2%"), with at most ``digits`` decimals (exactly with
    ``fixed``); ``signed`` writes a ``+`` before a rise (changes: "+30%"). Halves round to even, as Python's own formatting does.

        >>> percent(0.3125, digits=1, fixed=True, signed=True), percent(1), percent(0.0004)
        ('+31.2%', '100%', '0%')
    """
    v = _finite(x)
    if v is None:
        return BLANK
    out = format_percent(Decimal(repr(v)), format=_pattern(digits, fixed, "%"), locale=locale_of(lang))
    if out.lstrip("-").strip("0.,%") == "":
        out = out.lstrip("-")
    return ("+" + out) if signed and v > 0 and not out.startswith("-") and out.strip("0.,%") else out


def money(x: Any, lang: str | None = None, *, digits: int = 0) -> str:
    """An amount in yuan as the page's language writes it (``1,234 元`` / ``¥1,234``)."""
    v = _finite(x)
    if v is None:
        return BLANK
    return t("ui.unit.yuan", lang, value=number(v, lang, digits=digits))
