"""The three message catalogs stay in step: same keys, same placeholders, and every key the code uses exists."""
from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from simlib.base import i18n

ROOT = Path(__file__).resolve().parents[1]
LANGS = i18n.LANGUAGES


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_languages_are_the_three_of_the_course():
    assert LANGS == ("zh-Hant", "zh-Hans", "en")
    for lang in LANGS:
        assert (ROOT / "simlib" / "locales" / f"{lang}.yaml").is_file()


@pytest.mark.parametrize("lang", LANGS)
def test_no_key_missing_in_any_language(lang):
    keys = {other: set(i18n.catalog(other)) for other in LANGS}
    every = set().union(*keys.values())
    missing = sorted(every - keys[lang])
    assert not missing, f"keys missing in {lang}.yaml: {missing}"


def test_placeholders_match_across_languages():
    ref = i18n.catalog("en")
    bad = []
    for key, text in ref.items():
        want = placeholders(text)
        for lang in LANGS:
            got = placeholders(i18n.catalog(lang).get(key, text))
            if got != want:
                bad.append(f"{key} [{lang}]: {sorted(got)} vs en {sorted(want)}")
    assert not bad, "placeholders differ:\n" + "\n".join(bad)


def test_every_text_formats_with_its_placeholders():
    for lang in LANGS:
        for key, text in i18n.catalog(lang).items():
            params = {p: "X" for p in placeholders(text)}
            assert i18n.t(key, lang, **params) != key


def test_translations_are_not_left_in_english():
    """Chinese catalogs translate the app's labels (a stray English value means a forgotten string)."""
    en = i18n.catalog("en")
    for lang in ("zh-Hant", "zh-Hans"):
        cat = i18n.catalog(lang)
        same = [k for k in cat if (k.startswith(("ui.", "viz.", "app.")) and cat[k] == en.get(k)
                                   and re.search(r"[A-Za-z]{3}", cat[k]))]
        assert not same, f"{lang} leaves these in English: {same}"


def test_simplified_catalog_uses_simplified_characters():
    opencc = pytest.importorskip("opencc")
    t2s = opencc.OpenCC("t2s")
    for key, text in i18n.catalog("zh-Hans").items():
        assert t2s.convert(text) == text, f"{key} has Traditional characters: {text}"


_KEY_CALL = re.compile(r"""\bt\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")


def test_every_literal_key_used_by_the_apps_exists():
    sources = sorted((ROOT / "simlib").rglob("*.py"))   # every module of every floor
    used = {m.group(1) for path in sources for m in _KEY_CALL.finditer(path.read_text(encoding="utf-8"))}
    assert used, "no t('...') calls found: the pattern is out of date"
    for lang in LANGS:
        missing = sorted(used - set(i18n.catalog(lang)))
        assert not missing, f"used but missing in {lang}.yaml: {missing}"


def test_declared_control_labels_exist():
    from simlib.ui import controls
    labels = {c.label for c in vars(controls).values() if isinstance(c, controls.Control)}
    assert len(labels) >= 8
    for lang in LANGS:
        assert labels <= set(i18n.catalog(lang)), lang
