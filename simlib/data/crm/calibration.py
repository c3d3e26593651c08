"""What a deal table tells about the funnel (COURSE.md §2, §8): per-stage conversion and dwell times
(:func:`stage_stats`), and a scenario calibrated from them (:func:`calibrate`) — leads a week, each
stage's conversion and customer wait, the deal value, the reps — with the rep hours a CRM does not
record taken from a scenario or from :data:`DEFAULT_WORK_HOURS` and :data:`DEFAULT_HOURS_PER_WEEK`.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from simlib.base.fmt import number
from simlib.base.i18n import LANGUAGES, t
from simlib.base.schema import ScenarioError
from simlib.core.scenario import load_scenario
from simlib.data.crm.sources import deal_table
from simlib.data.crm.table import DAY, stage_names

__all__ = ["DEFAULT_HOURS_PER_WEEK", "DEFAULT_WORK_HOURS", "calibrate", "stage_stats"]

DEFAULT_WORK_HOURS = 2.0
"""Rep hours per deal and stage when neither ``work_hours`` nor a scenario gives them: a CRM records
dates, not the hours a rep spent."""
DEFAULT_HOURS_PER_WEEK = 28.0
"""Selling hours a rep has a week when no scenario says: 70 % of a 40-hour week (COURSE.md §2: top
sellers spend > 70 % of their time on core selling); also the hours of ``scenarios/funnel_basics.yaml``."""


def _quantile(values: np.ndarray, q: float) -> float:
    """The ``q`` quantile; for whole-day data (dates without times) the grouped-data interpolation
    — each whole number d stands for the interval [d − ½, d + ½], and the quantile is placed inside
    its class in proportion, L + (q·n − F) ÷ f — so day-rounded dwell times do not move an estimate
    in steps of a whole day.

        >>> round(_quantile(np.array([0.0, 1, 1, 1, 2, 5]), 0.5), 3)      # 0.5 + (3 − 1) ÷ 3
        1.167
        >>> _quantile(np.array([0.0, 0.5, 2.0]), 0.5)                       # not whole days: as usual
        0.5
    """
    n = len(values)
    if not n:
        return math.nan
    if not np.all(values == np.round(values)):
        return float(np.quantile(values, q))
    v = np.sort(values)
    d = v[min(math.floor(q * n), n - 1)]
    below = int(np.searchsorted(v, d, side="left"))
    here = int(np.searchsorted(v, d, side="right")) - below
    return float(d - 0.5 + (q * n - below) / here)


def stage_stats(deals: Any) -> pd.DataFrame:
    """Per stage of a deal table (COURSE.md §2: each stage has a conversion rate and a dwell time):
    ``stage, entered, passed, lost, open, decided`` (= passed + lost), ``conversion`` (passed ÷
    decided; NaN when none decided), and the dwell — days from entering the stage to leaving it, for
    deals that left it (passed on, won or lost there; open deals are still in it and not counted):
    ``dwell_n, dwell_median_days, dwell_p25_days, dwell_p75_days, dwell_mean_days`` (quantiles of
    whole-day dwells interpolated within the day, as grouped data; :func:`_quantile`).

        >>> from simlib.data.crm import read_deals
        >>> df = read_deals("deal_id,rep,created,proposal_date,closed,outcome,amount\\n"
        ...                 "1,A,2025-01-01,2025-01-05,2025-01-15,won,10\\n"
        ...                 "2,A,2025-01-02,,2025-01-03,lost,\\n3,B,2025-01-03,2025-01-04,,open,5")
        >>> stage_stats(df)[["stage", "entered", "passed", "lost", "open", "conversion", "dwell_median_days"]]
              stage  entered  passed  lost  open  conversion  dwell_median_days
        0      lead        3       2     1     0    0.666667               1.25
        1  proposal        2       1     0     1    1.000000              10.00
    """
    df = deal_table(deals)
    stages = stage_names(df)
    n_st = len(stages)
    idx = df["stage_index"].to_numpy()
    oc = df["outcome"].to_numpy()
    closed = df["closed"].to_numpy("datetime64[ns]")
    entered = np.bincount(idx, minlength=n_st)[::-1].cumsum()[::-1]
    lost = np.bincount(idx[oc == "lost"], minlength=n_st)
    open_ = np.bincount(idx[oc == "open"], minlength=n_st)
    passed = entered - lost - open_
    decided = passed + lost
    dates = [df[f"{s}_date"].to_numpy("datetime64[ns]") for s in stages]
    rows = []
    for k, s in enumerate(stages):
        nxt = dates[k + 1] if k + 1 < n_st else np.full(len(df), np.datetime64("NaT"), "datetime64[ns]")
        leave = np.where(idx > k, nxt, np.where((idx == k) & (oc != "open"), closed, np.datetime64("NaT")))
        diff = leave - dates[k]
        dwell = diff[~np.isnat(diff)].astype("timedelta64[s]").astype(float) / 86400.0
        q = [_quantile(dwell, p) for p in (0.25, 0.5, 0.75)]
        rows.append({"stage": s, "entered": int(entered[k]), "passed": int(passed[k]), "lost": int(lost[k]),
                     "open": int(open_[k]), "decided": int(decided[k]),
                     "conversion": passed[k] / decided[k] if decided[k] else math.nan,
                     "dwell_n": len(dwell), "dwell_median_days": float(q[1]), "dwell_p25_days": float(q[0]),
                     "dwell_p75_days": float(q[2]),
                     "dwell_mean_days": float(dwell.mean()) if len(dwell) else math.nan})
    return pd.DataFrame(rows)


def calibrate(deals: Any, *, horizon_weeks: int = 13, hours_per_week: float | None = None,
              reps: int | Sequence[str] | None = None, scenario: Any = None,
              work_hours: float | Mapping[str, float] | None = None, name: str | None = None) -> dict:
    """A scenario (a dict :func:`simlib.load_scenario` accepts) estimated from a deal table.

    What the deals tell (COURSE.md §2, §8):

    * ``leads.per_week`` — deals created per week over the table's span (first ``created`` to the
      latest date in the table, inclusive);
    * each stage's ``conversion`` — passed ÷ decided there (open deals left out), as
      :func:`stage_stats`; a stage where nothing was decided keeps the scenario's (else 1);
    * ``deal_value`` — ``mean`` and ``cv`` (sample standard deviation ÷ mean) of the won amounts
      (all amounts when nothing was won);
    * each stage's ``wait_weeks`` — the customer's wait, from the stage's median dwell
      (:func:`stage_stats`; whole-day dwells are interpolated within the day): the engine
      draws a wait as exponential with mean ``wait_weeks`` and then the rep works ``work_hours`` at
      ``hours_per_week``, so ``wait_weeks = max(0, median dwell in weeks − work_hours ÷ hours_per_week)
      ÷ ln 2`` (an exponential's median is ln 2 × its mean). Time a deal spent queued for a busy rep
      is in the dwell too, so with an overloaded team the waits come out too long;
    * the reps — the file's ``rep`` names (or ``reps``: a count or names).

    What they cannot tell: the hours a rep spends on a deal at each stage and the selling hours a rep
    has a week. ``work_hours`` (one number, or per stage) and ``hours_per_week`` win; else they come
    from ``scenario`` (a stage by name, else by position), else :data:`DEFAULT_WORK_HOURS` and
    :data:`DEFAULT_HOURS_PER_WEEK`. Assignment and any other setting stay the scenario's defaults.

        >>> import simlib
        >>> from simlib.data.crm import deals_from_result
        >>> d = deals_from_result(simlib.simulate("scenarios/funnel_basics.yaml", seed=1))
        >>> sc = simlib.load_scenario(calibrate(d, scenario="scenarios/funnel_basics.yaml"))
        >>> [round(s.conversion, 2) for s in sc.funnel.stages], len(sc.team.reps), sc.team.hours_per_week
        ([0.52, 0.59, 0.51, 0.4], 15, 28.0)
    """
    df = deal_table(deals)
    base = load_scenario(scenario) if scenario is not None else None
    stats = stage_stats(df)
    stages = list(stats["stage"])
    if isinstance(horizon_weeks, bool) or not isinstance(horizon_weeks, (int, np.integer)) \
            or not 1 <= horizon_weeks <= 520:
        raise ScenarioError.at("horizon_weeks", "crm_range", low=1, high=520, input=horizon_weeks)
    if hours_per_week is None:
        hours_per_week = base.team.hours_per_week if base is not None else DEFAULT_HOURS_PER_WEEK
    if not isinstance(hours_per_week, (int, float)) or isinstance(hours_per_week, bool) \
            or not 0 < hours_per_week <= 80:
        raise ScenarioError.at("hours_per_week", "crm_range", low=0, high=80, input=hours_per_week)
    base_stages = {s.name: s for s in base.funnel.stages} if base is not None else {}
    base_list = list(base.funnel.stages) if base is not None else []

    def from_base(name: str, k: int):
        return base_stages.get(name) or (base_list[k] if k < len(base_list) else None)

    # leads per week over the table's span
    dates = [df[c] for c in ("created", "closed", *(f"{s}_date" for s in stages))]
    first = df["created"].min()
    last = max(d.max() for d in dates if d.notna().any())
    span_weeks = max(((last.normalize() - first.normalize()) / DAY + 1) / 7.0, 1 / 7)
    per_week = round(len(df) / span_weeks, 3)
    # deal value
    amounts = df.loc[df["outcome"] == "won", "amount"].dropna().to_numpy(float)
    if not len(amounts):
        amounts = df["amount"].dropna().to_numpy(float)
    if len(amounts):
        mean = float(amounts.mean())
    else:
        mean = base.funnel.deal_value.mean if base is not None else 0.0
    cv = float(amounts.std(ddof=1) / mean) if len(amounts) > 1 and mean > 0 else 0.0
    out_stages = []
    for k, row in stats.iterrows():
        s = str(row["stage"])
        b = from_base(s, k)
        if isinstance(work_hours, Mapping):
            wh = float(work_hours.get(s, b.work_hours if b is not None else DEFAULT_WORK_HOURS))
        elif work_hours is not None:
            wh = float(work_hours)
        else:
            wh = b.work_hours if b is not None else DEFAULT_WORK_HOURS
        conv = row["conversion"]
        if not math.isfinite(conv):
            conv = b.conversion if b is not None else 1.0
        med = row["dwell_median_days"]
        wait = max(0.0, med / 7.0 - wh / hours_per_week) / math.log(2) if math.isfinite(med) else 0.0
        stage = {"name": s, "conversion": round(float(conv), 4), "work_hours": wh,
                 "wait_weeks": round(min(wait, 52.0), 3)}
        if b is not None and b.label and b.name == s:
            stage["label"] = dict(b.label)
        out_stages.append(stage)
    if reps is None:
        rep_names = sorted(df["rep"].astype(str).unique())
    elif isinstance(reps, (int, np.integer)) and not isinstance(reps, bool):
        rep_names = int(reps)
    else:
        rep_names = [str(r) for r in reps]
    team: dict[str, Any] = {
        "reps": rep_names if isinstance(rep_names, int) else [{"name": r} for r in rep_names],
        "hours_per_week": float(hours_per_week),
    }
    n_deals = len(df)
    desc = {lang: t("crm.calibrated.description", lang, deals=number(n_deals, lang),
                    weeks=number(span_weeks, lang, digits=1, fixed=True), hours=number(hours_per_week, lang))
            for lang in LANGUAGES}
    return {
        "name": name or t("crm.calibrated.name", "zh-Hant") + " " + t("crm.calibrated.name", "en"),
        "description": desc,
        "horizon_weeks": int(horizon_weeks),
        "leads": {"per_week": min(per_week, 100_000.0)},
        "funnel": {"stages": out_stages,
                   "deal_value": {"mean": round(min(mean, 1e10), 2), "cv": round(min(cv, 5.0), 4)}},
        "team": team,
    }
