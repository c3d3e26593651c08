"""Dashboards (數據看板): S1's boards on a simulated team or on a trainee's own CRM export — the
attainment board, funnel health, activity, a forecast and anomaly highlights — and a scenario
calibrated from the data (COURSE.md §8, §2; :mod:`simlib.data.crm`, :mod:`simlib.data.dashboards`).

In a notebook served by Voilà::

    from simlib.ui.dashboards import DashboardsApp
    DashboardsApp.from_query().show()

Without a browser the same object is driven through its widgets::

    >>> app = DashboardsApp(lang="en")
    >>> app.deals.attrs["source"], app.board.period
    ('sample', 'quarter')
    >>> app.load_csv(b"deal_id,rep,created,closed,outcome,amount\\nD1,R01,2025-01-32,,open,-5\\n", "mine.csv")
    >>> "Row 2, column created" in app.error_text() and "column amount" in app.error_text()
    True
"""
from __future__ import annotations

import time

import ipywidgets as W
import pandas as pd
import yaml

from simlib.analysis.simulation import simulate
from simlib.base.fmt import number, percent
from simlib.base.i18n import t
from simlib.base.paths import content_root
from simlib.base.schema import Issue, ScenarioError
from simlib.core.scenario import load_scenario
from simlib.data import dashboards as D
from simlib.data.crm import calibrate, deals_from_result, read_deals
from simlib.ui.base import SectionedApp, card, csv_link, data_link, esc, guarded, row
from simlib.ui.figures import DEFAULT_RENDERER, Renderer, make_view
from simlib.viz import dashboards as VD

__all__ = ["SAMPLE_CSV", "DashboardsApp"]

ROOT = content_root()
SAMPLE_CSV = ROOT / "scenarios" / "crm" / "sample_deals.csv"
SIM_SCENARIO = ROOT / "scenarios" / "funnel_basics.yaml"
SOURCES = ("sample", "simulated", "upload")
FIGURES = ("attainment", "trend", "funnel", "stages", "cycle", "losses", "activity", "forecast", "anomalies")
MAX_UPLOAD_BYTES = 20_000_000
EXTRA_CSS = """
.sdw-app h3.sdw-section { border-top: 2px solid #dfe6ee; padding-top: 0.6em; margin: 1.1em 0 0.1em 0;
  font-size: 1.3em; }
.sdw-app p.sdw-explain { color: #444; margin: 0 0 0.5em 0; }
.sdw-app .sdw-reading { background: #f3f7fb; border-left: 4px solid #1f6fb2; padding: 0.4em 0.8em; margin: 0.4em 0; }
.sdw-app table.sdw-board td:first-child { text-align: left; }
.sdw-app table.sdw-board tr.sdw-warn td { background: #fff4e5; }
"""


class DashboardsApp(SectionedApp):
    """The dashboards page (see the module's docstring).

    Attributes:
        deals: the deal table shown (``attrs["source"]``: sample, simulated or upload). board, health,
        activity, fc, anomalies: the last boards. calibrated: the scenario dict estimated from the data.
    """

    KEY = "dashboards"
    EXTRA_CSS = EXTRA_CSS

    def __init__(self, lang: str = "zh-Hant", *, source: str = "sample", period: str = "quarter",
                 target: float = 300_000, seed: int = 1, renderer: Renderer = DEFAULT_RENDERER):
        super().__init__(lang)
        self.deals: pd.DataFrame | None = None
        self.calibrated: dict | None = None
        self.figures = {name: make_view(name, renderer) for name in FIGURES}
        self._finish_page(self._build_data(source, seed), self._build_attainment(period, target),
                          self._build_health(), self._build_activity(), self._build_export(5))
        self._ready = True
        self.load()

    # -- 1. the data -------------------------------------------------------------------------------------
    def _build_data(self, source: str, seed: int) -> W.Widget:
        style, wide = {"description_width": "initial"}, W.Layout(width="100%")
        self.source = W.ToggleButtons(options=self._source_options(self.lang), value=source, style=style)
        self.source.add_class("sdw-source")
        self._relabel(self._relabel_source)
        self.seed = W.BoundedIntText(value=seed, min=0, max=999_999, style=style, layout=wide)
        self.seed.add_class("sdw-seed")
        self._label(self.seed, "dashboards_app.data.seed")
        self.upload = W.FileUpload(accept=".csv,.xlsx", multiple=False)
        self.upload.add_class("sdw-upload")
        self._label(self.upload, "dashboards_app.data.upload")
        self.upload.observe(self._on_upload, names="value")
        self._on(self.source, self.load)
        self._on(self.seed, self.load)
        self.data_info = W.HTML()
        self.data_info.add_class("sdw-data-info")
        self.format_help = W.HTML()
        self._relabel(lambda lang: setattr(self.format_help, "value",
                                           f'<p class="sdw-muted">{esc(t("dashboards_app.data.format", lang))}</p>'))
        return W.VBox([self._section(1, "data"), self.source,
                       row(card(self.seed, self.upload, self.format_help, basis="360px"),
                           card(self.data_info, basis="520px"))])

    def _source_options(self, lang: str) -> list[tuple[str, str]]:
        return [(t(f"dashboards_app.data.source.{s}", lang), s) for s in SOURCES]

    def _relabel_source(self, lang: str) -> None:
        with self._mute():
            value = self.source.value
            self.source.options = self._source_options(lang)
            self.source.value = value

    @guarded("data")
    def load(self) -> None:
        """(Re)load the deals the source names and redraw every board."""
        src = self.source.value
        if src == "sample":
            deals = read_deals(SAMPLE_CSV)
        elif src == "simulated":
            res = simulate(load_scenario(SIM_SCENARIO).with_changes({"horizon_weeks": 26}), seed=int(self.seed.value))
            deals = deals_from_result(res)
        else:
            if self.deals is None or self.deals.attrs.get("source") != "upload":
                self.data_info.value = f'<p class="sdw-muted">{esc(t("dashboards_app.data.waiting", self.lang))}</p>'
                return
            deals = self.deals
        deals.attrs["source"] = src
        deals.attrs.setdefault("name", SAMPLE_CSV.name if src == "sample" else src)
        self._show(deals)

    def _on_upload(self, change: dict) -> None:
        files = change["new"]
        if not files:
            return
        f = files[0]
        self.load_csv(bytes(f["content"]), f["name"])

    @guarded("data")
    def load_csv(self, content: bytes, name: str = "upload.csv") -> None:
        """Read an uploaded CSV (or .xlsx); every problem is listed with its row and column."""
        if len(content) > MAX_UPLOAD_BYTES:
            raise ScenarioError([Issue("upload", "dashboards_too_large", {"max": MAX_UPLOAD_BYTES // 1_000_000})])
        deals = read_deals(content)
        deals.attrs["source"] = "upload"
        deals.attrs["name"] = name
        with self._mute():
            self.source.value = "upload"
        self._show(deals)

    def _show(self, deals: pd.DataFrame) -> None:
        self.deals = deals
        self.calibrated = None
        self.update()

    # -- 2-4. the boards ----------------------------------------------------------------------------------
    def _build_attainment(self, period: str, target: float) -> W.Widget:
        style, wide = {"description_width": "initial"}, W.Layout(width="100%")
        self.period = W.Dropdown(options=self._period_options(self.lang), value=period, style=style, layout=wide)
        self.period.add_class("sdw-period")
        self._label(self.period, "dashboards_app.attainment.period")
        self.target = W.FloatText(value=target, style=style, layout=wide)
        self.target.add_class("sdw-target")
        self._label(self.target, "dashboards_app.attainment.target")
        self.rep = W.Dropdown(options=[], style=style, layout=wide)
        self.rep.add_class("sdw-drill")
        self._label(self.rep, "dashboards_app.attainment.drill")
        self._relabel(self._relabel_period)
        for w in (self.period, self.target):
            self._on(w, self.update)
        self._on(self.rep, self._render_drill)
        self.board_view = W.HTML()
        self.board_view.add_class("sdw-board-view")
        self.drill_view = W.HTML()
        self.drill_view.add_class("sdw-drill-view")
        return W.VBox([self._section(2, "attainment"),
                       row(card(self.period, self.target, basis="300px"), card(self.board_view, basis="620px")),
                       row(card(self.figures["attainment"].widget), card(self.figures["trend"].widget)),
                       row(card(self.rep, self.drill_view, basis="620px"))])

    def _period_options(self, lang: str) -> list[tuple[str, str]]:
        return [(t(f"dashboards.period.{p}", lang), p) for p in ("week", "month", "quarter", "year")]

    def _relabel_period(self, lang: str) -> None:
        with self._mute():
            value = self.period.value
            self.period.options = self._period_options(lang)
            self.period.value = value

    def _build_health(self) -> W.Widget:
        self.health_view = W.HTML()
        self.health_view.add_class("sdw-health-view")
        return W.VBox([self._section(3, "health"), self.health_view,
                       row(card(self.figures["funnel"].widget), card(self.figures["stages"].widget)),
                       row(card(self.figures["cycle"].widget), card(self.figures["losses"].widget))])

    def _build_activity(self) -> W.Widget:
        self.activity_view = W.HTML()
        self.activity_view.add_class("sdw-activity-view")
        return W.VBox([self._section(4, "activity"), self.activity_view,
                       row(card(self.figures["activity"].widget), card(self.figures["forecast"].widget)),
                       row(card(self.figures["anomalies"].widget))])

    @guarded("boards")
    def update(self) -> None:
        """Recompute every board for the period and target shown, and redraw."""
        if self.deals is None:
            return
        start = time.perf_counter()
        target = float(self.target.value)
        if not target > 0:
            raise ScenarioError([Issue(t("dashboards_app.attainment.target", self.lang), "greater_than",
                                         {"limit": 0, "input": target})])
        period = self.period.value
        d = self.deals
        self.board = D.attainment_board(d, targets=target * _PER_QUARTER[period], period=period)
        self.health = D.funnel_health(d)
        self.activity = D.activity_board(d)
        self.fc = D.forecast(d, period=period, targets=target * _PER_QUARTER[period])
        self.anomalies = D.anomalies(d)
        self.seconds = time.perf_counter() - start
        with self._mute():
            reps = list(self.board.table[self.board.by])
            current = self.rep.value if self.rep.value in reps else (reps[0] if reps else None)
            self.rep.options = reps
            self.rep.value = current
        self._render()

    def _render(self) -> None:
        if self.deals is None or not hasattr(self, "board"):
            return
        lang, d = self.lang, self.deals
        span = f"{d['created'].min():%Y-%m-%d} – {max(d['created'].max(), d['closed'].max()):%Y-%m-%d}"
        self.data_info.value = (f'<div class="sdw-reading">{esc(t("dashboards_app.data.info", lang, name=d.attrs.get("name", ""), deals=f"{len(d):,}", reps=d["rep"].nunique(), span=span))}</div>')
        b = self.board
        cols = [b.by, "target", "actual", "attainment", "rank", "projected_attainment", "change_prev", "status"]
        shown = b.table[cols].copy()
        for c in ("target", "actual"):
            shown[c] = [number(v, digits=0) for v in shown[c]]
        for c in ("attainment", "projected_attainment", "change_prev"):
            shown[c] = [percent(v, digits=0) for v in shown[c]]
        shown["rank"] = [number(v, digits=0) for v in shown["rank"]]
        shown["status"] = [t(f"dashboards.status.{v}", lang) for v in shown["status"]]
        table = D.localise(shown, lang)
        rows = []
        for (_, r), warn in zip(table.iterrows(), b.table["warning"], strict=True):
            cells = "".join(f"<td>{esc(v)}</td>" for v in r.to_numpy())
            rows.append(f'<tr class="{"sdw-warn" if warn else ""}">{cells}</tr>')
        head = "".join(f"<th>{esc(c)}</th>" for c in table.columns)
        self.board_view.value = (f'<div class="sdw-reading sdw-board-text">{esc(b.text(lang))}</div>'
                                 f'<table class="sdw-table sdw-board"><tr>{head}</tr>{"".join(rows)}</table>')
        h = self.health
        self.health_view.value = f'<div class="sdw-reading sdw-health-text">{esc(h.text(lang, self.stage_labels()))}</div>'
        self.activity_view.value = (f'<div class="sdw-reading">{esc(self.activity.text(lang))}</div>'
                                    f'<div class="sdw-reading sdw-forecast-text">{esc(self.fc.text(lang))}</div>'
                                    f'<div class="sdw-reading">{esc(self.anomalies.text(lang))}</div>')
        show = self.figures
        show["attainment"].show(VD.attainment_figure(b, lang))
        show["trend"].show(VD.trend_figure(b, lang))
        labels = self.stage_labels()
        show["funnel"].show(VD.funnel_figure(h, lang, labels))
        show["stages"].show(VD.stage_figure(h, lang, labels))
        show["cycle"].show(VD.cycle_time_figure(h, lang, labels))
        show["losses"].show(VD.loss_reasons_figure(h, lang))
        show["activity"].show(VD.activity_figure(self.activity, lang))
        show["forecast"].show(VD.forecast_figure(self.fc, lang))
        show["anomalies"].show(VD.anomaly_figure(self.anomalies, lang))
        self._render_drill()
        self._withdraw_downloads()

    @guarded("drill")
    def _render_drill(self) -> None:
        if self.deals is None or self.rep.value is None:
            self.drill_view.value = ""
            return
        deals = D.drill_down(self.deals, self.rep.value, by=self.board.by, period=self.period.value)
        shown = D.localise(deals[[c for c in ("deal_id", "created", "stage", "closed", "outcome", "amount")
                                  if c in deals.columns]].head(30), self.lang,
                           stage_labels=self.stage_labels())
        head = "".join(f"<th>{esc(c)}</th>" for c in shown.columns)
        body = "".join("<tr>" + "".join(f"<td>{esc(_cell(v))}</td>" for v in r) + "</tr>" for r in shown.to_numpy())
        self.drill_view.value = (f'<p class="sdw-muted">{esc(t("dashboards_app.attainment.drill_note", self.lang, count=len(deals)))}</p>'
                                 f'<table class="sdw-table sdw-drill-table"><tr>{head}</tr>{body}</table>')

    def stage_labels(self) -> dict[str, str]:
        """The data's stages by their names in the page's language (the simulated team's scenario labels
        its own; a CRM export's usual stage names get the course's; others stay as written)."""
        if self.deals is None:
            return {}
        scenario = load_scenario(SIM_SCENARIO) if self.deals.attrs.get("source") == "simulated" else None
        return D.stage_labels(self.deals, self.lang, scenario)

    def _on_language(self) -> None:
        if self._ready:
            self._render()

    # -- 5. export and calibration ---------------------------------------------------------------------------
    def calibrate(self) -> dict:
        """A scenario estimated from the data (:func:`simlib.data.crm.calibrate`), validated."""
        if self.calibrated is None:
            sc = calibrate(self.deals, horizon_weeks=13)
            load_scenario(sc)
            self.calibrated = sc
        return self.calibrated

    @guarded("export")
    def prepare_downloads(self) -> None:
        """The deals and the boards as CSV and Excel, and the calibrated scenario as YAML."""
        if self.deals is None:
            return
        lang = self.lang
        tables = {"board": D.localise(self.board.table, lang),
                  "health": D.localise(self.health.stages, lang, stage_labels=self.stage_labels()),
                  "activity": D.localise(self.activity.table, lang)}
        links = [csv_link(t("dashboards_app.export.deals_csv", lang), "deals.csv", self.deals.drop(columns=["stage_index"], errors="ignore"), "deals")]
        links += self._table_links("dashboards", tables, {"board": "board"})
        text = yaml.safe_dump(self.calibrate(), allow_unicode=True, sort_keys=False)
        links.append(data_link(t("dashboards_app.export.scenario_yaml", lang), "calibrated_scenario.yaml",
                               "application/x-yaml", text, "scenario"))
        self.downloads.value = " ".join(links)


#: the target field is per rep and quarter; a board of another period scales it
_PER_QUARTER = {"week": 1 / 13, "month": 1 / 3, "quarter": 1.0, "year": 4.0}


def _cell(v) -> str:
    if isinstance(v, float):
        return number(v, digits=0)
    if isinstance(v, pd.Timestamp):
        return "—" if pd.isna(v) else f"{v:%Y-%m-%d}"
    return str(v)

