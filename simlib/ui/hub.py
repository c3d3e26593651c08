"""The workbook's landing page: every app with one line about it, opened in the page's language.

Apps are declared as data in :data:`APPS` (notebook file + catalog keys ``app.<key>.title`` and
``app.<key>.blurb``); a new app joins the hub by adding one entry::

    >>> hub = Hub(lang="en")
    >>> hub.link("funnel_lab.ipynb")
    'funnel_lab.ipynb?lang=en'
"""
from __future__ import annotations

import html
import os
import posixpath
from dataclasses import dataclass
from urllib.parse import urlencode

import ipywidgets as W

from ..i18n import normalize_lang, t
from .lang import LanguageSwitch, lang_from_query

__all__ = ["APPS", "App", "Hub"]


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

CSS = """<style>
.sdw-hub { font-family: "Noto Sans CJK TC", "Noto Sans CJK SC", system-ui, sans-serif; max-width: 60em; }
.sdw-hub h1 { margin: 0.2em 0 0 0; font-size: 1.8em; }
.sdw-hub .sdw-subtitle { color: #555; margin: 0 0 0.6em 0; font-size: 1.1em; }
.sdw-hub ul.sdw-apps { list-style: none; padding: 0; }
.sdw-hub ul.sdw-apps li { padding: 0.6em 0; border-bottom: 1px solid #e3e3e3; }
.sdw-hub ul.sdw-apps a { font-size: 1.2em; font-weight: 600; text-decoration: none; color: #1f6fb2; }
.sdw-hub ul.sdw-apps .sdw-blurb { color: #333; margin-top: 0.2em; }
.sdw-hub ul.sdw-cases { margin: 0.3em 0 0 0; padding-left: 1.2em; columns: 2 22em; }
.sdw-hub ul.sdw-cases li { border: 0; padding: 0.15em 0; }
.sdw-hub ul.sdw-cases a { font-size: 1em; font-weight: 400; }
</style>"""


def _base_path() -> str:
    """The folder URL of this notebook when Voilà serves it ('' elsewhere: links stay relative)."""
    script = os.environ.get("SCRIPT_NAME", "")
    return posixpath.dirname(script) + "/" if script.endswith(".ipynb") else ""


class Hub:
    """The landing page, in ``lang``, with the same language switch as the apps."""

    def __init__(self, lang: str = "zh-Hant", apps: tuple[App, ...] = APPS):
        self.lang = normalize_lang(lang)
        self.apps = apps
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
        """The URL of an app's notebook in the hub's current language."""
        return f"{_base_path()}{notebook}?{urlencode({'lang': self.lang})}"

    def set_language(self, lang: str) -> None:
        self.lang = normalize_lang(lang)
        if self.switch.value != self.lang:
            self.switch.value = self.lang
        self.switch.relabel(self.lang)
        self.render()

    def _cases(self) -> str:
        """The case studies, one link each (``notebooks/cases/<id>.ipynb``)."""
        from ..cases import case_titles
        links = "".join(f'<li data-case="{html.escape(cid)}"><a href="{html.escape(self.link(f"cases/{cid}.ipynb"))}" '
                        f'target="_self">{html.escape(title)}</a></li>'
                        for cid, title in case_titles(self.lang).items())
        return f'<ul class="sdw-cases">{links}</ul>'

    def render(self) -> None:
        lang = self.lang
        items = "".join(
            f'<li data-app="{app.key}"><a href="{html.escape(self.link(app.notebook))}" target="_self">'
            f'{html.escape(t(f"app.{app.key}.title", lang))}</a>'
            f'<div class="sdw-blurb">{html.escape(t(f"app.{app.key}.blurb", lang))}</div>'
            + (self._cases() if app.key == "case_study" else "") + "</li>"
            for app in self.apps)
        self.page.value = (f'<h1>{html.escape(t("hub.title", lang))}</h1>'
                           f'<div class="sdw-subtitle">{html.escape(t("hub.subtitle", lang))}</div>'
                           f'<p>{html.escape(t("hub.intro", lang))}</p><ul class="sdw-apps">{items}</ul>')
