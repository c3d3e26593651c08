"""Where a form's values go in a drill's answer: dotted paths into nested dicts and lists (COURSE.md §9).

A field's path is dotted, a number in it a list position (``phases.0.days.1``). :func:`set_path` builds the
answer as the form is read, :func:`get_path` reads a saved answer back into the form, and :func:`prune`
leaves blank values out of mappings, so a checker sees a missing value as "not answered yet"::

    >>> answer = {}
    >>> set_path(answer, "phases.1.days.0", 30)
    >>> answer
    {'phases': [None, {'days': [30]}]}
    >>> get_path(answer, "phases.1.days.0"), get_path(answer, "phases.0.days")
    (30, None)
    >>> prune({"a": " ", "b": [None, 2], "c": {"d": None}})
    {'b': [None, 2]}
"""
from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from typing import Any

__all__ = ["get_path", "is_blank", "prune", "set_path"]


def _parts(path: str) -> list[str | int]:
    return [int(p) if p.isdigit() else p for p in path.split(".")]


def get_path(data: Any, path: str) -> Any:
    """The value at a dotted ``path`` of nested dicts and lists (None when absent)."""
    node = data
    for p in _parts(path):
        if isinstance(p, int) and isinstance(node, list):
            node = node[p] if p < len(node) else None
        elif isinstance(node, Mapping):
            node = node.get(str(p))
        else:
            return None
        if node is None:
            return None
    return node


def set_path(data: dict, path: str, value: Any) -> None:
    """Put ``value`` at a dotted ``path``, creating dicts (and lists for numeric parts) on the way."""
    parts = _parts(path)
    node: Any = data
    for here, nxt in pairwise(parts):
        empty: Any = [] if isinstance(nxt, int) else {}
        if isinstance(here, int):
            while len(node) <= here:
                node.append(None)
            if node[here] is None:
                node[here] = empty
            node = node[here]
        else:
            node = node.setdefault(str(here), empty)
    last = parts[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
        node[last] = value
    else:
        node[str(last)] = value


def is_blank(v: Any) -> bool:
    """Whether ``v`` holds no answer: None, blank text, or a list or mapping of blanks only."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return True
    if isinstance(v, (list, tuple)):
        return all(is_blank(x) for x in v)
    if isinstance(v, Mapping):
        return all(is_blank(x) for x in v.values())
    return False


def prune(v: Any) -> Any:
    """Leave blank values out of mappings (a list keeps its blanks in place, unless all are blank)."""
    if isinstance(v, Mapping):
        return {k: prune(x) for k, x in v.items() if not is_blank(x)}
    if isinstance(v, list):
        return [prune(x) if not is_blank(x) else None for x in v]
    return v
