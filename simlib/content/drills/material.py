"""The drills of COURSE.md §9 by name, what a trainee may see of each, and the trainers' answer keys.

What a trainee may see (the background data, the sample pitch, the account list, the objection scenario) is in
``exercises/material/<drill>.yaml`` (:func:`load_material`), in the three languages. The expected answers,
tolerances and sample answers live in ``exercises/keys/<drill>.yaml`` and are read only by :func:`load_key` —
inside the checkers, never handed to a page. Both folders are found by :func:`simlib.base.paths.exercises_dir`.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from simlib.base.i18n import LANGUAGES, get_language, normalize_lang
from simlib.base.paths import content_root, exercises_dir
from simlib.base.schema import ScenarioError

__all__ = ["DRILLS", "key_and_material", "load_key", "load_material", "localize", "pick_text", "scenario_path"]

DRILLS: tuple[str, ...] = (
    "smart_target", "decomposition", "mid_quarter_review", "target_check", "self_check", "pitch_scoring",
    "improvement_plan", "review_form", "screening_341", "abc_tiering", "coin_feedback", "okr_scoring",
    "objection_handling", "group_work",
)
"""The drills of COURSE.md §9, in course order (S1 drills 01–03 and S1's target self-check, S3, S2's review form, S0,
selling skills §7 and S3's group work)."""


@lru_cache(maxsize=64)
def _read_yaml(path: str, _mtime: int) -> Any:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def _load(kind: str, drill: str) -> dict:
    if drill not in DRILLS:
        raise ScenarioError.at("drill", "choice", expected=", ".join(DRILLS), input=repr(drill))
    path = exercises_dir() / kind / f"{drill}.yaml"
    if not path.is_file():
        raise ScenarioError.at("drill", "drills_no_file", kind=kind, drill=drill)
    return copy.deepcopy(_read_yaml(str(path), path.stat().st_mtime_ns))


def load_key(drill: str) -> dict:
    """The trainer's answer key of ``drill`` (``exercises/keys/<drill>.yaml``): expected answers,
    tolerances, a sample answer. For checkers and trainers — an app never sends it to a page.

        >>> sorted(load_key("okr_scoring")["expected"]["scores"])
        ['kr1', 'kr2', 'kr3']
    """
    return _load("keys", drill)


def load_material(drill: str, lang: str | None = None) -> dict:
    """What a trainee may see for ``drill`` (``exercises/material/<drill>.yaml``); with ``lang``,
    every ``{zh-Hant, zh-Hans, en}`` text is replaced by its text in that language.

        >>> load_material("okr_scoring", "en")["objective"]
        "Raise the brand's influence among 18–25-year-olds"
        >>> load_material("okr_scoring", "zh-Hans")["key_results"][0]["label"]
        '社交媒体粉丝增长 30 %'
    """
    data = _load("material", drill)
    return localize(data, lang) if lang else data


def pick_text(texts: Mapping, lang: str | None) -> str:
    """The text in ``lang`` of a ``{zh-Hant: …, zh-Hans: …, en: …}`` mapping (zh-Hant, then English, when that
    language is missing).

        >>> pick_text({"zh-Hant": "甲", "en": "A"}, "zh-Hans"), pick_text({"zh-Hant": "甲", "en": "A"}, "en")
        ('甲', 'A')
    """
    lang = normalize_lang(lang) if lang else get_language()
    for cand in (lang, "zh-Hant", "en", *texts):
        if cand in texts:
            return str(texts[cand])
    return ""  # pragma: no cover - texts is not empty


def localize(obj: Any, lang: str | None) -> Any:
    """``obj`` with every ``{zh-Hant: …, zh-Hans: …, en: …}`` mapping replaced by its text in ``lang``.

        >>> localize({"a": {"zh-Hant": "甲", "zh-Hans": "甲", "en": "A"}, "n": [1, {"en": "x", "zh-Hant": "叉"}]}, "en")
        {'a': 'A', 'n': [1, 'x']}
    """
    if isinstance(obj, Mapping):
        if obj and set(obj) <= set(LANGUAGES) and all(isinstance(v, str) for v in obj.values()):
            return pick_text(obj, lang)
        return {k: localize(v, lang) for k, v in obj.items()}
    if isinstance(obj, list):
        return [localize(v, lang) for v in obj]
    return obj


def key_and_material(drill: str, key: Mapping | None, material: Mapping | None) -> tuple[dict, dict]:
    """A checker's key and material: the ones it was given (a trainer's variant, a test's), else ``drill``'s files."""
    return (dict(key) if key is not None else load_key(drill),
            dict(material) if material is not None else load_material(drill))


def scenario_path(ref: str) -> Path:
    """The scenario file a material names (``scenarios/…yaml``, from the content root; an absolute path as is)."""
    path = Path(ref)
    return path if path.is_absolute() else content_root() / path
