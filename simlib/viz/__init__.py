"""Floor 8 — every plotly figure, in the page's language; no widgets.

:mod:`~simlib.viz.layout` holds what all figures share (colours, fonts that render CJK, the layout);
one module per subject draws its figures from tables the floors below compute.

May import: plotly and every floor below (base … workshop). Never ipywidgets.
"""
