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

Modules:

- :mod:`~simlib.content.lessons.registry`: the types (:class:`Param`, :class:`Block`, :class:`Module`,
  :class:`BlockList`), the table helpers, :func:`table_html` and :func:`page_title`;
- the blocks of each course module: :mod:`~simlib.content.lessons.targets` (§1),
  :mod:`~simlib.content.lessons.funnel` (§2), :mod:`~simlib.content.lessons.pay` (§3),
  :mod:`~simlib.content.lessons.appraisal` (§4), :mod:`~simlib.content.lessons.team` (§5),
  :mod:`~simlib.content.lessons.customers` (§6) and :mod:`~simlib.content.lessons.data` (§8);
- this package assembles them into :data:`MODULES`.
"""
from __future__ import annotations

from simlib.content.lessons import appraisal, customers, data, funnel, pay, targets, team
from simlib.content.lessons.appraisal import PITCH, SELF_CHECK
from simlib.content.lessons.customers import CHECKED_AT, COMPLAINTS, DISCOUNT_RATE, RETENTION, SURVEY, survey
from simlib.content.lessons.funnel import FUNNEL, SEED
from simlib.content.lessons.pay import PAY_TEAM, PERIOD_QUARTERS, PLANS, QUOTA
from simlib.content.lessons.registry import (
    ROOT,
    SCENARIOS,
    Block,
    BlockList,
    Kind,
    Module,
    Param,
    course_scenario,
    lesson_table,
    localised_table,
    page_title,
    person_names,
    table_html,
)
from simlib.content.lessons.targets import PRODUCT_SHARES, SMART_EXAMPLES, TEAM, TEAM_MONTH_TARGET, team_reps
from simlib.content.lessons.team import TEAM_SCENARIO

__all__ = [
    "CHECKED_AT",
    "COMPLAINTS",
    "DISCOUNT_RATE",
    "FUNNEL",
    "MODULES",
    "PAY_TEAM",
    "PERIOD_QUARTERS",
    "PITCH",
    "PLANS",
    "PRODUCT_SHARES",
    "QUOTA",
    "RETENTION",
    "ROOT",
    "SCENARIOS",
    "SEED",
    "SELF_CHECK",
    "SMART_EXAMPLES",
    "SURVEY",
    "TEAM",
    "TEAM_MONTH_TARGET",
    "TEAM_SCENARIO",
    "Block",
    "BlockList",
    "Kind",
    "Module",
    "Param",
    "course_scenario",
    "lesson_table",
    "localised_table",
    "page_title",
    "person_names",
    "survey",
    "table_html",
    "team_reps",
]

_SECTIONS = {"targets": "§1", "funnel": "§2", "pay": "§3", "appraisal": "§4", "team": "§5", "customers": "§6",
             "data": "§8"}
_PAGES = {     # where a trainee practises each module (the hub lists the same, by module)
    "targets": ("target_setting.ipynb", "exercises/smart_target.ipynb", "exercises/decomposition.ipynb",
                "exercises/target_check.ipynb", "exercises/okr_scoring.ipynb", "cases/department_a.ipynb", "cases/manufacturing_mbo.ipynb"),
    "funnel": ("funnel_lab.ipynb", "exercises/mid_quarter_review.ipynb", "cases/electronics_bottleneck.ipynb"),
    "pay": ("pay_lab.ipynb", "cases/b2b_mbo.ipynb"),
    "appraisal": ("exercises/self_check.ipynb", "exercises/pitch_scoring.ipynb",
                  "exercises/coin_feedback.ipynb", "exercises/improvement_plan.ipynb", "exercises/review_form.ipynb",
                  "cases/zhang_ming.ipynb"),
    "team": ("team_lab.ipynb", "cases/mentoring.ipynb", "cases/it_turnaround.ipynb", "cases/east_west.ipynb"),
    "customers": ("customer_lab.ipynb", "exercises/screening_341.ipynb", "exercises/abc_tiering.ipynb",
                  "cases/customer_success.ipynb"),
    "data": ("dashboards.ipynb", "funnel_lab.ipynb"),
}
_BLOCKS = {m.BLOCKS.module: m.BLOCKS.blocks for m in (targets, funnel, pay, appraisal, team, customers, data)}

MODULES: dict[str, Module] = {
    key: Module(key, _SECTIONS[key], _BLOCKS[key], _PAGES[key]) for key in _SECTIONS
}
"""The course's modules in teaching order: targets, funnel, pay, appraisal, team, customers, data."""
