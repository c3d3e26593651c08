"""One message catalog for the library and its apps (Traditional Chinese, Simplified Chinese, English).

Every user-facing string — validation errors, app labels, sentences about results — lives in
``simlib/locales/<lang>.yaml`` (and domain files ``<domain>.<lang>.yaml``) under a dotted key, and is looked up with :func:`t`::

    >>> t("lang.name", "en")
    'English'
    >>> t("error.missing", "zh-Hant", path="leads.per_week")
    '缺少必填字段 leads.per_week。'
    >>> normalize_lang("zh-TW"), normalize_lang("zh_CN"), normalize_lang("en-GB")
    ('zh-Hant', 'zh-Hans', 'en')

A key missing in one language falls back to zh-Hant, then English; a test keeps the three
catalogs in step so the fallback never shows in practice.

Two languages have a role without being asked for, and neither changes at run time:
:data:`DEFAULT_LANGUAGE` (zh-Hant, the course's) is what a page shows when its reader names none;
:data:`MESSAGE_LANGUAGE` (English) is what text asked for without a language is written in — ``str()`` of
an error, logs, the command line by default. Pages always pass their own language.

A text whose ``{placeholder}`` is not given is a bug: it is logged at ERROR and, with ``SDW_STRICT_I18N=1``
(set by the tests), raises :class:`MissingPlaceholder`, so a test fails rather than a page showing a raw
template.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

import yaml

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "MESSAGE_LANGUAGE", "MissingPlaceholder", "catalog", "get_language",
           "normalize_lang", "t"]

LANGUAGES: tuple[str, ...] = ("zh-Hant", "zh-Hans", "en")
#: the language of a page whose reader names none (the course's)
DEFAULT_LANGUAGE = "zh-Hant"
#: the language of text asked for without a language: ``str(error)``, logs, the command line's default
MESSAGE_LANGUAGE = "en"
STRICT_ENV = "SDW_STRICT_I18N"
log = logging.getLogger(__name__)


class MissingPlaceholder(KeyError):
    """A catalog text was asked for without one of its ``{placeholders}`` (strict mode only)."""


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


def get_language() -> str:
    """The language of text asked for without one: :data:`MESSAGE_LANGUAGE` (it never changes)."""
    return MESSAGE_LANGUAGE


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
def catalog(lang: str) -> Mapping[str, str]:
    """The flat ``{dotted key: text}`` catalog of one language, read once and read-only (every page of a
    server shares it)."""
    folder = resources.files("simlib").joinpath("locales")
    out: dict[str, str] = {}
    files = sorted((f for f in folder.iterdir() if f.name == f"{lang}.yaml" or f.name.endswith(f".{lang}.yaml")),
                   key=lambda f: f.name)
    for f in files:
        for key, text in _flatten(yaml.safe_load(f.read_text(encoding="utf-8")) or {}).items():
            if key in out:
                raise ValueError(f"catalog key {key!r} defined twice for {lang} (in {f.name})")
            out[key] = text
    return MappingProxyType(out)


def t(key: str, lang: str | None = None, /, **params) -> str:
    """The text for ``key`` in ``lang`` (:data:`MESSAGE_LANGUAGE` if none) with ``{placeholders}`` filled from
    ``params``; a key no catalog has comes back as the key itself."""
    lang = normalize_lang(lang) if lang else MESSAGE_LANGUAGE
    for candidate in (lang, DEFAULT_LANGUAGE, "en"):
        text = catalog(candidate).get(key)
        if text is not None:
            break
    else:
        return key
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError) as exc:
        log.error("catalog text %s (%s) cannot be filled from %s: %r", key, lang, sorted(params), exc)
        if os.environ.get(STRICT_ENV, "") not in ("", "0"):
            raise MissingPlaceholder(f"{key} ({lang}): {exc!r} not given; given: {sorted(params)}") from exc
        return text
