"""One message catalog for the library and its apps (Traditional Chinese, Simplified Chinese, English).

Every user-facing string — validation errors, app labels, sentences about results — lives in
``simlib/locales/<lang>.yaml`` (and domain files ``<domain>.<lang>.yaml``) under a dotted key, and is looked up with :func:`t`::

    >>> t("lang.name", "en")
    'English'
    >>> t("error.missing", "zh-Hant", path="leads.per_week")
    '缺少必填欄位 leads.per_week。'
    >>> normalize_lang("zh-TW"), normalize_lang("zh_CN"), normalize_lang("en-GB")
    ('zh-Hant', 'zh-Hans', 'en')

A key missing in one language falls back to zh-Hant, then English; a test keeps the three
catalogs in step so the fallback never shows in practice.
"""
from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "catalog", "get_language", "normalize_lang", "set_language", "t"]

LANGUAGES: tuple[str, ...] = ("zh-Hant", "zh-Hans", "en")
DEFAULT_LANGUAGE = "zh-Hant"
_current = {"lang": "en"}  # the library's own default for exception text; apps pass their language


def normalize_lang(lang: str | None) -> str:
    """Map a browser- or user-style language tag to one of :data:`LANGUAGES`."""
    if not lang:
        return DEFAULT_LANGUAGE
    tag = lang.strip().replace("_", "-").lower()
    if tag.startswith("en"):
        return "en"
    if tag in ("zh-hans", "zh-cn", "zh-sg", "zh-my", "zhs", "cn", "hans") or tag.startswith("zh-hans"):
        return "zh-Hans"
    if tag.startswith("zh") or tag in ("hant", "tw", "hk"):
        return "zh-Hant"
    return DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    """Set the language of exception texts (``str(ScenarioError)``); apps pass theirs explicitly."""
    _current["lang"] = normalize_lang(lang)


def get_language() -> str:
    return _current["lang"]


def _flatten(d: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = str(v)
    return out


@cache
def catalog(lang: str) -> dict[str, str]:
    """The flat ``{dotted key: text}`` catalog of one language."""
    folder = resources.files("simlib").joinpath("locales")
    out: dict[str, str] = {}
    files = sorted((f for f in folder.iterdir() if f.name == f"{lang}.yaml" or f.name.endswith(f".{lang}.yaml")),
                   key=lambda f: f.name)
    for f in files:
        for key, text in _flatten(yaml.safe_load(f.read_text(encoding="utf-8")) or {}).items():
            if key in out:
                raise ValueError(f"catalog key {key!r} defined twice for {lang} (in {f.name})")
            out[key] = text
    return out


def t(key: str, lang: str | None = None, /, **params) -> str:
    """The text for ``key`` in ``lang`` with ``{placeholders}`` filled from ``params``."""
    lang = normalize_lang(lang) if lang else get_language()
    for candidate in (lang, DEFAULT_LANGUAGE, "en"):
        text = catalog(candidate).get(key)
        if text is not None:
            break
    else:
        return key
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text
