"""The page's language: read from the URL (``?lang=en``) and switched live by a toggle in the page.

Voilà puts the page's query string in the kernel's ``QUERY_STRING`` environment variable (with
preheated kernels it arrives later, through ``voila.utils.get_query_string``)::

    >>> lang_from_query("lang=en&x=1"), lang_from_query("lang=zh-CN"), lang_from_query("")
    ('en', 'zh-Hans', 'zh-Hant')
"""
from __future__ import annotations

import os
from collections.abc import Callable
from urllib.parse import parse_qs

import ipywidgets as W

from simlib.base.i18n import DEFAULT_LANGUAGE, LANGUAGES, normalize_lang, t

__all__ = ["LanguageSwitch", "lang_from_query", "query_string"]


def query_string() -> str:
    """The query string of the page this kernel serves ('' outside Voilà)."""
    if os.environ.get("VOILA_PREHEAT") == "True":  # a preheated kernel learns its request late
        try:
            from voila.utils import get_query_string
            return get_query_string() or ""
        except Exception:  # noqa: BLE001 — no Voilà, or the request never came: use the default
            return ""
    return os.environ.get("QUERY_STRING", "")


def lang_from_query(query: str | None = None) -> str:
    """The language named by ``lang=`` in ``query`` (default: this page's query string), else zh-Hant."""
    if query is None:
        query = query_string()
    values = parse_qs(query.lstrip("?")).get("lang")
    return normalize_lang(values[-1]) if values else DEFAULT_LANGUAGE


class LanguageSwitch:
    """Toggle buttons 繁體中文 / 简体中文 / English; calls ``on_change(lang)`` when the user picks one.

    Each language is named in itself, so the switch reads the same whatever language is shown.
    """

    def __init__(self, lang: str, on_change: Callable[[str], None]):
        self.widget = W.ToggleButtons(
            options=[(t("lang.name", code), code) for code in LANGUAGES],
            value=normalize_lang(lang),
            description=t("ui.language", lang),
            style={"button_width": "auto", "description_width": "initial"},
        )
        self.widget.add_class("sdw-lang")
        self._on_change = on_change
        self.widget.observe(self._changed, names="value")

    @property
    def value(self) -> str:
        return self.widget.value

    @value.setter
    def value(self, lang: str) -> None:
        self.widget.value = normalize_lang(lang)

    def relabel(self, lang: str) -> None:
        self.widget.description = t("ui.language", lang)

    def _changed(self, change: dict) -> None:
        self._on_change(change["new"])
