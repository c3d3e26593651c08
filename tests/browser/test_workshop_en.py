"""A two-round workshop in English: a trainer and three teams in four browser contexts
(tests/browser/workshop_flow.py)."""
from __future__ import annotations

from .workshop_flow import EN, run_workshop


def test_a_trainer_runs_two_rounds_with_three_teams_in_english(browser, voila_url, artifacts):
    run_workshop(browser, voila_url, artifacts, EN, rounds=2)
