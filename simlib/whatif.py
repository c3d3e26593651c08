"""``simlib.whatif``: plans and team policies compared on one seeded world, :mod:`simlib.analysis.whatif`."""
from simlib.analysis.whatif import *

# the names are simlib.analysis.whatif's own ``__all__`` (a star import takes exactly those)
