"""The dashboards in a trainee's language (COURSE.md §8): a board's table with its column names,
statuses, self-check items, outcomes, loss reasons and stages written in ``zh-Hant``, ``zh-Hans`` or
``en``, and the stage names of a deal table.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from simlib.base.i18n import t
from simlib.data.crm import loss_reason_label, outcome_label, stage_names

__all__ = ["localise", "stage_labels"]

_VALUE_LABELS = {"status": "dashboards.status", "item": "dashboards.item", "reason": None,
                 "loss_reason": None, "outcome": None}


def localise(df: pd.DataFrame, lang: str | None = None, *, stage_labels: Mapping[str, str] | None = None
             ) -> pd.DataFrame:
    """A copy of one of these tables for a trainee: column names from ``dashboards.col.*`` (or the
    deal table's ``crm.col.*``), statuses, self-check items, outcomes and loss reasons in ``lang``,
    and stage names through ``stage_labels`` (e.g. ``{s.name: s.display(lang)}`` of a scenario).

        >>> from simlib.data.crm import read_deals
        >>> from simlib.data.dashboards import attainment_board
        >>> b = attainment_board(read_deals("scenarios/crm/sample_deals.csv"), targets=100_000)
        >>> localise(b.table, "zh-Hant").columns[:5].tolist()
        ['業務員', '目標', '實際', '贏單數', '達成率']
        >>> localise(b.table, "en")["Status"].iloc[0]
        'Target met'
    """
    out = df.copy()
    for col, prefix in _VALUE_LABELS.items():
        if col not in out.columns:
            continue
        if col in ("reason", "loss_reason"):
            out[col] = [loss_reason_label(v, lang) if isinstance(v, str) else v for v in out[col]]
        elif col == "outcome":
            out[col] = [outcome_label(v, lang) if isinstance(v, str) else v for v in out[col]]
        else:
            out[col] = [_label(f"{prefix}.{v}", lang, v) if isinstance(v, str) else v for v in out[col]]
    if stage_labels and "stage" in out.columns:
        out["stage"] = [stage_labels.get(v, v) for v in out["stage"]]
    names = {}
    for c in out.columns:
        for key in (f"dashboards.col.{c}", f"crm.col.{c}"):
            text = t(key, lang)
            if text != key:
                names[c] = text
                break
    return out.rename(columns=names)


def stage_labels(deals: Any, lang: str | None = None, scenario: Any = None) -> dict[str, str]:
    """Each stage of a deal table (:func:`simlib.data.crm.stage_names`) by its name in ``lang``: the
    scenario's own label when ``scenario`` has the stage (:meth:`simlib.core.scenario.Stage.display`), else
    the course's name for the usual stages (S1's lead → opportunity → proposal → negotiation and S3's
    prospect → need confirmed, COURSE.md §2; catalog ``dashboards.stage.*``), else the name as written
    (a CRM's own stage names are already what its users read).

        >>> from simlib.data.crm import read_deals
        >>> deals = read_deals("scenarios/crm/sample_deals.csv")
        >>> stage_labels(deals, "zh-Hant")
        {'lead': '線索獲取', 'opportunity': '商機識別', 'proposal': '方案設計', 'negotiation': '報價談判'}
        >>> stage_labels(deals.assign(stage="報價"), "en")["proposal"]
        'Proposal'
    """
    own = ({s.name: s.display(lang or "zh-Hant") for s in scenario.funnel.stages}
           if scenario is not None else {})
    return {s: own.get(s) or _label(f"dashboards.stage.{s}", lang, s) for s in stage_names(deals)}


def _label(key: str, lang: str | None, default: str) -> str:
    """The catalog text for ``key``, or ``default`` (the name as written) for a name the catalog lacks."""
    text = t(key, lang)
    return default if text == key else text
