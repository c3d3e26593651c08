"""What Voilà serves as plain files: the same for ``make app`` and for the browser tests."""
from __future__ import annotations

from pathlib import Path

from simlib.ui.serve import FILE_ARGS

ROOT = Path(__file__).resolve().parents[1]


def test_make_app_passes_the_tests_file_rules():
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    for arg in FILE_ARGS:
        option, _, value = arg.partition("=")
        assert f"{option}='{value}'" in make, arg


def test_answer_keys_and_sources_are_never_served():
    deny = [a.partition("=")[2] for a in FILE_ARGS if "file_denylist" in a]
    import re
    for path in ("exercises/keys/smart_target.yaml", "simlib/drills.py", "notebooks/index.ipynb"):
        assert any(re.fullmatch(rule, path) for rule in deny), path
    assert not any(re.fullmatch(rule, "scenarios/funnel_basics.yaml") for rule in deny)
