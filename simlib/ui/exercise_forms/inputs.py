"""The input widgets of a drill's form: one value in, one value out (COURSE.md §9).

An :class:`Input` wraps one widget (or a row of them): ``get()`` gives its value for the answer, ``set(value)``
shows a saved one, ``relabel(mat, lang, form)`` redraws its options in another language. :func:`make_input`
makes the one a field or column kind asks for. A number box reads what people write::

    >>> read_number("1,200,000"), read_number("80%"), read_number(" "), read_number("about 5")
    (1200000, 80, None, 'about 5')
    >>> show_number(1200000), show_number(0.7), show_number(None)
    ('1200000', '0.7', '')
"""
from __future__ import annotations

import math
import re
from datetime import date
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from simlib.base.i18n import t
from simlib.ui.exercise_forms.specs import Col, Options

if TYPE_CHECKING:
    from simlib.ui.exercise_forms.form import Form

__all__ = ["BLANK", "ChoiceInput", "DateInput", "InfoCell", "Input", "LinesInput", "MultiInput", "NumberInput",
           "NumbersInput", "SliderInput", "TextInput", "css_name", "make_input", "read_number", "show_number"]

#: a dropdown's value when nothing is chosen
BLANK = ""
_NUM_TEXT = re.compile(r"^[+-]?(\d[\d,，]*)?(\.\d+)?$")


def read_number(text: str) -> Any:
    """A number box's value: None when blank, a number when it reads as one (``1,200,000``, ``80%``,
    ``0.7``), else the text itself (the checker then names the field)."""
    s = str(text).strip().replace(" ", "").replace("\u00a0", "")
    if not s:
        return None
    s = s.rstrip("%％")
    if _NUM_TEXT.match(s) and any(c.isdigit() for c in s):
        x = float(s.replace(",", "").replace("，", ""))
        return int(x) if x.is_integer() and abs(x) < 1e15 else x
    return str(text).strip()


def show_number(v: Any) -> str:
    """A number as the box shows it again (``1200000``, ``0.7``); text as it was."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)):
        if isinstance(v, float) and not math.isfinite(v):
            return ""
        return str(int(v)) if float(v).is_integer() else repr(float(v))
    return str(v)


def css_name(x: Any) -> str:
    """``x`` as a part of a DOM class name (anything but letters, digits, ``_`` and ``-`` becomes ``-``)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", str(x))


class Input:
    """One input widget of a form: ``get()`` its value for the answer, ``set(value)`` from an answer,
    ``relabel(mat, lang, form)`` its options or texts."""

    widget: W.Widget

    def get(self) -> Any:
        raise NotImplementedError

    def set(self, value: Any) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        self.set(None)

    def relabel(self, mat: dict, lang: str, form: Form | None) -> None:
        """Redraw what depends on the language (a hook)."""

    def all_widgets(self) -> list[W.Widget]:
        return [self.widget]


def _wide(**kw: Any) -> W.Layout:
    return W.Layout(width="100%", **kw)


class TextInput(Input):
    """A line of text, or several (``long``)."""

    def __init__(self, long: bool = False, rows: int = 3):
        self.widget = W.Textarea(rows=rows, layout=_wide()) if long else W.Text(layout=_wide())

    def get(self) -> Any:
        return self.widget.value if self.widget.value.strip() else None

    def set(self, value: Any) -> None:
        self.widget.value = "" if value is None else str(value)


class LinesInput(TextInput):
    """A text box whose lines are a list (blank lines left out)."""

    def __init__(self):
        super().__init__(long=True, rows=3)

    def get(self) -> Any:
        return [line.strip() for line in self.widget.value.splitlines() if line.strip()]

    def set(self, value: Any) -> None:
        if isinstance(value, (list, tuple)):
            self.widget.value = "\n".join(str(v) for v in value if v is not None)
        else:
            super().set(value)


class NumberInput(Input):
    """A text box read as a number (:func:`read_number`)."""

    def __init__(self, width: str = "100%"):
        self.widget = W.Text(layout=W.Layout(width=width))
        self.widget.add_class("sdw-number")

    def get(self) -> Any:
        return read_number(self.widget.value)

    def set(self, value: Any) -> None:
        self.widget.value = show_number(value)


class NumbersInput(Input):
    """A row of ``n`` number boxes: a list of ``n`` values."""

    def __init__(self, n: int, cls: str = ""):
        self.boxes = [NumberInput("100%") for _ in range(n)]
        for i, b in enumerate(self.boxes):
            b.widget.add_class(f"{cls}-{i}" if cls else f"sdw-box-{i}")
            b.widget.layout.min_width = "4.5em"
        self.widget = W.Box([b.widget for b in self.boxes],
                            layout=W.Layout(display="grid", grid_template_columns=f"repeat({n}, minmax(4.5em, 1fr))",
                                            grid_gap="0 0.3em", width="100%"))

    def get(self) -> Any:
        return [b.get() for b in self.boxes]

    def set(self, value: Any) -> None:
        values = list(value) if isinstance(value, (list, tuple)) else []
        for i, b in enumerate(self.boxes):
            b.set(values[i] if i < len(values) else None)

    def all_widgets(self) -> list[W.Widget]:
        return [self.widget, *(b.widget for b in self.boxes)]


class DateInput(Input):
    """A date picker: ISO text out."""

    def __init__(self):
        self.widget = W.DatePicker(layout=W.Layout(width="auto"))

    def get(self) -> Any:
        v = self.widget.value
        return v.isoformat() if isinstance(v, date) else None

    def set(self, value: Any) -> None:
        if isinstance(value, date):
            self.widget.value = value
            return
        try:
            self.widget.value = date.fromisoformat(str(value).strip()) if value else None
        except ValueError:
            self.widget.value = None


class SliderInput(Input):
    """A slider between ``low`` and ``high`` (whole numbers when all three bounds are)."""

    def __init__(self, low: float, high: float, step: float):
        whole = all(float(x).is_integer() for x in (low, high, step))
        cls = W.IntSlider if whole else W.FloatSlider
        kind = int if whole else float
        self.low = kind(low)
        self.widget = cls(value=self.low, min=kind(low), max=kind(high), step=kind(step), continuous_update=False,
                          layout=W.Layout(width="100%", max_width="36em"))

    def get(self) -> Any:
        return self.widget.value

    def set(self, value: Any) -> None:
        try:
            x = float(value)
        except (TypeError, ValueError):
            x = self.low
        if not math.isfinite(x):
            x = self.low
        x = min(max(x, self.widget.min), self.widget.max)
        self.widget.value = int(x) if isinstance(self.widget, W.IntSlider) else x


class ChoiceInput(Input):
    """A dropdown: a blank first option ("choose…") unless there is a default."""

    def __init__(self, options: Options, default: Any = None):
        self.options, self.default = options, default
        self.widget = W.Dropdown(options=[("—", BLANK)], value=BLANK, layout=W.Layout(width="100%"))
        self._values: list[Any] = []

    def relabel(self, mat: dict, lang: str, form: Form | None) -> None:
        value = self.widget.value
        opts = list(self.options(mat, lang, form))
        self._values = [v for _, v in opts]
        if self.default is None:
            opts = [(t("exercise.choose", lang), BLANK), *opts]
        self.widget.options = opts
        self.widget.value = value if value in self._values else (self.default if self.default is not None else BLANK)

    def get(self) -> Any:
        v = self.widget.value
        return None if v == BLANK else v

    def set(self, value: Any) -> None:
        if value in self._values:
            self.widget.value = value
        elif isinstance(value, str) and value.isdigit() and int(value) in self._values:
            self.widget.value = int(value)
        else:
            self.widget.value = self.default if self.default is not None else BLANK


class MultiInput(Input):
    """A checkbox per option: the list of the ids checked, in the options' order."""

    def __init__(self, options: Options):
        self.options = options
        self.boxes: dict[Any, W.Checkbox] = {}
        self.widget = W.VBox([])
        self.widget.add_class("sdw-multi")

    def relabel(self, mat: dict, lang: str, form: Form | None) -> None:
        opts = list(self.options(mat, lang, form))
        if [v for _, v in opts] != list(self.boxes):
            checked = set(self.get())
            self.boxes = {}
            for _, v in opts:
                box = W.Checkbox(value=v in checked, indent=False, layout=W.Layout(width="auto"))
                box.add_class(f"sdw-option-{css_name(v)}")
                self.boxes[v] = box
            self.widget.children = list(self.boxes.values())
        for label, v in opts:
            self.boxes[v].description = label

    def get(self) -> Any:
        return [v for v, box in self.boxes.items() if box.value]

    def set(self, value: Any) -> None:
        chosen = set(value) if isinstance(value, (list, tuple)) else set()
        for v, box in self.boxes.items():
            box.value = v in chosen

    def all_widgets(self) -> list[W.Widget]:
        return [self.widget, *self.boxes.values()]


class InfoCell(Input):
    """A read-only cell showing the material (HTML)."""

    def __init__(self, col: Col, rid: str, record: Any):
        self.col, self.rid, self.record = col, rid, record
        self.widget = W.HTML()
        self.widget.add_class("sdw-info")

    def relabel(self, mat: dict, lang: str, form: Form | None) -> None:
        rec = self._record(mat)
        self.widget.value = f'<span class="sdw-info-text">{self.col.info(mat, rec, self.rid, lang)}</span>'

    def _record(self, mat: dict) -> Any:
        return self.record(mat) if callable(self.record) else self.record

    def get(self) -> Any:
        return None

    def set(self, value: Any) -> None:
        pass


def make_input(kind: str, *, options: Options | None = None, default: Any = None, count: int = 1,
               slider: tuple[float, float, float] = (0, 10, 1)) -> Input:
    """An :class:`Input` of ``kind``."""
    if kind in ("text", "long"):
        return TextInput(long=kind == "long")
    if kind == "lines":
        return LinesInput()
    if kind == "number":
        return NumberInput()
    if kind == "numbers":
        return NumbersInput(count)
    if kind == "date":
        return DateInput()
    if kind == "slider":
        return SliderInput(*slider)
    if kind == "choice":
        assert options is not None, "a choice needs options"
        return ChoiceInput(options, default)
    if kind == "multi":
        assert options is not None, "a multi-choice needs options"
        return MultiInput(options)
    raise ValueError(f"unknown field kind {kind!r}")
