"""Floor 5 — questions asked of the models: run, replicate, compare, check against the decks.

- :mod:`~simlib.analysis.simulation`: ``simulate`` and ``replicate`` (the engine wired with its hooks);
- :mod:`~simlib.analysis.whatif`: two decisions on one seeded world (common random numbers);
- :mod:`~simlib.analysis.achievability`: how likely a target is, simulated;
- :mod:`~simlib.analysis.cases`: the decks' case studies as steps with their figures as checks.

May import: every floor below (base, formulas, core, models).
"""
