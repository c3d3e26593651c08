"""Floor 6 — data in and out: CRM exports, the dashboards built on them, the trainee's answer store.

- :mod:`~simlib.data.crm`: reading a CRM deal table (row-and-column messages), synthesis, calibration;
- :mod:`~simlib.data.dashboards`: S1's boards as pure tables;
- :mod:`~simlib.data.answers`: the exercises' answer store (SQLite, CSV/Excel export).

May import: every floor below (base … analysis).
"""
