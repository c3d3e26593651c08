"""A lesson page (課程單元): one module of the course (:data:`simlib.content.lessons.MODULES`) as narrative blocks —
a heading, a few sentences in the page's language, a slider or two, and the figure or table the library
computes — then links to the pages where the trainee practises it.

In a notebook served by Voilà (one notebook per module under ``notebooks/modules/``)::

    from simlib.ui.lesson import LessonPage
    LessonPage.from_query("targets").show()

Without a browser the same object is driven through its widgets; every number comes from the block's
call into :mod:`simlib`::

    >>> page = LessonPage("funnel", lang="en")
    >>> page.title.value
    '<h2 class="sdw-title">The funnel</h2>'
    >>> page.sliders["reverse"]["wins"].value = 30            # half the wins: half the leads
    >>> "500.0" in page.tables["reverse"].value
    True
    >>> page.set_language("zh-Hant")
    >>> "反推" in page.headings["reverse"].value
    True

Each block redraws on its own slider; an input the block refuses shows a message in the page's language
(``.sdw-message [role=alert]``), never a traceback (:class:`~simlib.ui.base.AppBase`).
"""
from __future__ import annotations

import os
import posixpath
from typing import Any
from urllib.parse import urlencode

import ipywidgets as W
import pandas as pd

from simlib.base.i18n import t
from simlib.content.lessons import MODULES, Block, Module, Param, page_title, table_html
from simlib.ui.base import AppBase, esc, guarded
from simlib.ui.figures import DEFAULT_RENDERER, FigureView, Renderer, make_view

__all__ = ["LessonPage", "figure_name"]

EXTRA_CSS = """
.sdw-app { max-width: 72em; }
.sdw-app h3.sdw-lesson-title { border-top: 2px solid #dfe6ee; padding-top: 0.6em; margin: 1.1em 0 0.2em 0;
  font-size: 1.3em; }
.sdw-app p.sdw-lesson-text { font-size: 1.05em; line-height: 1.65; max-width: 60em; margin: 0 0 0.5em 0; color: #222; }
.sdw-app table.sdw-lesson-table th { text-align: left; white-space: nowrap; vertical-align: bottom; }
.sdw-app table.sdw-lesson-table td { text-align: left; white-space: pre-line; vertical-align: top; }
.sdw-app table.sdw-lesson-table td.sdw-num { text-align: right; white-space: nowrap; }
.sdw-app p.sdw-lesson-note { max-width: 60em; margin: 0.2em 0 0.6em 0; }
.sdw-app .sdw-section-tag { color: #1f6fb2; font-weight: 600; }
.sdw-app .sdw-practise h3 { border-top: 2px solid #dfe6ee; padding-top: 0.6em; font-size: 1.3em; }
.sdw-app .sdw-practise li { margin: 0.3em 0; font-size: 1.05em; }
"""


def figure_name(module: str, block: str) -> str:
    """The name of a block's figure view: its DOM has class ``sdw-fig-<module>-<block>``."""
    return f"{module}-{block}"


def _base_path() -> str:
    """The folder URL of the notebooks (``…/notebooks/``) when Voilà serves a lesson ('' elsewhere)."""
    script = os.environ.get("SCRIPT_NAME", "")
    if script.endswith(".ipynb"):
        return posixpath.dirname(posixpath.dirname(script)) + "/"
    return "../"


class LessonPage(AppBase):
    """The page of one module (see the module's docstring).

    Attributes:
        module: the :class:`~simlib.content.lessons.Module` shown. outputs: ``{block: last output}``.
        sliders: ``{block: {param: slider}}``. views: ``{block: FigureView}`` of the figure blocks.
        tables: ``{block: HTML}`` of the table and HTML blocks. headings: ``{block: HTML}`` (title + narrative).
        practise: the "practise it" links.
    """

    KEY = "lesson_targets"          # replaced per page: app.lesson_<module>.title / .blurb
    EXTRA_CSS = EXTRA_CSS

    def __init__(self, module: str | Module = "targets", lang: str = "zh-Hant", *,
                 renderer: Renderer = DEFAULT_RENDERER):
        self.module = module if isinstance(module, Module) else self._resolve(module)
        self.KEY = self.module.app_key       # read by AppBase for the title and the blurb
        super().__init__(lang)
        self._ready = False
        self.outputs: dict[str, Any] = {}
        self.sliders: dict[str, dict[str, W.Widget]] = {}
        self.views: dict[str, FigureView] = {}
        self.tables: dict[str, W.HTML] = {}
        self.headings: dict[str, W.HTML] = {}
        blocks = [self._build_block(b, renderer) for b in self.module.blocks]
        self.figures = {figure_name(self.module.key, k): v for k, v in self.views.items()}
        self.practise = W.HTML()
        self.practise.add_class("sdw-practise")
        self._relabel(self._render_practise)
        self._finish_page(*blocks, self.practise)
        self._ready = True
        for b in self.module.blocks:
            self.update(b.key)

    @staticmethod
    def _resolve(key: str) -> Module:
        if key not in MODULES:
            raise KeyError(f"no lesson module {key!r}; the modules are {', '.join(MODULES)}")
        return MODULES[key]

    # -- building -------------------------------------------------------------------------------------------
    def _slider(self, block: Block, p: Param) -> W.Widget:
        common = {"value": p.default, "min": p.low, "max": p.high, "step": p.step, "continuous_update": False,
                  "style": {"description_width": "initial"}, "layout": W.Layout(width="100%", max_width="36em")}
        w = W.IntSlider(**common) if p.kind == "int" else W.FloatSlider(readout_format=".1f", **common)
        w.add_class("sdw-lesson-param")
        w.add_class(f"sdw-param-{block.key}-{p.name}")
        self._label(w, p.label)
        w.observe(lambda change, key=block.key: self._ready and self.update(key), names="value")
        return w

    def _build_block(self, block: Block, renderer: Renderer) -> W.Widget:
        heading = W.HTML()
        heading.add_class("sdw-lesson-heading")

        def relabel(lang: str) -> None:
            heading.value = (f'<h3 class="sdw-lesson-title">{esc(t(block.title_key, lang))}</h3>'
                             f'<p class="sdw-lesson-text">{esc(t(block.text_key, lang))}</p>')
        self._relabel(relabel)
        self.headings[block.key] = heading
        self.sliders[block.key] = {p.name: self._slider(block, p) for p in block.params}
        if block.kind == "figure":
            view = make_view(figure_name(self.module.key, block.key), renderer)
            self.views[block.key] = view
            out = view.widget
        else:
            out = W.HTML()
            out.add_class("sdw-lesson-output")
            self.tables[block.key] = out
        box = W.VBox([heading, *self.sliders[block.key].values(), out], layout=W.Layout(width="100%"))
        box.add_class("sdw-lesson-block")
        box.add_class(f"sdw-block-{block.key}")
        return box

    # -- computing ------------------------------------------------------------------------------------------
    def values(self, key: str) -> dict[str, float]:
        """The block's inputs as its sliders now show them."""
        return {name: w.value for name, w in self.sliders[key].items()}

    def update(self, key: str) -> None:
        """Recompute block ``key`` from its sliders and redraw it; a refusal is shown as a message."""
        guarded(f"block.{key}")(LessonPage._draw)(self, key)

    def _draw(self, key: str) -> None:
        block = self.module.block(key)
        out = block.render(self.lang, **self.values(key))
        self.outputs[key] = out
        if block.kind == "figure":
            self.views[key].show(out)
        elif isinstance(out, pd.DataFrame):
            self.tables[key].value = table_html(out, key)
        else:
            self.tables[key].value = str(out)

    # -- text -----------------------------------------------------------------------------------------------
    def _render_intro(self, lang: str) -> None:
        section = t("lessons.section", lang, section=self.module.section.lstrip("§"))   # the hub's module number
        self._intro.value = (f'<p class="sdw-muted"><span class="sdw-section-tag">{esc(section)}</span> · '
                             f'{esc(t(f"app.{self.KEY}.blurb", lang))}</p>')

    def link(self, page: str) -> str:
        """The URL of a page (a notebook path under ``notebooks/``) in the page's current language."""
        return f"{_base_path()}{page}?{urlencode({'lang': self.lang})}"

    def _render_practise(self, lang: str) -> None:
        if not self.module.pages:
            self.practise.value = ""
            return
        items = "".join(f'<li data-page="{esc(p)}"><a href="{esc(self.link(p))}" target="_self">'
                        f'{esc(page_title(p, lang))}</a></li>' for p in self.module.pages)
        self.practise.value = (f'<h3>{esc(t("lessons.practise.title", lang))}</h3>'
                               f'<p class="sdw-muted">{esc(t("lessons.practise.text", lang))}</p>'
                               f'<ul class="sdw-links">{items}</ul>')

    def _on_language(self) -> None:
        if not self._ready:
            return
        for b in self.module.blocks:
            self.update(b.key)
