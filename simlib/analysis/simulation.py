"""``simulate`` and ``replicate`` (CONTRACT §2): the engine wired with the hooks a scenario asks for.

A scenario with a pay plan gets reps who respond to it (:class:`simlib.models.policy.PlanPolicy`), one with
a ``people:`` block or roles gets team dynamics (:class:`simlib.models.team.TeamDynamics`); the engine
(:mod:`simlib.core.engine`) runs the world with them, :class:`simlib.core.results.SimResult` holds the result.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd

from simlib.core import engine
from simlib.core.people import active
from simlib.core.replication import run_replications
from simlib.core.results import SimResult
from simlib.core.scenario import Scenario, load_scenario
from simlib.models.policy import PlanPolicy
from simlib.models.team import TeamDynamics

__all__ = ["replicate", "simulate"]


def simulate(scenario: Scenario | dict | str, seed: int | None = None) -> SimResult:
    """Run one seeded simulation of ``scenario`` (a :class:`Scenario`, dict or YAML path).

        >>> import simlib
        >>> sc = simlib.load_scenario("scenarios/funnel_basics.yaml")
        >>> a, b = simulate(sc, seed=7), simulate(sc, seed=7)
        >>> a.summary() == b.summary()
        True
    """
    sc = load_scenario(scenario)
    world = engine.draw_world(sc, seed)
    policy = None
    if sc.incentives is not None and sc.behaviour.preset != "no_gaming":
        policy = PlanPolicy(sc, world.values, world.skills)
    people = TeamDynamics(sc, world, policy) if active(sc) else None
    return SimResult(sc, world, engine.run(sc, world, policy=policy, people=people), policy)


def _summary_row(sc: Scenario, seed: int) -> dict:
    return simulate(sc, seed).summary()


def replicate(scenario: Scenario | dict | str, n: int = 100, seed: int | None = 0, *,
              workers: int = 1, progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """``n`` independent replications: one row each with ``replication, seed`` and the summary keys.

    Replication ``i`` is exactly ``simulate(scenario, seed=row.seed)``. ``workers > 1`` runs them in
    separate processes (joblib's loky, safe from a notebook kernel) and gives the same rows.
    ``progress(done, total)`` is called as replications finish (an app's progress bar).
    """
    sc = load_scenario(scenario)
    return run_replications(partial(_summary_row, sc), n, seed, workers=workers, progress=progress)
