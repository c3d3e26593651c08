"""``simlib.incentives`` (CONTRACT §3): the pay-plan formulas, :mod:`simlib.formulas.incentives`. No code of its own."""
from simlib.formulas.incentives import *

# the names are simlib.formulas.incentives's own ``__all__`` (a star import takes exactly those)
