"""Floor 2 — the course's formulas as small pure functions and their parameter models (COURSE.md §1–§7).

Apportioning a total (:mod:`~simlib.formulas.apportion`), targets and their decomposition
(:mod:`~simlib.formulas.targets`), seasonality (:mod:`~simlib.formulas.seasonality`), the SMART text check
(:mod:`~simlib.formulas.smart`), pay plans (:mod:`~simlib.formulas.incentives`), how a rep weighs its plan
(:mod:`~simlib.formulas.behaviour`), odds (:mod:`~simlib.formulas.odds`), appraisal
(:mod:`~simlib.formulas.appraisal`) and customers (:mod:`~simlib.formulas.customers`). No simulation here.

May import: :mod:`simlib.base`.
"""
