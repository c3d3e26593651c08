"""The workbook's landing page: every page of the course by module — the module's lesson, its apps,
its case studies and its exercises — each with one line, opened in the page's language.

Modules follow COURSE.md (§1 targets … §8 data); each lists its pages as data in :data:`MODULES`
(notebook paths relative to ``notebooks/``). A page joins the hub by adding its path there; pages not
on disk yet are left out, so the hub never links to nothing::

    >>> hub = Hub(lang="en")
    >>> hub.link("funnel_lab.ipynb")
    'funnel_lab.ipynb?lang=en'
    >>> [p.kind for p in hub.pages("funnel")][:2]
    ['lesson', 'app']
"""
from __future__ import annotations

import html
import os
import posixpath
from dataclasses import dataclass
from urllib.parse import urlencode

import ipywidgets as W

from simlib.base.i18n import catalog, normalize_lang, t
from simlib.base.paths import notebooks_dir
from simlib.ui.lang import LanguageSwitch, lang_from_query

__all__ = ["APPS", "MODULES", "App", "Hub", "Page"]

NOTEBOOKS = notebooks_dir()


@dataclass(frozen=True)
class App:
    """One app on the hub: its notebook (beside the hub's) and its catalog key."""
    key: str
    notebook: str


APPS: tuple[App, ...] = (
    App("funnel_lab", "funnel_lab.ipynb"),
    App("target_setting", "target_setting.ipynb"),
    App("pay_lab", "pay_lab.ipynb"),
    App("team_lab", "team_lab.ipynb"),
    App("customer_lab", "customer_lab.ipynb"),
    App("dashboards", "dashboards.ipynb"),
    App("case_study", "cases/electronics_bottleneck.ipynb"),
)

def _modules() -> dict[str, tuple[str, ...]]:
    from simlib.content.lessons import MODULES as LESSONS
    out = {k: (m.notebook, *m.pages) for k, m in LESSONS.items()}
    out = {k: out[k] for k in ("targets", "funnel", "pay", "appraisal", "team", "customers")} | {
        "skills": ("exercises/objection_handling.ipynb", "exercises/group_work.ipynb"), "data": out["data"],
        "workshop": ("workshop/trainer.ipynb", "workshop/team.ipynb")}
    return out


#: module -> its pages (paths relative to notebooks/), in the order a trainee meets them: the module's
#: lesson then where it is practised (:data:`simlib.content.lessons.MODULES`), and the selling-skills drills
MODULES: dict[str, tuple[str, ...]] = _modules()

CSS = """<style>
.sdw-hub { font-family: "Noto Sans CJK TC", "Noto Sans CJK SC", system-ui, sans-serif; max-width: 64em; }
.sdw-hub h1 { margin: 0.2em 0 0 0; font-size: 1.8em; }
.sdw-hub .sdw-subtitle { color: #555; margin: 0 0 0.6em 0; font-size: 1.1em; }
.sdw-hub section.sdw-module { border-top: 2px solid #dfe6ee; margin-top: 0.9em; padding-top: 0.3em; }
.sdw-hub section.sdw-module h2 { font-size: 1.3em; margin: 0.3em 0 0.1em 0; }
.sdw-hub section.sdw-module p.sdw-module-line { color: #444; margin: 0 0 0.3em 0; }
.sdw-hub ul.sdw-apps { list-style: none; padding: 0; margin: 0; }
.sdw-hub ul.sdw-apps li { padding: 0.35em 0; border-bottom: 1px solid #eef1f4; }
.sdw-hub ul.sdw-apps a { font-size: 1.1em; font-weight: 600; text-decoration: none; color: #1f6fb2; }
.sdw-hub ul.sdw-apps .sdw-kind { display: inline-block; min-width: 4.5em; font-size: 0.8em; color: #fff;
  border-radius: 3px; padding: 0 0.4em; margin-right: 0.6em; text-align: center; }
.sdw-hub .sdw-kind-lesson { background: #6c7a89; } .sdw-hub .sdw-kind-app { background: #1f6fb2; }
.sdw-hub .sdw-kind-case { background: #e07b39; } .sdw-hub .sdw-kind-exercise { background: #2e8b57; }
.sdw-hub ul.sdw-apps .sdw-blurb { color: #333; margin: 0.1em 0 0 5.6em; font-size: 0.95em; }
</style>"""


@dataclass(frozen=True)
class Page:
    """A page of a module: ``kind`` (lesson, app, case, exercise), its key and notebook path."""
    kind: str
    key: str
    notebook: str


def _page(path: str) -> Page:
    stem = posixpath.splitext(posixpath.basename(path))[0]
    if path.startswith("modules/"):
        return Page("lesson", stem, path)
    if path.startswith("cases/"):
        return Page("case", stem, path)
    if path.startswith("exercises/"):
        return Page("exercise", stem, path)
    if path.startswith("workshop/"):          # the workshop's pages: app.workshop_<stem>
        return Page("app", f"workshop_{stem}", path)
    return Page("app", stem, path)


def _base_path() -> str:
    """The folder URL of this notebook when Voilà serves it ('' elsewhere: links stay relative)."""
    script = os.environ.get("SCRIPT_NAME", "")
    return posixpath.dirname(script) + "/" if script.endswith(".ipynb") else ""


class Hub:
    """The landing page, in ``lang``, with the same language switch as the apps."""

    def __init__(self, lang: str = "zh-Hant", modules: dict[str, tuple[str, ...]] | None = None):
        self.lang = normalize_lang(lang)
        self.modules = MODULES if modules is None else modules
        self.switch = LanguageSwitch(self.lang, self.set_language)
        self.page = W.HTML()
        self.page.add_class("sdw-hub-page")
        self.root = W.VBox([W.HTML(CSS), W.HBox([self.switch.widget], layout=W.Layout(justify_content="flex-end")),
                            self.page])
        self.root.add_class("sdw-hub")
        self.render()

    @classmethod
    def from_query(cls, **kwargs) -> Hub:
        """The hub in the language the page's URL asks for (``?lang=en``), zh-Hant by default."""
        return cls(lang=lang_from_query(), **kwargs)

    def show(self) -> None:
        from IPython.display import display
        display(self.root)

    def _ipython_display_(self) -> None:
        self.show()

    def link(self, notebook: str) -> str:
        """The URL of a page's notebook in the hub's current language."""
        return f"{_base_path()}{notebook}?{urlencode({'lang': self.lang})}"

    def pages(self, module: str) -> list[Page]:
        """The module's pages that exist on disk, in order."""
        return [_page(p) for p in self.modules.get(module, ()) if (NOTEBOOKS / p).resolve().is_file()]

    def set_language(self, lang: str) -> None:
        self.lang = normalize_lang(lang)
        if self.switch.value != self.lang:
            self.switch.value = self.lang
        self.switch.relabel(self.lang)
        self.render()

    def _title_blurb(self, page: Page) -> tuple[str, str]:
        lang, cat = self.lang, catalog(self.lang)
        if page.kind == "case":
            from simlib.analysis.cases import case_heads, label
            head = case_heads().get(page.key, {})
            return label(head.get("title"), lang, page.key), label(head.get("story"), lang, "")
        key = {"lesson": f"app.lesson_{page.key}", "exercise": f"app.exercise_{page.key}"}.get(
            page.kind, f"app.{page.key}")
        return cat.get(f"{key}.title", page.key), cat.get(f"{key}.blurb", "")

    def render(self) -> None:
        lang = self.lang
        sections = []
        for module in self.modules:
            items = []
            for p in self.pages(module):
                title, blurb = self._title_blurb(p)
                attr = (f'data-case="{html.escape(p.key)}"' if p.kind == "case" else
                        f'data-exercise="{html.escape(p.key)}"' if p.kind == "exercise" else
                        f'data-lesson="{html.escape(p.key)}"' if p.kind == "lesson" else
                        f'data-app="{html.escape(p.key)}"')
                items.append(f'<li {attr} data-kind="{p.kind}"><span class="sdw-kind sdw-kind-{p.kind}">'
                             f'{html.escape(t(f"hub.kind.{p.kind}", lang))}</span>'
                             f'<a href="{html.escape(self.link(p.notebook))}" target="_self">{html.escape(title)}</a>'
                             + (f'<div class="sdw-blurb">{html.escape(blurb)}</div>' if blurb else "") + "</li>")
            if not items:
                continue
            sections.append(f'<section class="sdw-module" data-module="{module}">'
                            f'<h2>{html.escape(t(f"hub.module.{module}.title", lang))}</h2>'
                            f'<p class="sdw-module-line">{html.escape(t(f"hub.module.{module}.line", lang))}</p>'
                            f'<ul class="sdw-apps">{"".join(items)}</ul></section>')
        self.page.value = (f'<h1>{html.escape(t("hub.title", lang))}</h1>'
                           f'<div class="sdw-subtitle">{html.escape(t("hub.subtitle", lang))}</div>'
                           f'<p>{html.escape(t("hub.intro", lang))}</p>{"".join(sections)}')
