"""The apps' thin layer over :mod:`simlib`: widgets declared as data, the page language, app assemblies.

Only this package imports ipywidgets; the core modules never do. Notebooks stay a few lines::

    from simlib.ui.funnel_lab import FunnelLab
    FunnelLab.from_query("../scenarios/funnel_basics.yaml").show()

Modules: :mod:`~simlib.ui.controls` (slider declarations, ranges from the scenario schema),
:mod:`~simlib.ui.lang` (``?lang=`` and the language switch), :mod:`~simlib.ui.figures` (how a figure is
redrawn), :mod:`~simlib.ui.funnel_lab` (Funnel Lab), :mod:`~simlib.ui.hub` (the landing page).
"""
__all__ = ["FunnelLab", "Hub"]


def __getattr__(name: str):
    if name == "FunnelLab":
        from .funnel_lab import FunnelLab
        return FunnelLab
    if name == "Hub":
        from .hub import Hub
        return Hub
    raise AttributeError(name)
