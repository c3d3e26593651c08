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


def test_closed_pages_kernels_are_culled_open_pages_kept():
    """``make app`` and the test server stop the kernels of closed pages (Voilà's own shutdown on tab
    close is refused, voila#1458), never those of open pages (``cull_connected`` stays off)."""
    from simlib.ui.serve import cull_args
    assert cull_args(120) == ["--MappingKernelManager.cull_idle_timeout=120",
                              "--MappingKernelManager.cull_interval=12"]
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert " ".join(cull_args(600)) in make
    assert "cull_connected" not in make
