"""Section 2 of Target Setting: the annual target decomposed over a product × region (× customer type)
matrix (COURSE.md §1, S1's example shares; :func:`simlib.formulas.targets.split_matrix`).

Each dimension's shares are edited in percent; shares that do not add up to 100 % are reported by name,
never fixed silently. The panel shows the product × region pivot with its totals and the customer types.
"""
from __future__ import annotations

from collections.abc import Callable

import ipywidgets as W
import pandas as pd

from simlib.base.fmt import money, number
from simlib.base.i18n import t
from simlib.formulas.targets import split_matrix
from simlib.ui.base import SectionedApp, card, esc, row
from simlib.ui.figures import FigureView
from simlib.ui.target_setting.panel import Panel, check_mark
from simlib.viz import targets as VT

__all__ = ["DIMENSIONS", "MatrixPanel", "dimension_label", "member_label"]

#: S1's example shares, in percent (COURSE.md §1): product × region × customer type
DIMENSIONS: dict[str, dict[str, float]] = {
    "product": {"core": 60, "new": 30, "accessories": 10},
    "region": {"east": 35, "south": 25, "north": 20, "other": 20},
    "customer": {"key": 50, "smb": 30, "new": 20},
}


def dimension_label(dim: str, lang: str) -> str:
    """A dimension's name (``product`` -> "Product line") in ``lang``."""
    return t(f"target_setting.dim.{dim}", lang)


def member_label(dim: str, member: str, lang: str) -> str:
    """A member's name (``product``, ``core`` -> "Core products") in ``lang``."""
    return t(f"target_setting.member.{dim}.{member}", lang)


class MatrixPanel(Panel):
    """The shares of each dimension and the matrix they decompose the annual target into.

    Args:
        app: the page. figure: where the matrix is drawn. on_change: called when a share or the
            customer-type switch changes.

    Attributes:
        matrix: the :func:`~simlib.formulas.targets.split_matrix` frame (localised dimension columns, ``share``,
            ``target``), None while the inputs need fixing.
        shares: ``{dimension: {member: input}}`` in percent. share_sums: ``{dimension: its sum's line}``.
        use_customer: whether customer types are a dimension. view: the pivot table and its check.
    """

    def __init__(self, app: SectionedApp, figure: FigureView, on_change: Callable[[], None]):
        super().__init__(app)
        self.figure = figure
        self.matrix: pd.DataFrame | None = None
        self.shares: dict[str, dict[str, W.Widget]] = {}
        self.share_sums: dict[str, W.HTML] = {}
        editors = []
        for dim, members in DIMENSIONS.items():
            head = W.HTML()
            self.relabel(lambda lang, head=head, dim=dim: setattr(
                head, "value", f'<div class="sdw-stage">{esc(dimension_label(dim, lang))} (%)</div>'))
            self.shares[dim] = {}
            boxes: list[W.Widget] = [head]
            for member, share in members.items():
                w = W.BoundedFloatText(value=share, min=0, max=100, step=1, layout=W.Layout(width="16em"),
                                       style={"description_width": "8.5em"})
                w.add_class(f"sdw-share-{dim}-{member}")
                self.relabel(lambda lang, w=w, dim=dim, member=member: setattr(
                    w, "description", member_label(dim, member, lang)))
                self.on(w, on_change)
                self.shares[dim][member] = w
                boxes.append(w)
            self.share_sums[dim] = W.HTML()
            self.share_sums[dim].add_class(f"sdw-sum-{dim}")
            boxes.append(self.share_sums[dim])
            editors.append(W.VBox(boxes, layout=W.Layout(margin="0 1.5em 0.5em 0")))
        self.use_customer = self.on(self.label(W.Checkbox(value=True, indent=False),
                                               "target_setting.matrix.use_customer"), on_change)
        self.view = W.HTML()
        self.view.add_class("sdw-matrix")
        self.widget = W.VBox([self.section(2, "matrix"),
                              W.Box(editors, layout=W.Layout(display="flex", flex_flow="row wrap")),
                              self.use_customer,
                              row(card(self.view, basis="520px"), card(figure.widget, basis="420px"))])

    def dims(self) -> dict[str, dict[str, float]]:
        """``{dimension label: {member label: share}}`` as :func:`split_matrix` takes them (shares as fractions)."""
        used = [d for d in DIMENSIONS if d != "customer" or self.use_customer.value]
        return {dimension_label(d, self.lang): {member_label(d, m, self.lang): w.value / 100
                                                for m, w in self.shares[d].items()}
                for d in used}

    def update(self, total: float, unit: int) -> None:
        """Decompose ``total`` over the matrix (rounded to ``unit``); shares that do not add up to 100 % are named."""
        lang = self.lang
        for dim, inputs in self.shares.items():
            share_sum = sum(w.value for w in inputs.values())
            ok = abs(share_sum - 100) < 1e-7
            off = dim == "customer" and not self.use_customer.value
            for w in inputs.values():
                w.disabled = off
            text = t("target_setting.matrix.sum", lang, total=f"{share_sum:g}%")
            self.share_sums[dim].value = (f'<div data-ok="{str(ok).lower()}">{check_mark(None if off else ok)} '
                                          f"{esc(text)}</div>")
        self.matrix = None
        self.view.value = self.placeholder()
        self.matrix = split_matrix(total, self.dims(), unit=unit)
        self.render(total)

    def render(self, total: float) -> None:
        """The product × region pivot with row and column totals, the customer types, and the check."""
        lang, m = self.lang, self.matrix
        rows_dim, cols_dim = dimension_label("product", lang), dimension_label("region", lang)
        pivot = m.pivot_table(index=rows_dim, columns=cols_dim, values="target", aggfunc="sum", sort=False)
        tot = esc(t("target_setting.total", lang))
        head = (f"<tr><th>{esc(rows_dim)} \\ {esc(cols_dim)}</th>"
                + "".join(f"<th>{esc(c)}</th>" for c in pivot.columns) + f"<th>{tot}</th></tr>")
        body = "".join(
            f'<tr data-row="{esc(r)}"><th>{esc(r)}</th>'
            + "".join(f'<td data-col="{esc(c)}">{number(pivot.loc[r, c], digits=0)}</td>' for c in pivot.columns)
            + f'<td data-total="row">{number(pivot.loc[r].sum(), digits=0)}</td></tr>' for r in pivot.index)
        body += (f'<tr class="sdw-total"><th>{tot}</th>'
                 + "".join(f'<td data-total="col">{number(pivot[c].sum(), digits=0)}</td>' for c in pivot.columns)
                 + f'<td data-total="all">{number(m["target"].sum(), digits=0)}</td></tr>')
        extra = ""
        cust = dimension_label("customer", lang)
        if cust in m.columns:
            by = m.groupby(cust, sort=False)["target"].sum()
            extra = (f'<table class="sdw-table sdw-customer"><tr><th>{esc(cust)}</th>'
                     + "".join(f"<th>{esc(k)}</th>" for k in by.index) + f"</tr><tr><th>{tot}</th>"
                     + "".join(f"<td>{number(v, digits=0)}</td>" for v in by.values) + "</tr></table>")
        ok = m["target"].sum() == total
        check = t("target_setting.matrix.check", lang, n=len(m), sum=money(m["target"].sum(), lang),
                  total=money(total, lang))
        self.view.value = (f'<table class="sdw-table sdw-pivot">{head}{body}</table>{extra}'
                           f'<ul class="sdw-checks"><li data-check="matrix" data-ok="{str(ok).lower()}">'
                           f"{check_mark(ok)} {esc(check)}</li></ul>"
                           f'<div class="sdw-muted">{esc(t("target_setting.matrix.note", lang))}</div>')
        self.figure.show(VT.matrix_figure(m, rows_dim, cols_dim, lang))
