"""Floor 7 — workshops: a trainer, teams and rounds in one seeded world (CONTRACT §5).

- :mod:`~simlib.workshop.spec`: a workshop file (``scenarios/workshop/*.yaml``): the world, the menus, the
  trainer's settings;
- :mod:`~simlib.workshop.decisions`: a team's decisions for a round, validated, with their costs;
- :mod:`~simlib.workshop.roster`: a team's reps and state, carried from round to round;
- :mod:`~simlib.workshop.service`: customer satisfaction and NPS from the team's A-account managers;
- :mod:`~simlib.workshop.market`: a round run for every team on common random numbers (parallel or shared
  market);
- :mod:`~simlib.workshop.scoring`: a round's results per team and rep, the leaderboard;
- :mod:`~simlib.workshop.tables`, :mod:`~simlib.workshop.store`: persistence through SQLAlchemy Core (SQLite
  by default, PostgreSQL by URL), migrations with Alembic (``migrations/``);
- :mod:`~simlib.workshop.access`: join codes and the trainer's key, hashed; wrong codes slowed down;
- :mod:`~simlib.workshop.debrief`: every round's decisions and results as Excel or CSV;
- :mod:`~simlib.workshop.api`: ``Workshop``, a team's and the trainer's handles, access codes.

May import: every floor below (base … data). Never plotly or widgets.
"""
from simlib.workshop.access import AccessDenied
from simlib.workshop.api import Team, Trainer, Workshop

__all__ = ["AccessDenied", "Team", "Trainer", "Workshop"]
