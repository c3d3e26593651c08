"""The drills' answer forms and material panels, declared as data (COURSE.md §9; :mod:`simlib.content.drills`).

Each drill has a form — a tuple of :class:`Field` in :data:`FORMS` — and a material panel — a tuple of
blocks in :data:`MATERIAL`. :class:`Form` turns a drill's fields into widgets and back into the answer
dict its checker reads; the exercise page (:mod:`simlib.ui.exercise`) only places the form, so twelve
forms are twelve declarations, not twelve copies of widget code.

Blank inputs are left out of mappings (a checker treats a missing value as "not answered yet"); a
list keeps its blanks in place (a blank week is a blank week). Labels are catalog keys or taken from the
material in the page's language, so the whole form relabels when the language changes.

Modules:

- :mod:`~simlib.ui.exercise_forms.answer_paths`: where a value goes in the answer (:func:`get_path`,
  :func:`set_path`, :func:`prune`);
- :mod:`~simlib.ui.exercise_forms.specs`: the declarations (:class:`Field`, :class:`Rows`, :class:`Col`, the
  field kinds) and where their labels and options come from;
- :mod:`~simlib.ui.exercise_forms.material`: the material panel's blocks (:func:`para`, :func:`bullets`,
  :func:`facts`, :func:`table`);
- :mod:`~simlib.ui.exercise_forms.inputs`: the input widgets (:class:`Input` and its kinds, :func:`make_input`);
- :mod:`~simlib.ui.exercise_forms.field_controls`: a field's label, help and inputs (:class:`SimpleControl`,
  :class:`GridControl`, :class:`TableControl`);
- :mod:`~simlib.ui.exercise_forms.form`: :class:`Form`;
- :mod:`~simlib.ui.exercise_forms.drill_forms` and :mod:`~simlib.ui.exercise_forms.drill_material`: every
  drill's form (:data:`FORMS`) and material panel (:data:`MATERIAL`).
"""
from __future__ import annotations

from simlib.ui.exercise_forms.answer_paths import get_path, is_blank, prune, set_path
from simlib.ui.exercise_forms.drill_forms import FORMS
from simlib.ui.exercise_forms.drill_material import MATERIAL
from simlib.ui.exercise_forms.field_controls import Control, GridControl, SimpleControl, TableControl
from simlib.ui.exercise_forms.form import Form
from simlib.ui.exercise_forms.inputs import (
    BLANK,
    ChoiceInput,
    DateInput,
    InfoCell,
    Input,
    LinesInput,
    MultiInput,
    NumberInput,
    NumbersInput,
    SliderInput,
    TextInput,
    css_name,
    make_input,
    read_number,
    show_number,
)
from simlib.ui.exercise_forms.material import MaterialBlock, bullets, facts, material_heading, para, table
from simlib.ui.exercise_forms.specs import (
    Col,
    Field,
    Options,
    Rows,
    Text,
    cat_text,
    from_catalog,
    from_material,
    literal,
    mat_get,
    mat_text,
    spec_text,
)

__all__ = [
    "BLANK",
    "FORMS",
    "MATERIAL",
    "ChoiceInput",
    "Col",
    "Control",
    "DateInput",
    "Field",
    "Form",
    "GridControl",
    "InfoCell",
    "Input",
    "LinesInput",
    "MaterialBlock",
    "MultiInput",
    "NumberInput",
    "NumbersInput",
    "Options",
    "Rows",
    "SimpleControl",
    "SliderInput",
    "TableControl",
    "Text",
    "TextInput",
    "bullets",
    "cat_text",
    "css_name",
    "facts",
    "from_catalog",
    "from_material",
    "get_path",
    "is_blank",
    "literal",
    "make_input",
    "mat_get",
    "mat_text",
    "material_heading",
    "para",
    "prune",
    "read_number",
    "set_path",
    "show_number",
    "spec_text",
    "table",
]
