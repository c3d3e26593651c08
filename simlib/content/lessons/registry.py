"""The lesson registry's types, and how a block's output is shown (the lesson pages of COURSE.md §1–§8).

A course module is a :class:`Module` of :class:`Block` s; each block is one function ``fn(lang, **params)``
declared in its module's :class:`BlockList` (``@BLOCKS.block(key, kind, *params)``), with its numeric
inputs as :class:`Param` s. A table block builds its DataFrame with :func:`lesson_table` (columns named
from the catalog) or :func:`localised_table` (a library table already in the reader's language);
:func:`table_html` draws it, :func:`page_title` names a "practise it" link, and :func:`course_scenario` /
:func:`person_names` are what several modules' blocks load and name.

    >>> blocks = BlockList("demo")
    >>> @blocks.block("double", "html", Param("reps", "lessons.param.reps", 2, 0, 9))
    ... def double(lang, reps):
    ...     "Twice the reps."
    ...     return str(2 * reps)
    >>> [(b.module, b.key, b.doc) for b in blocks], blocks.blocks[0].render("en", reps=4)
    ([('demo', 'double', 'Twice the reps.')], '8')
"""
from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np
import pandas as pd

from simlib.analysis.cases import case_titles
from simlib.base.fmt import number
from simlib.base.i18n import normalize_lang, t
from simlib.base.paths import content_root, scenarios_dir
from simlib.base.schema import ScenarioError
from simlib.core.scenario import Scenario, load_scenario

__all__ = ["ROOT", "SCENARIOS", "Block", "BlockList", "Kind", "Module", "Param", "course_scenario",
           "lesson_table", "localised_table", "page_title", "person_names", "table_html"]

ROOT = content_root()
SCENARIOS = scenarios_dir()
Kind = Literal["figure", "table", "html"]
F = TypeVar("F", bound=Callable[..., Any])


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
            raise ScenarioError.at(where, "type_number", input=value)
        if value < self.low:
            raise ScenarioError.at(where, "greater_than_equal", limit=number(self.low, lang), input=number(value, lang))
        if value > self.high:
            raise ScenarioError.at(where, "less_than_equal", limit=number(self.high, lang), input=number(value, lang))
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
                raise ScenarioError.at(name, "unknown_key", valid=", ".join(known) or "—")
        return {p.name: p.check(params.get(p.name, p.default), lang) for p in self.params}

    def render(self, lang: str = "zh-Hant", **params: Any) -> Any:
        """The block's output in ``lang`` for ``params`` (the others at their defaults); a figure's trace
        data are plain lists (a browser reads them as arrays, not as encoded binary)."""
        lang = normalize_lang(lang)
        out = self.compute(lang, **self.values(lang, **params))
        return _plain(out) if self.kind == "figure" else out


class BlockList:
    """The blocks of one course module, in the order they are declared.

    Args:
        module: the module's key (``targets``, ``funnel``, …).
    """

    def __init__(self, module: str):
        self.module = module
        self._blocks: list[Block] = []

    def block(self, key: str, kind: Kind, *params: Param) -> Callable[[F], F]:
        """Register the decorated ``fn(lang, **params)`` as block ``key`` of this module."""
        def deco(fn: F) -> F:
            self._blocks.append(Block(self.module, key, kind, fn, tuple(params)))
            return fn
        return deco

    @property
    def blocks(self) -> tuple[Block, ...]:
        return tuple(self._blocks)

    def __iter__(self) -> Iterator[Block]:
        return iter(self._blocks)


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


# ---------------------------------------------------------------------------------------------
# What the blocks share
# ---------------------------------------------------------------------------------------------
@cache
def course_scenario(rel: str) -> Scenario:
    """The scenario file ``scenarios/<rel>``, loaded once."""
    return load_scenario(SCENARIOS / rel)


def person_names(lang: str, *keys: str) -> dict[str, str]:
    """The people of the course's examples (``lessons.name.<key>``) in ``lang``."""
    return {k: t(f"lessons.name.{k}", lang) for k in keys}


def lesson_table(rows: list[dict], lang: str, cols: Mapping[str, str], formats: Mapping[str, str] | None = None,
                 note: str | None = None) -> pd.DataFrame:
    """A DataFrame of ``rows`` with columns ``{key: catalog key}`` in ``lang``; ``formats`` by column key."""
    names = {k: t(v, lang) for k, v in cols.items()}
    df = pd.DataFrame(rows, columns=list(cols)).rename(columns=names)
    df.attrs["formats"] = {names[k]: f for k, f in (formats or {}).items()}
    if note:
        df.attrs["note"] = note
    return df


def localised_table(df: pd.DataFrame, formats: Mapping[str, str] | None = None,
                    note: str | None = None) -> pd.DataFrame:
    """A copy of ``df`` (its columns already in the reader's language) with ``formats`` by column and ``note``."""
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


# ---------------------------------------------------------------------------------------------
# Drawing a block's table, naming a page
# ---------------------------------------------------------------------------------------------
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
        title = case_titles(lang).get(stem)
        if title:
            return title
    key = {"modules": f"app.lesson_{stem}.title", "exercises": f"app.exercise_{stem}.title"}.get(
        parent, f"app.{stem}.title")
    text = t(key, lang)
    return text if text != key else stem.replace("_", " ")
