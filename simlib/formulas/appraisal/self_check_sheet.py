"""S3's weekly self-check sheet (每周目標達成檢查清單, COURSE.md §4, §9 drill 6): the default weekly
targets, and a filled sheet's completion per row and overall (over-delivering one row cannot hide
another that is behind).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

import pandas as pd
from pydantic import Field, model_validator

from simlib.base.fmt import percent
from simlib.base.i18n import t
from simlib.base.records import is_number, label_or_key, record_problems, unknown_key_issue, validate_record
from simlib.base.schema import ScenarioError, StrictModel

__all__ = ["SELF_CHECK_TARGETS", "SelfCheck", "self_check"]

SELF_CHECK_TARGETS: dict[str, float] = {"new_visits": 10, "follow_ups": 15, "proposals": 5, "demos": 3,
                                        "orders": 2, "sales": 100_000, "satisfaction": 0.90}
"""S3's weekly self-check sheet (每周目標達成檢查清單, COURSE.md §4): new-customer visits 10,
existing-customer follow-ups 15, proposals 5, demos 3, orders 2, weekly sales 100 k (yuan),
customer satisfaction 90 % (written as a share, 0.9)."""

_SHARE_ROWS = ("satisfaction",)  # rows measured as a share 0–1


class SelfCheckInput(StrictModel):
    targets: dict[str, Annotated[float, Field(gt=0)]] = Field(min_length=1, max_length=30)
    actuals: dict[str, Annotated[float, Field(ge=0)]]

    @model_validator(mode="after")
    def _rows(self) -> SelfCheckInput:
        items: list[tuple[str, str, dict]] = [(f"actuals.{k}", "missing", {}) for k in self.targets
                                              if k not in self.actuals]
        items += [unknown_key_issue(f"actuals.{k}", k, list(self.targets)) for k in self.actuals if k not in self.targets]
        for part in ("targets", "actuals"):
            for k in _SHARE_ROWS:
                v = getattr(self, part).get(k)
                if v is not None and v > 1:
                    items.append((f"{part}.{k}", "selfcheck_share", {"input": v}))
        record_problems(items)
        return self


@dataclass(frozen=True)
class SelfCheck:
    """A filled weekly self-check sheet. ``rows``: one per item (target, actual, completion =
    actual ÷ target); ``overall``: the mean completion with each row capped at 100 % (``cap``), so
    over-delivering one row cannot hide another that is behind; ``behind``: the rows below 100 %,
    furthest behind first."""
    rows: pd.DataFrame
    overall: float
    behind: list[str]

    def table(self, lang: str | None = None) -> pd.DataFrame:
        """The sheet with localised item names and headers, completion as a share (format as %)."""
        col = {k: t(f"appraisal.selfcheck.col.{k}", lang) for k in ("item", "target", "actual", "completion")}
        df = self.rows.copy()
        df["item"] = [label_or_key(f"appraisal.selfcheck.item.{k}", lang) for k in df["item"]]
        return df.rename(columns=col)

    def text(self, lang: str | None = None) -> str:
        """One line: overall completion and the rows behind.

            >>> print(self_check({"new_visits": 8, "follow_ups": 15, "proposals": 5, "demos": 3, "orders": 1,
            ...                   "sales": 120_000, "satisfaction": 0.92}).text("zh-Hant"))
            整體完成率 90%（每項最多計 100%）。落後：成交訂單數 50%、新客戶拜訪數 80%。
        """
        if not self.behind:
            return t("appraisal.selfcheck.all_done", lang, overall=percent(self.overall, lang))
        sep = t("appraisal.sep", lang)
        comp = dict(zip(self.rows["item"], self.rows["completion"], strict=True))
        behind = sep.join(f"{label_or_key(f'appraisal.selfcheck.item.{k}', lang)} {percent(comp[k], lang)}"
                          for k in self.behind)
        return t("appraisal.selfcheck.summary", lang, overall=percent(self.overall, lang), behind=behind)


def self_check(actuals: Mapping[str, float], targets: Mapping[str, float] | None = None, *,
               cap: float = 1.0) -> SelfCheck:
    """Fill in the S3 weekly self-check sheet (COURSE.md §4, §9 drill 6): completion per row and overall.

    Args:
        actuals: the week's numbers for every row of ``targets`` (satisfaction as a share, 0.92).
        targets: ``{item: weekly target}``, default :data:`SELF_CHECK_TARGETS`; a team may add rows.
        cap: the most one row counts towards the overall completion (1.0 = 100 %).

        >>> s = self_check({"new_visits": 8, "follow_ups": 15, "proposals": 5, "demos": 3, "orders": 1,
        ...                 "sales": 120_000, "satisfaction": 0.92})
        >>> s.rows["completion"].round(2).tolist(), round(s.overall, 3), s.behind
        ([0.8, 1.0, 1.0, 1.0, 0.5, 1.2, 1.02], 0.9, ['orders', 'new_visits'])
    """
    if not is_number(cap) or cap <= 0:
        raise ScenarioError.at("cap", "greater_than", limit=0, input=cap)
    data = {"targets": dict(targets if targets is not None else SELF_CHECK_TARGETS),
            "actuals": dict(actuals) if isinstance(actuals, Mapping) else actuals}
    rec = validate_record(SelfCheckInput, data)
    rows = [{"item": k, "target": tv, "actual": rec.actuals[k], "completion": rec.actuals[k] / tv}
            for k, tv in rec.targets.items()]
    df = pd.DataFrame(rows)
    overall = float(df["completion"].clip(upper=cap).mean())
    late = df[df["completion"] < 1 - 1e-12].sort_values("completion", kind="stable")
    return SelfCheck(rows=df, overall=overall, behind=late["item"].tolist())
