"""The words a page shows for a deal's outcome and loss reason (COURSE.md §7, §8), in the page's
language, from ``simlib/locales/crm.<lang>.yaml``: ``won`` -> 贏單 / 赢单 / Won, ``no_budget`` -> 沒有預算.
"""
from __future__ import annotations

from simlib.base.i18n import t

__all__ = ["loss_reason_label", "outcome_label"]


def outcome_label(outcome: str, lang: str | None = None) -> str:
    """``won`` -> 贏單 / 赢单 / Won.

        >>> outcome_label("won", "zh-Hant"), outcome_label("open", "en")
        ('贏單', 'Open')
    """
    key = f"crm.outcome.{outcome}"
    text = t(key, lang)
    return outcome if text == key else text


def loss_reason_label(reason: str, lang: str | None = None) -> str:
    """A catalogue loss reason in ``lang`` (``no_budget`` -> 沒有預算); free text as it is; '' ->
    the label of an unrecorded reason.

        >>> loss_reason_label("no_budget", "en"), loss_reason_label("客戶倒閉", "en")
        ('No budget', '客戶倒閉')
    """
    if not reason:
        return t("crm.loss_reason.none", lang)
    key = f"crm.loss_reason.{reason}"
    text = t(key, lang)
    return reason if text == key else text
