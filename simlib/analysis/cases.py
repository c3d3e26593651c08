"""The decks' case studies as calibrated scenarios (COURSE.md §2, §5, §6; issue 4).

A *case file* (``scenarios/cases/<id>.yaml``) is one world and the steps a deck's story takes in it:

.. code-block:: yaml

    title: {zh-Hant: 電子公司漏斗瓶頸, zh-Hans: 电子公司漏斗瓶颈, en: Electronics funnel bottleneck}
    source: "COURSE.md §5 (S0)"
    scenario: ../team/s0_it_company.yaml      # a scenario file (beside this file, then scenarios/) or inline
    window: {from_week: 14}                   # measure after a quarter's warm-up (pipelines start empty)
    variants:
      before: {label: {...}, explain: {...}}
      after:  {base: before, set: {"funnel.stages[2].conversion": 0.45}, explain: {...}}
    checks:
      - {metric: revenue, variant: after, relative_to: before, target: 0.30, tolerance: 0.05,
         source: "S0: total sales +30 %"}
    notes: {...}                              # where the deck's numbers do not hold together, and why

A variant is the scenario with ``set`` changes (dotted paths, as :meth:`simlib.Scenario.with_changes`)
applied on top of its ``base`` variant's. Every variant runs on the **same seeds** (common random
numbers: the same leads, values and stage uniforms), so a difference between variants is the
lever's, not the dice's. A check is the mean over replications of one :data:`METRICS` entry in a
variant (a list of variants pools them: numerators and denominators add up), or its change
(``relative: change``, mean ÷ mean − 1) or ratio (``relative: ratio``) against ``relative_to``,
with a delta-method interval over the paired replications. :func:`check_case` runs them all::

    >>> case = load_case("scenarios/cases/electronics_bottleneck.yaml")
    >>> list(case.variants)
    ['before', 'after', 'after_more_hours']
    >>> check_case(case, n=2).columns[:6].tolist()
    ['check', 'metric', 'variant', 'relative_to', 'relative', 'target']
"""
from __future__ import annotations

import copy
import fnmatch
import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import Field, PrivateAttr, field_validator, model_validator

from simlib.analysis.simulation import simulate
from simlib.base.i18n import normalize_lang
from simlib.base.paths import content_root
from simlib.base.records import record_problems, validate_record
from simlib.base.schema import Issue, ScenarioError, StrictModel, read_source
from simlib.core.replication import ratio_change, run_replications
from simlib.core.results import SimResult
from simlib.core.scenario import Labels, Scenario, check_labels, load_scenario, set_path
from simlib.models.accounts import SUMMARY_KEYS, AccountsSpec, load_accounts, simulate_accounts

__all__ = [
    "CASES_DIR",
    "METRICS",
    "NOTEBOOKS_DIR",
    "SHARES",
    "CaseRun",
    "CaseSpec",
    "case_files",
    "case_heads",
    "case_titles",
    "check_case",
    "fmt_value",
    "is_share",
    "label",
    "load_case",
    "metric_value",
    "report",
    "run_case",
    "split_metric",
]

_ROOT = content_root()
CASES_DIR = _ROOT / "scenarios" / "cases"
NOTEBOOKS_DIR = _ROOT / "notebooks" / "cases"


# ---------------------------------------------------------------------------------------------
# Metrics: each is (numerator, denominator) over the measurement window, so variants can pool
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Window:
    """Weeks ``first..last`` (1-based, inclusive) of a run that a metric measures."""
    first: int
    last: int

    @property
    def weeks(self) -> int:
        return self.last - self.first + 1


def _closed_in(res: SimResult, w: Window) -> pd.DataFrame:
    d = res.deals
    return d[(d.closed_week >= w.first) & (d.closed_week <= w.last)]


def _reps(res: SimResult, pattern: str | None) -> list[str]:
    names = [r.name for r in res.scenario.team.reps]
    if not pattern:
        return names
    hit = [n for n in names if fnmatch.fnmatchcase(n, pattern)]
    if not hit:
        raise ScenarioError([Issue("metric", "case_no_rep", {"name": pattern, "valid": ", ".join(names[:20])})])
    return hit


def _rep_revenue(res: SimResult, w: Window) -> pd.Series:
    d = _closed_in(res, w)
    return (d[d.outcome == "won"].groupby("rep").value.sum()
            .reindex([r.name for r in res.scenario.team.reps], fill_value=0.0))


def _period_weeks(sc: Scenario) -> float:
    period = sc.incentives.period if sc.incentives is not None else (
        sc.people.period if sc.people is not None else "quarter")
    return {"month": 52 / 12, "quarter": 13.0, "year": 52.0}[period]


def _quotas(res: SimResult) -> pd.Series:
    from simlib.core.quotas import quotas_for
    sc = res.scenario
    if sc.quotas is None and all(r.quota is None for r in sc.team.reps):
        raise ScenarioError([Issue("quotas", "case_needs_quotas", {})])
    skills = res._world.skills if res._world.skills is not None else np.ones(len(sc.team.reps))
    return pd.Series(quotas_for(sc, np.asarray(skills, float)), index=[r.name for r in sc.team.reps])


def _m_revenue(res, w, arg):
    return float(_rep_revenue(res, w)[_reps(res, arg)].sum()), 1.0


def _m_monthly_revenue(res, w, arg):
    return float(_rep_revenue(res, w)[_reps(res, arg)].sum()) * 52 / 12 / w.weeks, 1.0


def _m_won(res, w, arg):
    d = _closed_in(res, w)
    return float(((d.outcome == "won") & d.rep.isin(_reps(res, arg))).sum()), 1.0


def _m_win_rate(res, w, arg):
    d = _closed_in(res, w)
    d = d[d.rep.isin(_reps(res, arg))]
    return float((d.outcome == "won").sum()), float(d.outcome.isin(["won", "lost"]).sum())


def _m_attainment(res, w, arg):
    names = _reps(res, arg)
    q = _quotas(res)[names].sum() * w.weeks / _period_weeks(res.scenario)
    return float(_rep_revenue(res, w)[names].sum()), float(q)


def _m_attainment_mean(res, w, arg):
    names = _reps(res, arg)
    q = _quotas(res)[names] * w.weeks / _period_weeks(res.scenario)
    ratio = _rep_revenue(res, w)[names] / q
    return float(ratio.sum()), float(len(names))


def _m_rep_rank(res, w, arg):
    if not arg:
        raise ScenarioError([Issue("metric", "case_metric_arg", {"name": "rep_rank"})])
    rev = _rep_revenue(res, w)
    rank = rev.rank(ascending=False, method="average")
    return float(rank[_reps(res, arg)].mean()), 1.0


def _m_stage_conversion(res, w, arg):
    names = res.scenario.stage_names
    if arg not in names:
        raise ScenarioError([Issue("metric", "case_no_stage", {"name": arg, "valid": ", ".join(names)})])
    v = res.visits
    k = names.index(arg)
    week = np.floor(v.started_at).astype(int) + 1
    v = v[(v.stage == arg) & (week >= w.first) & (week <= w.last)]
    d = res.deals.set_index("deal_id")
    reached = d.loc[v.deal_id.unique(), "stage_index"]
    outcome = d.loc[v.deal_id.unique(), "outcome"]
    passed = (reached > k) | ((reached == k) & (outcome == "won"))
    decided = passed | ((reached == k) & (outcome == "lost"))
    return float(passed.sum()), float(decided.sum())


def _m_utilization(res, w, arg):
    rw = res.rep_weeks
    rw = rw[(rw.week >= w.first) & (rw.week <= w.last) & rw.rep.isin(_reps(res, arg))]
    return float(rw.hours_worked.sum()), float(rw.hours_available.sum())


def _m_cycle_days(res, w, arg):
    d = _closed_in(res, w)
    d = d[(d.outcome == "won") & d.rep.isin(_reps(res, arg))]
    return float((d.closed_at - d.created_at).sum() * 7), float(len(d))


def _people(res: SimResult) -> pd.DataFrame:
    ppl = res.people
    if ppl.empty:
        raise ScenarioError([Issue("people", "case_needs_people", {})])
    return ppl


def _m_turnover(res, w, arg):
    """Leavers (quits and PIP exits) in the window, annualised, ÷ the average headcount there."""
    ppl = _people(res)
    seats = _reps(res, arg)
    p = ppl[(ppl.week >= w.first) & (ppl.week <= w.last) & ppl.seat.isin(seats)]
    head = p.occupant.notna().sum() / w.weeks
    ev = res.events
    left = ev[ev.event.isin(["quit", "exit"]) & (ev.week >= w.first) & (ev.week <= w.last) & ev.seat.isin(seats)]
    return len(left) * 52 / w.weeks, float(head)


def _m_leavers(res, w, arg):
    ev = res.events
    if res.people.empty:
        raise ScenarioError([Issue("people", "case_needs_people", {})])
    seats = _reps(res, arg)
    left = ev[ev.event.isin(["quit", "exit"]) & (ev.week >= w.first) & (ev.week <= w.last) & ev.seat.isin(seats)]
    return float(len(left)), 1.0


def _m_acceptance(res, w, arg):
    """Share of rep-periods starting in the window whose own forecast at the period's first week
    (``rep_weeks.outlook``: expected attainment at normal pace) is at least ``arg`` (default 0.9):
    the rep believes the target can be reached, so accepts it."""
    if res.policy is None:
        raise ScenarioError([Issue("incentives", "case_needs_plan", {})])
    at = float(arg) if arg else 0.9
    starts = [a + 1 for a, _ in res.policy.periods if w.first <= a + 1 <= w.last]
    rw = res.rep_weeks
    o = rw[rw.week.isin(starts)].outlook.dropna()
    return float((o >= at).sum()), float(len(o))


def _m_effort(res, w, arg):
    rw = res.rep_weeks
    rw = rw[(rw.week >= w.first) & (rw.week <= w.last) & rw.rep.isin(_reps(res, arg))]
    return float(rw.effort.sum()), float(len(rw))


Metric = Callable[[SimResult, Window, str | None], tuple[float, float]]

#: name -> (numerator, denominator) of a run over a window; ``name:arg`` passes ``arg`` — a rep name or
#: a pattern like ``N*`` (a group of reps; every rep when absent), a stage name, or a threshold.
METRICS: dict[str, Metric] = {
    "revenue": _m_revenue,                      # booked revenue of the reps in the window
    "monthly_revenue": _m_monthly_revenue,      # the same, per month (× 52 ÷ 12 ÷ weeks)
    "won": _m_won,
    "win_rate": _m_win_rate,                    # won ÷ decided, deals closed in the window
    "attainment": _m_attainment,                # revenue ÷ quota (prorated to the window), pooled
    "attainment_mean": _m_attainment_mean,      # mean over reps of each rep's attainment
    "rep_rank": _m_rep_rank,                    # 1 = highest revenue in the window
    "stage_conversion": _m_stage_conversion,    # stage:<name> passed ÷ decided, work started in the window
    "utilization": _m_utilization,
    "cycle_days": _m_cycle_days,                # created -> won, days, won in the window
    "turnover": _m_turnover,                    # annualised leavers ÷ average headcount
    "leavers": _m_leavers,
    "acceptance": _m_acceptance,                # share of rep-periods with a target they expect to reach
    "effort": _m_effort,                        # hours available ÷ normal hours
}


def split_metric(metric: str) -> tuple[str, str | None]:
    """A metric name and its argument: ``"attainment:張*"`` -> ``("attainment", "張*")``."""
    name, _, arg = metric.partition(":")
    return name, (arg or None)


def metric_value(res: SimResult, metric: str, window: Window | None = None) -> float:
    """One metric of one run, e.g. ``metric_value(res, "attainment:East*")``.

        >>> import simlib
        >>> res = simlib.simulate("scenarios/funnel_basics.yaml", seed=1)
        >>> round(metric_value(res, "utilization"), 3) == round(res.summary()["utilization"], 3)
        True
    """
    w = window or Window(1, res.scenario.horizon_weeks)
    name, arg = split_metric(metric)
    num, den = METRICS[name](res, w, arg)
    return num / den if den else math.nan


# ---------------------------------------------------------------------------------------------
# The case file
# ---------------------------------------------------------------------------------------------
class WindowSpec(StrictModel):
    from_week: int = Field(1, ge=1, le=520)
    to_week: int | None = Field(None, ge=1, le=520)


class Variant(StrictModel):
    """One step of the story: the scenario with ``set`` changes on top of variant ``base``'s."""
    label: Labels | None = None
    base: str | None = Field(None, min_length=1, max_length=60)
    set: dict[str, Any] = Field(default_factory=dict, max_length=100)
    explain: Labels | None = None

    _labels = field_validator("label", "explain")(check_labels)


class Check(StrictModel):
    """A figure of the deck the case should reproduce (see the module's docstring)."""
    metric: str = Field(min_length=1, max_length=80)
    variant: str | list[str] = Field(min_length=1)
    relative_to: str | list[str] | None = None
    relative: Literal["change", "ratio"] = "change"
    target: float = Field(ge=-1e12, le=1e12)
    tolerance: float = Field(gt=0, le=1e12)
    window: WindowSpec | None = None
    label: Labels | None = None
    source: str = Field("", max_length=300)

    _labels = field_validator("label")(check_labels)

    @property
    def variants(self) -> list[str]:
        return [self.variant] if isinstance(self.variant, str) else list(self.variant)

    @property
    def baselines(self) -> list[str]:
        r = self.relative_to
        return [] if r is None else ([r] if isinstance(r, str) else list(r))


class CaseSpec(StrictModel):
    """A case study: a base scenario, its variants and the deck's figures they should reproduce."""
    id: str = Field("", max_length=80)
    title: Labels
    source: str = Field(min_length=1, max_length=300)
    story: Labels | None = None
    scenario: str | dict[str, Any] | None = None
    accounts: str | dict[str, Any] | None = Field(None, description="an account-base spec (simlib.models.accounts) instead")
    months: int = Field(12, ge=1, le=120, description="months an account-base case runs")
    headline: list[str] = Field(default_factory=list, max_length=6,
                                description="metrics shown per step (default: monthly revenue, or revenue)")
    window: WindowSpec = WindowSpec()
    variants: dict[str, Variant] = Field(min_length=1, max_length=20)
    checks: list[Check] = Field(default_factory=list, max_length=50)
    notes: Labels | None = None
    replications: int = Field(100, ge=2, le=2000, description="replications of check_case by default")

    _labels = field_validator("title", "story", "notes")(check_labels)
    _origin: str | None = PrivateAttr(None)
    _scenarios: dict[str, Scenario] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _references(self) -> CaseSpec:
        names = list(self.variants)
        items: list[tuple[str, str, dict]] = []
        if (self.scenario is None) == (self.accounts is None):
            items.append(("scenario", "case_one_world", {}))
        valid = SUMMARY_KEYS if self.accounts is not None else tuple(METRICS)
        for i, m in enumerate(self.headline):
            name = m if self.accounts is not None else split_metric(m)[0]
            if name not in valid:
                items.append((f"headline[{i}]", "case_metric", {"name": name, "valid": ", ".join(valid)}))

        def unknown(path: str, name: str) -> None:
            items.append((path, "case_unknown_variant", {"where": path, "name": name, "valid": ", ".join(names)}))

        for k, v in self.variants.items():
            if v.base is not None and v.base not in names:
                unknown(f"variants.{k}.base", v.base)
        for k in names:                         # no cycles among bases
            chain, cur = [k], self.variants[k].base
            while cur is not None and cur in self.variants:
                if cur in chain:
                    items.append((f"variants.{k}.base", "case_cycle", {"name": k}))
                    break
                chain.append(cur)
                cur = self.variants[cur].base
        for i, c in enumerate(self.checks):
            for v in c.variants:
                if v not in names:
                    unknown(f"checks[{i}].variant", v)
            for v in c.baselines:
                if v not in names:
                    unknown(f"checks[{i}].relative_to", v)
            name = c.metric if self.accounts is not None else split_metric(c.metric)[0]
            if name not in valid:
                items.append((f"checks[{i}].metric", "case_metric", {"name": name, "valid": ", ".join(valid)}))
        record_problems(items)
        return self

    # -- worlds ---------------------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        """``"funnel"`` (a :class:`simlib.Scenario` run by :func:`simlib.simulate`) or ``"accounts"``
        (an account base run by :func:`simlib.models.accounts.simulate_accounts` for :attr:`months`)."""
        return "accounts" if self.accounts is not None else "funnel"

    @property
    def headlines(self) -> list[str]:
        """The metrics shown for every step: :attr:`headline`, else monthly revenue (funnel) or revenue."""
        return list(self.headline) or (["revenue"] if self.kind == "accounts" else ["monthly_revenue"])

    @cached_property
    def base_world(self) -> dict[str, Any]:
        """The base scenario (or account spec) as a plain dict, before any variant's changes."""
        ref = self.accounts if self.kind == "accounts" else self.scenario
        if isinstance(ref, dict):
            return copy.deepcopy(ref)
        here = Path(self._origin).parent if self._origin else CASES_DIR
        for base in (here, _ROOT / "scenarios", Path.cwd()):
            p = base / ref
            if p.is_file():
                if self.kind == "accounts":
                    return load_accounts(p).model_dump(mode="json")
                return {"__file__": str(p)}
        raise ScenarioError([Issue(self.kind if self.kind == "accounts" else "scenario", "case_file_not_found",
                                   {"file": ref})])

    @cached_property
    def base_scenario(self) -> Scenario:
        """The base scenario of a funnel case."""
        data = self.base_world
        return load_scenario(data.get("__file__", data))

    def changes(self, variant: str) -> dict[str, Any]:
        """Every change of ``variant``, its bases' first."""
        chain = []
        cur: str | None = variant
        while cur is not None:
            chain.append(cur)
            cur = self.variants[cur].base
        out: dict[str, Any] = {}
        for name in reversed(chain):
            out.update(self.variants[name].set)
        return out

    def scenario_for(self, variant: str) -> Scenario | AccountsSpec:
        """The variant's validated scenario, or account spec (errors name the variant's field)."""
        if variant not in self.variants:
            raise ScenarioError([Issue("variant", "case_unknown_variant",
                                       {"where": "variant", "name": variant, "valid": ", ".join(self.variants)})])
        cache = self._scenarios
        if variant not in cache:
            try:
                if self.kind == "accounts":
                    data = copy.deepcopy(self.base_world)
                    for path, value in self.changes(variant).items():
                        set_path(data, path, value)
                    cache[variant] = load_accounts(data)
                else:
                    cache[variant] = self.base_scenario.with_changes(self.changes(variant))
            except ScenarioError as err:
                raise ScenarioError([Issue(f"variants.{variant}.set.{i.path}" if i.path else f"variants.{variant}",
                                           i.code, i.params) for i in err.issues]) from None
        return cache[variant]

    def window_for(self, check: Check | None = None) -> Window:
        spec = check.window if check is not None and check.window is not None else self.window
        if self.kind == "accounts":
            return Window(1, self.months)
        h = min(self.scenario_for(v).horizon_weeks for v in self.variants)
        last = min(spec.to_week or h, h)
        return Window(min(spec.from_week, last), last)


def case_files() -> list[Path]:
    """The case files shipped with the workbook, in name order."""
    return sorted(CASES_DIR.glob("*.yaml"))


@functools.lru_cache(maxsize=64)
def _case_head(path: str, mtime: float) -> dict:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return {"title": data.get("title"), "source": data.get("source", ""), "story": data.get("story")}


def case_heads() -> dict[str, dict]:
    """``{id: {title, source, story}}`` of the shipped cases that have a notebook, read without
    validating or running anything (the hub), cached until a file changes."""
    out = {}
    for path in case_files():
        if (NOTEBOOKS_DIR / f"{path.stem}.ipynb").is_file():
            out[path.stem] = copy.deepcopy(_case_head(str(path), path.stat().st_mtime))   # the cache stays intact
    return out


def case_titles(lang: str | None = None) -> dict[str, str]:
    """``{id: title}`` of the shipped cases that have a notebook, in ``lang``."""
    return {cid: label(head["title"], lang, cid) for cid, head in case_heads().items()}


def load_case(source: str | Path | Mapping | CaseSpec) -> CaseSpec:
    """A validated :class:`CaseSpec` from a shipped case's id (``"mentoring"``), a case file, YAML text
    or a dict; every variant's scenario is validated too, so a bad ``set`` path fails here, naming
    the variant.

    Raises:
        ScenarioError: naming each bad field, in the reader's language.
    """
    if isinstance(source, CaseSpec):
        return source
    if isinstance(source, str) and (CASES_DIR / f"{source}.yaml").is_file():
        source = CASES_DIR / f"{source}.yaml"          # a shipped case by its id
    data, origin = read_source(source, search=(_ROOT, CASES_DIR))
    try:
        spec = validate_record(CaseSpec, data if data is not None else {})
    except ScenarioError as err:
        raise ScenarioError(err.issues, origin) from None
    if not spec.id and origin and Path(origin).is_file():
        spec = spec.model_copy(update={"id": Path(origin).stem})
    spec._origin = origin
    try:
        for v in spec.variants:
            spec.scenario_for(v)
    except ScenarioError as err:
        raise ScenarioError(err.issues, origin) from None
    return spec


def label(labels: Mapping[str, str] | None, lang: str | None = None, default: str = "") -> str:
    """The text of ``labels`` in ``lang`` (zh-Hant, then en, then any as a fallback)."""
    if not labels:
        return default
    lang = normalize_lang(lang)
    for k in (lang, "zh-Hant" if lang == "zh-Hans" else "en", "zh-Hant", "en"):
        if labels.get(k):
            return labels[k]
    return next(iter(labels.values()))


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------
def _needed(case: CaseSpec) -> dict[str, set[tuple[str, int, int]]]:
    """variant -> {(metric, first, last)} every check needs."""
    out: dict[str, set] = {}
    for c in case.checks:
        w = case.window_for(c)
        for v in (*c.variants, *c.baselines):
            out.setdefault(v, set()).add((c.metric, w.first, w.last))
    return out


def _row(case: CaseSpec, needed: dict, variants: list[str], metrics: list[str], seed: int) -> dict:
    row: dict[str, float] = {}
    w = case.window_for()
    for v in variants:
        wanted = {(m, w.first, w.last) for m in metrics} | needed.get(v, set())
        if case.kind == "accounts":
            summary = simulate_accounts(case.scenario_for(v), seed=seed, months=case.months).summary()
            for m, a, b in sorted(wanted):
                row[f"{v}|{m}@{a}-{b}|num"], row[f"{v}|{m}@{a}-{b}|den"] = float(summary[m]), 1.0
            continue
        res = simulate(case.scenario_for(v), seed=seed)
        for m, a, b in sorted(wanted):
            name, arg = split_metric(m)
            row[f"{v}|{m}@{a}-{b}|num"], row[f"{v}|{m}@{a}-{b}|den"] = METRICS[name](res, Window(a, b), arg)
    return row


class CaseRun:
    """Paired replications of every variant of a case: :attr:`table` (one row per replication with
    ``<variant>|<metric>|num`` and ``|den`` columns), :meth:`checks` and :meth:`summary`."""

    def __init__(self, case: CaseSpec, table: pd.DataFrame, metrics: tuple[str, ...] = ()):
        self.case = case
        self.table = table
        self.metrics = tuple(metrics)

    def values(self, variants: list[str], metric: str, window: Window | None = None) -> np.ndarray:
        """Per replication: the metric pooled over ``variants`` (Σ numerators ÷ Σ denominators)."""
        w = window or self.case.window_for()
        key = f"{metric}@{w.first}-{w.last}"
        num = sum(self.table[f"{v}|{key}|num"].to_numpy(float) for v in variants)
        den = sum(self.table[f"{v}|{key}|den"].to_numpy(float) for v in variants)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den != 0, num / np.where(den != 0, den, 1), np.nan)

    def checks(self, lang: str | None = None, z: float = 1.96) -> pd.DataFrame:
        """One row per check: ``check`` (its label in ``lang``), ``metric, variant, relative_to, relative,
        target, tolerance, mean, se, low, high, within`` and ``source``."""
        out = []
        for c in self.case.checks:
            w = self.case.window_for(c)
            x = self.values(c.variants, c.metric, w)
            if c.baselines:
                y = self.values(c.baselines, c.metric, w)
                ok = np.isfinite(x) & np.isfinite(y)
                mean, se = ratio_change(x[ok], y[ok])
                if c.relative == "ratio":
                    mean += 1
            else:
                x = x[np.isfinite(x)]
                mean = float(x.mean()) if len(x) else math.nan
                se = float(x.std(ddof=1) / math.sqrt(len(x))) if len(x) > 1 else math.nan
            out.append({"check": label(c.label, lang, c.metric), "metric": c.metric,
                        "variant": "+".join(c.variants), "relative_to": "+".join(c.baselines) or None,
                        "relative": c.relative if c.baselines else None, "target": c.target,
                        "tolerance": c.tolerance, "mean": mean, "se": se, "low": mean - z * se,
                        "high": mean + z * se, "within": bool(abs(mean - c.target) <= c.tolerance),
                        "source": c.source})
        return pd.DataFrame(out)

    def summary(self, lang: str | None = None, z: float = 1.96) -> pd.DataFrame:
        """One row per variant and metric run (the case's headline metrics and any asked for):
        ``variant, label, metric, mean, se, low, high`` over the replications, in the case's window."""
        rows = []
        for v, spec in self.case.variants.items():
            for m in self.metrics:
                x = self.values([v], m)
                x = x[np.isfinite(x)]
                mean = float(x.mean()) if len(x) else math.nan
                se = float(x.std(ddof=1) / math.sqrt(len(x))) if len(x) > 1 else math.nan
                rows.append({"variant": v, "label": label(spec.label, lang, v), "metric": m, "mean": mean,
                             "se": se, "low": mean - z * se, "high": mean + z * se})
        return pd.DataFrame(rows)


def run_case(case: CaseSpec | str | Path | Mapping, n: int | None = None, seed: int | None = 0, *,
             metrics: tuple[str, ...] = (), workers: int = 1,
             progress: Callable[[int, int], None] | None = None) -> CaseRun:
    """Run every variant of ``case`` on the same ``n`` seeds (default: the case's ``replications``);
    :meth:`CaseRun.summary` gives the case's headline metrics and ``metrics`` over its window."""
    case = load_case(case)
    valid = tuple(METRICS) if case.kind == "funnel" else SUMMARY_KEYS
    metrics = tuple(dict.fromkeys([*case.headlines, "revenue", *metrics]))
    for m in metrics:
        if split_metric(m)[0] not in valid:
            raise ScenarioError([Issue("metrics", "case_metric", {"name": m, "valid": ", ".join(valid)})])
    needed = _needed(case)
    fn = partial(_row, case, needed, list(case.variants), list(metrics))
    table = run_replications(fn, n or case.replications, seed, workers=workers, progress=progress)
    return CaseRun(case, table, metrics)


def check_case(case: CaseSpec | str | Path | Mapping, n: int | None = None, seed: int | None = 0, *,
               workers: int = 1, lang: str | None = None) -> pd.DataFrame:
    """The case's checks over ``n`` paired replications (see :meth:`CaseRun.checks`)."""
    return run_case(case, n, seed, workers=workers).checks(lang)


# ---------------------------------------------------------------------------------------------
# A case's checks as a Markdown table (the command line: :mod:`simlib.cli`)
# ---------------------------------------------------------------------------------------------
#: metrics shown as shares (0-1 -> %)
SHARES = ("rate", "share", "attainment", "conversion", "utilization", "turnover", "acceptance", "effort",
           "capacity_use")

def is_share(metric: str) -> bool:
    """Whether ``metric`` is a share (0–1, shown as a percentage)."""
    name = split_metric(metric)[0]
    return any(k in name for k in SHARES) and "revenue" not in name


def fmt_value(metric: str, v: float, relative: str | None = None) -> str:
    """A check's number as a reader expects it: a change as ``+30.0 %``, a share as ``45.0 %``, money
    with thousands separators, a rank with one decimal.

        >>> fmt_value("revenue", 0.3125, "change"), fmt_value("win_rate", 0.452), fmt_value("revenue", 2.04e6)
        ('+31.2 %', '45.2 %', '2,040,000')
    """
    if v is None or not math.isfinite(v):
        return "—"
    if relative == "change":
        return f"{v:+.1%}".replace("%", " %")
    if relative == "ratio" or is_share(metric):
        return f"{v:.1%}".replace("%", " %")
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.2f}"


def report(case: CaseSpec | str | Path, n: int | None = None, seed: int | None = 0, lang: str = "en",
           workers: int = 1) -> str:
    """A Markdown table of the case's checks: the deck's figure, the simulated mean and its 95 % interval."""
    case = load_case(case)
    run = run_case(case, n, seed, workers=workers)
    lines = [f"### {label(case.title, lang)} (`{case.id}`, {len(run.table)} replications, seed {seed})", "",
             "| figure | deck | simulated mean [95 % interval] | tolerance | within |", "|---|---:|---:|---:|:-:|"]
    for r in run.checks(lang).itertuples():
        f = partial(fmt_value, r.metric, relative=r.relative)
        lines.append(f"| {r.check} | {f(r.target)} | {f(r.mean)} [{f(r.low)}, {f(r.high)}] | "
                     f"±{f(r.tolerance).lstrip('+')} | {'✓' if r.within else '✗'} |")
    return "\n".join(lines)
