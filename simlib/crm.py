"""``simlib.crm`` (CONTRACT §6): reading CRM exports, :mod:`simlib.data.crm`. No code of its own."""
from simlib.data.crm import *

# the names are simlib.data.crm's own ``__all__`` (a star import takes exactly those)
