"""The CRM deal table (COURSE.md §2, §8): its CSV format, a validating import, an export of a
simulation in the same format, and the calibration of a scenario from it.

Every dashboard (:mod:`simlib.data.dashboards`) reads one tidy table — one row per deal, with the date it
entered each funnel stage — whether the deals were simulated (:func:`deals_from_result`) or exported
from a real CRM (:func:`read_deals`). No widgets, no plotting. ``simlib.crm`` (CONTRACT §6) is this
package's face: it exposes exactly the names of :data:`__all__`.

Modules, from the ground up:

- :mod:`~simlib.data.crm.table` — the tidy deal table: its columns, the derived ``stage``,
  ``stage_index`` and ``cycle_days``, its stages (:func:`stage_names`), the CSV export (:func:`to_csv`);
- :mod:`~simlib.data.crm.aliases` — English and Chinese headers and outcome words
  (:data:`COLUMN_ALIASES`);
- :mod:`~simlib.data.crm.files` — a path, text, bytes, upload or workbook read into raw cells
  (encodings, separators, Excel);
- :mod:`~simlib.data.crm.cells` — a column's cells read as text, year-first dates or amounts;
- :mod:`~simlib.data.crm.reading` — the CSV format and :func:`read_deals`, which names every problem by
  row and column (up to :data:`MAX_ISSUES`);
- :mod:`~simlib.data.crm.synthesis` — a simulation's deals as a deal table (:func:`deals_from_result`);
- :mod:`~simlib.data.crm.sources` — a deal table from whatever the caller holds
  (:func:`~simlib.data.crm.sources.deal_table`), and the table as it stood on a day (:func:`snapshot`);
- :mod:`~simlib.data.crm.calibration` — per-stage statistics (:func:`stage_stats`) and a scenario
  estimated from them (:func:`calibrate`);
- :mod:`~simlib.data.crm.labels` — outcome and loss-reason labels in the page's language.

The building blocks other modules share (``tidy_table``, ``deal_table``, ``DAY``, the cell readers) are
public in their own modules and imported from there; they are not re-exported here, so that
``simlib.crm`` keeps exactly its names.
"""
from __future__ import annotations

from simlib.data.crm.aliases import COLUMN_ALIASES
from simlib.data.crm.calibration import DEFAULT_HOURS_PER_WEEK, DEFAULT_WORK_HOURS, calibrate, stage_stats
from simlib.data.crm.labels import loss_reason_label, outcome_label
from simlib.data.crm.reading import MAX_ISSUES, read_deals
from simlib.data.crm.sources import snapshot
from simlib.data.crm.synthesis import deals_from_result
from simlib.data.crm.table import (
    LOSS_REASONS,
    OPTIONAL_COLUMNS,
    OUTCOMES,
    REQUIRED_COLUMNS,
    stage_names,
    to_csv,
)

__all__ = [
    "COLUMN_ALIASES",
    "DEFAULT_HOURS_PER_WEEK",
    "DEFAULT_WORK_HOURS",
    "LOSS_REASONS",
    "MAX_ISSUES",
    "OPTIONAL_COLUMNS",
    "OUTCOMES",
    "REQUIRED_COLUMNS",
    "calibrate",
    "deals_from_result",
    "loss_reason_label",
    "outcome_label",
    "read_deals",
    "snapshot",
    "stage_names",
    "stage_stats",
    "to_csv",
]
