"""S1's dashboards (COURSE.md §8) as pure functions of a CRM deal table: the attainment board, the
funnel-health board, the activity board, the forecast panel and the anomaly highlights.

Every function takes the tidy deal table of :mod:`simlib.data.crm` — from an upload (:func:`simlib.data.crm.read_deals`)
or from a simulation (:func:`simlib.data.crm.deals_from_result`; a :class:`simlib.SimResult` is accepted and
exported on the way in) — and returns tidy DataFrames and dicts, with English column names; :func:`localise`
turns a table into a trainee's, and each result's ``text(lang)`` says in one line what matters. No widgets,
no plotting (:mod:`simlib.viz.dashboards` draws them)::

    >>> from simlib.data.crm import read_deals
    >>> deals = read_deals("scenarios/crm/sample_deals.csv")        # funnel_basics, 26 weeks, 15 reps
    >>> board = attainment_board(deals, targets=300_000, period="quarter")
    >>> board.start.date(), board.asof.date(), round(board.elapsed, 2)
    (datetime.date(2025, 4, 1), datetime.date(2025, 6, 15), 0.84)
    >>> print(board.text("en"))
    Team: 1,514,462 of 4,500,000 (34%), 84% of the quarter gone. Status: Off track. 14 of 15 behind pace.
    >>> health = funnel_health(deals)
    >>> health.bottleneck["stage"], round(health.bottleneck["conversion"], 2)
    ('negotiation', 0.4)

Time: the period holding ``asof`` (default: the latest date in the table) — a calendar ``week``
(Monday to Sunday), ``month``, ``quarter`` or ``year``; ``asof`` counts as a whole day gone. A won deal
counts in the period its ``closed`` date falls in, for ``amount`` yuan.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from simlib.base.i18n import t
from simlib.base.schema import ScenarioError
from simlib.data.crm import _table, loss_reason_label, outcome_label, snapshot, stage_names, stage_stats
from simlib.formulas.appraisal import SELF_CHECK_TARGETS

__all__ = [
    "OFF_TRACK",
    "PACE_MARGIN",
    "PERIODS",
    "ROBUST_Z",
    "SLA_DAYS",
    "ActivityBoard",
    "Anomalies",
    "AttainmentBoard",
    "Forecast",
    "FunnelHealth",
    "activity_board",
    "anomalies",
    "attainment_board",
    "drill_down",
    "forecast",
    "funnel_health",
    "localise",
    "period_bounds",
    "period_targets",
    "robust_z",
    "select",
    "stage_labels",
]

PERIODS: tuple[str, ...] = ("week", "month", "quarter", "year")
_FREQ = {"week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}
_NOMINAL_DAYS = {"week": 7.0, "month": 365.25 / 12, "quarter": 365.25 / 4, "year": 365.25}
PACE_MARGIN = 0.10
"""Behind pace: attainment below the share of the period gone by more than this (10 points)."""
OFF_TRACK = 0.30
"""Off track: behind pace *and* on course (straight line) to miss the target by more than 30 % — S1's
"3 consecutive months deviate by more than 30 %" trigger for reviewing a target (COURSE.md §1)."""
ROBUST_Z = 3.5
"""The robust z-score beyond which a value is an outlier (Iglewicz & Hoaglin 1993)."""
SLA_DAYS = 14.0
"""S3's stage SLA: a deal should move from proposal to negotiation within 14 days; older deals are
flagged (COURSE.md §2). The funnel-health board applies it to every stage unless told otherwise."""
_DAY = pd.Timedelta(days=1)



def _choice(name: str, value: Any, options: Sequence[str]) -> None:
    if value not in options:
        raise ScenarioError.at(name, "choice", expected=", ".join(options), input=repr(value))


# ---------------------------------------------------------------------------------------------
# Time
# ---------------------------------------------------------------------------------------------
def _last_date(df: pd.DataFrame) -> pd.Timestamp:
    cols = ["created", "closed", *(f"{s}_date" for s in stage_names(df))]
    return max(df[c].max() for c in cols if df[c].notna().any()).normalize()


def _day_param(name: str, value: Any) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ScenarioError.at(name, "dashboards_date", input=repr(value)) from None
    if ts is pd.NaT:
        raise ScenarioError.at(name, "dashboards_date", input=repr(value))
    return ts.tz_localize(None).normalize() if ts.tzinfo is not None else ts.normalize()


def _asof(df: pd.DataFrame, asof: Any) -> pd.Timestamp:
    return _last_date(df) if asof is None else _day_param("asof", asof)


def _as_seen(df: pd.DataFrame, asof: Any) -> tuple[pd.DataFrame, pd.Timestamp]:
    """The table as it stood at ``asof`` (:func:`simlib.data.crm.snapshot`) when that is before its last date."""
    when = _asof(df, asof)
    return (snapshot(df, when) if when < _last_date(df) else df), when


def period_bounds(asof: Any, period: str = "month") -> tuple[pd.Timestamp, pd.Timestamp]:
    """``(start, end)`` of the calendar period holding ``asof``; ``end`` is the first day after it.

        >>> [str(d.date()) for d in period_bounds("2025-05-14", "quarter")]
        ['2025-04-01', '2025-07-01']
        >>> [str(d.date()) for d in period_bounds("2025-05-14", "week")]      # Monday to Sunday
        ['2025-05-12', '2025-05-19']
    """
    _choice("period", period, PERIODS)
    p = pd.Timestamp(asof).to_period(_FREQ[period])
    return p.start_time.normalize(), p.end_time.normalize() + _DAY


def _shift(start: pd.Timestamp, period: str, k: int) -> pd.Timestamp:
    p = start.to_period(_FREQ[period]) + k
    return p.start_time.normalize()


def select(deals: Any, *, rep: str | Sequence[str] | None = None, region: str | Sequence[str] | None = None,
           product: str | Sequence[str] | None = None, since: Any = None, until: Any = None) -> pd.DataFrame:
    """The deals of one rep, region or product (or several), created in ``[since, until]``: the
    role-based views of S1's dashboards (a rep sees their own deals, a regional manager the region's).

        >>> from simlib.data.crm import read_deals
        >>> d = read_deals("scenarios/crm/sample_deals.csv")
        >>> len(select(d, rep="R01")), len(select(d, region=["East", "West"], since="2025-06-01"))
        (107, 62)
    """
    df = _table(deals)
    mask = np.ones(len(df), bool)
    for col, want in (("rep", rep), ("region", region), ("product", product)):
        if want is None:
            continue
        if col not in df.columns:
            raise ScenarioError.at(col, "dashboards_no_column", column=col)
        values = [want] if isinstance(want, str) else list(want)
        mask &= df[col].isin(values).to_numpy()
    if since is not None:
        mask &= (df["created"] >= _day_param("since", since)).to_numpy()
    if until is not None:
        mask &= (df["created"] < _day_param("until", until) + _DAY).to_numpy()
    out = df.loc[mask].reset_index(drop=True)
    out.attrs = dict(df.attrs)
    return out


# ---------------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------------
def period_targets(targets: Any, keys: Sequence[str], period: str = "month") -> dict[str, float]:
    """Each key's target for one ``period``: ``targets`` is None (no targets: NaN), one number for
    every key, a mapping ``{key: target}`` (keys it lacks get NaN), or a :class:`simlib.Scenario`
    whose quotas (:func:`simlib.models.policy.quotas_for`) are per plan period (``incentives.period``, a
    quarter without a plan) and are scaled to ``period`` by nominal length (a month = a quarter ÷ 3).

        >>> period_targets({"R01": 90_000}, ["R01", "R02"], "month")
        {'R01': 90000.0, 'R02': nan}
        >>> import simlib
        >>> sc = simlib.load_scenario("scenarios/funnel_basics.yaml").with_changes({"quotas": {"per_rep": 300_000}})
        >>> period_targets(sc, ["R01"], "month")
        {'R01': 100000.0}
    """
    keys = [str(k) for k in keys]
    if targets is None:
        return {k: math.nan for k in keys}
    if isinstance(targets, bool):
        raise ScenarioError.at("targets", "dashboards_targets", input=repr(targets))
    if isinstance(targets, (int, float, np.integer, np.floating)):
        v = float(targets)
        if not math.isfinite(v) or v < 0:
            raise ScenarioError.at("targets", "dashboards_targets", input=repr(targets))
        return {k: v for k in keys}
    if hasattr(targets, "team") and hasattr(targets, "quotas"):
        return _scenario_targets(targets, keys, period)
    if isinstance(targets, Mapping):
        out = {}
        for k in keys:
            v = targets.get(k, math.nan)
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) \
                    or (math.isfinite(float(v)) and float(v) < 0):
                raise ScenarioError.at(f"targets.{k}", "dashboards_targets", input=repr(v))
            out[k] = float(v)
        return out
    raise ScenarioError.at("targets", "dashboards_targets", input=type(targets).__name__)


def _scenario_targets(sc: Any, keys: list[str], period: str) -> dict[str, float]:
    from simlib.core.quotas import quotas_for
    reps = sc.team.reps
    if sc.quotas is None and not all(r.quota is not None for r in reps):
        raise ScenarioError.at("targets", "dashboards_no_quotas")
    q = quotas_for(sc, np.array([r.skill for r in reps], float))
    plan = sc.incentives.period if sc.incentives is not None else "quarter"
    scale = 1.0 if plan == period else _NOMINAL_DAYS[period] / _NOMINAL_DAYS[plan]
    own = {r.name: float(v) * scale for r, v in zip(reps, q, strict=True)}
    return {k: own.get(k, math.nan) for k in keys}


# ---------------------------------------------------------------------------------------------
# Attainment board
# ---------------------------------------------------------------------------------------------
STATUSES = ("met", "on_pace", "behind_pace", "off_track", "no_target")


def _status(attain: np.ndarray, projected: np.ndarray, elapsed: float, margin: float) -> np.ndarray:
    """The warning rule (COURSE.md §8 warnings; §1 dynamic adjustment; §3 attainment bands):

    * ``met`` — actual ≥ target;
    * ``behind_pace`` — attainment < share of the period gone − ``margin``;
    * ``off_track`` — behind pace and the straight-line projection (attainment ÷ share gone) below
      1 − :data:`OFF_TRACK` (70 %, which is also where S1's coefficient table stops paying a bonus
      at < 80 %);
    * ``on_pace`` — otherwise; ``no_target`` where there is no target.
    """
    out = np.full(len(attain), "on_pace", dtype=object)
    behind = attain < elapsed - margin
    out[behind] = "behind_pace"
    out[behind & (projected < 1 - OFF_TRACK)] = "off_track"
    out[attain >= 1 - 1e-12] = "met"
    out[~np.isfinite(attain)] = "no_target"
    return out


@dataclass(frozen=True)
class AttainmentBoard:
    """Target vs actual for one period (:func:`attainment_board`).

    ``table``: one row per ``by`` value (rep, region or product), best first — ``<by>, target,
    actual, won, attainment, rank, gap, projected, projected_attainment, prev_actual, change_prev,
    year_ago_actual, change_yoy, status, warning``. ``total``: the same for the whole team (a dict,
    plus ``period, start, end, asof, elapsed``). ``trend``: ``<by>, period, start, actual, won,
    target, partial`` for every period of the table up to ``asof`` (the trend line; ``partial``
    marks the period under way and a first period the data starts inside).
    """
    table: pd.DataFrame
    total: dict
    trend: pd.DataFrame
    by: str
    period: str
    start: pd.Timestamp
    end: pd.Timestamp
    asof: pd.Timestamp
    elapsed: float

    def warnings(self) -> pd.DataFrame:
        """The rows with a warning (behind pace or off track), worst first."""
        w = self.table[self.table["warning"]]
        return w.sort_values("attainment", kind="stable").reset_index(drop=True)

    def text(self, lang: str | None = None) -> str:
        """One line on the team and how many are behind."""
        tot = self.total
        what = t(f"dashboards.period.{self.period}", lang)
        status = t(f"dashboards.status.{tot['status']}", lang)
        n_warn = int(self.table["warning"].sum())
        if math.isfinite(tot["target"]) and tot["target"] > 0:
            line = t("dashboards.attainment.text", lang, actual=_money(tot["actual"]), target=_money(tot["target"]),
                     attainment=f"{tot['attainment']:.0%}", elapsed=f"{self.elapsed:.0%}", period=what,
                     status=status)
        else:
            line = t("dashboards.attainment.text_no_target", lang, actual=_money(tot["actual"]),
                     elapsed=f"{self.elapsed:.0%}", period=what)
        if n_warn:
            line += t("dashboards.attainment.behind", lang, count=n_warn, total=len(self.table))
        return line


def _money(x: float) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{x:,.0f}"


def _won_sum(df: pd.DataFrame, by: str, lo: pd.Timestamp, hi: pd.Timestamp) -> tuple[pd.Series, pd.Series]:
    won = df[(df["outcome"] == "won") & (df["closed"] >= lo) & (df["closed"] < hi)]
    g = won.groupby(by, sort=False)["amount"]
    return g.sum(), g.size()


def attainment_board(deals: Any, targets: Any = None, *, period: str = "month", asof: Any = None,
                     by: str = "rep", margin: float = PACE_MARGIN) -> AttainmentBoard:
    """S1's attainment board (COURSE.md §8): target vs actual, ranking, change on the previous period
    and on a year before, and warnings, for the period holding ``asof``.

    * ``actual`` — won ``amount`` closed from the period's start to ``asof`` (inclusive);
      ``attainment`` = actual ÷ target; ``rank`` 1 = best attainment (best actual without targets);
      ``gap`` = target − actual; ``projected`` = actual ÷ share of the period gone (straight line).
    * ``change_prev`` (MoM for months, QoQ for quarters) compares with the previous period *to the
      same point* — its first ``elapsed`` share — so a half-gone month is not set against a whole one;
      ``change_yoy`` likewise with the same period a year before. Either is NaN when the table starts
      after that period began (no YoY unless the data spans more than a year) or it had no sales.
    * ``status`` / ``warning``: the rule of :func:`_status` — behind pace when attainment trails the
      share of the period gone by more than ``margin`` (10 points), off track when the straight-line
      projection is also below 70 % (S1's review trigger: a deviation above 30 %, COURSE.md §1).

    Args:
        targets: per-period targets (see :func:`period_targets`) for the ``by`` values; a scenario's
            quotas apply to reps only.
        by: ``rep``, or ``region``/``product`` when the table has that column.

        >>> from simlib.data.crm import read_deals
        >>> d = read_deals("scenarios/crm/sample_deals.csv")
        >>> b = attainment_board(d, targets=100_000, period="month")
        >>> b.table[["rep", "actual", "attainment", "rank", "status"]].head(3).values.tolist()
        [['R14', 112882.0, 1.12882, 1, 'met'], ['R06', 83132.0, 0.83132, 2, 'on_pace'], ['R03', 69620.0, 0.6962, 3, 'on_pace']]
        >>> round(b.total["change_prev"], 3)                       # June 1–15 against May 1–15
        -0.227
    """
    df = _table(deals)
    _choice("period", period, PERIODS)
    if by not in df.columns:
        raise ScenarioError.at("by", "dashboards_no_column", column=by)
    if not isinstance(margin, (int, float)) or isinstance(margin, bool) or not 0 <= margin < 1:
        raise ScenarioError.at("margin", "dashboards_range", low=0, high=1, input=margin)
    asof = _asof(df, asof)
    start, end = period_bounds(asof, period)
    cut = asof + _DAY
    elapsed = float(min(1.0, max(0.0, (cut - start) / (end - start))))
    data_start = df["created"].min().normalize()
    keys = sorted(df[by].astype(str).unique())
    tg = period_targets(targets, keys, period)
    actual, won = _won_sum(df, by, start, cut)

    def same_point(p_start: pd.Timestamp) -> tuple[pd.Series, bool]:
        p_end = _shift(p_start, period, 1)
        p_cut = p_start + (p_end - p_start) * elapsed
        covered = data_start <= p_start
        return _won_sum(df, by, p_start, p_cut)[0], covered

    prev, prev_ok = same_point(_shift(start, period, -1))
    year_ago, year_ok = same_point((start - pd.DateOffset(years=1)).normalize())
    rows = pd.DataFrame({by: keys})
    rows["target"] = [tg[k] for k in keys]
    rows["actual"] = rows[by].map(actual).fillna(0.0).astype(float)
    rows["won"] = rows[by].map(won).fillna(0).astype(np.int64)
    rows["prev_actual"] = rows[by].map(prev).fillna(0.0).astype(float) if prev_ok else math.nan
    rows["year_ago_actual"] = rows[by].map(year_ago).fillna(0.0).astype(float) if year_ok else math.nan
    table = _attainment_rows(rows, elapsed, margin, by)
    tot_row = pd.DataFrame({by: ["__team__"], "target": [rows["target"].sum(min_count=len(rows))],
                            "actual": [rows["actual"].sum()], "won": [rows["won"].sum()],
                            "prev_actual": [rows["prev_actual"].sum() if prev_ok else math.nan],
                            "year_ago_actual": [rows["year_ago_actual"].sum() if year_ok else math.nan]})
    total = _attainment_rows(tot_row, elapsed, margin, by).iloc[0].drop([by, "rank"]).to_dict()
    total = {k: (v.item() if hasattr(v, "item") else v) for k, v in total.items()}
    total.update({"period": period, "start": start, "end": end, "asof": asof, "elapsed": elapsed})
    trend = _trend(df, by, period, cut, data_start, tg)
    return AttainmentBoard(table=table, total=total, trend=trend, by=by, period=period, start=start, end=end,
                           asof=asof, elapsed=elapsed)


def _attainment_rows(rows: pd.DataFrame, elapsed: float, margin: float, by: str) -> pd.DataFrame:
    tgt = rows["target"].to_numpy(float)
    act = rows["actual"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        att = np.where(tgt > 0, act / tgt, np.nan)
        proj = act / elapsed if elapsed > 0 else np.full(len(act), np.nan)
        proj_att = np.where(tgt > 0, proj / tgt, np.nan)
        prev = rows["prev_actual"].to_numpy(float)
        yago = rows["year_ago_actual"].to_numpy(float)
        ch_prev = np.where(prev > 0, act / prev - 1, np.nan)
        ch_yoy = np.where(yago > 0, act / yago - 1, np.nan)
    rows = rows.copy()
    rows["attainment"] = att
    score = np.where(np.isfinite(att), att, -np.inf) if np.isfinite(att).any() else act
    rows["rank"] = pd.Series(score).rank(ascending=False, method="min").astype(np.int64).to_numpy()
    rows["gap"] = tgt - act
    rows["projected"] = proj
    rows["projected_attainment"] = proj_att
    rows["change_prev"] = ch_prev
    rows["change_yoy"] = ch_yoy
    rows["status"] = _status(att, proj_att, elapsed, margin)
    rows["warning"] = rows["status"].isin(["behind_pace", "off_track"]).to_numpy()
    cols = [by, "target", "actual", "won", "attainment", "rank", "gap", "projected", "projected_attainment",
            "prev_actual", "change_prev", "year_ago_actual", "change_yoy", "status", "warning"]
    return rows[cols].sort_values(["rank", by], kind="stable").reset_index(drop=True)


def _trend(df: pd.DataFrame, by: str, period: str, cut: pd.Timestamp, data_start: pd.Timestamp,
           tg: Mapping[str, float]) -> pd.DataFrame:
    won = df[(df["outcome"] == "won") & (df["closed"] < cut)]
    first = period_bounds(data_start, period)[0]
    last = period_bounds(cut - _DAY, period)[0]
    starts = pd.period_range(first, last, freq=_FREQ[period])
    keys = sorted(df[by].astype(str).unique())
    p = won["closed"].dt.to_period(_FREQ[period])
    g = won.assign(_p=p).groupby([by, "_p"])["amount"].agg(["sum", "size"])
    idx = pd.MultiIndex.from_product([keys, starts], names=[by, "_p"])
    g = g.reindex(idx, fill_value=0).reset_index()
    out = pd.DataFrame({
        by: g[by].astype(str).to_numpy(object),
        "period": [str(x) for x in g["_p"]],
        "start": g["_p"].dt.start_time.dt.normalize().to_numpy(),
        "actual": g["sum"].astype(float).to_numpy(),
        "won": g["size"].astype(np.int64).to_numpy(),
    })
    out["target"] = out[by].map(tg).astype(float)
    ends = (g["_p"] + 1).dt.start_time.dt.normalize()
    out["partial"] = ((ends > cut) | (out["start"] < data_start)).to_numpy()
    return out


def drill_down(deals: Any, value: str, *, by: str = "rep", period: str | None = None,
               asof: Any = None) -> pd.DataFrame:
    """The deals behind one row of the attainment board (COURSE.md §8: drill-down): every deal of
    ``value`` in column ``by`` — with ``period``, those in play in the period holding ``asof``
    (created before its end and still open or closed in it) — newest first, with ``age_days``
    (days from created to closed, or to ``asof`` while open) and ``days_in_stage`` (an open deal's
    days since it entered its current stage, NaN for a closed one).

        >>> from simlib.data.crm import read_deals
        >>> d = drill_down(read_deals("scenarios/crm/sample_deals.csv"), "R01", period="month")
        >>> len(d), d["outcome"].value_counts().to_dict()
        (10, {'lost': 9, 'won': 1})
    """
    df = _table(deals)
    if by not in df.columns:
        raise ScenarioError.at("by", "dashboards_no_column", column=by)
    asof = _asof(df, asof)
    cut = asof + _DAY
    out = df[df[by].astype(str) == str(value)]
    if period is not None:
        start, end = period_bounds(asof, period)
        alive = out["closed"].isna() | (out["closed"] >= start)
        out = out[(out["created"] < min(end, cut)) & alive]
    out = out.copy()
    stop = out["closed"].where(out["closed"].notna(), cut)
    out["age_days"] = (stop - out["created"]).dt.total_seconds() / 86400
    stages = stage_names(df)
    entry = np.full(len(out), np.datetime64("NaT"), "datetime64[ns]")
    idx = out["stage_index"].to_numpy()
    for k, s in enumerate(stages):
        entry = np.where(idx == k, out[f"{s}_date"].to_numpy("datetime64[ns]"), entry)
    days = (cut.to_datetime64() - entry).astype("timedelta64[s]").astype(float) / 86400
    out["days_in_stage"] = np.where(out["outcome"].to_numpy() == "open", days, np.nan)
    out = out.sort_values(["created", "deal_id"], ascending=False, kind="stable").reset_index(drop=True)
    out.attrs = dict(df.attrs)
    return out


# ---------------------------------------------------------------------------------------------
# Funnel-health board
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FunnelHealth:
    """The funnel-health board (:func:`funnel_health`).

    ``stages``: one row per stage — ``stage, entered, passed, lost, open, decided, conversion,
    reach, open_value, benchmark, vs_benchmark, dwell_n, dwell_median_days, dwell_p25_days,
    dwell_p75_days, open_age_median_days, over_sla, sla_days``. ``reasons``: ``reason, lost, share,
    value`` (most frequent first; '' = not recorded). ``reasons_by_stage``: ``stage, reason, lost``.
    ``bottleneck``: ``stage, kind`` ("benchmark" or "narrowest"), ``conversion, benchmark, ratio,
    slowest, slowest_days``. ``summary``: ``deals, won, lost, open, win_rate, won_value, avg_won,
    cycle_median_days`` (created → won), ``open_value, over_sla``.
    """
    stages: pd.DataFrame
    reasons: pd.DataFrame
    reasons_by_stage: pd.DataFrame
    bottleneck: dict
    summary: dict
    asof: pd.Timestamp

    def text(self, lang: str | None = None, stage_labels: Mapping[str, str] | None = None) -> str:
        """The bottleneck in one line (and the slowest stage when that is another)."""
        b = self.bottleneck
        if b["stage"] is None:
            return t("dashboards.funnel.text_none", lang)
        name = (stage_labels or {}).get(b["stage"], b["stage"])
        if b["kind"] == "benchmark":
            line = t("dashboards.funnel.text_benchmark", lang, stage=name, conversion=f"{b['conversion']:.0%}",
                     benchmark=f"{b['benchmark']:.0%}")
        else:
            line = t("dashboards.funnel.text_narrowest", lang, stage=name, conversion=f"{b['conversion']:.0%}")
        if b["slowest"] is not None and b["slowest"] != b["stage"]:
            slow = (stage_labels or {}).get(b["slowest"], b["slowest"])
            line += t("dashboards.funnel.text_slowest", lang, stage=slow, days=f"{b['slowest_days']:.1f}")
        return line


def _benchmarks(benchmark: Any, stages: list[str]) -> dict[str, float]:
    if benchmark is None:
        return {}
    if hasattr(benchmark, "funnel"):
        return {s.name: float(s.conversion) for s in benchmark.funnel.stages if s.name in stages}
    if isinstance(benchmark, Mapping):
        out = {}
        for k, v in benchmark.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= 1:
                raise ScenarioError.at(f"benchmark.{k}", "dashboards_range", low=0, high=1, input=v)
            out[str(k)] = float(v)
        return out
    raise ScenarioError.at("benchmark", "dashboards_benchmark", input=type(benchmark).__name__)


def funnel_health(deals: Any, *, benchmark: Any = None, sla_days: float | Mapping[str, float] = SLA_DAYS,
                  asof: Any = None, min_decided: int = 5) -> FunnelHealth:
    """S1's funnel-health board (COURSE.md §8; the funnel of §2): per stage the deals that entered,
    passed, were lost and are still open, the open pipeline's value, conversion (passed ÷ decided),
    dwell time, the SLA breaches, the bottleneck and the loss reasons.

    * ``reach`` — entered ÷ deals created; ``open_value`` — amounts of the open deals now at the stage.
    * dwell — days in the stage of the deals that left it (:func:`simlib.data.crm.stage_stats`); for open
      deals ``open_age_median_days`` (days since entering, to ``asof``) and ``over_sla``: how many
      have been in the stage longer than ``sla_days`` (S3: 14 days from proposal to negotiation;
      one number for every stage, or ``{stage: days}``).
    * **bottleneck** — among stages with at least ``min_decided`` decided deals: with a
      ``benchmark`` (a scenario's conversions, or ``{stage: conversion}``) the stage furthest below
      it (lowest conversion ÷ benchmark); without one, the narrowest stage (lowest conversion) —
      "a healthy funnel is smoothly tapered; a sudden narrowing marks the bottleneck" (S3, COURSE.md
      §2). ``slowest`` names the stage with the longest median dwell.

        >>> from simlib.data.crm import read_deals
        >>> h = funnel_health(read_deals("scenarios/crm/sample_deals.csv"), benchmark={"proposal": 0.6})
        >>> h.stages[["stage", "entered", "conversion"]].round(3).values.tolist()
        [['lead', 1597, 0.5], ['opportunity', 796, 0.618], ['proposal', 490, 0.479], ['negotiation', 232, 0.402]]
        >>> h.bottleneck["stage"], h.bottleneck["kind"], h.reasons["reason"].iloc[0]
        ('proposal', 'benchmark', 'no_budget')
    """
    df, asof = _as_seen(_table(deals), asof)
    cut = asof + _DAY
    stats = stage_stats(df)
    stages = list(stats["stage"])
    bench = _benchmarks(benchmark, stages)
    if isinstance(sla_days, Mapping):
        sla = {s: float(sla_days.get(s, math.nan)) for s in stages}
    else:
        if isinstance(sla_days, bool) or not isinstance(sla_days, (int, float)) or sla_days <= 0:
            raise ScenarioError.at("sla_days", "greater_than", limit=0, input=sla_days)
        sla = {s: float(sla_days) for s in stages}
    idx = df["stage_index"].to_numpy()
    is_open = (df["outcome"] == "open").to_numpy()
    amount = df["amount"].to_numpy(float)
    rows = []
    for k, s in enumerate(stages):
        here = is_open & (idx == k)
        age = (cut.to_datetime64() - df.loc[here, f"{s}_date"].to_numpy("datetime64[ns]"))
        age = age[~np.isnat(age)].astype("timedelta64[s]").astype(float) / 86400
        rows.append({"open_value": float(np.nansum(amount[here])),
                     "open_age_median_days": float(np.median(age)) if len(age) else math.nan,
                     "over_sla": int((age > sla[s]).sum()) if math.isfinite(sla[s]) else 0,
                     "sla_days": sla[s]})
    extra = pd.DataFrame(rows)
    first = max(int(stats["entered"].iloc[0]), 1)
    st = stats.assign(reach=stats["entered"] / first, open_value=extra["open_value"],
                      benchmark=[bench.get(s, math.nan) for s in stages])
    st["vs_benchmark"] = st["conversion"] / st["benchmark"]
    st["open_age_median_days"] = extra["open_age_median_days"]
    st["over_sla"] = extra["over_sla"]
    st["sla_days"] = extra["sla_days"]
    st = st[["stage", "entered", "passed", "lost", "open", "decided", "conversion", "reach", "open_value",
             "benchmark", "vs_benchmark", "dwell_n", "dwell_median_days", "dwell_p25_days", "dwell_p75_days",
             "open_age_median_days", "over_sla", "sla_days"]]
    # bottleneck
    ok = (st["decided"] >= min_decided) & st["conversion"].notna()
    cand = st[ok]
    bott: dict[str, Any] = {"stage": None, "kind": None, "conversion": math.nan, "benchmark": math.nan,
                            "ratio": math.nan, "slowest": None, "slowest_days": math.nan}
    benched = cand[cand["benchmark"].notna()]
    if len(benched):
        row = benched.loc[benched["vs_benchmark"].idxmin()]
        bott.update(stage=row["stage"], kind="benchmark", conversion=float(row["conversion"]),
                    benchmark=float(row["benchmark"]), ratio=float(row["vs_benchmark"]))
    elif len(cand):
        row = cand.loc[cand["conversion"].idxmin()]
        bott.update(stage=row["stage"], kind="narrowest", conversion=float(row["conversion"]))
    dw = st[(st["dwell_n"] >= min_decided) & st["dwell_median_days"].notna()]
    if len(dw):
        row = dw.loc[dw["dwell_median_days"].idxmax()]
        bott.update(slowest=row["stage"], slowest_days=float(row["dwell_median_days"]))
    # reasons
    lost = df[df["outcome"] == "lost"]
    reason = lost["loss_reason"].astype(str)
    g = lost.assign(reason=reason).groupby("reason", sort=False).agg(lost=("deal_id", "size"),
                                                                      value=("amount", "sum"))
    g = g.reset_index().sort_values(["lost", "reason"], ascending=[False, True], kind="stable")
    g["share"] = g["lost"] / max(len(lost), 1)
    reasons = g[["reason", "lost", "share", "value"]].reset_index(drop=True)
    by_stage = (lost.assign(reason=reason).groupby(["stage", "reason"], sort=False).size()
                .rename("lost").reset_index())
    by_stage["_k"] = by_stage["stage"].map({s: i for i, s in enumerate(stages)})
    by_stage = by_stage.sort_values(["_k", "lost"], ascending=[True, False], kind="stable").drop(columns="_k")
    # summary
    oc = df["outcome"].to_numpy()
    won = oc == "won"
    n_won, n_lost = int(won.sum()), int((oc == "lost").sum())
    won_value = float(np.nansum(amount[won]))
    summary = {"deals": len(df), "won": n_won, "lost": n_lost, "open": int(is_open.sum()),
               "win_rate": n_won / (n_won + n_lost) if n_won + n_lost else math.nan,
               "won_value": won_value, "avg_won": won_value / n_won if n_won else math.nan,
               "cycle_median_days": float(df.loc[won, "cycle_days"].median()) if n_won else math.nan,
               "open_value": float(np.nansum(amount[is_open])), "over_sla": int(st["over_sla"].sum())}
    return FunnelHealth(stages=st, reasons=reasons, reasons_by_stage=by_stage.reset_index(drop=True),
                        bottleneck=bott, summary=summary, asof=asof)


# ---------------------------------------------------------------------------------------------
# Activity board
# ---------------------------------------------------------------------------------------------
ACTIVITY_ITEMS: dict[str, str] = {
    "new_visits": "deals created (a first contact with a new customer)",
    "follow_ups": "stage entries after the first (each a follow-up meeting that moved a deal on)",
    "proposals": "entries into the proposal stage",
    "orders": "deals won",
    "sales": "won amount (yuan)",
}
"""How the S3 weekly self-check rows (:data:`simlib.formulas.appraisal.SELF_CHECK_TARGETS`) are read from a
deal table. Demos and satisfaction are not in a CRM deal table and are left out."""


@dataclass(frozen=True)
class ActivityBoard:
    """The activity board (:func:`activity_board`).

    ``table``: one row per rep — ``rep, weeks, activities, activities_per_week, new_per_week,
    follow_ups_per_week, won, won_per_week, revenue, revenue_per_week, win_rate, completion, rank``
    (rank by revenue per week). ``weekly``: ``rep, week`` (its Monday), ``new, follow_ups,
    activities, won, revenue``. ``completion``: ``rep, item, target, actual`` (per week),
    ``completion`` (actual ÷ target). ``correlation``: ``pearson, spearman, n`` between activities
    and revenue per week across reps, and ``weekly_pearson`` across rep-weeks. ``team``: ``reps,
    weeks, activities_per_head_week, revenue_per_head_week, completion``.
    """
    table: pd.DataFrame
    weekly: pd.DataFrame
    completion: pd.DataFrame
    correlation: dict
    team: dict
    start: pd.Timestamp
    asof: pd.Timestamp

    def text(self, lang: str | None = None) -> str:
        c = self.correlation
        r = "—" if not math.isfinite(c["pearson"]) else f"{c['pearson']:+.2f}"
        return t("dashboards.activity.text", lang, activities=f"{self.team['activities_per_head_week']:.1f}",
                 revenue=_money(self.team["revenue_per_head_week"]), completion=f"{self.team['completion']:.0%}",
                 r=r, n=c["n"])


def _corr(x: np.ndarray, y: np.ndarray, method: str = "pearson") -> float:
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 3 or np.std(x[ok]) == 0 or np.std(y[ok]) == 0:
        return math.nan
    a, b = x[ok], y[ok]
    if method == "spearman":      # Pearson on the ranks (no scipy import on the first redraw)
        a, b = pd.Series(a).rank().to_numpy(), pd.Series(b).rank().to_numpy()
    return float(np.corrcoef(a, b)[0, 1])


def activity_board(deals: Any, *, targets: Mapping[str, float] | None = None, asof: Any = None,
                   last_weeks: int | None = None, proposal_stage: str = "proposal") -> ActivityBoard:
    """S1's activity board (COURSE.md §8): activity per rep per week read from the stage dates,
    completion against the S3 weekly self-check targets (COURSE.md §4), output per head and the
    activity–result correlation.

    An activity is a dated step of a deal: its creation (a new-customer contact) or its entry into
    a later stage (a follow-up that moved it on). The window runs from the first ``created`` (or
    ``last_weeks`` before ``asof``) to ``asof``; per-week figures divide by its length in weeks.
    Completion per item = actual per week ÷ weekly target for the items of :data:`ACTIVITY_ITEMS`
    that ``targets`` (default S3's sheet) names; a rep's ``completion`` is the mean over items of
    min(completion, 1), as :func:`simlib.formulas.appraisal.self_check` counts it.

        >>> from simlib.data.crm import read_deals
        >>> a = activity_board(read_deals("scenarios/crm/sample_deals.csv"))
        >>> round(a.team["activities_per_head_week"], 2), round(a.team["completion"], 2)
        (7.99, 0.23)
        >>> a.completion.query("rep == 'R01'")[["item", "target", "actual"]].round(2).values.tolist()[:2]
        [['new_visits', 10.0, 4.12], ['follow_ups', 15.0, 3.12]]
    """
    df = _table(deals)
    asof = _asof(df, asof)
    cut = asof + _DAY
    start = df["created"].min().normalize()
    if last_weeks is not None:
        if isinstance(last_weeks, bool) or not isinstance(last_weeks, (int, np.integer)) or last_weeks < 1:
            raise ScenarioError.at("last_weeks", "dashboards_range", low=1, high=520, input=last_weeks)
        start = max(start, cut - pd.Timedelta(weeks=int(last_weeks)))
    weeks = max((cut - start) / pd.Timedelta(weeks=1), 1 / 7)
    stages = stage_names(df)
    tg = dict(SELF_CHECK_TARGETS if targets is None else targets)
    items = [k for k in ACTIVITY_ITEMS if k in tg and (k != "proposals" or proposal_stage in stages)]
    for k in items:
        v = tg[k]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0:
            raise ScenarioError.at(f"targets.{k}", "greater_than", limit=0, input=v)
    reps = sorted(df["rep"].astype(str).unique())
    monday0 = start - pd.Timedelta(days=start.weekday())
    n_w = math.ceil((cut - monday0) / pd.Timedelta(weeks=1))
    rep_pos = {r: i for i, r in enumerate(reps)}
    rep_i = df["rep"].astype(str).map(rep_pos).to_numpy()

    def grid(dates: pd.Series, weights: np.ndarray | None = None) -> np.ndarray:
        d = dates.to_numpy("datetime64[ns]")
        ok = ~np.isnat(d) & (d >= start.to_datetime64()) & (d < cut.to_datetime64())
        w = ((d[ok] - monday0.to_datetime64()) // np.timedelta64(7, "D")).astype(np.int64)
        out = np.zeros(len(reps) * n_w)
        np.add.at(out, rep_i[ok] * n_w + w, 1.0 if weights is None else weights[ok])
        return out.reshape(len(reps), n_w)

    new = grid(df["created"])
    follow = sum((grid(df[f"{s}_date"]) for s in stages[1:]), np.zeros((len(reps), n_w)))
    props = grid(df[f"{proposal_stage}_date"]) if proposal_stage in stages else np.zeros((len(reps), n_w))
    won_d = df["closed"].where(df["outcome"] == "won")
    won = grid(won_d)
    revenue = grid(won_d, np.nan_to_num(df["amount"].to_numpy(float)))
    lost = grid(df["closed"].where(df["outcome"] == "lost"))
    weekly = pd.DataFrame({
        "rep": np.repeat(np.array(reps, dtype=object), n_w),
        "week": np.tile(pd.date_range(monday0, periods=n_w, freq="7D").to_numpy(), len(reps)),
        "new": new.ravel().astype(np.int64), "follow_ups": follow.ravel().astype(np.int64),
        "activities": (new + follow).ravel().astype(np.int64), "won": won.ravel().astype(np.int64),
        "revenue": revenue.ravel(),
    })
    tot = {"new_visits": new.sum(1), "follow_ups": follow.sum(1), "proposals": props.sum(1),
           "orders": won.sum(1), "sales": revenue.sum(1)}
    comp_rows = []
    for i, r in enumerate(reps):
        for k in items:
            actual = tot[k][i] / weeks
            comp_rows.append({"rep": r, "item": k, "target": float(tg[k]), "actual": float(actual),
                              "completion": float(actual / tg[k])})
    completion = pd.DataFrame(comp_rows, columns=["rep", "item", "target", "actual", "completion"])
    overall = (completion.assign(c=completion["completion"].clip(upper=1.0)).groupby("rep")["c"].mean()
               if len(completion) else pd.Series(dtype=float))
    acts = (new + follow).sum(1)
    decided = won.sum(1) + lost.sum(1)
    table = pd.DataFrame({
        "rep": reps, "weeks": weeks, "activities": acts.astype(np.int64), "activities_per_week": acts / weeks,
        "new_per_week": new.sum(1) / weeks, "follow_ups_per_week": follow.sum(1) / weeks,
        "won": won.sum(1).astype(np.int64), "won_per_week": won.sum(1) / weeks, "revenue": revenue.sum(1),
        "revenue_per_week": revenue.sum(1) / weeks,
        "win_rate": np.divide(won.sum(1), decided, out=np.full(len(reps), np.nan), where=decided > 0),
    })
    table["completion"] = table["rep"].map(overall).astype(float)
    table["rank"] = table["revenue_per_week"].rank(ascending=False, method="min").astype(np.int64)
    table = table.sort_values(["rank", "rep"], kind="stable").reset_index(drop=True)
    x, y = table["activities_per_week"].to_numpy(float), table["revenue_per_week"].to_numpy(float)
    corr = {"pearson": _corr(x, y), "spearman": _corr(x, y, "spearman"), "n": len(reps),
            "weekly_pearson": _corr(weekly["activities"].to_numpy(float), weekly["revenue"].to_numpy(float))}
    team = {"reps": len(reps), "weeks": weeks,
            "activities_per_head_week": float(acts.sum() / weeks / max(len(reps), 1)),
            "revenue_per_head_week": float(revenue.sum() / weeks / max(len(reps), 1)),
            "completion": float(overall.mean()) if len(overall) else math.nan}
    return ActivityBoard(table=table, weekly=weekly, completion=completion, correlation=corr, team=team,
                         start=start, asof=asof)


# ---------------------------------------------------------------------------------------------
# Forecast panel
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Forecast:
    """The forecast panel (:func:`forecast`) for the period ``[start, end)`` seen at ``asof``.

    ``total``: ``actual`` (won so far), ``pipeline`` (expected from open deals), ``new_business``
    (expected from deals not yet created), ``point`` (the sum), ``low, high`` (the interval at
    ``level``), ``sd``, ``run_rate`` (straight line: actual ÷ share of the period gone), ``target``,
    ``p_target`` (chance of reaching it), ``level``. ``by_stage``: ``stage, open, open_value, p_win,
    p_in_period, expected``. ``by_rep``: ``rep, actual, pipeline, new_business, point, low, high,
    target, p_target``.
    """
    total: dict
    by_stage: pd.DataFrame
    by_rep: pd.DataFrame
    period: str
    start: pd.Timestamp
    end: pd.Timestamp
    asof: pd.Timestamp
    elapsed: float

    def text(self, lang: str | None = None) -> str:
        tot = self.total
        line = t("dashboards.forecast.text", lang, point=_money(tot["point"]), low=_money(tot["low"]),
                 high=_money(tot["high"]), level=f"{tot['level']:.0%}", actual=_money(tot["actual"]),
                 period=t(f"dashboards.period.{self.period}", lang))
        if math.isfinite(tot["target"]) and tot["target"] > 0:
            line += t("dashboards.forecast.target", lang, target=_money(tot["target"]),
                      p=f"{tot['p_target']:.0%}")
        return line


_MIN_AT_RISK = 10


def _life_table(e: np.ndarray, c: np.ndarray, nxt: np.ndarray, won: np.ndarray, age: np.ndarray, r: float
                ) -> tuple[np.ndarray, np.ndarray]:
    """For each ``age``: among past deals seen for at least ``age + r`` days (``e``: days from entering
    the stage to the cut) and still at the stage at ``age`` — not closed (``c``: days to their close,
    NaN while open) nor moved on (``nxt``: days to entering the next stage, NaN if they did not) —
    the share won within (age, age + r], and how many there were. Only deals whose whole window is
    observed count, so deals still open at the cut do not bias the estimate (right-censoring)."""
    out = np.zeros(len(age))
    n = np.zeros(len(age), dtype=np.int64)
    for lo in range(0, len(age), 256):
        a = age[lo:lo + 256, None]
        seen = e[None, :] >= a + r
        risk = seen & (np.isnan(c)[None, :] | (c[None, :] > a)) & (np.isnan(nxt)[None, :] | (nxt[None, :] > a))
        win = risk & won[None, :] & (c[None, :] <= a + r)
        n[lo:lo + 256] = risk.sum(axis=1)
        out[lo:lo + 256] = np.divide(win.sum(axis=1), n[lo:lo + 256], out=np.zeros(len(a)),
                                     where=n[lo:lo + 256] > 0)
    return out, n


def _win_within(e: np.ndarray, c: np.ndarray, won: np.ndarray, s: float, p_win0: float, t0: np.ndarray) -> float:
    """P(a new deal is won within ``s`` days), from the deals created at least ``s`` days before the
    cut (the life table at age 0); with fewer than 10 of them, P(win) × the share of past wins that
    took at most ``s`` days."""
    seen = e >= s
    n = int(seen.sum())
    if n >= _MIN_AT_RISK:
        return float((seen & won & (c <= s)).sum() / n)
    return float(p_win0 * (np.mean(t0 <= s) if len(t0) else 0.0))


def _conditional_close(samples: np.ndarray, age: np.ndarray, remaining: float) -> np.ndarray:
    """P(T ≤ age + remaining | T > age) from the empirical distribution of ``samples``."""
    s = np.sort(samples)
    n = len(s)
    if n < 3:
        return np.ones(len(age))
    f_age = np.searchsorted(s, age, side="right") / n
    f_end = np.searchsorted(s, age + remaining, side="right") / n
    surv = 1 - f_age
    return np.where(surv > 0, (f_end - f_age) / np.where(surv > 0, surv, 1), 1.0)


def forecast(deals: Any, *, period: str = "month", asof: Any = None, targets: Any = None, level: float = 0.8,
             lookback_days: int = 91) -> Forecast:
    """S1's forecast panel (COURSE.md §8; S2: forecasting by regression / time series): the revenue
    the period will end with, as a point and an interval.

    point = actual + pipeline + new business, where

    * **actual** — won amounts closed from the period's start to ``asof``;
    * **pipeline** — Σ over open deals of amount × q, q = P(won by the period's end | the deal has
      been at its stage k for ``age`` days), read from the table as a life table: among the past
      deals that were at stage k and still open at the same age, and whose next ``days left`` are
      fully seen, the share won within them. (Only fully seen windows count: deals still open would
      make wins look quicker than they are.) With fewer than 10 such deals, q = P(win | stage k) ×
      P(closes in time): the product of the stage conversions from k on (the reverse funnel of
      COURSE.md §2 read forwards; a stage with nothing decided counts 50 %) × the share of past wins
      from stage k that, as old as this deal, closed within the days left. An open deal without an
      amount counts the mean won amount;
    * **new business** (the run-rate) — deals created per day over the last ``lookback_days`` ×
      Σ over the days left of P(a new deal is won within the days after it is created) (the same
      life table at age 0) × E[amount won].

    The interval treats each open deal as a coin flip (variance Σ a² q (1 − q)) and new wins as a
    compound Poisson process (variance = expected wins × E[amount²]); normal approximation at
    ``level`` (80 %), never below the actual. ``targets`` are per rep as in :func:`attainment_board`
    (the team's target is their sum); ``p_target`` = P(total ≥ target) under the normal approximation.
    A rep's new business is the team's in proportion to the rep's share of recent new deals.

        >>> from simlib.data.crm import read_deals
        >>> f = forecast(read_deals("scenarios/crm/sample_deals.csv"), period="month", targets=100_000)
        >>> {k: round(f.total[k], -3) for k in ("actual", "pipeline", "new_business", "point")}
        {'actual': 354000.0, 'pipeline': 165000.0, 'new_business': 295000.0, 'point': 814000.0}
        >>> round(f.total["low"], -3), round(f.total["high"], -3), f.total["p_target"] < 0.01
        (615000.0, 1014000.0, True)
    """
    df = _table(deals)
    _choice("period", period, PERIODS)
    if not isinstance(level, (int, float)) or isinstance(level, bool) or not 0 < level < 1:
        raise ScenarioError.at("level", "dashboards_range", low=0, high=1, input=level)
    df, asof = _as_seen(df, asof)
    start, end = period_bounds(asof, period)
    cut = asof + _DAY
    elapsed = float(min(1.0, (cut - start) / (end - start)))
    remaining = max((end - cut) / _DAY, 0.0)
    stages = stage_names(df)
    n_st = len(stages)
    stats = stage_stats(df)
    conv = np.where(stats["decided"] > 0, stats["conversion"].fillna(0.5), 0.5).astype(float)
    p_win = np.cumprod(conv[::-1])[::-1]
    oc = df["outcome"].to_numpy()
    won = oc == "won"
    amount = df["amount"].to_numpy(float)
    won_amt = amount[won & np.isfinite(amount)]
    mean_won = float(won_amt.mean()) if len(won_amt) else 0.0
    m2_won = float((won_amt ** 2).mean()) if len(won_amt) else 0.0
    closed = df["closed"].to_numpy("datetime64[ns]")
    idx = df["stage_index"].to_numpy()
    is_open = oc == "open"
    entry_cols = [df[f"{s}_date"].to_numpy("datetime64[ns]") for s in stages]

    def days(a: np.ndarray, b: np.ndarray | np.datetime64) -> np.ndarray:
        d = a - b
        return np.where(np.isnat(d), np.nan, d.astype("timedelta64[s]").astype(float) / 86400)

    cut64 = cut.to_datetime64()
    exp_amt = np.where(np.isfinite(amount), amount, mean_won)
    # per open deal: q = P(won within the days left | at its stage for `age` days)
    q = np.zeros(len(df))
    p_time_stage = np.full(n_st, np.nan)
    for k in range(n_st):
        here = np.flatnonzero(is_open & (idx == k))
        if not len(here):
            continue
        entered = ~np.isnat(entry_cols[k])
        e = days(np.datetime64(cut64), entry_cols[k][entered])           # age at the cut of every deal there
        c = days(closed[entered], entry_cols[k][entered])               # days to its close (NaN: open)
        nxt = (days(entry_cols[k + 1][entered], entry_cols[k][entered]) if k + 1 < n_st
               else np.full(int(entered.sum()), np.nan))                # days to the next stage
        w = won[entered]
        age = np.nan_to_num(days(np.datetime64(cut64), entry_cols[k][here]), nan=0.0)
        life, n_risk = _life_table(e, c, nxt, w, age, remaining)
        t_k = days(closed[won], entry_cols[k][won])
        fallback = p_win[k] * _conditional_close(t_k[np.isfinite(t_k)], age, remaining)
        q[here] = np.where(n_risk >= _MIN_AT_RISK, life, fallback)
        p_time_stage[k] = float(np.mean(np.where(p_win[k] > 0, q[here] / p_win[k], 0.0)))
    pipe_each = exp_amt * q
    pipe_var_each = exp_amt ** 2 * q * (1 - q)
    # new business: λ · Σ over the days left of P(a new deal is won within the days after it)
    look_start = max(df["created"].min().normalize(), cut - pd.Timedelta(days=int(lookback_days)))
    look_days = max((cut - look_start) / _DAY, 1.0)
    recent = (df["created"] >= look_start).to_numpy() & (df["created"] < cut).to_numpy()
    lam = recent.sum() / look_days
    e0 = days(np.datetime64(cut64), entry_cols[0])
    c0 = days(closed, entry_cols[0])
    t0 = c0[won & np.isfinite(c0)]
    n_new = float(lam * sum(_win_within(e0, c0, won, j + 0.5, p_win[0], t0) for j in range(int(remaining))))
    new_total = n_new * mean_won
    new_var = n_new * m2_won
    # actual so far
    in_p = won & (closed >= start.to_datetime64()) & (closed < cut.to_datetime64())
    actual_total = float(np.nansum(amount[in_p]))
    reps = sorted(df["rep"].astype(str).unique())
    rep_of = df["rep"].astype(str).to_numpy()
    tg = period_targets(targets, reps, period) if targets is not None else None
    z = NormalDist().inv_cdf(0.5 + level / 2)

    def summarise(mask: np.ndarray, share_new: float, tgt: float) -> dict:
        act = float(np.nansum(amount[in_p & mask]))
        pipe = float(pipe_each[mask].sum())
        new_b = new_total * share_new
        sd = math.sqrt(float(pipe_var_each[mask].sum()) + new_var * share_new)
        point = act + pipe + new_b
        p_t = math.nan
        if math.isfinite(tgt) and tgt > 0:
            p_t = (1.0 if point >= tgt else 0.0) if sd == 0 else 1 - NormalDist(point, sd).cdf(tgt)
        return {"actual": act, "pipeline": pipe, "new_business": new_b, "point": point,
                "low": max(act, point - z * sd), "high": point + z * sd, "sd": sd, "target": tgt, "p_target": p_t}

    rep_recent = pd.Series(rep_of[recent]).value_counts()
    rows = []
    for r in reps:
        share = float(rep_recent.get(r, 0)) / max(recent.sum(), 1)
        tgt = tg[r] if tg is not None else math.nan
        rows.append({"rep": r, **summarise(rep_of == r, share, tgt)})
    by_rep = pd.DataFrame(rows)[["rep", "actual", "pipeline", "new_business", "point", "low", "high", "target",
                                 "p_target"]]
    team_target = float(by_rep["target"].sum(min_count=len(by_rep))) if tg is not None else math.nan
    total = summarise(np.ones(len(df), bool), 1.0 if recent.any() else 0.0, team_target)
    total.update({"run_rate": actual_total / elapsed if elapsed > 0 else math.nan, "level": float(level)})
    by_stage = pd.DataFrame({
        "stage": stages,
        "open": [int((is_open & (idx == k)).sum()) for k in range(n_st)],
        "open_value": [float(np.nansum(amount[is_open & (idx == k)])) for k in range(n_st)],
        "p_win": p_win, "p_in_period": p_time_stage,
        "expected": [float(pipe_each[is_open & (idx == k)].sum()) for k in range(n_st)],
    })
    return Forecast(total=total, by_stage=by_stage, by_rep=by_rep, period=period, start=start, end=end, asof=asof,
                    elapsed=elapsed)


# ---------------------------------------------------------------------------------------------
# Anomaly highlights
# ---------------------------------------------------------------------------------------------
def robust_z(values: Any) -> np.ndarray:
    """Robust z-scores, 0.6745 · (x − median) ÷ MAD (Iglewicz & Hoaglin 1993); when the MAD is 0 (half
    the values equal) the mean absolute deviation stands in, (x − median) ÷ (1.2533 · mean |x − median|);
    all 0 when every value is the same. NaN stays NaN. COURSE.md §8 (S2): outlier screening.

        >>> robust_z([10, 11, 9, 10, 12, 10, 60]).round(1).tolist()
        [0.0, 0.7, -0.7, 0.0, 1.3, 0.0, 33.7]
    """
    x = np.asarray(values, dtype=float)
    out = np.full(x.shape, np.nan)
    ok = np.isfinite(x)
    if not ok.any():
        return out
    v = x[ok]
    med = np.median(v)
    mad = np.median(np.abs(v - med))
    if mad > 0:
        out[ok] = 0.6745 * (v - med) / mad
    else:
        mean_ad = np.mean(np.abs(v - med))
        out[ok] = (v - med) / (1.2533 * mean_ad) if mean_ad > 0 else 0.0
    return out


@dataclass(frozen=True)
class Anomalies:
    """The anomaly highlights (:func:`anomalies`). ``weeks``: ``week, value, z, outlier`` (the team);
    ``reps``: ``rep, value, z, outlier``; ``rep_weeks``: ``rep, week, value, z, outlier``; ``deals``:
    the deals whose amount is unusual — ``deal_id, rep, outcome, amount, z, reason`` (``high``,
    ``low`` or ``zero_won``). ``metric`` is ``revenue`` (won amount per week) or ``win_rate``."""
    weeks: pd.DataFrame
    reps: pd.DataFrame
    rep_weeks: pd.DataFrame
    deals: pd.DataFrame
    metric: str
    threshold: float = field(default=ROBUST_Z)

    def text(self, lang: str | None = None) -> str:
        return t("dashboards.anomalies.text", lang, weeks=int(self.weeks["outlier"].sum()),
                 reps=int(self.reps["outlier"].sum()), rep_weeks=int(self.rep_weeks["outlier"].sum()),
                 deals=len(self.deals), threshold=f"{self.threshold:g}")


def anomalies(deals: Any, *, metric: str = "revenue", threshold: float = ROBUST_Z, asof: Any = None,
              min_decided: int = 5) -> Anomalies:
    """S1's anomaly highlight and S2's outlier screening (COURSE.md §8): weeks, reps and rep-weeks whose
    value is an outlier, and deals with unusual amounts.

    A value is an outlier when its robust z-score (:func:`robust_z`) exceeds ``threshold`` (3.5,
    Iglewicz & Hoaglin's cut-off) in absolute value. ``metric``:

    * ``revenue`` — won amount per (Monday-to-Sunday) week; a rep's value is their mean per week;
    * ``win_rate`` — won ÷ decided (won + lost) among deals closed in the week; a cell with fewer
      than ``min_decided`` decided deals is not scored (NaN); a rep's value is over the whole table.

    The weeks are compared with each other (the team), the reps with each other, and every rep-week
    with all rep-weeks — except that when most rep-weeks have no sales (a rep wins a deal every few
    weeks, so the median and MAD are 0 and any sale would stand out), a rep-week's revenue is judged
    among the rep-weeks with sales, and the weeks without get no score (z NaN). Deals: z-score of log(amount) over the deals with an amount above 0 —
    amounts are skewed, so "unusual" is judged on the log scale (``high`` or ``low``) — and a won
    deal of amount 0 (``zero_won``, a logic check).

        >>> from simlib.data.crm import read_deals
        >>> a = anomalies(read_deals("scenarios/crm/sample_deals.csv"))
        >>> int(a.weeks["outlier"].sum()), int(a.reps["outlier"].sum()), a.deals["reason"].value_counts().to_dict()
        (0, 0, {'high': 1, 'low': 1})
    """
    df = _table(deals)
    _choice("metric", metric, ("revenue", "win_rate"))
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not threshold > 0:
        raise ScenarioError.at("threshold", "greater_than", limit=0, input=threshold)
    asof = _asof(df, asof)
    cut = (asof + _DAY).to_datetime64()
    start = df["created"].min().normalize()
    monday0 = (start - pd.Timedelta(days=start.weekday())).to_datetime64()
    n_w = max(1, math.ceil((cut - monday0) / np.timedelta64(7, "D")))
    reps = sorted(df["rep"].astype(str).unique())
    rep_i = df["rep"].astype(str).map({r: i for i, r in enumerate(reps)}).to_numpy()
    closed = df["closed"].to_numpy("datetime64[ns]")
    ok = ~np.isnat(closed) & (closed < cut)
    week = np.zeros(len(df), np.int64)
    week[ok] = (closed[ok] - monday0) // np.timedelta64(7, "D")
    oc = df["outcome"].to_numpy()
    amount = np.nan_to_num(df["amount"].to_numpy(float))

    def cells(mask: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
        out = np.zeros(len(reps) * n_w)
        m = mask & ok
        np.add.at(out, rep_i[m] * n_w + week[m], 1.0 if w is None else w[m])
        return out.reshape(len(reps), n_w)

    won = cells(oc == "won")
    weeks_idx = pd.date_range(pd.Timestamp(monday0), periods=n_w, freq="7D")
    if metric == "revenue":
        rev = cells(oc == "won", amount)
        grid = rev
        team = rev.sum(0)
        per_rep = rev.mean(1)
    else:
        decided = won + cells(oc == "lost")
        with np.errstate(divide="ignore", invalid="ignore"):
            grid = np.where(decided >= min_decided, won / decided, np.nan)
            team_dec = decided.sum(0)
            team = np.where(team_dec >= min_decided, won.sum(0) / team_dec, np.nan)
            rep_dec = decided.sum(1)
            per_rep = np.where(rep_dec >= min_decided, won.sum(1) / rep_dec, np.nan)

    def frame(base: dict, values: np.ndarray, sparse: bool = False) -> pd.DataFrame:
        scored = values
        if sparse and metric == "revenue" and np.mean(values == 0) > 0.5:
            scored = np.where(values > 0, values, np.nan)     # judged among the weeks with sales
        z = robust_z(scored)
        return pd.DataFrame({**base, "value": values, "z": z, "outlier": np.abs(np.nan_to_num(z)) > threshold})

    weeks_df = frame({"week": weeks_idx.to_numpy()}, team)
    reps_df = frame({"rep": reps}, per_rep)
    rw = frame({"rep": np.repeat(np.array(reps, dtype=object), n_w), "week": np.tile(weeks_idx.to_numpy(), len(reps))},
               grid.ravel(), sparse=True)
    # deals with unusual amounts
    amt = df["amount"].to_numpy(float)
    pos = np.isfinite(amt) & (amt > 0)
    z = np.full(len(df), np.nan)
    z[pos] = robust_z(np.log(amt[pos]))
    reason = np.full(len(df), "", dtype=object)
    reason[pos & (z > threshold)] = "high"
    reason[pos & (z < -threshold)] = "low"
    reason[(oc == "won") & np.isfinite(amt) & (amt == 0)] = "zero_won"
    flagged = reason != ""
    cols = [c for c in ("deal_id", "rep", "region", "product", "created", "closed", "outcome", "stage", "amount")
            if c in df.columns]
    deals_df = df.loc[flagged, cols].assign(z=z[flagged], reason=reason[flagged])
    deals_df = deals_df.sort_values("z", key=lambda s: -np.abs(s.fillna(np.inf)), kind="stable").reset_index(drop=True)
    return Anomalies(weeks=weeks_df, reps=reps_df, rep_weeks=rw, deals=deals_df, metric=metric,
                     threshold=float(threshold))


# ---------------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------------
_VALUE_LABELS = {"status": "dashboards.status", "item": "dashboards.item", "reason": None,
                 "loss_reason": None, "outcome": None}


def localise(df: pd.DataFrame, lang: str | None = None, *, stage_labels: Mapping[str, str] | None = None
             ) -> pd.DataFrame:
    """A copy of one of these tables for a trainee: column names from ``dashboards.col.*`` (or the
    deal table's ``crm.col.*``), statuses, self-check items, outcomes and loss reasons in ``lang``,
    and stage names through ``stage_labels`` (e.g. ``{s.name: s.display(lang)}`` of a scenario).

        >>> from simlib.data.crm import read_deals
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
    own = {s.name: s.display(lang or "zh-Hant") for s in scenario.funnel.stages} if scenario is not None else {}
    return {s: own.get(s) or _label(f"dashboards.stage.{s}", lang, s) for s in stage_names(deals)}


def _label(key: str, lang: str | None, default: str) -> str:
    text = t(key, lang)
    return default if text == key else text
