"""Where a plotly figure lives in an app, and how it is redrawn when the inputs change.

Two ways, one interface (``.widget`` to place in a layout, ``.show(fig)`` to redraw, ``.figure``
for the last figure shown):

* :class:`WidgetFigure` — a ``plotly.graph_objects.FigureWidget`` (an anywidget) updated in place:
  only the changed data travel to the browser, and plotly.js restyles instead of redrawing.
* :class:`OutputFigure` — an ``ipywidgets.Output`` whose content is replaced by the figure's
  ``application/vnd.plotly.v1+json`` bundle, drawn afresh by the jupyterlab-plotly renderer.

Neither loads anything from a CDN: plotly.js comes from the installed plotly package.
``benchmarks/app_latency.py`` measures both (Funnel Lab, 2-core machine): slider to redrawn chart
136 ms median with ``FigureWidget``, 180 ms with ``Output``; first render 14.6 s against 9.4 s. Apps
default to :data:`DEFAULT_RENDERER`, ``Output``: every ``FigureWidget`` must start its front-end model
(and receive plotly.js) within a couple of seconds, which a loaded server sometimes misses — the
chart then stays blank and stops updating — while an ``Output`` only carries data. ``?renderer=widget``
picks the in-place widget.

``FigureWidget`` is imported here, when the app's module is imported, not when the first figure is
drawn: the import costs seconds (plotly → nbformat → jsonschema, which builds parsers at import), and a
Voilà server with preheated kernels then pays it before the page is requested.
"""
from __future__ import annotations

import json
from copy import deepcopy
from typing import Any, Literal

import ipywidgets as W
import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from plotly.graph_objects import FigureWidget

__all__ = ["DEFAULT_RENDERER", "FigureView", "OutputFigure", "Renderer", "WidgetFigure", "make_view"]

Renderer = Literal["widget", "output"]
DEFAULT_RENDERER: Renderer = "output"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
CONFIG = {"displaylogo": False, "responsive": True}


class FigureView:
    """A place for one figure in an app."""

    widget: W.Widget
    figure: go.Figure | None = None

    def show(self, fig: go.Figure) -> None:
        raise NotImplementedError

    def sync(self) -> None:
        """Make the widget's synced state whole before it is displayed (see :class:`WidgetFigure`)."""


class WidgetFigure(FigureView):
    """A ``FigureWidget`` whose traces and layout are updated in place."""

    def __init__(self, name: str):
        self.widget = FigureWidget()
        self.widget._config = CONFIG
        self.widget.add_class(f"sdw-fig-{name}")
        self.figure = None

    def show(self, fig: go.Figure) -> None:
        self.figure = fig
        fw = self.widget
        same_shape = len(fw.data) == len(fig.data) and all(
            a.type == b.type for a, b in zip(fw.data, fig.data, strict=True))
        layout = fig.layout.to_plotly_json()
        if not same_shape:
            with fw.batch_update():
                fw.data = ()
                fw.add_traces(list(fig.data))
                fw.layout = layout
            return
        layout.pop("template", None)  # unchanged between redraws; comparing it costs time
        with fw.batch_update():
            for old, new in zip(fw.data, fig.data, strict=True):
                for key, value in _changed(old.to_plotly_json(), new.to_plotly_json()).items():
                    old[key] = value  # replaces the whole property, nested parts included
            for key, value in _changed(fw.layout.to_plotly_json(), layout).items():
                fw.layout[key] = value

    def sync(self) -> None:
        """Copy the figure into the state a browser reads when it first draws the widget.

        Edits reach a connected browser as restyle/relayout messages; until one connects they change
        only the Python side, and plotly copies them into the synced ``_widget_data`` /
        ``_widget_layout`` only when the figure itself is displayed, not as a child of a box.
        Voilà runs the notebook before the page connects, so the app calls this when it is displayed.
        """
        fw = self.widget
        fw._widget_layout = deepcopy(fw._layout_obj._props)
        fw._widget_data = deepcopy(fw._data)


class OutputFigure(FigureView):
    """An ``Output`` whose content is replaced by the figure's plotly mime bundle."""

    def __init__(self, name: str):
        self.widget = W.Output()
        self.widget.add_class(f"sdw-fig-{name}")
        self.figure = None

    def show(self, fig: go.Figure) -> None:
        self.figure = fig
        data = json.loads(pio.to_json(fig, validate=False))
        data["config"] = CONFIG
        self.widget.outputs = ({"output_type": "display_data", "data": {PLOTLY_MIME: data}, "metadata": {}},)


def _same(a: Any, b: Any) -> bool:
    """Whether two plotly property values are equal (arrays element-wise, mappings key by key)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple, np.ndarray)) or isinstance(b, (list, tuple, np.ndarray)):
        try:
            x, y = np.asarray(a), np.asarray(b)
            return x.shape == y.shape and bool(np.all(x == y))
        except (TypeError, ValueError):
            return False
    return a == b


def _changed(old: dict, new: dict) -> dict:
    """The top-level properties of ``new`` that differ from ``old`` (what a redraw must send)."""
    return {k: v for k, v in new.items() if k != "uid" and not _same(old.get(k), v)}


def make_view(name: str, renderer: Renderer = DEFAULT_RENDERER) -> FigureView:
    """A :class:`FigureView` of the kind ``renderer`` names (``"widget"`` or ``"output"``)."""
    if renderer == "widget":
        return WidgetFigure(name)
    if renderer == "output":
        return OutputFigure(name)
    raise ValueError(f"renderer must be 'widget' or 'output'; got {renderer!r}")
