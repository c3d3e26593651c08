"""A drill's answer form declared as data (COURSE.md §9): :class:`Field` s, a grid's :class:`Rows` and
:class:`Col` s, and where their labels and options come from.

A field's ``path`` says where its value goes in the answer (dotted; a number is a list position,
:mod:`~simlib.ui.exercise_forms.answer_paths`); a grid column's path holds ``{row}``, the row's id. Field
kinds:

* ``text``, ``long`` (several lines), ``number`` (a text box read as a number: ``1,200,000`` and
  ``80%`` are read as 1200000 and 80; other text is passed on, so the checker names the field),
  ``date`` (ISO text out), ``slider`` (a whole number between ``low`` and ``high``);
* ``choice`` (a dropdown, blank unless a ``default``), ``multi`` (a checkbox per option: a list of ids);
* ``grid`` — fixed rows (:class:`Rows`, from the material) × typed columns (:class:`Col`: ``info``
  shows material, ``number``, ``choice``, ``text``, ``long``, ``lines`` (a list, one item a line) and
  ``numbers`` (a row of number boxes, as many as the row asks)): a score grid for rubric criteria, a
  sheet, a phase plan;
* ``table`` — rows the trainee adds and removes (``+`` / ``×``), typed columns, a list of row dicts;
  a row left blank (its defaults aside) is not part of the answer.

Labels are catalog keys (``exercise.<drill>.<field>``, ``exercise.col.<column>``) or taken from the
material in the page's language (:func:`mat_text`, :func:`cat_text`); options come from the material
(:func:`from_material`), the catalog (:func:`from_catalog`) or a list of values (:func:`literal`)::

    >>> mat = {"units": {"yuan": {"label": "Yuan"}, "deals": {"label": "Deals"}}}
    >>> from_material("units")(mat, "en")
    [('Yuan', 'yuan'), ('Deals', 'deals')]
    >>> Rows("units").items(mat, "en")[1][:2]
    ('deals', 'Deals')
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from simlib.base.i18n import t
from simlib.ui.exercise_forms.answer_paths import get_path

if TYPE_CHECKING:
    from simlib.ui.exercise_forms.form import Form

__all__ = ["Col", "Field", "Options", "Rows", "Text", "cat_text", "from_catalog", "from_material", "literal",
           "mat_get", "mat_text", "spec_text"]

Options = Callable[[dict, str, "Form | None"], list[tuple[str, Any]]]
Text = str | Callable[[dict, str], str]     # a catalog key, or (localised material, lang) -> text


def mat_get(mat: Any, path: str) -> Any:
    """The material's node at a dotted path."""
    return get_path(mat, path) if path else mat


def _label_of(record: Any, label: str | None) -> str:
    if isinstance(record, Mapping) and label is not None:
        return str(record.get(label, ""))
    return str(record)


def mat_text(path: str) -> Callable[[dict, str], str]:
    """A text of the (localised) material: a field's label or help taken from the drill's material."""
    return lambda mat, lang: str(mat_get(mat, path) or "")


def cat_text(key: str, **params: Callable[[dict], Any]) -> Callable[[dict, str], str]:
    """A catalog text whose parameters come from the material."""
    return lambda mat, lang: t(key, lang, **{k: f(mat) for k, f in params.items()})


def spec_text(spec: Text | None, mat: dict, lang: str, **params: Any) -> str:
    """A label or help text of a declaration in ``lang``: a catalog key, or a text of the material."""
    if spec is None:
        return ""
    return spec(mat, lang) if callable(spec) else t(spec, lang, **params)


def from_material(path: str, key: str | None = None, label: str | None = "label") -> Options:
    """Options from a material mapping (its keys; the label is the value's ``label`` or the value itself)
    or list (each item's ``key`` field)."""
    def options(mat: dict, lang: str, form: Form | None = None) -> list[tuple[str, Any]]:
        node = mat_get(mat, path)
        if isinstance(node, Mapping):
            return [(_label_of(v, label if isinstance(v, Mapping) else None), str(k)) for k, v in node.items()]
        return [(_label_of(item, label), str(item[key])) for item in node or []]
    return options


def from_catalog(prefix: str, ids: Sequence[str] | str) -> Options:
    """Options ``ids`` (or the keys of the material mapping at path ``ids``) labelled by ``<prefix><id>``."""
    def options(mat: dict, lang: str, form: Form | None = None) -> list[tuple[str, Any]]:
        keys = list(mat_get(mat, ids)) if isinstance(ids, str) else list(ids)
        return [(t(f"{prefix}{k}", lang), str(k)) for k in keys]
    return options


def literal(*values: Any) -> Options:
    """Options that are the ``values`` themselves, each labelled by its text."""
    return lambda mat, lang, form=None: [(str(v), v) for v in values]


@dataclass(frozen=True)
class Rows:
    """A grid's rows from the material: the list or mapping at ``path``; each row's id (a list item's
    ``key`` field, a mapping's key), its label (the record's ``label`` field, the record itself when
    ``label`` is None, or the catalog text ``<catalog><id>``) and its record (for info columns)."""
    path: str
    key: str | None = None
    label: str | None = "label"
    catalog: str | None = None

    def items(self, mat: dict, lang: str) -> list[tuple[str, str, Any]]:
        node = mat_get(mat, self.path)
        pairs = list(node.items()) if isinstance(node, Mapping) else [(item[self.key], item) for item in node]
        return [(str(rid), t(f"{self.catalog}{rid}", lang) if self.catalog else _label_of(rec, self.label), rec)
                for rid, rec in pairs]


@dataclass(frozen=True)
class Col:
    """A column of a grid or a table.

    ``kind``: info | text | long | number | choice | lines | numbers. ``path``: where the cell's value
    goes (grid: an answer path with ``{row}``; table: the key in the row's dict; default ``name``).
    ``info(mat, row record, row id, lang) -> html`` fills an info cell. ``header``: a catalog key or
    a material text (default ``exercise.col.<name>``). ``count(record)``: boxes of a ``numbers`` cell.
    """
    name: str
    kind: str
    path: str = ""
    header: Text | None = None
    info: Callable[[dict, Any, str, str], str] | None = None
    options: Options | None = None
    default: Any = None
    count: Callable[[Any], int] | None = None
    width: str = "minmax(7em, 10em)"


@dataclass(frozen=True)
class Field:
    """One field of a drill's form (see the module's docstring for the kinds).

    ``label`` / ``help``: catalog keys or material texts (default label ``exercise.<drill>.<name>``; no
    help unless given). ``depends``: the name of a field whose value the options read (they are
    recomputed when it changes).
    """
    name: str
    kind: str
    path: str = ""
    label: Text | None = None
    help: Text | None = None
    options: Options | None = None
    default: Any = None
    rows: Rows | None = None
    columns: tuple[Col, ...] = ()
    row_header: str = "exercise.col.item"
    start_rows: int = 3
    max_rows: int = 6
    low: Callable[[dict], float] | float = 0
    high: Callable[[dict], float] | float = 10
    step: Callable[[dict], float] | float = 1
    depends: str | None = None

    @property
    def where(self) -> str:
        return self.path or self.name
