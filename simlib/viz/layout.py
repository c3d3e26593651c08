"""What every figure shares: the colours, the height, a plain white template and fonts that render CJK.

Chinese text needs a CJK font in the browser and in exported images: :func:`font_family` names the
Noto CJK faces first (Traditional or Simplified to suit the language), then a generic fallback;
:func:`figure_layout` gives a figure its title, fonts and margins in the reader's language.
"""
from __future__ import annotations

from simlib.base.i18n import normalize_lang

__all__ = ["COLORS", "HEIGHT", "TEMPLATE", "figure_layout", "font_family"]

COLORS = {"simulated": "#1f6fb2", "analytic": "#b9cfe4", "revenue": "#e07b39", "full": "#c0392b"}
HEIGHT = 330
_GRID = {"gridcolor": "#e8edf3", "linecolor": "#e8edf3", "zerolinecolor": "#e8edf3", "automargin": True}
#: A light look in the manner of plotly's "plotly_white", small enough to rebuild on every redraw
#: (plotly's named templates take ~15 ms to copy into each figure).
TEMPLATE = {"layout": {"paper_bgcolor": "white", "plot_bgcolor": "white", "hovermode": "closest",
                       "xaxis": _GRID, "yaxis": _GRID}}


def font_family(lang: str) -> str:
    """CSS font list for ``lang``: the Noto CJK face of its script first, then the other, then sans-serif.

        >>> font_family("zh-Hans")
        '"Noto Sans CJK SC", "Noto Sans CJK TC", sans-serif'
    """
    if normalize_lang(lang) == "zh-Hans":
        return '"Noto Sans CJK SC", "Noto Sans CJK TC", sans-serif'
    return '"Noto Sans CJK TC", "Noto Sans CJK SC", sans-serif'


def figure_layout(lang: str, title: str, **extra) -> dict:
    """The layout the workbook's figures share: ``title`` at the top left, the CJK fonts of ``lang``
    (:func:`font_family`), the light template, :data:`HEIGHT`, margins and a horizontal legend at the top
    right; ``extra`` adds layout keys or replaces these (a whole ``margin`` or ``legend``).

        >>> figure_layout("en", "Wins", margin={"l": 70, "r": 20, "t": 50, "b": 45})["margin"]["l"]
        70
    """
    return {
        "title": {"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 15}},
        "font": {"family": font_family(lang), "size": 12},
        "template": TEMPLATE,
        "height": HEIGHT,
        "margin": {"l": 60, "r": 20, "t": 50, "b": 45},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
        **extra,
    }
