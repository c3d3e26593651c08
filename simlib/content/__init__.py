"""Floor 9 — the course as pages' content: the module lessons and the drills with their checkers.

- :mod:`~simlib.content.lessons`: a lesson per module, every number and chart computed;
- :mod:`~simlib.content.drills`: the drills of COURSE.md §9, their material, checkers and feedback
  (trainers' keys are read here and never leave as feedback).

May import: every floor below (base … viz). Never ipywidgets.
"""
