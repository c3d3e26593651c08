"""The workshop's figures (simlib/viz/workshop.py): a line per team, scores by rank, one team's quarters."""
from __future__ import annotations

import math

import pandas as pd

from simlib.viz.workshop import rounds_figure, score_figure, team_rounds_figure

ROWS = pd.DataFrame({"round": [1, 1, 2, 2], "team": ["A", "B", "A", "B"], "revenue": [1e6, 2e6, 1.5e6, 1.8e6],
                     "target": [2e6] * 4, "gross_profit": [1e5, 3e5, 2e5, 2.5e5], "attainment": [0.5, 1.0, 0.75, 0.9],
                     "share": [math.nan] * 4})


def test_rounds_figure_draws_a_line_per_team_in_the_given_order():
    fig = rounds_figure(ROWS, "attainment", "zh-Hant", teams=["B", "A"])
    assert [tr.name for tr in fig.data] == ["B", "A"]
    assert fig.data[0].y == (1.0, 0.9) and fig.data[1].x == (1, 2)
    assert fig.layout.yaxis.tickformat == ".0%" and fig.layout.title.text == "各輪達成率"


def test_a_metric_without_values_says_so():
    fig = rounds_figure(ROWS, "share", "en")
    assert fig.layout.title.text == "Market share: no values in this market"
    assert all(v is None for tr in fig.data for v in tr.y)
    assert rounds_figure(ROWS.iloc[:0], "revenue", "en").data == ()


def test_score_figure_puts_the_best_team_first():
    board = pd.DataFrame({"rank": [2, 1], "team": ["A", "B"], "score": [40.0, 75.5]})
    fig = score_figure(board, "en")
    assert fig.data[0].x == ("B", "A") and fig.data[0].y == (75.5, 40.0)


def test_team_rounds_figure_shows_target_revenue_and_profit():
    fig = team_rounds_figure(ROWS[ROWS.team == "A"], "zh-Hans")
    assert [tr.name for tr in fig.data] == ["目标", "销售额", "毛利"]
    assert fig.data[1].y == (1e6, 1.5e6) and fig.data[2].y == (1e5, 2e5)
