"""Floor 1 — the ground every other floor stands on: nothing of the course, nothing of sales.

- :mod:`~simlib.base.i18n`: the message catalogs (zh-Hant, zh-Hans, en) and ``t()``;
- :mod:`~simlib.base.fmt`: numbers, money and percentages written the one way in each language (Babel);
- :mod:`~simlib.base.schema`: the validation base (pydantic), ``ScenarioError`` and its localized issues;
- :mod:`~simlib.base.rng`: every random stream of a run, spawned from one ``SeedSequence``;
- :mod:`~simlib.base.paths`: the one place that finds the content (scenarios, exercises, notebooks).

May import: the standard library and third-party packages only — never another floor of ``simlib``.
"""
