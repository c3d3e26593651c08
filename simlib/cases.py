"""``simlib.cases``: the decks' case studies, :mod:`simlib.analysis.cases`; ``python -m simlib.cases`` checks case
files from the command line (:func:`simlib.cli.cases_main`, the same as ``python -m simlib cases``)."""
from simlib.analysis.cases import *

# the names are simlib.analysis.cases's own ``__all__`` (a star import takes exactly those)

if __name__ == "__main__":
    from simlib.cli import cases_main
    raise SystemExit(cases_main(prog="python -m simlib.cases"))
