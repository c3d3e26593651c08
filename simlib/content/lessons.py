"""The course's modules as lessons: short narrative blocks, each one live computation in :mod:`simlib`.

A lesson page (``notebooks/modules/<key>.ipynb``, drawn by :class:`simlib.ui.lesson.LessonPage`) teaches
one section of COURSE.md in a few *blocks*: a title and 2–5 sentences from the catalog
(``lessons.<module>.<block>.title`` / ``.text``), at most a couple of numeric inputs (:class:`Param`, one
slider each), and one output that a call into the library computes — a plotly figure, a table whose
columns are already in the reader's language, or a snippet of HTML. Nothing here imports widgets::

    >>> MODULES["funnel"].section, [b.key for b in MODULES["funnel"].blocks]
    ('§2', ['reverse', 'simulated', 'capacity', 'bottleneck'])
    >>> df = MODULES["funnel"].block("reverse").render("en", wins=60)
    >>> df.columns.tolist()
    ['Stage', 'Conversion', 'Deals needed entering', 'Per week']
    >>> float(df.iloc[0, 2])                 # 60 wins ÷ (0.5 × 0.6 × 0.5 × 0.4) = 1,000 leads
    1000.0
    >>> MODULES["funnel"].block("reverse").render("en", wins=-1)
    Traceback (most recent call last):
    ...
    simlib.ScenarioError: Target wins this quarter must be at least 0; got -1.

A table's cells keep their numbers; ``df.attrs["formats"]`` says how to show a column (a format spec,
``",.0f"``, ``".0%"``) and ``df.attrs["note"]`` is a sentence to print below it (:func:`table_html`
renders both). A module lists the pages where the trainee practises it (:attr:`Module.pages`, notebook
paths relative to ``notebooks/``); other pages join by extending that tuple.
"""
from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from simlib.base.i18n import normalize_lang, t
from simlib.base.paths import content_root
from simlib.base.schema import Issue, ScenarioError

__all__ = ["MODULES", "ROOT", "Block", "Module", "Param", "page_title", "table_html"]

ROOT = content_root()
SCENARIOS = ROOT / "scenarios"
Kind = Literal["figure", "table", "html"]


# ---------------------------------------------------------------------------------------------
# The registry's types
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Param:
    """A named numeric input of a block: ``label`` (catalog key), its ``default`` and range.

    Integers throughout (``default``, ``low``, ``high``, ``step``) make an integer slider.
    """
    name: str
    label: str
    default: float
    low: float
    high: float
    step: float = 1

    @property
    def kind(self) -> Literal["int", "float"]:
        return "int" if all(float(v).is_integer() for v in (self.default, self.low, self.high, self.step)) else "float"

    def check(self, value: Any, lang: str) -> float:
        """``value`` as a number inside the range, or a :class:`ScenarioError` naming the input in ``lang``."""
        where = t(self.label, lang)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ScenarioError([Issue(where, "type_number", {"input": value})])
        if value < self.low:
            raise ScenarioError([Issue(where, "greater_than_equal", {"limit": _num(self.low), "input": _num(value)})])
        if value > self.high:
            raise ScenarioError([Issue(where, "less_than_equal", {"limit": _num(self.high), "input": _num(value)})])
        return int(value) if self.kind == "int" and float(value).is_integer() else float(value)


@dataclass(frozen=True)
class Block:
    """One block of a lesson: ``render(lang, **params)`` → a plotly Figure, a DataFrame or HTML (``kind``)."""
    module: str
    key: str
    kind: Kind
    compute: Callable[..., Any] = field(repr=False)
    params: tuple[Param, ...] = ()

    @property
    def title_key(self) -> str:
        return f"lessons.{self.module}.{self.key}.title"

    @property
    def text_key(self) -> str:
        return f"lessons.{self.module}.{self.key}.text"

    @property
    def doc(self) -> str:
        """What the block computes, and the COURSE.md section it teaches."""
        return (self.compute.__doc__ or "").strip()

    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.params}

    def values(self, lang: str = "zh-Hant", **params: Any) -> dict[str, float]:
        """The block's inputs: ``params`` checked against their ranges, the rest at their defaults."""
        lang = normalize_lang(lang)
        known = {p.name: p for p in self.params}
        for name in params:
            if name not in known:
                raise ScenarioError([Issue(name, "unknown_key", {"valid": ", ".join(known) or "—"})])
        return {p.name: p.check(params.get(p.name, p.default), lang) for p in self.params}

    def render(self, lang: str = "zh-Hant", **params: Any) -> Any:
        """The block's output in ``lang`` for ``params`` (the others at their defaults); a figure's trace
        data are plain lists (a browser reads them as arrays, not as encoded binary)."""
        lang = normalize_lang(lang)
        out = self.compute(lang, **self.values(lang, **params))
        return _plain(out) if self.kind == "figure" else out


@dataclass
class Module:
    """A module of the course: its ``key``, the COURSE.md ``section`` it teaches, its ``blocks`` in order and
    the ``pages`` (notebooks under ``notebooks/``) where a trainee practises it. Title and blurb are
    ``app.lesson_<key>.title`` / ``.blurb``."""
    key: str
    section: str
    blocks: tuple[Block, ...]
    pages: tuple[str, ...] = ()

    @property
    def app_key(self) -> str:
        return f"lesson_{self.key}"

    @property
    def notebook(self) -> str:
        return f"modules/{self.key}.ipynb"

    def block(self, key: str) -> Block:
        for b in self.blocks:
            if b.key == key:
                return b
        raise KeyError(f"module {self.key!r} has no block {key!r}; it has {[b.key for b in self.blocks]}")

    def title(self, lang: str) -> str:
        return t(f"app.{self.app_key}.title", lang)


_BLOCKS: dict[str, list[Block]] = {}


def _block(module: str, key: str, kind: Kind, *params: Param):
    """Register the decorated ``fn(lang, **params)`` as block ``key`` of ``module`` (in definition order)."""
    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        _BLOCKS.setdefault(module, []).append(Block(module, key, kind, fn, tuple(params)))
        return fn
    return deco


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
def _num(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")


def _pct(v: float, digits: int = 0) -> str:
    return "—" if v is None or not math.isfinite(v) else f"{v:.{digits}%}"


def _money(v: float, lang: str) -> str:
    return "—" if v is None or not math.isfinite(v) else t("ui.unit.yuan", lang, value=f"{v:,.0f}")


def _table(rows: list[dict], lang: str, cols: Mapping[str, str], formats: Mapping[str, str] | None = None,
           note: str | None = None) -> pd.DataFrame:
    """A DataFrame of ``rows`` with columns ``{key: catalog key}`` in ``lang``; ``formats`` by column key."""
    names = {k: t(v, lang) for k, v in cols.items()}
    df = pd.DataFrame(rows, columns=list(cols)).rename(columns=names)
    df.attrs["formats"] = {names[k]: f for k, f in (formats or {}).items()}
    if note:
        df.attrs["note"] = note
    return df


def _localised(df: pd.DataFrame, formats: Mapping[str, str] | None = None, note: str | None = None) -> pd.DataFrame:
    df = df.copy()
    df.attrs = {"formats": dict(formats or {})} | ({"note": note} if note else {})
    return df


def _plain(fig: Any) -> Any:
    """``fig`` with every trace property that holds a numpy array turned into a list (in place)."""
    for tr in fig.data:
        for k, v in tr.to_plotly_json().items():
            if isinstance(v, np.ndarray):
                tr[k] = None            # plotly skips setting a value equal to the current one
                tr[k] = v.tolist()
    return fig


def _mark(v: bool | None) -> str:
    return "✓" if v is True else "✗" if v is False else "?"


def _format(v: Any, spec: str | None) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return "—"
    if isinstance(v, bool):
        return "✓" if v else ""
    if spec and isinstance(v, (int, float)) and not isinstance(v, bool):
        return format(v, spec)
    return str(v)


def _cell(v: Any, spec: str | None) -> str:
    """A table cell: numbers (and ``—``, ✓, ✗) right-aligned as ``td.sdw-num``, text left-aligned."""
    text = _format(v, spec)
    num = (isinstance(v, (int, float, np.number)) and not isinstance(v, bool)) or \
        bool(re.fullmatch(r"[-+−¥]?[\d,.]+\s*(%|元)?|—|✓|✗|\?|", text))
    return f'<td class="sdw-num">{html.escape(text)}</td>' if num else f"<td>{html.escape(text)}</td>"


def table_html(df: pd.DataFrame, block: str = "") -> str:
    """A block's table as ``<table class="sdw-table sdw-lesson-table">`` (cells formatted by
    ``df.attrs["formats"]``, missing values as ``—``), then ``df.attrs["note"]`` in a muted paragraph.

        >>> df = pd.DataFrame({"Stage": ["Lead"], "Share": [0.25]})
        >>> df.attrs["formats"] = {"Share": ".0%"}
        >>> table_html(df)
        '<table class="sdw-table sdw-lesson-table"><tr><th>Stage</th><th>Share</th></tr><tr><td>Lead</td><td class="sdw-num">25%</td></tr></table>'
    """
    fmts = df.attrs.get("formats", {})
    attr = f' data-block="{html.escape(block)}"' if block else ""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(_cell(v, fmts.get(c)) for c, v in zip(df.columns, r, strict=True)) + "</tr>"
                   for r in df.itertuples(index=False, name=None))
    out = f'<table class="sdw-table sdw-lesson-table"{attr}><tr>{head}</tr>{body}</table>'
    note = df.attrs.get("note")
    if note:
        out += f'<p class="sdw-muted sdw-lesson-note">{html.escape(note)}</p>'
    return out


def page_title(page: str, lang: str) -> str:
    """What a "practise it" link to ``page`` (a notebook path under ``notebooks/``) says.

        >>> page_title("funnel_lab.ipynb", "en"), page_title("modules/pay.ipynb", "en")
        ('Funnel Lab', 'Pay and incentives')
    """
    stem = Path(page).stem
    parent = Path(page).parent.name
    if parent == "cases":
        from simlib.analysis.cases import case_titles
        title = case_titles(lang).get(stem)
        if title:
            return title
    key = {"modules": f"app.lesson_{stem}.title", "exercises": f"app.exercise_{stem}.title"}.get(
        parent, f"app.{stem}.title")
    text = t(key, lang)
    return text if text != key else stem.replace("_", " ")


@cache
def _scenario(rel: str):
    from simlib.core.scenario import load_scenario
    return load_scenario(SCENARIOS / rel)


def _names(lang: str, *keys: str) -> dict[str, str]:
    return {k: t(f"lessons.name.{k}", lang) for k in keys}


# =============================================================================================
# §1 Targets
# =============================================================================================
SMART_EXAMPLES = ("vague", "growth", "a_class", "enterprise")


@_block("targets", "smart", "table", Param("wins", "lessons.param.target_wins", 45, 0, 120))
def _targets_smart(lang: str, wins: int) -> pd.DataFrame:
    """COURSE.md §1 SMART: the decks' example targets through :func:`simlib.formulas.smart.smart_check`, and one
    target of ``wins`` deals next quarter whose "achievable" is simulated on the Funnel Basics team
    (``scenarios/funnel_basics.yaml``, 20 replications of a 13-week quarter)."""
    from simlib.analysis.achievability import smart_check
    from simlib.formulas.smart import SmartReport
    rows = []
    for k in SMART_EXAMPLES:
        r = smart_check(t(f"lessons.targets.smart.example.{k}", lang), lang)
        rows.append((r, False))
    own = smart_check(t("lessons.targets.smart.yours", lang, wins=wins), lang, scenario=_scenario("funnel_basics.yaml"),
                      target=wins, metric="won", n=20, seed=0)
    rows.append((own, True))
    out = []
    for r, _ in rows:
        row = {"target": r.text} | {c: _mark(r[c]) for c in SmartReport.CRITERIA}
        row["hint"] = r.hints[0] if r.hints else ""
        out.append(row)
    cols = {"target": "lessons.col.target"} | {c: f"smart.criterion.{c}" for c in SmartReport.CRITERIA}
    cols["hint"] = "lessons.col.hint"
    p = own.probability or {}
    note = t("lessons.targets.smart.note", lang, wins=wins, probability=_pct(p.get("probability", math.nan)),
             mean=f"{p.get('mean', math.nan):.1f}")
    return _table(out, lang, cols, note=note)


@_block("targets", "split", "figure", Param("annual", "lessons.param.annual_million", 100, 10, 500, 10))
def _targets_split(lang: str, annual: int) -> Any:
    """COURSE.md §1 decomposition (S3 electronics case: 100 M yuan for 2024; S1 product lines core 60 % /
    new 30 % / accessories 10 %): :func:`simlib.formulas.seasonality.split_time` gives the quarters on the B2B
    calendar, :func:`simlib.formulas.targets.split_matrix` splits them by product line, exactly; drawn by
    :func:`simlib.viz.targets.matrix_figure`."""
    from simlib.formulas.seasonality import split_time
    from simlib.formulas.targets import split_matrix
    from simlib.viz.targets import matrix_figure
    total = int(annual) * 1_000_000
    quarters = split_time(total, 2024, "cn_b2b", unit=(10_000, 1_000, 1)).attrs["quarters"]
    q_dim, p_dim = t("lessons.dim.quarter", lang), t("target_setting.dim.product", lang)
    products = {t(f"target_setting.member.product.{k}", lang): s for k, s in PRODUCT_SHARES.items()}
    matrix = split_matrix(total, {q_dim: {q: v / total for q, v in quarters.items()}, p_dim: products}, unit=10_000)
    return matrix_figure(matrix, q_dim, p_dim, lang)


PRODUCT_SHARES = {"core": 0.6, "new": 0.3, "accessories": 0.1}
TEAM_MONTH_TARGET = 2_000_000
TEAM = (  # (name key, same-period history of 3 years, most recent last; skill; months in the job)
    ("zhang", [560_000, 600_000, 640_000], 1.3, 60),
    ("li", [420_000, 450_000, 480_000], 1.15, 36),
    ("wang", [380_000, 400_000, 420_000], 1.0, 24),
    ("chen", [300_000, 360_000, 400_000], 1.0, 12),
)


def _team(lang: str, tenure: float) -> list[dict]:
    names = _names(lang, "zhang", "li", "wang", "chen", "hu")
    reps = [{"name": names[k], "history": h, "skill": s, "tenure_months": m} for k, h, s, m in TEAM]
    return reps + [{"name": names["hu"], "history": [0], "skill": 1.0, "tenure_months": tenure}]


@_block("targets", "allocation", "figure", Param("tenure", "lessons.param.new_hire_months", 1, 0, 8))
def _targets_allocation(lang: str, tenure: int) -> Any:
    """COURSE.md §1 allocation to people (S1, S3): a team's monthly 2,000,000 split equally (一刀切), by
    three years of same-period history and by capability (skill × the new hire's ramp) with
    :func:`simlib.formulas.targets.allocation_table`; drawn by :func:`simlib.viz.targets.allocation_figure`."""
    from simlib.formulas.targets import allocation_table
    from simlib.viz.targets import allocation_figure
    methods = ("equal", "history", "capability")
    table = allocation_table(TEAM_MONTH_TARGET, _team(lang, tenure), methods=methods, unit=1_000)
    return allocation_figure(table, {m: t(f"target_setting.method.{m}", lang) for m in methods}, lang, bottom_up=None)


@_block("targets", "okr", "table", Param("followers", "lessons.param.followers_growth", 21, 0, 45))
def _targets_okr(lang: str, followers: int) -> pd.DataFrame:
    """COURSE.md §1 OKR (S0): the objective "raise brand influence with 18–25s" and its three key results
    (followers +30 %, engagement +25 %, brand mentions +40 %) scored 0–1 by :func:`simlib.formulas.targets.okr_score`."""
    from simlib.formulas.targets import okr_score
    krs = [{"name": "followers", "target": 30, "actual": followers},
           {"name": "engagement", "target": 25, "actual": 15},
           {"name": "mentions", "target": 40, "actual": 44}]
    df = okr_score(krs)
    rows = [{"kr": t(f"lessons.targets.okr.kr.{r.key_result}", lang),
             "target": r.target / 100 if r.key_result != "objective" else math.nan,
             "actual": r.actual / 100 if r.key_result != "objective" else math.nan,
             "progress": r.progress, "score": r.score} for r in df.itertuples()]
    overall = float(df.score.iloc[-1])
    return _table(rows, lang, {"kr": "lessons.col.key_result", "target": "lessons.col.target_growth",
                               "actual": "lessons.col.actual_growth", "progress": "lessons.col.progress",
                               "score": "lessons.col.score"},
                  {"target": "+.0%", "actual": "+.0%", "progress": ".0%", "score": ".2f"},
                  note=t("lessons.targets.okr.note", lang, score=f"{overall:.2f}"))


# =============================================================================================
# §2 The funnel
# =============================================================================================
FUNNEL = "funnel_basics.yaml"
SEED = 7


@_block("funnel", "reverse", "table", Param("wins", "lessons.param.target_wins", 60, 0, 200))
def _funnel_reverse(lang: str, wins: int) -> pd.DataFrame:
    """COURSE.md §2 reverse calculation (S3): deals needed entering each stage of the S1 funnel for
    ``wins`` wins, :func:`simlib.required_leads`, against the 60 leads a week the team gets."""
    from simlib.core.funnel import required_leads
    sc = _scenario(FUNNEL)
    need = required_leads(sc, wins)
    weeks = sc.horizon_weeks
    rows = [{"stage": s.display(lang), "conversion": s.conversion, "need": need[s.name], "week": need[s.name] / weeks}
            for s in sc.funnel.stages]
    rows.append({"stage": t("viz.won", lang), "conversion": math.nan, "need": float(wins), "week": wins / weeks})
    first = need[sc.stage_names[0]]
    note = t("lessons.funnel.reverse.note", lang, leads=f"{first / weeks:,.1f}", have=_num(sc.leads.per_week),
             weeks=weeks)
    return _table(rows, lang, {"stage": "lessons.col.stage", "conversion": "lessons.col.conversion",
                               "need": "lessons.col.needed", "week": "lessons.col.per_week"},
                  {"conversion": ".0%", "need": ",.1f", "week": ",.1f"}, note=note)


@_block("funnel", "simulated", "figure", Param("leads", "lessons.param.leads_per_week", 60, 10, 150, 5))
def _funnel_simulated(lang: str, leads: int) -> Any:
    """COURSE.md §2 the funnel: one simulated quarter (:func:`simlib.simulate`, seed 7) of the S1 funnel
    beside the analytic flow, :func:`simlib.viz.funnel.funnel_figure`."""
    from simlib.analysis.simulation import simulate
    from simlib.viz.funnel import funnel_figure
    return funnel_figure(simulate(_scenario(FUNNEL).with_changes({"leads.per_week": leads}), seed=SEED), lang)


@_block("funnel", "capacity", "figure", Param("reps", "lessons.param.reps", 15, 4, 20))
def _funnel_capacity(lang: str, reps: int) -> Any:
    """COURSE.md §2 capacity: each rep's share of hours worked in a simulated quarter against the hours the
    funnel demands (:func:`simlib.viz.funnel.utilization_figure`)."""
    from simlib.analysis.simulation import simulate
    from simlib.viz.funnel import utilization_figure
    return utilization_figure(simulate(_scenario(FUNNEL).with_changes({"team.reps": reps}), seed=SEED), lang)


@_block("funnel", "bottleneck", "table", Param("conversion", "lessons.param.visit_proposal", 45, 10, 80, 5))
def _funnel_bottleneck(lang: str, conversion: int) -> pd.DataFrame:
    """COURSE.md §2 and §5 the electronics case (S0): visit → proposal 20 % → 45 % yet sales only +30 %.
    :func:`simlib.expected` and :func:`simlib.bottleneck` of the case's team (``electronics_bottleneck``)
    before training and at ``conversion`` %."""
    from simlib.core.funnel import bottleneck, expected
    base = _case_scenario("electronics_bottleneck")
    now = base.with_changes({"funnel.stages[0].conversion": conversion / 100})
    h = base.horizon_weeks
    cols = {}
    for name, sc in (("before", base), ("now", now)):
        e, b = expected(sc), bottleneck(sc)
        stage = next(s for s in sc.funnel.stages if s.name == b["stage"]).display(lang)
        cols[name] = {"won": e["won"] / h, "demanded": e["hours_demanded"] / h, "available": e["hours_available"] / h,
                      "utilization": e["utilization"], "carried": e["won_capacity_limited"] / h,
                      "bottleneck": t(f"lessons.funnel.bottleneck.{b['kind']}", lang, stage=stage)}
    change = cols["now"]["carried"] / cols["before"]["carried"] - 1
    fmt = {"won": lambda v: f"{v:,.2f}", "demanded": lambda v: f"{v:,.0f}", "available": lambda v: f"{v:,.0f}",
           "utilization": _pct, "carried": lambda v: f"{v:,.2f}", "bottleneck": str}
    rows = [{"metric": t(f"lessons.funnel.bottleneck.row.{k}", lang), "before": f(cols["before"][k]),
             "now": f(cols["now"][k])} for k, f in fmt.items()]
    note = t("lessons.funnel.bottleneck.note", lang, change=f"{change:+.0%}",
             naive=f"{cols['now']['won'] / cols['before']['won'] - 1:+.0%}")
    return _table(rows, lang, {"metric": "lessons.col.metric", "before": "lessons.funnel.bottleneck.before",
                               "now": "lessons.funnel.bottleneck.now"}, note=note)


@cache
def _case_scenario(case: str):
    from simlib.analysis.cases import load_case
    return load_case(case).base_scenario


# =============================================================================================
# §3 Pay and incentives
# =============================================================================================
QUOTA = 225_000             # a rep's quarterly quota in the Pay Plan Lab's team (scenarios/pay/behaviour_base.yaml)
PLANS = ("linear", "s1_tiered_2_3_4", "s1_coefficient_table", "s3_tiers")
PERIOD_QUARTERS = {"month": 1 / 3, "quarter": 1.0, "year": 4.0}
PAY_TEAM = (10, 174)        # reps and leads a week of the simulated pay block: 2/3 of the Pay Plan Lab's team


@cache
def _plan(key: str):
    from simlib.formulas.incentives import CompPlan
    return CompPlan.from_yaml(SCENARIOS / "plans" / f"{key}.yaml")


@_block("pay", "curve", "figure", Param("attainment", "lessons.param.attainment", 115, 0, 200, 5))
def _pay_curve(lang: str, attainment: int) -> Any:
    """COURSE.md §3 tiered commission (S1 "達標前2%,達標後3%,超額4%"): the plan read as marginal and as
    retroactive tiers, :func:`simlib.viz.pay.pay_curve_figure`, with a rep at ``attainment`` % of a
    225,000 quarterly quota."""
    from simlib.formulas.incentives import CompPlan
    from simlib.viz.pay import pay_curve_figure
    marginal = _plan("s1_tiered_2_3_4")
    data = marginal.to_dict()
    retro = CompPlan.from_dict(data | {"commission": data["commission"] | {"mode": "retroactive"}})
    names = {k: t(f"lessons.pay.{k}", lang) for k in ("marginal", "retroactive")}
    return pay_curve_figure({"marginal": marginal, "retroactive": retro}, QUOTA, lang,
                            sales=attainment / 100 * QUOTA, names=names)


@_block("pay", "payout", "table", Param("attainment", "lessons.param.attainment", 110, 0, 200, 5))
def _pay_payout(lang: str, attainment: int) -> pd.DataFrame:
    """COURSE.md §3 attainment-coefficient table (S1): one rep's quarter under
    ``scenarios/plans/s1_coefficient_table.yaml``, :meth:`simlib.formulas.incentives.CompPlan.payout` line by line."""
    p = _plan("s1_coefficient_table").payout(sales=attainment / 100 * QUOTA, quota=QUOTA)
    df = p.table(lang).rename(columns={"item": t("lessons.col.item", lang), "amount": t("lessons.col.amount", lang)})
    note = t("lessons.pay.payout.note", lang, sales=_money(attainment / 100 * QUOTA, lang), quota=_money(QUOTA, lang),
             attainment=_pct(p.attainment, 1), variable=_money(p.commission + p.bonus, lang))
    return _localised(df, {t("lessons.col.amount", lang): ",.2f"}, note)


@_block("pay", "plans", "table", Param("attainment", "lessons.param.attainment", 110, 0, 200, 5))
def _pay_plans(lang: str, attainment: int) -> pd.DataFrame:
    """COURSE.md §3 pay mix (S1: fixed pay 40–60 % of the total) and the decks' plans side by side: each
    plan's pay for one period at the same attainment, :func:`simlib.formulas.incentives.pay_table`."""
    from simlib.formulas.incentives import pay_table
    rows = []
    for key in PLANS:
        plan = _plan(key)
        quota = QUOTA * PERIOD_QUARTERS[plan.period]
        r = pay_table(plan, pd.Series({"rep": attainment / 100 * quota}), quota).iloc[0]
        rows.append({"plan": t(f"pay_lab.plan.{key}", lang), "period": t(f"lessons.period.{plan.period}", lang),
                     "quota": quota, "base": plan.base_pay, "variable": r.commission + r.bonus, "total": r.total,
                     "cost": r.cost_ratio, "fixed": plan.base_pay / r.total if r.total else math.nan})
    return _table(rows, lang, {"plan": "lessons.col.plan", "period": "lessons.col.period", "quota": "lessons.col.quota",
                               "base": "lessons.col.base", "variable": "lessons.col.variable",
                               "total": "lessons.col.total", "cost": "lessons.col.cost_ratio",
                               "fixed": "lessons.col.fixed_share"},
                  {"quota": ",.0f", "base": ",.0f", "variable": ",.0f", "total": ",.0f", "cost": ".1%",
                   "fixed": ".0%"}, note=t("lessons.pay.plans.note", lang))


@_block("pay", "simulated", "figure", Param("quota", "lessons.param.quota_k", 225, 150, 300, 25))
def _pay_simulated(lang: str, quota: int) -> Any:
    """COURSE.md §3 what a plan makes reps do: two thirds of the Pay Plan Lab's team (10 reps, 174 leads a week)
    for one quarter under the linear
    plan and the S1 coefficient table, same seed (:func:`simlib.analysis.whatif.compare_plans`, rational reps): revenue,
    pay cost ÷ revenue and reps at quota, :func:`simlib.viz.lessons.plan_outcome_figure`."""
    from simlib.analysis.whatif import compare_plans, with_plan
    from simlib.viz.lessons import plan_outcome_figure
    base = _scenario("pay/behaviour_base.yaml").with_changes({"team.reps": PAY_TEAM[0], "leads.per_week": PAY_TEAM[1]})
    keys = ("linear", "s1_coefficient_table")
    scen = {k: with_plan(base, _plan(k), quotas={"per_rep": quota * 1000}) for k in keys}
    cmp = compare_plans(base, scen, seed=3, replications=1, behaviour="rational", horizon_weeks=13)
    return plan_outcome_figure(cmp.summary, lang, {k: t(f"pay_lab.plan.{k}", lang) for k in keys})


# =============================================================================================
# §4 Appraisal and feedback
# =============================================================================================
@_block("appraisal", "weights", "table", Param("results", "lessons.param.results_score", 82, 0, 100))
def _appraisal_weights(lang: str, results: int) -> pd.DataFrame:
    """COURSE.md §4 appraisal weights (S3 results 60 / process 20 / capability 10 / teamwork 10):
    :func:`simlib.formulas.appraisal.appraisal_score` of one rep, its table and the sentence about it."""
    from simlib.formulas.appraisal import appraisal_score
    r = appraisal_score({"results": results, "process": 90, "capability": 70, "teamwork": 85})
    df = r.table(lang)
    cols = list(df.columns)
    return _localised(df, {cols[1]: ".0%", cols[2]: "g", cols[3]: ".1f"}, r.text(lang))


PITCH = {  # contestant → (sales director's sheet, product manager's sheet): accuracy, clarity, value, Q&A, presence
    "li": ((19, 18, 18, 16, 13), (17, 16, 21, 18, 14)),
    "wang": ((18, 17, 22, 15, 12), (16, 15, 20, 17, 14)),
    "zhang": ((18, 16, None, 17, 14), (17, 15, None, 16, 13)),
}


@_block("appraisal", "pitch", "table", Param("value", "lessons.param.value_score", 15, 0, 25))
def _appraisal_pitch(lang: str, value: int) -> pd.DataFrame:
    """COURSE.md §4 the product-pitch contest rubric (S3: accuracy 20, clarity 20, value translation 25,
    Q&A 20, presence 15): two judges' sheets for three reps, :func:`simlib.formulas.appraisal.score_pitches`."""
    from simlib.formulas.appraisal import PITCH_RUBRIC, score_pitches
    names = _names(lang, *PITCH)
    judges = (t("lessons.appraisal.judge.director", lang), t("lessons.appraisal.judge.product", lang))
    sheets = []
    for who, pair in PITCH.items():
        for judge, marks in zip(judges, pair, strict=True):
            sheet = {c: (value if m is None else m) for c, m in zip(PITCH_RUBRIC, marks, strict=True)}
            sheets.append({"contestant": names[who], "judge": judge} | sheet)
    res = score_pitches(sheets)
    df = res.table(lang)
    note = " ".join(res.feedback(names["zhang"], lang)[-2:])
    return _localised(df, dict.fromkeys(df.columns[3:], "g"), note)


SELF_CHECK = {"follow_ups": 15, "proposals": 5, "demos": 3, "orders": 1, "sales": 120_000, "satisfaction": 0.92}


@_block("appraisal", "selfcheck", "table", Param("visits", "lessons.param.new_visits", 8, 0, 15))
def _appraisal_selfcheck(lang: str, visits: int) -> pd.DataFrame:
    """COURSE.md §4 the weekly self-check sheet (S3: visits 10, follow-ups 15, proposals 5, demos 3,
    orders 2, sales 100 k, satisfaction 90 %): one week filled in, :func:`simlib.formulas.appraisal.self_check`."""
    from simlib.formulas.appraisal import self_check
    s = self_check({"new_visits": visits} | SELF_CHECK)
    df = s.table(lang)
    cols = list(df.columns)
    return _localised(df, {cols[1]: ",g", cols[2]: ",g", cols[3]: ".0%"}, s.text(lang))


@_block("appraisal", "coin", "table")
def _appraisal_coin(lang: str) -> pd.DataFrame:
    """COURSE.md §4 COIN feedback (S0: Context, Observation, Impact, Next): a factual record and a judgemental
    one, checked by :meth:`simlib.formulas.appraisal.CoinFeedback.check`."""
    from simlib.base.records import label_or_key
    from simlib.formulas.appraisal import COIN_PARTS, CoinFeedback
    records = {k: CoinFeedback.from_dict({p: t(f"lessons.appraisal.coin.{k}.{p}", lang) for p in COIN_PARTS})
               for k in ("good", "poor")}
    rows = [{"part": label_or_key(f"appraisal.coin.part.{p}", lang)} | {k: getattr(r, p) for k, r in records.items()}
            for p in COIN_PARTS]
    hints = {k: r.hints(lang) for k, r in records.items()}
    rows.append({"part": t("lessons.col.hints", lang)} |
                {k: "\n".join(h) if h else t("lessons.appraisal.coin.no_hints", lang) for k, h in hints.items()})
    return _table(rows, lang, {"part": "lessons.col.part", "good": "lessons.appraisal.coin.good_title",
                               "poor": "lessons.appraisal.coin.poor_title"},
                  note=t("lessons.appraisal.coin.note", lang, hints=len(hints["poor"])))


# =============================================================================================
# §5 Team
# =============================================================================================
TEAM_SCENARIO = "team/s0_it_company.yaml"


@_block("team", "ramp", "figure", Param("speed", "lessons.param.mentor_speed", 3.4, 1.0, 5.0, 0.1))
def _team_ramp(lang: str, speed: float) -> Any:
    """COURSE.md §5 mentoring (S0: new hires' 3-month attainment 60 % → 85 % with a mentor): the ramp curve
    :func:`simlib.models.team.ramp_curve` without and with a mentor who speeds learning ``speed`` times, and the
    3-month means :func:`simlib.models.team.mean_ramp`; :func:`simlib.viz.lessons.ramp_figure`."""
    from simlib.viz.lessons import ramp_figure
    return ramp_figure(speed, lang)


@_block("team", "mentoring", "table", Param("attrition", "lessons.param.attrition", 30, 0, 80, 5))
def _team_mentoring(lang: str, attrition: int) -> pd.DataFrame:
    """COURSE.md §5 the S0 IT company (15 reps, 30 % turnover): half a year with and without one-to-one mentors,
    same seed, :func:`simlib.analysis.whatif.compare_teams`."""
    from simlib.analysis.whatif import compare_teams
    sc = _scenario(TEAM_SCENARIO).with_changes({"horizon_weeks": 26, "people.attrition.annual_rate": attrition / 100})
    cmp = compare_teams({"with": sc, "without": sc.with_changes({"people.mentoring": None})}, seed=1)
    s = cmp.summary
    fmt = {"revenue": lambda v: _money(v, lang), "attainment_mean": _pct, "new_hire_ramp": _pct,
           "turnover_annual": _pct, "quits": lambda v: f"{v:,.0f}", "hires": lambda v: f"{v:,.0f}",
           "development_hours": lambda v: f"{v:,.0f}"}
    rows = [{"metric": t(f"team_lab.metric.{m}", lang), "with": f(float(s.loc["with", m])),
             "without": f(float(s.loc["without", m]))} for m, f in fmt.items()]
    return _table(rows, lang, {"metric": "lessons.col.metric", "with": "lessons.team.with_mentors",
                               "without": "lessons.team.without_mentors"},
                  note=t("lessons.team.mentoring.note", lang, weeks=26))


@_block("team", "staffing", "figure", Param("vacancy", "lessons.param.vacancy_weeks", 6, 0, 16))
def _team_staffing(lang: str, vacancy: int) -> Any:
    """COURSE.md §5 turnover: a year of the S0 IT company's 15 seats (30 % turnover, mentors, training, PIPs)
    with seats left empty ``vacancy`` weeks before a new hire, :func:`simlib.simulate` and
    :func:`simlib.viz.team.staffing_figure`."""
    from simlib.analysis.simulation import simulate
    from simlib.viz.team import staffing_figure
    sc = _scenario(TEAM_SCENARIO).with_changes({"people.hiring.vacancy_weeks": vacancy})
    fig = staffing_figure(simulate(sc, seed=1).people, lang)
    fig.layout.title.text = t("lessons.team.staffing.figure", lang, weeks=vacancy)
    return fig


# =============================================================================================
# §6 Customers
# =============================================================================================
@cache
def _accounts():
    from simlib.formulas.customers import synthetic_accounts
    return synthetic_accounts(200, seed=1)


@_block("customers", "tiers", "figure", Param("a_share", "lessons.param.a_share", 20, 5, 60, 5))
def _customers_tiers(lang: str, a_share: int) -> Any:
    """COURSE.md §6 A/B/C tiering (S0: A ≈ 20 % of customers and 80 % of profit, B ≈ 30 %, C ≈ 50 %): 200
    synthetic accounts (:func:`simlib.formulas.customers.synthetic_accounts`) on the Pareto curve with tier A's share of
    accounts at ``a_share`` %, :func:`simlib.viz.customers.pareto_figure` (its cuts by :func:`abc_tiers`)."""
    from simlib.viz.customers import pareto_figure
    a = a_share / 100
    shares = (a, 0.3, round(1 - a - 0.3, 10))
    return pareto_figure(_accounts()["profit"].tolist(), {"yours": shares}, lang,
                         names={"yours": t("lessons.customers.tiers.cuts", lang)})


RETENTION = {"B": 0.70, "C": 0.50}
DISCOUNT_RATE = 0.10


@_block("customers", "clv", "table", Param("renewal", "lessons.param.a_renewal", 75, 40, 98))
def _customers_clv(lang: str, renewal: int) -> pd.DataFrame:
    """COURSE.md §6 customer success (S0: A customers' renewal 75 % → 93 %): each tier's mean account
    (:func:`simlib.formulas.customers.abc_tiers` of the synthetic accounts) and its lifetime value,
    :func:`simlib.formulas.customers.clv` at a 10 % discount rate."""
    from simlib.formulas.customers import abc_tiers, clv, expected_lifetime
    tiers = abc_tiers(_accounts())
    acc = tiers.accounts
    rows = []
    for k in ("A", "B", "C"):
        g = acc[acc.tier == k]
        rev, margin = float(g.revenue.mean()), float(g.margin.mean())
        r = renewal / 100 if k == "A" else RETENTION[k]
        rows.append({"tier": k, "accounts": len(g), "revenue": rev, "margin": margin, "renewal": r,
                     "lifetime": float(expected_lifetime(r)),
                     "clv": float(clv(rev, margin, r, discount_rate=DISCOUNT_RATE))})
    return _table(rows, lang, {"tier": "customers.col.tier", "accounts": "customers.col.accounts",
                               "revenue": "lessons.col.mean_revenue", "margin": "lessons.col.margin",
                               "renewal": "lessons.col.renewal", "lifetime": "lessons.col.lifetime",
                               "clv": "lessons.col.clv"},
                  {"revenue": ",.0f", "margin": ".0%", "renewal": ".0%", "lifetime": ".1f", "clv": ",.0f"},
                  note=t("lessons.customers.clv.note", lang, rate=_pct(DISCOUNT_RATE)))


SURVEY = 20


def survey(promoters: int) -> list[int]:
    """Twenty answers to "how likely are you to recommend us?" (0–10): ``promoters`` 9–10s, up to five 7–8s,
    the rest 0–6."""
    passives = min(5, SURVEY - promoters)
    rest = SURVEY - promoters - passives
    return [(10, 9)[i % 2] for i in range(promoters)] + [(8, 7)[i % 2] for i in range(passives)] + \
        [(6, 5, 3)[i % 3] for i in range(rest)]


@_block("customers", "nps", "table", Param("promoters", "lessons.param.promoters", 9, 0, 20))
def _customers_nps(lang: str, promoters: int) -> pd.DataFrame:
    """COURSE.md §6 NPS and CSAT surveys (S2): twenty customers answer both; :func:`simlib.formulas.customers.nps` and
    :func:`simlib.formulas.customers.csat` (a 9–10 answers 5 of 5, a 7–8 answers 4, the rest 2)."""
    from simlib.formulas.customers import csat, nps
    answers = survey(promoters)
    r = nps(answers)
    sat = csat([5 if a >= 9 else 4 if a >= 7 else 2 for a in answers])
    rows = [{"metric": t("lessons.customers.nps.row.nps", lang), "value": f"{r.nps:+.0f}"},
            {"metric": t("lessons.customers.nps.row.promoters", lang), "value": _pct(r.promoters)},
            {"metric": t("lessons.customers.nps.row.passives", lang), "value": _pct(r.passives)},
            {"metric": t("lessons.customers.nps.row.detractors", lang), "value": _pct(r.detractors)},
            {"metric": t("lessons.customers.nps.row.csat", lang), "value": _pct(sat)}]
    return _table(rows, lang, {"metric": "lessons.col.metric", "value": "lessons.col.value"}, note=r.text(lang))


COMPLAINTS = (  # received, severity, responded (None = open), cause key
    ("2025-05-06 09:00", "general", None, "delivery"),
    ("2025-05-06 10:00", "urgent", "2025-05-06 13:00", "quality"),
    ("2025-05-06 11:00", "urgent", "2025-05-06 17:30", "quality"),
    ("2025-05-06 14:00", "major", "2025-05-06 14:40", "billing"),
    ("2025-05-06 15:00", "general", None, "service"),
)
CHECKED_AT = "2025-05-07 18:00"


@_block("customers", "complaints", "table", Param("hours", "lessons.param.answer_hours", 20, 1, 48))
def _customers_complaints(lang: str, hours: int) -> pd.DataFrame:
    """COURSE.md §6 complaints (S2: general answered within 24 h; urgent, major; major ones escalated): a
    day's log checked at the next evening, the first complaint answered after ``hours`` hours,
    :func:`simlib.formulas.customers.check_complaints` and :func:`simlib.formulas.customers.localise`."""
    from simlib.formulas.customers import check_complaints, localise
    first = pd.Timestamp(COMPLAINTS[0][0]) + pd.Timedelta(hours=hours)
    log = pd.DataFrame([{"received": rec, "severity": sev, "responded": (str(first) if i == 0 else resp),
                         "cause": t(f"lessons.customers.cause.{cause}", lang)}
                        for i, (rec, sev, resp, cause) in enumerate(COMPLAINTS)])
    out = check_complaints(log, now=CHECKED_AT)
    shown = out[["received", "severity", "cause", "sla_hours", "response_hours", "status", "escalate"]].copy()
    shown["received"] = shown["received"].dt.strftime("%m-%d %H:%M")
    df = localise(shown, lang)
    df = df.rename(columns={df.columns[2]: t("customers.col.cause", lang)})
    note = t("lessons.customers.complaints.note", lang, breached=int(out.breached.sum()), total=len(out),
             now=CHECKED_AT[5:])
    return _localised(df, {df.columns[3]: "g", df.columns[4]: ".1f"}, note)


# =============================================================================================
# §8 Data
# =============================================================================================
@_block("data", "stages", "table", Param("seed", "lessons.param.seed", 7, 0, 50))
def _data_stages(lang: str, seed: int) -> pd.DataFrame:
    """COURSE.md §8 the funnel-health board (stage counts, conversion): one simulated quarter of the Funnel
    Basics team, :meth:`simlib.SimResult.stage_counts`, for the run with seed ``seed``."""
    from simlib.analysis.simulation import simulate
    sc = _scenario(FUNNEL)
    c = simulate(sc, seed=seed).stage_counts()
    labels = {s.name: s.display(lang) for s in sc.funnel.stages}
    planned = {s.name: s.conversion for s in sc.funnel.stages}
    rows = [{"stage": labels[r.stage], "entered": r.entered, "passed": r.passed, "lost": r.lost, "open": r.open,
             "conversion": r.conversion, "planned": planned[r.stage], "expected": r.expected_entered}
            for r in c.itertuples()]
    return _table(rows, lang, {"stage": "lessons.col.stage", "entered": "lessons.col.entered",
                               "passed": "lessons.col.passed", "lost": "lessons.col.lost", "open": "lessons.col.open",
                               "conversion": "lessons.col.observed", "planned": "lessons.col.planned",
                               "expected": "lessons.col.expected_entered"},
                  {"entered": ",d", "passed": ",d", "lost": ",d", "open": ",d", "conversion": ".1%",
                   "planned": ".0%", "expected": ",.0f"}, note=t("lessons.data.stages.note", lang, seed=seed))


@_block("data", "weekly", "figure", Param("leads", "lessons.param.leads_per_week", 60, 10, 150, 5))
def _data_weekly(lang: str, leads: int) -> Any:
    """COURSE.md §8 the trend line: wins and revenue week by week of one simulated quarter,
    :meth:`simlib.SimResult.weekly` drawn by :func:`simlib.viz.funnel.weekly_figure`."""
    from simlib.analysis.simulation import simulate
    from simlib.viz.funnel import weekly_figure
    return weekly_figure(simulate(_scenario(FUNNEL).with_changes({"leads.per_week": leads}), seed=SEED), lang)


@_block("data", "pace", "figure", Param("target", "lessons.param.quarter_target_m", 2.5, 1.0, 4.0, 0.1))
def _data_pace(lang: str, target: float) -> Any:
    """COURSE.md §8 the attainment board (target vs actual, warnings): cumulative simulated revenue
    (:meth:`simlib.SimResult.weekly`) against the even pace to a quarterly target of ``target`` M yuan,
    :func:`simlib.viz.lessons.pace_figure`."""
    from simlib.analysis.simulation import simulate
    from simlib.viz.lessons import pace_figure
    return pace_figure(simulate(_scenario(FUNNEL), seed=SEED).weekly(), target * 1_000_000, lang)


@_block("data", "kpis", "table", Param("reps", "lessons.param.reps", 15, 4, 20))
def _data_kpis(lang: str, reps: int) -> pd.DataFrame:
    """COURSE.md §8 KPI families (results, conversion, process, efficiency) of one simulated quarter with
    ``reps`` reps, from :meth:`simlib.SimResult.summary` and :meth:`simlib.SimResult.rep_weeks`."""
    from simlib.analysis.simulation import simulate
    res = simulate(_scenario(FUNNEL).with_changes({"team.reps": reps}), seed=SEED)
    s = res.summary()
    rw = res.rep_weeks
    touched = float(rw.groupby("rep").deals_touched.sum().mean()) / res.scenario.horizon_weeks
    rows = [("results", "revenue", _money(s["revenue"], lang)),
            ("results", "won", f"{s['won']:,d}"),
            ("results", "avg_won_value", _money(s["avg_won_value"], lang)),
            ("conversion", "win_rate", _pct(s["win_rate"], 1)),
            ("conversion", "lead_to_won", _pct(s["won"] / s["leads"] if s["leads"] else math.nan, 1)),
            ("process", "deals_touched", f"{touched:,.1f}"),
            ("process", "open", f"{s['open']:,d}"),
            ("efficiency", "cycle", "—" if not math.isfinite(s["avg_cycle_weeks"]) else f"{s['avg_cycle_weeks']:.1f}"),
            ("efficiency", "utilization", _pct(s["utilization"]))]
    out = [{"family": t(f"lessons.data.kpis.family.{f}", lang), "kpi": t(f"lessons.data.kpis.kpi.{k}", lang),
            "value": v} for f, k, v in rows]
    return _table(out, lang, {"family": "lessons.col.family", "kpi": "lessons.col.kpi", "value": "lessons.col.value"},
                  note=t("lessons.data.kpis.note", lang, reps=reps))


# ---------------------------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------------------------
_SECTIONS = {"targets": "§1", "funnel": "§2", "pay": "§3", "appraisal": "§4", "team": "§5", "customers": "§6",
             "data": "§8"}
_PAGES = {     # where a trainee practises each module (the hub lists the same, by module)
    "targets": ("target_setting.ipynb", "exercises/smart_target.ipynb", "exercises/decomposition.ipynb",
                "exercises/okr_scoring.ipynb", "cases/department_a.ipynb", "cases/manufacturing_mbo.ipynb"),
    "funnel": ("funnel_lab.ipynb", "exercises/mid_quarter_review.ipynb", "cases/electronics_bottleneck.ipynb"),
    "pay": ("pay_lab.ipynb", "cases/b2b_mbo.ipynb"),
    "appraisal": ("exercises/self_check.ipynb", "exercises/pitch_scoring.ipynb",
                  "exercises/coin_feedback.ipynb", "exercises/improvement_plan.ipynb", "cases/zhang_ming.ipynb"),
    "team": ("team_lab.ipynb", "cases/mentoring.ipynb", "cases/it_turnaround.ipynb", "cases/east_west.ipynb"),
    "customers": ("customer_lab.ipynb", "exercises/screening_341.ipynb", "exercises/abc_tiering.ipynb",
                  "cases/customer_success.ipynb"),
    "data": ("dashboards.ipynb", "funnel_lab.ipynb"),
}

MODULES: dict[str, Module] = {
    key: Module(key, _SECTIONS[key], tuple(_BLOCKS[key]), _PAGES[key]) for key in _SECTIONS
}
"""The course's modules in teaching order: targets, funnel, pay, appraisal, team, customers, data."""
