"""A three-round workshop in Traditional Chinese: a trainer and three teams in four browser contexts
(tests/browser/workshop_flow.py)."""
from __future__ import annotations

from .workshop_flow import ZH, run_workshop


def test_a_trainer_runs_three_rounds_with_three_teams_in_traditional_chinese(browser, voila_url, artifacts):
    run_workshop(browser, voila_url, artifacts, ZH, rounds=3)
