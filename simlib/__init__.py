"""simlib — the simulation library of the Sales Drill Workbook (銷售目標演練工作簿).

The package face re-exports what CONTRACT.md promises::

    import simlib
    sc = simlib.load_scenario("scenarios/funnel_basics.yaml")
    res = simlib.simulate(sc, seed=7)
    simlib.replicate(sc, n=200, seed=1); simlib.expected(sc); simlib.required_leads(sc, won=20)
"""
from .funnel import bottleneck, expected, hours_per_win, required_leads
from .results import SimResult, describe, replicate, simulate
from .scenario import Scenario, ScenarioError, load_scenario

__all__ = [
    "Scenario", "ScenarioError", "SimResult", "bottleneck", "describe", "expected", "hours_per_win",
    "load_scenario", "replicate", "required_leads", "simulate",
]
__version__ = "0.1.0"
