"""``simlib.accounts``: the account base month by month, :mod:`simlib.models.accounts`. No code of its own."""
from simlib.models.accounts import *

# the names are simlib.models.accounts's own ``__all__`` (a star import takes exactly those)
