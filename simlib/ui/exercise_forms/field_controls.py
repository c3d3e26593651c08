"""A form's fields on the page: each field's label, help and input(s), and how they read and fill an answer
(COURSE.md §9).

:class:`SimpleControl` holds one input (text, long, number, date, slider, choice, multi); :class:`GridControl`
fixed rows from the material × typed columns; :class:`TableControl` rows the trainee adds and removes. Each
``collect(answer)`` puts its values at their answer paths and ``fill(answer)`` shows a saved answer. DOM
classes: ``sdw-field-<name>`` on a field, ``sdw-cell-<row>-<column>`` on a grid or table cell (a table's rows
are numbered from 0), ``sdw-add-row`` / ``sdw-remove-row`` on a table's buttons.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from simlib.base.i18n import t
from simlib.ui.base import esc
from simlib.ui.exercise_forms.answer_paths import get_path, is_blank, set_path
from simlib.ui.exercise_forms.inputs import InfoCell, Input, css_name, make_input
from simlib.ui.exercise_forms.specs import Col, Field, spec_text

if TYPE_CHECKING:
    from simlib.ui.exercise_forms.form import Form

__all__ = ["Control", "GridControl", "SimpleControl", "TableControl"]


class Control:
    """A field on the page: its label, its help and its input(s)."""

    def __init__(self, form: Form, spec: Field):
        self.form, self.spec = form, spec
        self.label = W.HTML()
        self.label.add_class("sdw-field-label")
        self.help = W.HTML()
        self.help.add_class("sdw-field-help")

    def box(self, body: W.Widget) -> W.VBox:
        parts = [self.label, *([self.help] if self.spec.help else []), body]
        box = W.VBox(parts, layout=W.Layout(width="100%", margin="0 0 0.6em 0"))
        box.add_class(f"sdw-field-{css_name(self.spec.name)}")
        box.add_class(f"sdw-kind-{self.spec.kind}")
        box.add_class("sdw-field")
        return box

    def relabel(self, mat: dict, lang: str) -> None:
        spec = self.spec
        text = spec_text(spec.label, mat, lang) if spec.label else t(f"exercise.{self.form.drill}.{spec.name}", lang)
        self.label.value = f'<label class="sdw-field-name">{esc(text)}</label>'
        if spec.help:
            self.help.value = f'<span class="sdw-muted">{esc(spec_text(spec.help, mat, lang))}</span>'

    # the answer
    def collect(self, answer: dict) -> None:
        raise NotImplementedError

    def fill(self, answer: Mapping) -> None:
        raise NotImplementedError

    def all_widgets(self) -> list[W.Widget]:
        return [self.label, self.help]


class SimpleControl(Control):
    """A field of one input (text, long, number, date, slider, choice, multi)."""

    def __init__(self, form: Form, spec: Field):
        super().__init__(form, spec)
        raw = form.raw
        bounds = tuple(float(b(raw)) if callable(b) else float(b) for b in (spec.low, spec.high, spec.step))
        self.input = make_input(spec.kind, options=spec.options, default=spec.default, slider=bounds)
        widest = {"number": "16em", "date": "16em", "choice": "36em", "text": "48em"}.get(spec.kind)
        if widest:
            self.input.widget.layout.max_width = widest
        self.widget = self.box(self.input.widget)

    @property
    def value(self) -> Any:
        return self.input.get()

    def relabel(self, mat: dict, lang: str) -> None:
        super().relabel(mat, lang)
        self.input.relabel(mat, lang, self.form)

    def collect(self, answer: dict) -> None:
        set_path(answer, self.spec.where, self.input.get())

    def fill(self, answer: Mapping) -> None:
        self.input.set(get_path(answer, self.spec.where))

    def all_widgets(self) -> list[W.Widget]:
        return [*super().all_widgets(), self.widget, *self.input.all_widgets()]


def _header_text(col: Col, mat: dict, lang: str) -> str:
    return spec_text(col.header, mat, lang) if col.header else t(f"exercise.col.{col.name}", lang)


def _header_cell() -> W.HTML:
    w = W.HTML()
    w.add_class("sdw-grid-head")
    return w


class GridControl(Control):
    """Fixed rows from the material × typed columns; each cell's value at its column's path."""

    def __init__(self, form: Form, spec: Field):
        super().__init__(form, spec)
        assert spec.rows is not None, "a grid needs rows"
        mat = form.mat
        self.row_ids: list[str] = []
        self.row_labels: dict[str, W.HTML] = {}
        self.cells: dict[str, dict[str, Input]] = {}
        self.headers = [_header_cell() for _ in range(len(spec.columns) + 1)]
        children: list[W.Widget] = list(self.headers)
        for rid, _label, rec in spec.rows.items(mat, form.lang):
            self.row_ids.append(rid)
            lab = W.HTML()
            lab.add_class("sdw-row-label")
            self.row_labels[rid] = lab
            children.append(lab)
            row: dict[str, Input] = {}
            for col in spec.columns:
                if col.kind == "info":
                    cell: Input = InfoCell(col, rid, self._record_getter(rid))
                else:
                    cell = make_input(col.kind, options=col.options, default=col.default,
                                      count=col.count(rec) if col.count else 1)
                cell.widget.add_class(f"sdw-cell-{css_name(rid)}-{css_name(col.name)}")
                row[col.name] = cell
                children.append(cell.widget)
            self.cells[rid] = row
        columns = " ".join(["minmax(8em, 16em)", *(c.width for c in spec.columns)])
        self.grid = W.GridBox(children, layout=W.Layout(grid_template_columns=columns, grid_gap="0.25em 0.6em",
                                                        width="100%", align_items="center"))
        self.grid.add_class("sdw-grid")
        self.widget = self.box(self.grid)

    def _record_getter(self, rid: str) -> Callable[[dict], Any]:
        def record(mat: dict) -> Any:
            for r, _label, rec in self.spec.rows.items(mat, self.form.lang):
                if r == rid:
                    return rec
            return None
        return record

    def relabel(self, mat: dict, lang: str) -> None:
        super().relabel(mat, lang)
        self.headers[0].value = f"<b>{esc(t(self.spec.row_header, lang))}</b>"
        for h, col in zip(self.headers[1:], self.spec.columns, strict=True):
            h.value = f"<b>{esc(_header_text(col, mat, lang))}</b>"
        labels = {rid: label for rid, label, _ in self.spec.rows.items(mat, lang)}
        for rid in self.row_ids:
            self.row_labels[rid].value = f'<span class="sdw-row-name">{esc(labels.get(rid, rid))}</span>'
            for cell in self.cells[rid].values():
                cell.relabel(mat, lang, self.form)

    def _path(self, col: Col, rid: str) -> str:
        return (col.path or f"{self.spec.where}.{{row}}.{col.name}").format(row=rid)

    def collect(self, answer: dict) -> None:
        for rid in self.row_ids:
            for col in self.spec.columns:
                if col.kind != "info":
                    set_path(answer, self._path(col, rid), self.cells[rid][col.name].get())

    def fill(self, answer: Mapping) -> None:
        for rid in self.row_ids:
            for col in self.spec.columns:
                if col.kind != "info":
                    self.cells[rid][col.name].set(get_path(answer, self._path(col, rid)))

    def all_widgets(self) -> list[W.Widget]:
        out = [*super().all_widgets(), self.widget, self.grid, *self.headers, *self.row_labels.values()]
        for row in self.cells.values():
            for cell in row.values():
                out.extend(cell.all_widgets())
        return out


class TableControl(Control):
    """Rows the trainee adds and removes; the answer is the list of the non-blank rows' dicts."""

    def __init__(self, form: Form, spec: Field):
        super().__init__(form, spec)
        self.rows: list[dict[str, Input]] = []
        self.headers = [_header_cell() for _ in range(len(spec.columns) + 1)]
        self.add_button = W.Button(icon="plus", layout=W.Layout(width="auto"))
        self.add_button.add_class("sdw-add-row")
        self.add_button.on_click(lambda b: self.add_row())
        self._remove_buttons: list[W.Button] = []
        columns = " ".join([*(c.width for c in spec.columns), "2.6em"])
        self.grid = W.GridBox([], layout=W.Layout(grid_template_columns=columns, grid_gap="0.25em 0.5em",
                                                  width="100%", align_items="center"))
        self.grid.add_class("sdw-grid")
        self.grid.add_class("sdw-table-rows")
        self.count_note = W.HTML()
        self.widget = self.box(W.VBox([self.grid, W.HBox([self.add_button, self.count_note])]))
        for _ in range(spec.start_rows):
            self._new_row()
        self._layout()

    def _new_row(self) -> dict[str, Input]:
        row = {col.name: make_input(col.kind, options=col.options, default=col.default) for col in self.spec.columns}
        for col in self.spec.columns:
            row[col.name].relabel(self.form.mat, self.form.lang, self.form)
        self.rows.append(row)
        return row

    def _layout(self) -> None:
        children: list[W.Widget] = list(self.headers)
        self._remove_buttons = []
        for i, row in enumerate(self.rows):
            for col in self.spec.columns:
                w = row[col.name].widget
                for c in [c for c in w._dom_classes if c.startswith("sdw-cell-")]:
                    w.remove_class(c)
                w.add_class(f"sdw-cell-{i}-{css_name(col.name)}")
                children.append(w)
            rm = W.Button(icon="times", layout=W.Layout(width="2.4em"), disabled=len(self.rows) <= 1)
            rm.add_class("sdw-remove-row")
            rm.on_click(lambda b, r=row: self.remove_row(self.rows.index(r)))
            self._remove_buttons.append(rm)
            children.append(rm)
        self.grid.children = children
        self.add_button.disabled = len(self.rows) >= self.spec.max_rows
        self._relabel_buttons(self.form.lang)

    def _relabel_buttons(self, lang: str) -> None:
        self.add_button.description = t("exercise.add_row", lang)
        for b in self._remove_buttons:
            b.tooltip = t("exercise.remove_row", lang)
        self.count_note.value = (f'<span class="sdw-muted">'
                                 f'{esc(t("exercise.rows_max", lang, n=self.spec.max_rows))}</span>')

    def add_row(self) -> None:
        if len(self.rows) < self.spec.max_rows:
            self._new_row()
            self._layout()

    def remove_row(self, index: int) -> None:
        if len(self.rows) > 1 and 0 <= index < len(self.rows):
            del self.rows[index]
            self._layout()

    def refresh_options(self) -> None:
        """Recompute the options of every choice cell (another field they depend on changed)."""
        for row in self.rows:
            for cell in row.values():
                cell.relabel(self.form.mat, self.form.lang, self.form)

    def relabel(self, mat: dict, lang: str) -> None:
        super().relabel(mat, lang)
        for h, col in zip(self.headers, self.spec.columns, strict=False):
            h.value = f"<b>{esc(_header_text(col, mat, lang))}</b>"
        self.refresh_options()
        self._relabel_buttons(lang)

    def _row_value(self, row: dict[str, Input]) -> dict | None:
        values = {(col.path or col.name): row[col.name].get() for col in self.spec.columns}
        meaningful = [v for col, v in zip(self.spec.columns, values.values(), strict=True)
                      if not is_blank(v) and (col.default is None or v != col.default)]
        return values if meaningful else None

    def collect(self, answer: dict) -> None:
        rows = [v for v in (self._row_value(r) for r in self.rows) if v is not None]
        set_path(answer, self.spec.where, rows)

    def fill(self, answer: Mapping) -> None:
        saved = get_path(answer, self.spec.where)
        saved = [r for r in saved if isinstance(r, Mapping)] if isinstance(saved, list) else []
        n = min(max(len(saved), self.spec.start_rows if not saved else len(saved), 1), self.spec.max_rows)
        self.rows = []
        for _ in range(n):
            self._new_row()
        for row, values in zip(self.rows, saved, strict=False):
            for col in self.spec.columns:
                row[col.name].set(values.get(col.path or col.name))
        self._layout()

    def all_widgets(self) -> list[W.Widget]:
        out = [*super().all_widgets(), self.widget, self.grid, self.add_button, self.count_note, *self.headers,
               *self._remove_buttons]
        for row in self.rows:
            for cell in row.values():
                out.extend(cell.all_widgets())
        return out
