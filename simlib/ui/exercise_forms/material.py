"""The building blocks of a drill's material panel, shown below its task (COURSE.md §9).

A panel is a tuple of blocks, each ``block(localised material, lang) -> html``: a paragraph of the
material (:func:`para`), a bulleted list (:func:`bullets`), a two-column table of facts (:func:`facts`)
or a table of a list of records (:func:`table`); headings are catalog keys::

    >>> para("situation")({"situation": "Q3 <review>"}, "en")
    '<p class="sdw-material-text">Q3 &lt;review&gt;</p>'
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from simlib.base.i18n import t
from simlib.ui.base import esc
from simlib.ui.exercise_forms.specs import mat_get

__all__ = ["MaterialBlock", "bullets", "facts", "material_heading", "para", "table"]

MaterialBlock = Callable[[dict, str], str]     # (localised material, lang) -> html


def material_heading(key: str, lang: str) -> str:
    """A block's heading: catalog ``key`` in ``lang``."""
    return f'<h4 class="sdw-material-title">{esc(t(key, lang))}</h4>'


def _heading(title: str | None, lang: str) -> str:
    return material_heading(title, lang) if title else ""


def para(path: str, title: str | None = None, cls: str = "sdw-material-text") -> MaterialBlock:
    """A paragraph of the material (line breaks kept)."""
    def block(mat: dict, lang: str) -> str:
        return _heading(title, lang) + f'<p class="{cls}">{esc(mat_get(mat, path))}</p>'
    return block


def bullets(path: str, title: str | None = None) -> MaterialBlock:
    """The material's list at ``path`` as bullets."""
    def block(mat: dict, lang: str) -> str:
        items = "".join(f"<li>{esc(x)}</li>" for x in mat_get(mat, path))
        return _heading(title, lang) + f'<ul class="sdw-material-list">{items}</ul>'
    return block


def facts(title: str | None, rows: Sequence[tuple[str, Callable[[dict, str], str]]]) -> MaterialBlock:
    """A two-column table: a catalog label and a value from the material per row."""
    def block(mat: dict, lang: str) -> str:
        body = "".join(f"<tr><th>{esc(t(k, lang))}</th><td>{esc(fn(mat, lang))}</td></tr>" for k, fn in rows)
        return _heading(title, lang) + f'<table class="sdw-table sdw-material-table sdw-facts">{body}</table>'
    return block


def table(path: str, title: str | None, cols: Sequence[tuple[str, Callable[[Any, str], str]]],
          cls: str = "") -> MaterialBlock:
    """A table of the material's list (or mapping: ``(key, value)`` pairs) at ``path``: one column per
    ``(catalog header, cell(record, lang))``."""
    def block(mat: dict, lang: str) -> str:
        node = mat_get(mat, path)
        recs = list(node.items()) if isinstance(node, Mapping) else list(node)
        head = "".join(f"<th>{esc(t(h, lang))}</th>" for h, _ in cols)
        body = "".join("<tr>" + "".join(f"<td>{esc(fn(r, lang))}</td>" for _, fn in cols) + "</tr>" for r in recs)
        return _heading(title, lang) + f'<table class="sdw-table sdw-material-table {cls}"><tr>{head}</tr>{body}</table>'
    return block
