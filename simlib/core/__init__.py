"""Floor 3 — the simulation core: the scenario, the funnel's analytic side, the engine and its results.

- :mod:`~simlib.core.scenario`: the scenario file's model (validated on load);
- :mod:`~simlib.core.people`: the ``people:`` block's model and its up-front draws;
- :mod:`~simlib.core.quotas`: each rep's quota from a scenario;
- :mod:`~simlib.core.funnel`: the analytic funnel and the reverse funnel (COURSE.md §2);
- :mod:`~simlib.core.engine`: the SimPy model of one run (leads, reps with limited hours, stages);
- :mod:`~simlib.core.results`: ``SimResult``, a run's tidy tables;
- :mod:`~simlib.core.replication`: many seeded replications (serially or on workers) and their statistics.

The engine takes its weekly hooks (a pay-plan policy, team dynamics) as arguments: it knows their
interface, not the models behind them. May import: :mod:`simlib.base`, :mod:`simlib.formulas`.
"""
