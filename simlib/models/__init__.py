"""Floor 4 — models that plug into a run or stand beside it.

- :mod:`~simlib.models.policy`: how reps respond to their pay plan week by week (the engine's plan hook);
- :mod:`~simlib.models.team`: seats, hires, leavers, mentoring, training, PIPs (the engine's people hook);
- :mod:`~simlib.models.accounts`: an account base month by month (tiers, visits, renewals, complaints).

May import: :mod:`simlib.base`, :mod:`simlib.formulas`, :mod:`simlib.core`.
"""
