"""What every app of the workbook shares: the page frame, guarded callbacks, messages and downloads.

An app subclasses :class:`AppBase`, names its catalog key (``app.<KEY>.title`` / ``.blurb``), builds its
widgets and hands them to :meth:`AppBase._finish_page`::

    class MyLab(AppBase):
        KEY = "my_lab"

        def __init__(self, lang="zh-Hant"):
            super().__init__(lang)              # language switch, title, intro, message area
            self.out = W.HTML()
            self._finish_page(self.out)         # CSS + header + intro + message + body; relabels all
            self.update()

        @guarded("update")                      # nothing escapes: errors go to the message area
        def update(self):
            self.out.value = ...

The page never shows a traceback: a :class:`simlib.ScenarioError` raised inside a guarded callback is
shown in the page's language in ``.sdw-message [role=alert]``; anything else as a short localised
notice (the exception is logged and kept in ``last_exception``). Downloads are ``data:`` links
(``a.sdw-download[data-kind=...]``) built by :func:`data_link`, :func:`csv_link` and :func:`xlsx_link`.

An app of numbered sections whose inputs recompute what follows (Target Setting, Pay Plan Lab) subclasses
:class:`SectionedApp`: section headings, muted observers and the export section come with it.
"""
from __future__ import annotations

import base64
import contextlib
import functools
import html
import inspect
import io
import logging
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar
from urllib.parse import parse_qs

import ipywidgets as W
import pandas as pd

from simlib.base.i18n import normalize_lang, t
from simlib.base.schema import ScenarioError
from simlib.ui.figures import FigureView
from simlib.ui.lang import LanguageSwitch, lang_from_query, query_string
from simlib.viz.layout import HEIGHT

__all__ = [
    "CSS",
    "CSS_RULES",
    "XLSX_MIME",
    "AppBase",
    "SectionedApp",
    "card",
    "csv_link",
    "data_link",
    "esc",
    "guarded",
    "row",
    "server_log",
    "xlsx_bytes",
    "xlsx_link",
]

log = logging.getLogger(__name__)


def server_log() -> None:
    """Send simlib's errors (with their tracebacks) to the process's own stderr — in a Voilà kernel, the
    server's log, where whoever runs ``make app`` sees them — unless logging is configured already. Never
    to the page: a trainee sees the short, localised notice instead."""
    root = logging.getLogger("simlib")
    if root.handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler(sys.__stderr__)
    handler.setLevel(logging.ERROR)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)

CSS_RULES = """
.sdw-app { font-family: "Noto Sans CJK TC", "Noto Sans CJK SC", system-ui, sans-serif; }
.sdw-app h2.sdw-title { margin: 0.2em 0 0.1em 0; font-size: 1.6em; }
.sdw-app h4 { margin: 0.8em 0 0.2em 0; font-size: 1.05em; }
.sdw-app .sdw-muted { color: #555; }
.sdw-app .sdw-stage { font-weight: 600; margin: 0.6em 0 0 0; }
.sdw-app .sdw-error { background: #fdecea; color: #8a1c12; border: 1px solid #f5c2bd;
  border-radius: 4px; padding: 0.5em 0.8em; margin: 0.3em 0; white-space: pre-line; }
.sdw-app table.sdw-table { border-collapse: collapse; margin: 0.2em 0 0.4em 0; }
.sdw-app table.sdw-table th, .sdw-app table.sdw-table td { padding: 0.25em 0.8em;
  border-bottom: 1px solid #e3e3e3; text-align: right; }
.sdw-app table.sdw-table th:first-child { text-align: left; }
.sdw-app .sdw-bottleneck { background: #f3f7fb; border-left: 4px solid #1f6fb2; padding: 0.5em 0.8em; }
.sdw-app .sdw-links a { margin-right: 1.2em; }
"""
# An OutputFigure's plot is responsive: it takes the height of its box, which is otherwise 0 in Voilà.
CSS_RULES += f".sdw-app .widget-output .jp-RenderedPlotly {{ height: {HEIGHT}px; }}\n"
CSS = f"<style>{CSS_RULES}</style>"

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"  # so spreadsheet programs read UTF-8 CSV as such


def esc(text: Any) -> str:
    """``text`` (any value, as ``str``) escaped for HTML."""
    return html.escape(str(text))


# -- layout ----------------------------------------------------------------------------------------------
def card(*children: W.Widget, basis: str = "440px") -> W.VBox:
    """A column that grows from ``basis`` wide and wraps below its neighbours on narrow screens."""
    return W.VBox(list(children), layout=W.Layout(flex=f"1 1 {basis}", min_width="0", margin="0 0.5em"))


def row(*children: W.Widget) -> W.Box:
    """Cards side by side, wrapping."""
    return W.Box(list(children), layout=W.Layout(display="flex", flex_flow="row wrap", width="100%"))


# -- guarded callbacks -----------------------------------------------------------------------------------
def guarded(area: str):
    """Run a method of an :class:`AppBase` so that nothing escapes it.

    The outcome is recorded under ``area`` (one message per area: a later success clears it) and the
    message area is redrawn: a ScenarioError in the page's language, anything else a short notice.
    """
    def deco(fn):
        @functools.wraps(fn)
        def wrapper(self: AppBase, *args, **kwargs):
            try:
                fn(self, *args, **kwargs)
            except ScenarioError as exc:
                self._errors[area] = exc
            except Exception as exc:
                log.exception("%s.%s failed (the page shows: %s)", type(self).__name__, fn.__name__,
                              t(self.UNEXPECTED_KEY, "en", kind=type(exc).__name__))
                self.last_exception = exc
                self._errors[area] = exc
            else:
                self._errors[area] = None
            self._render_message()
        return wrapper
    return deco


# -- downloads -------------------------------------------------------------------------------------------
def data_link(text: str, filename: str, mime: str, content: str | bytes, kind: str) -> str:
    """A download link holding ``content`` in its ``data:`` URI (text is sent as UTF-8)."""
    if isinstance(content, str):
        payload, charset = content.encode("utf-8"), ";charset=utf-8"
    else:
        payload, charset = bytes(content), ""
    b64 = base64.b64encode(payload).decode("ascii")
    return (f'<a class="sdw-download" data-kind="{html.escape(kind)}" download="{html.escape(filename)}" '
            f'href="data:{mime}{charset};base64,{b64}">⬇ {html.escape(text)}</a>')


def csv_link(text: str, filename: str, df: pd.DataFrame, kind: str) -> str:
    """``df`` as a CSV download (UTF-8 with a BOM, no index)."""
    return data_link(text, filename, "text/csv", BOM + df.to_csv(index=False), kind)


_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An Excel workbook with one sheet per ``{name: DataFrame}`` (names trimmed to Excel's 31 characters)."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        used: set[str] = set()
        for name, df in sheets.items():
            sheet = _BAD_SHEET.sub("_", str(name))[:31] or "Sheet"
            while sheet in used:
                sheet = sheet[:29] + f"_{len(used)}"
            used.add(sheet)
            df.to_excel(xw, sheet_name=sheet, index=False)
    return buf.getvalue()


def xlsx_link(text: str, filename: str, sheets: Mapping[str, pd.DataFrame], kind: str) -> str:
    """The tables in ``sheets`` as one Excel (xlsx) download, a sheet each."""
    return data_link(text, filename, XLSX_MIME, xlsx_bytes(sheets), kind)


# -- the app frame ---------------------------------------------------------------------------------------
class AppBase:
    """The frame of an app: header (title + language switch), intro, message area, relabelling, display.

    Subclasses set :attr:`KEY` (catalog ``app.<KEY>.title`` / ``.blurb``), may add :attr:`EXTRA_CSS`, call
    ``super().__init__(lang)`` first, build their body, then :meth:`_finish_page`. They override
    :meth:`_on_language` to redraw what is not a relabeller (figures, tables) and :meth:`_render_intro`
    to say more than the blurb.

    Attributes:
        lang: the page's language. root: the top widget (after :meth:`_finish_page`).
        message: the message area (``.sdw-message``). figures: ``{name: FigureView}`` synced on display.
        last_exception: the last unexpected exception a guarded callback caught (for tests and logs).
    """

    KEY: ClassVar[str] = ""
    EXTRA_CSS: ClassVar[str] = ""
    #: the notice shown for an unexpected error (``{kind}`` = the exception's class name)
    UNEXPECTED_KEY: ClassVar[str] = "ui.error.unexpected"

    def __init__(self, lang: str = "zh-Hant"):
        server_log()
        self.lang = normalize_lang(lang)
        self.last_exception: Exception | None = None
        self._errors: dict[str, Exception | None] = {}
        self._relabelers: list[Callable[[str], None]] = []
        self.figures: dict[str, FigureView] = {}
        self.switch = LanguageSwitch(self.lang, self.set_language)
        self._relabelers.append(self.switch.relabel)
        self.title = self._text(f"app.{self.KEY}.title", "h2", "sdw-title")
        self._intro = W.HTML()
        self._intro.add_class("sdw-intro")
        self._relabelers.append(self._render_intro)
        self.message = W.HTML(layout=W.Layout(width="100%"))
        self.message.add_class("sdw-message")
        self.header = W.HBox([self.title, self.switch.widget],
                             layout=W.Layout(justify_content="space-between", align_items="center",
                                             flex_flow="row wrap"))
        self.root: W.VBox | None = None

    @classmethod
    def from_query(cls, *args: Any, **kwargs: Any):
        """The app in the language the page's URL asks for (``?lang=en``), zh-Hant by default.

        ``?renderer=widget`` (or ``output``) picks how figures are redrawn, for apps that take ``renderer``.
        """
        query = query_string()
        renderer = parse_qs(query.lstrip("?")).get("renderer", [None])[-1]
        if renderer in ("widget", "output") and "renderer" in inspect.signature(cls.__init__).parameters:
            kwargs.setdefault("renderer", renderer)
        return cls(*args, lang=lang_from_query(query), **kwargs)

    def show(self) -> None:
        """Display the app (the notebook's one output)."""
        from IPython.display import display
        for view in self.figures.values():
            view.sync()
        display(self.root)

    def _ipython_display_(self) -> None:
        self.show()

    # -- building -------------------------------------------------------------------------------------
    def _relabel(self, fn: Callable[[str], None], now: bool = True) -> Callable[[str], None]:
        """Register ``fn(lang)`` to run on every language change (and now, unless ``now=False``)."""
        self._relabelers.append(fn)
        if now:
            fn(self.lang)
        return fn

    def _text(self, key: str, tag: str = "h4", cls: str = "", **params) -> W.HTML:
        """An HTML widget showing catalog ``key`` in ``tag``, relabelled when the language changes."""
        w = W.HTML()
        attr = f' class="{cls}"' if cls else ""

        def relabel(lang: str) -> None:
            w.value = f"<{tag}{attr}>{html.escape(t(key, lang, **params))}</{tag}>"
        self._relabel(relabel)
        return w

    def _label(self, widget: W.Widget, key: str, attr: str = "description", **params) -> W.Widget:
        """Keep ``widget.<attr>`` (description, placeholder, …) as catalog ``key`` in the page's language."""
        self._relabel(lambda lang: setattr(widget, attr, t(key, lang, **params)))
        return widget

    def _finish_page(self, *body: W.Widget) -> W.VBox:
        """Assemble the page (CSS, header, intro, message area, ``body``) and label it in the page's language."""
        style = W.HTML(f"<style>{CSS_RULES}{self.EXTRA_CSS}</style>")
        self.root = W.VBox([style, self.header, self._intro, self.message, *body],
                           layout=W.Layout(width="100%"))
        self.root.add_class("sdw-app")
        for relabel in self._relabelers:
            relabel(self.lang)
        return self.root

    def _render_intro(self, lang: str) -> None:
        self._intro.value = f'<p class="sdw-muted">{html.escape(t(f"app.{self.KEY}.blurb", lang))}</p>'

    # -- language -------------------------------------------------------------------------------------
    @guarded("language")
    def set_language(self, lang: str) -> None:
        """Relabel every control, panel and figure in ``lang`` (from the switch, or directly)."""
        self.lang = normalize_lang(lang)
        if self.switch.value != self.lang:
            self.switch.value = self.lang  # calls back here once more, harmlessly
        for relabel in self._relabelers:
            relabel(self.lang)
        self._on_language()

    def _on_language(self) -> None:
        """Redraw what depends on the language beyond the relabellers (figures, tables); a hook."""

    # -- messages -------------------------------------------------------------------------------------
    def error_text(self) -> str:
        """The message area's text, in the page's language ('' when all is well)."""
        msgs: list[str] = []
        for exc in self._errors.values():
            if isinstance(exc, ScenarioError):
                msg = exc.message(self.lang)
            elif exc is not None:
                msg = t(self.UNEXPECTED_KEY, self.lang, kind=type(exc).__name__)
            else:
                continue
            if msg not in msgs:  # one input can upset two areas: say it once
                msgs.append(msg)
        return "\n".join(msgs)

    def _render_message(self) -> None:
        text = self.error_text()
        self.message.value = f'<div class="sdw-error" role="alert">{html.escape(text)}</div>' if text else ""


class SectionedApp(AppBase):
    """An app of numbered sections whose inputs recompute what follows them, ending in downloads.

    Beyond :class:`AppBase`: :meth:`_section` heads section ``n`` with catalog ``<KEY>.<key>.title`` and
    ``.explain``; :meth:`_on` recomputes when an input changes, but only once the page is built (the
    subclass sets ``_ready``) and not while :meth:`_mute` is on; :meth:`_build_export` is the export section,
    a button that calls the subclass's ``prepare_downloads`` and the ``downloads`` it fills, which
    :meth:`_withdraw_downloads` replaces with a hint (``<KEY>.export.hint``) when they are out of date or
    the language changes.
    """

    def __init__(self, lang: str = "zh-Hant"):
        super().__init__(lang)
        self._muted = 0
        self._ready = False

    @contextlib.contextmanager
    def _mute(self) -> Iterator[None]:
        """Change widgets without their observers recomputing anything."""
        self._muted += 1
        try:
            yield
        finally:
            self._muted -= 1

    def _on(self, widget: W.Widget, callback: Callable[[], None], names: str = "value") -> W.Widget:
        """Call ``callback()`` when ``widget.<names>`` changes (once the page is ready, unless muted)."""
        def handler(change: dict) -> None:
            if not self._muted and self._ready:
                callback()
        widget.observe(handler, names=names)
        return widget

    def _section(self, number: int, key: str) -> W.HTML:
        """A section's heading and its one-line explanation."""
        w = W.HTML()
        w.add_class(f"sdw-section-{key}")

        def relabel(lang: str) -> None:
            w.value = (f'<h3 class="sdw-section">{number} · {esc(t(f"{self.KEY}.{key}.title", lang))}</h3>'
                       f'<p class="sdw-explain">{esc(t(f"{self.KEY}.{key}.explain", lang))}</p>')
        self._relabel(relabel)
        return w

    def _build_export(self, number: int) -> W.Widget:
        """Section ``number``: the "prepare downloads" button and the links it leaves (``self.downloads``)."""
        self.export_button = W.Button(icon="download", layout=W.Layout(width="auto"))
        self.export_button.add_class("sdw-export")
        self._label(self.export_button, "ui.export.prepare")
        self.export_button.on_click(lambda b: self.prepare_downloads())
        self.downloads = W.HTML()
        self.downloads.add_class("sdw-links")
        self._relabel(lambda lang: self._withdraw_downloads())
        return W.VBox([self._section(number, "export"), W.HBox([self.export_button]), self.downloads])

    def _withdraw_downloads(self) -> None:
        """Replace the links (out of date) with the hint to prepare them again."""
        if hasattr(self, "downloads"):
            self.downloads.value = f'<span class="sdw-muted">{esc(t(f"{self.KEY}.export.hint", self.lang))}</span>'

    def prepare_downloads(self) -> None:
        """Fill ``self.downloads`` with the links (the subclass's, guarded)."""
        raise NotImplementedError

    def _table_links(self, stem: str, tables: Mapping[str, pd.DataFrame], csv: Mapping[str, str]) -> list[str]:
        """Links to CSV files, ``{kind: table name}`` as ``<stem>_<kind>.csv`` (``<KEY>.export.<kind>_csv``),
        then to every table as one Excel workbook ``<stem>.xlsx`` (sheets ``<KEY>.export.sheet.<name>``)."""
        lang, key = self.lang, self.KEY
        links = [csv_link(t(f"{key}.export.{kind}_csv", lang), f"{stem}_{kind}.csv", tables[name], kind)
                 for kind, name in csv.items()]
        links.append(xlsx_link(t(f"{key}.export.xlsx", lang), f"{stem}.xlsx",
                               {t(f"{key}.export.sheet.{name}", lang): df for name, df in tables.items()}, "xlsx"))
        return links
