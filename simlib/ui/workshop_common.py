"""What the workshop's two pages share (CONTRACT §5): notices beside a form, tables of results, the query.

A workshop page shows an action's outcome next to the control that caused it, not only in the page's message
area: :class:`Notice` keeps the last outcome — an error (a :class:`simlib.ScenarioError` naming the field, or an
:class:`~simlib.workshop.AccessDenied`), a confirmation, or nothing — and redraws it in the page's language.
:func:`attempt` runs an action so that nothing escapes it. :func:`metric_table` writes result rows with the
workshop's metric labels (:func:`simlib.workshop.spec.label`) and the page's number formats.
"""
from __future__ import annotations

import asyncio
import html
import logging
import uuid
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qs

import ipywidgets as W
import pandas as pd

from simlib.base.fmt import money, number, percent
from simlib.base.i18n import t
from simlib.base.schema import ScenarioError
from simlib.ui.lang import query_string
from simlib.workshop import AccessDenied
from simlib.workshop.spec import label

__all__ = ["MONEY", "PERCENT", "Notice", "Poller", "attempt", "due_text", "fmt_metric", "metric_table", "new_client", "query_value"]

log = logging.getLogger(__name__)

#: result columns shown as money, as a percentage; the rest as plain numbers
MONEY = {"target", "revenue", "pay_cost", "hiring_cost", "training_cost", "dismissal_cost", "gross_profit", "quota",
         "sales"}
PERCENT = {"attainment", "share", "win_rate", "turnover", "fairness"}
CSS = """
.sdw-app .sdw-ok { background: #edf7ed; color: #1e4620; border: 1px solid #b7dfb9; border-radius: 4px;
  padding: 0.5em 0.8em; margin: 0.3em 0; white-space: pre-line; }
.sdw-app .sdw-warning { background: #fff4e5; color: #663c00; border: 2px solid #f0a33a; border-radius: 4px;
  padding: 0.6em 0.9em; margin: 0.3em 0; font-weight: 600; }
.sdw-app h3.sdw-section { border-top: 2px solid #dfe6ee; padding-top: 0.6em; margin: 1.1em 0 0.1em 0;
  font-size: 1.3em; }
.sdw-app code.sdw-secret { font-size: 1.15em; background: #f3f7fb; padding: 0.1em 0.4em; }
.sdw-app table.sdw-table td.sdw-text, .sdw-app table.sdw-table th.sdw-text { text-align: left; }
"""


def new_client() -> str:
    """A page's id for the slow-down of wrong codes (:meth:`simlib.workshop.Workshop.join`'s ``client``)."""
    return uuid.uuid4().hex


def query_value(name: str, query: str | None = None) -> str:
    """The value of ``name`` in this page's query string (``?ws=…&code=…``), '' when absent."""
    values = parse_qs((query_string() if query is None else query).lstrip("?")).get(name)
    return values[-1] if values else ""


def due_text(deadline: Any, lang: str, now: pd.Timestamp | None = None) -> str:
    """When the open round's decisions are due, relative to now (the room's clocks and the server's time zone
    may differ; minutes do not): "due in 12 min", or "3 min past the due time". '' without a deadline.

        >>> d = pd.Timestamp("2026-12-07 10:20", tz="UTC")
        >>> due_text(d, "en", now=pd.Timestamp("2026-12-07 10:08:30", tz="UTC"))
        'Decisions are due in 12 min.'
        >>> due_text(d, "en", now=pd.Timestamp("2026-12-07 10:23", tz="UTC"))
        'The due time passed 3 min ago: the trainer may close the round at any moment.'
    """
    if deadline is None or pd.isna(deadline):
        return ""
    now = now if now is not None else pd.Timestamp.now(tz="UTC")
    seconds = (pd.Timestamp(deadline) - now).total_seconds()
    if seconds > 0:
        return t("workshop_pages.due.left", lang, minutes=max(1, round(seconds / 60)))
    return t("workshop_pages.due.past", lang, minutes=round(-seconds / 60))


def fmt_metric(metric: str, value: Any, lang: str) -> str:
    """A result's value as the page writes it: money, a percentage, or a number."""
    if isinstance(value, str):
        return value
    if metric in MONEY:
        return money(value, lang)
    if metric in PERCENT:
        return percent(value, lang)
    if metric in ("score", "nps", "satisfaction", "tenure_months", "hours_available", "leads_per_week"):
        return number(value, lang, digits=1)
    return number(value, lang, digits=0)


def metric_table(rows: pd.DataFrame, columns: Sequence[str], lang: str, cls: str = "",
                 text_columns: Sequence[str] = ("team", "rep")) -> str:
    """``rows``' ``columns`` as an HTML table headed by the metrics' labels (a ``data-team`` on each row)."""
    head = "".join(f'<th class="{"sdw-text" if c in text_columns else ""}">{html.escape(label("metric", c, lang))}'
                   f"</th>" for c in columns)
    body = []
    for _, r in rows.iterrows():
        team = html.escape(str(r["team"])) if "team" in r else ""
        cells = "".join(f'<td class="{"sdw-text" if c in text_columns else ""}" data-col="{c}">'
                        f"{html.escape(fmt_metric(c, r[c], lang) if c not in text_columns else str(r[c]))}</td>"
                        for c in columns)
        body.append(f'<tr data-team="{team}">{cells}</tr>')
    return f'<table class="sdw-table {cls}"><tr>{head}</tr>{"".join(body)}</table>'


class Notice:
    """The outcome of one action, shown beside its control and redrawn in the page's language."""

    def __init__(self, cls: str):
        self.widget = W.HTML(layout=W.Layout(width="100%"))
        self.widget.add_class(cls)
        self.error: Exception | None = None
        self._ok: tuple[str, dict] | None = None

    def clear(self) -> None:
        self.error, self._ok = None, None

    def fail(self, exc: Exception) -> None:
        self.error, self._ok = exc, None

    def ok(self, key: str, **params: Any) -> None:
        self.error, self._ok = None, (key, params)

    def text(self, lang: str) -> str:
        """What the notice says in ``lang`` ('' when nothing)."""
        if self.error is not None:
            if isinstance(self.error, (ScenarioError, AccessDenied)):
                return self.error.message(lang)
            return t("ui.error.unexpected", lang, kind=type(self.error).__name__)
        if self._ok is not None:
            key, params = self._ok
            return t(key, lang, **{k: (v(lang) if callable(v) else v) for k, v in params.items()})
        return ""

    def render(self, lang: str) -> None:
        text = self.text(lang)
        if not text:
            self.widget.value = ""
        elif self.error is not None:
            self.widget.value = f'<div class="sdw-error" role="alert">{html.escape(text)}</div>'
        else:
            self.widget.value = f'<div class="sdw-ok" role="status">{html.escape(text)}</div>'


def attempt(app: Any, notice: Notice, action: Callable[[], Any]) -> bool:
    """Run ``action()``; an error goes to ``notice`` (an unexpected one is logged and kept in the app's
    ``last_exception``), never out of the page. Returns whether it succeeded; the notice is redrawn."""
    try:
        action()
    except (ScenarioError, AccessDenied) as exc:
        notice.fail(exc)
        ok = False
    except Exception as exc:
        log.exception("%s: %s failed", type(app).__name__, getattr(action, "__name__", "action"))
        app.last_exception = exc
        notice.fail(exc)
        ok = False
    else:
        ok = True
    notice.render(app.lang)
    return ok


class Poller:
    """Call ``fn()`` every ``seconds`` on the kernel's event loop, so that a served page follows the workshop
    by itself (the trainer's count of submitted teams, a team page noticing that its round was published).

    It runs only where an event loop is running — a kernel behind a Voilà page or a notebook — and :meth:`start`
    returns False elsewhere (plain Python, the tests), where the pages' **Refresh** buttons do the same.
    An error in ``fn`` is logged and the polling goes on. A closed page's kernel is culled as before: polling
    does not make a kernel busy (:func:`simlib.ui.serve.cull_args`).
    """

    def __init__(self, fn: Callable[[], Any], seconds: float):
        self.fn, self.seconds = fn, float(seconds)
        self.task: asyncio.Task | None = None
        self.ticks = 0

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    def start(self) -> bool:
        """Start polling (once); False when no event loop runs here."""
        if self.running:
            return True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        self.task = loop.create_task(self._run())
        return True

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.seconds)
            self.ticks += 1
            try:
                self.fn()
            except Exception:
                log.exception("polling %s failed", getattr(self.fn, "__qualname__", self.fn))
