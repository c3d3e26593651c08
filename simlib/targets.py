"""``simlib.targets`` (CONTRACT §4): the target formulas of :mod:`simlib.formulas.targets` and the simulated
"achievable" of :mod:`simlib.analysis.achievability`, under the name users know. No code of its own."""
# isort: skip_file
from simlib.formulas.targets import *
# after the star import: this smart_check (a scenario and a target make "achievable" simulated) wins
from simlib.analysis.achievability import achievability, smart_check

__all__ = [  # simlib.formulas.targets.__all__, with achievability (a test keeps the two in step)
    "ALLOCATION_METHODS", "SEASONALITY_PRESETS", "SmartReport", "achievability", "allocate", "allocation_table",
    "clamp_adjustment", "needs_adjustment", "okr_score", "ramp_factor", "smart_check", "split", "split_matrix",
    "split_time", "time_weights",
]
