"""What each section of the Target Setting page (COURSE.md §1) is built from: a :class:`Panel` makes its
widgets through the app it belongs to, so that they relabel when the page's language changes and recompute
only once the page is ready (the hooks of :class:`~simlib.ui.base.SectionedApp`).

A panel owns its section's inputs, what it computed last and how it shows it; the app
(:class:`~simlib.ui.target_setting.app.TargetSetting`) wires the sections together and records each one's
errors. :func:`amount` and :func:`check_mark` are how every section reads a money input and marks a check::

    >>> amount(100000000.0), amount(12.5)
    (100000000, 12.5)
    >>> check_mark(True), check_mark(None)
    ('<span class="sdw-ok">✓</span>', '<span class="sdw-unknown">?</span>')
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as W

from simlib.base.i18n import t
from simlib.ui.base import SectionedApp, esc

__all__ = ["Panel", "amount", "check_mark"]


def amount(v: float) -> float:
    """A money input as the library takes it: whole numbers as int (100000000.0 -> 100000000)."""
    return int(v) if isinstance(v, float) and v.is_integer() else v


def check_mark(ok: bool | None) -> str:
    """✓ / ✗ / ? as a coloured span."""
    if ok is None:
        return '<span class="sdw-unknown">?</span>'
    return '<span class="sdw-ok">✓</span>' if ok else '<span class="sdw-bad">✗</span>'


class Panel:
    """A section of a :class:`~simlib.ui.base.SectionedApp` page, built through the app's hooks.

    Args:
        app: the page the section belongs to (its language, relabellers, observers and mute switch).
    """

    def __init__(self, app: SectionedApp):
        self.app = app

    @property
    def lang(self) -> str:
        """The page's language."""
        return self.app.lang

    # -- the app's hooks ---------------------------------------------------------------------------------
    def on(self, widget: W.Widget, callback: Callable[[], None]) -> W.Widget:
        """Call ``callback()`` when ``widget.value`` changes (once the page is ready, unless muted)."""
        return self.app._on(widget, callback)

    def relabel(self, fn: Callable[[str], None], now: bool = True) -> Callable[[str], None]:
        """Run ``fn(lang)`` on every language change (and now, unless ``now=False``)."""
        return self.app._relabel(fn, now)

    def label(self, widget: W.Widget, key: str, attr: str = "description") -> W.Widget:
        """Keep ``widget.<attr>`` as catalog ``key`` in the page's language."""
        return self.app._label(widget, key, attr)

    def mute(self) -> contextlib.AbstractContextManager[None]:
        """Change widgets without their observers recomputing anything."""
        return self.app._mute()

    def section(self, number: int, key: str) -> W.HTML:
        """The section's heading and its one-line explanation."""
        return self.app._section(number, key)

    # -- small builders ----------------------------------------------------------------------------------
    def choice(self, cls: type, key: str, values: Sequence, label: Callable[[Any, str], str], value: Any,
               **kwargs) -> W.Widget:
        """A selection widget whose option labels and description follow the page's language."""
        w = cls(options=[(label(v, self.lang), v) for v in values], value=value,
                style={"description_width": "initial"}, **kwargs)

        def relabel(lang: str) -> None:
            with self.mute():
                current = w.value
                w.options = [(label(v, lang), v) for v in values]
                w.value = current
            if key:
                w.description = t(key, lang)
        self.relabel(relabel)
        return w

    def number(self, key: str | None, value: float, cls: type = W.FloatText, width: str = "100%",
               **kwargs) -> W.Widget:
        """A number input labelled by catalog ``key``."""
        w = cls(value=value, layout=W.Layout(width=width), style={"description_width": "initial"}, **kwargs)
        if key:
            self.label(w, key)
        return w

    def cell(self, key: str | None = None, text: str = "", cls: str = "sdw-cell") -> W.HTML:
        """A grid's text cell: catalog ``key`` in the page's language, or a fixed ``text``."""
        w = W.HTML(f'<div class="{cls}">{esc(text)}</div>')
        if key:
            self.relabel(lambda lang: setattr(w, "value", f'<div class="{cls}">{esc(t(key, lang))}</div>'))
        return w

    def placeholder(self) -> str:
        """What a view shows while its inputs need fixing."""
        return f'<div class="sdw-muted">{esc(t("target_setting.fix_inputs", self.lang))}</div>'
