"""A drill's answer form as widgets (COURSE.md §9): its declaration in :data:`FORMS` turned into controls,
read back into the answer its checker reads, filled from a saved answer, relabelled in another language.

    >>> from simlib.content.drills import load_material
    >>> form = Form("okr_scoring", load_material("okr_scoring"), "en")
    >>> form.inputs["scores"].cells["kr1"]["score"].widget.value = "0.7"
    >>> form.inputs["objective"].input.widget.value = "0.67"
    >>> form.answer()
    {'scores': {'kr1': 0.7}, 'objective': 0.67}
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as W

from simlib.content.drills import localize
from simlib.ui.exercise_forms.answer_paths import prune
from simlib.ui.exercise_forms.drill_forms import FORMS
from simlib.ui.exercise_forms.field_controls import Control, GridControl, SimpleControl, TableControl

__all__ = ["Form"]


@dataclass
class Form:
    """A drill's answer form (:data:`FORMS`) as widgets: :meth:`answer` reads it, :meth:`fill` writes
    an answer into it, :meth:`relabel` redraws it in another language.

    Args:
        drill: the drill's name. raw: its material as the file has it (every text in three languages).
        lang: the form's language.
    """
    drill: str
    raw: dict
    lang: str = "zh-Hant"
    inputs: dict[str, Control] = field(default_factory=dict, init=False)
    widget: W.VBox = field(init=False)

    def __post_init__(self) -> None:
        self._muted = 0
        self.mat = localize(self.raw, self.lang)
        kinds = {"grid": GridControl, "table": TableControl}
        for spec in FORMS[self.drill]:
            self.inputs[spec.name] = kinds.get(spec.kind, SimpleControl)(self, spec)
        for spec in FORMS[self.drill]:
            if spec.depends:
                dep = self.inputs[spec.depends]
                dep.input.widget.observe(lambda ch, name=spec.name: self._dependency_changed(name), names="value")
        self.widget = W.VBox([c.widget for c in self.inputs.values()], layout=W.Layout(width="100%"))
        self.widget.add_class("sdw-form")
        self.relabel(self.lang)

    def _dependency_changed(self, name: str) -> None:
        if not self._muted:
            ctl = self.inputs[name]
            if isinstance(ctl, TableControl):
                ctl.refresh_options()

    def value(self, name: str) -> Any:
        """The current value of a one-input field (None for a blank or a grid/table)."""
        ctl = self.inputs.get(name)
        return ctl.value if isinstance(ctl, SimpleControl) else None

    def relabel(self, lang: str) -> None:
        """Every label, option and info cell in ``lang`` (values kept)."""
        self.lang = lang
        self.mat = localize(self.raw, lang)
        self._muted += 1
        try:
            for ctl in self.inputs.values():        # a field others depend on first
                if any(s.depends == ctl.spec.name for s in FORMS[self.drill]):
                    ctl.relabel(self.mat, lang)
            for ctl in self.inputs.values():
                if not any(s.depends == ctl.spec.name for s in FORMS[self.drill]):
                    ctl.relabel(self.mat, lang)
        finally:
            self._muted -= 1

    def answer(self) -> dict:
        """The answer the checker reads (blank inputs left out of mappings)."""
        out: dict = {}
        for ctl in self.inputs.values():
            ctl.collect(out)
        return prune(out)

    def fill(self, answer: Mapping | None) -> None:
        """Show ``answer`` in the form (every input not in it is cleared)."""
        answer = answer or {}
        self._muted += 1
        try:
            order = sorted(self.inputs.values(), key=lambda c: c.spec.depends is not None)
            for ctl in order:
                if isinstance(ctl, TableControl):
                    ctl.refresh_options()
                ctl.fill(answer)
        finally:
            self._muted -= 1

    def clear(self) -> None:
        self.fill({})

    def all_widgets(self) -> list[W.Widget]:
        """Every widget of the form (for tests that scan what a page shows)."""
        out: list[W.Widget] = [self.widget]
        for ctl in self.inputs.values():
            out.extend(ctl.all_widgets())
        return out
