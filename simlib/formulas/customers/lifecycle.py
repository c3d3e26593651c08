"""S0's customer lifecycle (COURSE.md §6): its five stages in order, their names and S0's strategy for
each."""
from __future__ import annotations

from enum import StrEnum

from simlib.base.i18n import t

__all__ = ["Lifecycle"]


class Lifecycle(StrEnum):
    """S0's customer lifecycle (COURSE.md §6), in order: attract (吸引), convert (轉化), maintain
    (維護), deepen (深度經營: cross-/up-sell), win back (激活與挽留).

        >>> [s.label("zh-Hant") for s in Lifecycle]
        ['吸引', '轉化', '維護', '深度經營', '激活與挽留']
        >>> Lifecycle("deepen").label("en"), Lifecycle.WIN_BACK.label("zh-Hans")
        ('Deepen', '激活与挽留')
    """
    ATTRACT = "attract"
    CONVERT = "convert"
    MAINTAIN = "maintain"
    DEEPEN = "deepen"
    WIN_BACK = "win_back"

    def label(self, lang: str | None = None) -> str:
        return t(f"customers.lifecycle.{self.value}", lang)

    def strategy(self, lang: str | None = None) -> str:
        """S0's strategy for the stage (e.g. deepen: cross-selling and up-selling)."""
        return t(f"customers.lifecycle_strategy.{self.value}", lang)
