"""Where the workbook's content lives — the one module that knows.

The content is the folders beside the library: ``scenarios/`` (scenario, plan, case and CRM files),
``exercises/`` (the drills' material and the trainers' keys) and ``notebooks/`` (the pages Voilà serves).
:func:`content_root` finds them, in this order:

1. ``$SDW_CONTENT``, when set (a course author's own copy, or a deployment's);
2. the source tree the package sits in (a clone, or an editable install: ``pip install -e .``);
3. the copy installed with the package (``pip install .`` puts it under the installation's data
   prefix, ``<prefix>/share/sales-drill-workbook/``).

``$SDW_EXERCISES`` still points :func:`exercises_dir` elsewhere on its own (the tests use it).

    >>> (content_root() / "scenarios").is_dir()
    True
"""
from __future__ import annotations

import os
import sysconfig
from pathlib import Path

__all__ = ["CONTENT_ENV", "INSTALLED_NAME", "content_root", "exercises_dir", "notebooks_dir", "package_dir",
           "scenarios_dir"]

#: the environment variable that points at a content folder
CONTENT_ENV = "SDW_CONTENT"
#: the folder name of the installed copy under ``<prefix>/share/``
INSTALLED_NAME = "sales-drill-workbook"


def package_dir() -> Path:
    """The ``simlib`` package folder (its catalogs, ``locales/``, ship inside it)."""
    return Path(__file__).resolve().parents[1]


def _candidates() -> list[Path]:
    env = os.environ.get(CONTENT_ENV)
    if env:
        return [Path(env).expanduser()]
    return [package_dir().parent, Path(sysconfig.get_path("data")) / "share" / INSTALLED_NAME]


def content_root() -> Path:
    """The folder holding ``scenarios/``, ``exercises/`` and ``notebooks/`` (see the module's docstring): the
    first candidate that has ``scenarios/`` (the first candidate when none has: a missing file is then reported
    with its full path where it is read)."""
    tried = _candidates()
    return next((root for root in tried if (root / "scenarios").is_dir()), tried[0])


def scenarios_dir() -> Path:
    """``scenarios/``: scenario, plan, case, customer and CRM sample files."""
    return content_root() / "scenarios"


def exercises_dir() -> Path:
    """``exercises/``: the drills' material and the trainers' keys; ``$SDW_EXERCISES`` if set."""
    env = os.environ.get("SDW_EXERCISES")
    return Path(env) if env else content_root() / "exercises"


def notebooks_dir() -> Path:
    """``notebooks/``: the pages (the only folder Voilà serves)."""
    return content_root() / "notebooks"
