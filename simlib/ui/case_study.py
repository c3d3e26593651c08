"""Case Studies (案例研究): one of the decks' cases as a world a trainee can run — the story, the steps
the company took and what each changed in the model, every step simulated on the same seeds, the
deck's figures against the simulation, and where the deck's numbers do not hold together (issue 4).

In a notebook served by Voilà (one notebook per case under ``notebooks/cases/``)::

    from simlib.ui.case_study import CaseStudy
    CaseStudy.from_query("electronics_bottleneck").show()

Without a browser the same object is driven through its widgets; every number comes from
:func:`simlib.analysis.cases.run_case`::

    >>> app = CaseStudy("electronics_bottleneck", lang="en", replications=3)
    >>> app.run.checks("en").check.tolist()[:2]
    ['Visit → proposal before', 'Visit → proposal after']
    >>> app.choice.value = "customer_success"      # another case: the page follows
    >>> app.case.kind, "93" in app.story.value
    ('accounts', True)
"""
from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import pickle
import time
from pathlib import Path

import ipywidgets as W
import pandas as pd
import yaml

from simlib.analysis.cases import CaseRun, CaseSpec, case_files, fmt_value, label, load_case, run_case
from simlib.base.i18n import t
from simlib.base.paths import package_dir
from simlib.ui.base import SectionedApp, card, esc, guarded, row
from simlib.ui.figures import DEFAULT_RENDERER, Renderer, make_view
from simlib.viz import cases as V

__all__ = ["CaseStudy", "cache_dir", "cached_run", "case_library"]

log = logging.getLogger(__name__)

FIGURES = ("steps", "gap")
MAX_REPLICATIONS = 200
#: replications a funnel case opens with (a page should answer in seconds; the case's test runs more)
DEFAULT_REPLICATIONS = 3
EXTRA_CSS = """
.sdw-app h3.sdw-section { border-top: 2px solid #dfe6ee; padding-top: 0.6em; margin: 1.1em 0 0.1em 0;
  font-size: 1.3em; }
.sdw-app p.sdw-explain { color: #444; margin: 0 0 0.5em 0; }
.sdw-app .sdw-story { font-size: 1.08em; line-height: 1.6; max-width: 60em; }
.sdw-app .sdw-step { border-left: 4px solid #1f6fb2; padding: 0.3em 0.8em; margin: 0.4em 0; background: #f7f9fc; }
.sdw-app .sdw-step .sdw-step-name { font-weight: 700; }
.sdw-app .sdw-step code { background: #eef2f7; padding: 0 0.3em; border-radius: 3px; font-size: 0.92em; }
.sdw-app .sdw-notes { background: #fff8e6; border-left: 4px solid #e0a100; padding: 0.5em 0.8em; max-width: 60em; }
.sdw-app table.sdw-checks td:first-child { text-align: left; }
.sdw-app table.sdw-checks td.sdw-ok { color: #1e7b3a; font-weight: 700; }
.sdw-app table.sdw-checks td.sdw-off { color: #b03a2e; font-weight: 700; }
"""


def _source_digest() -> str:
    """A digest of simlib's sources: cached runs are recomputed when the model changes."""
    global _DIGEST
    if _DIGEST is None:
        h = hashlib.sha256()
        root = package_dir()
        for p in sorted(root.rglob("*.py")):
            h.update(p.read_bytes())
        _DIGEST = h.hexdigest()[:16]
    return _DIGEST


_DIGEST: str | None = None


def cache_dir() -> Path | None:
    """Where finished case runs are kept (``SDW_CACHE``, else ``~/.cache/sales-drill``; ``SDW_CACHE=off``
    turns the cache off), so the second trainee to open a case sees it at once."""
    env = os.environ.get("SDW_CACHE")
    if env and env.lower() in ("off", "0", "none"):
        return None
    return Path(env) if env else Path.home() / ".cache" / "sales-drill"


def cached_run(case: CaseSpec, n: int, seed: int, progress=None) -> CaseRun:
    """:func:`simlib.analysis.cases.run_case`, kept on disk by the case's content, ``n``, ``seed`` and the model's
    sources (a run is deterministic, so a cached one is the same run)."""
    folder = cache_dir()
    if folder is None:
        return run_case(case, n, seed, progress=progress)
    key = hashlib.sha256(json.dumps([case.model_dump(mode="json"), case.base_world, n, seed, _source_digest()],
                                    sort_keys=True, default=str).encode()).hexdigest()[:24]
    path = folder / "cases" / f"{case.id or 'custom'}-{key}.pkl"
    if path.is_file():
        try:
            table = pd.read_pickle(path)
        except (OSError, ValueError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            log.info("case cache unreadable, run again: %s", path, exc_info=True)
        else:
            if progress:
                progress(n, n)
            return CaseRun(case, table, tuple(dict.fromkeys([*case.headlines, "revenue"])))
    run = run_case(case, n, seed, progress=progress)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        run.table.to_pickle(tmp)
        tmp.replace(path)
    except OSError:
        log.info("case cache not written: %s", path, exc_info=True)
    return run


def case_library() -> dict[str, CaseSpec]:
    """Every case shipped with the workbook (``scenarios/cases/*.yaml``), keyed by id, in name order."""
    out = {}
    for path in case_files():
        case = load_case(path)
        out[case.id] = case
    return out


def _value(v) -> str:
    if isinstance(v, (dict, list)):
        return yaml.safe_dump(v, allow_unicode=True, default_flow_style=True, sort_keys=False).strip()
    return str(v)


class CaseStudy(SectionedApp):
    """The page of one case (see the module's docstring).

    Attributes:
        case: the :class:`~simlib.analysis.cases.CaseSpec` shown. run: the last :class:`~simlib.analysis.cases.CaseRun`.
        choice: the case dropdown. replications, seed: the run's inputs. last_run_seconds: its duration.
    """

    KEY = "case_study"
    EXTRA_CSS = EXTRA_CSS

    def __init__(self, case: str | Path | CaseSpec = "electronics_bottleneck", lang: str = "zh-Hant", *,
                 replications: int | None = None, seed: int = 0, run_now: bool = True,
                 renderer: Renderer = DEFAULT_RENDERER):
        self.library = case_library()
        self.case = self._resolve(case)
        super().__init__(lang)
        self.run: CaseRun | None = None
        self.last_run_seconds: float | None = None
        self._run_now = run_now
        self.figures = {name: make_view(name, renderer) for name in FIGURES}
        self._finish_page(self._build_story(), self._build_steps(),
                          self._build_sim(replications, seed), self._build_notes(), self._build_export(5))
        self._ready = True
        self._render_case()
        if run_now:
            self.simulate()

    def _resolve(self, case: str | Path | CaseSpec) -> CaseSpec:
        if isinstance(case, CaseSpec):
            self.library.setdefault(case.id or "custom", case)
            return case
        if isinstance(case, str) and case in self.library:
            return self.library[case]
        spec = load_case(case)
        self.library.setdefault(spec.id or "custom", spec)
        return spec

    # -- 1. the story ---------------------------------------------------------------------------------------
    def _options(self, lang: str) -> list[tuple[str, str]]:
        return [(label(c.title, lang, k), k) for k, c in self.library.items()]

    def _build_story(self) -> W.Widget:
        self.choice = W.Dropdown(options=self._options(self.lang), value=self.case.id or "custom",
                                 layout=W.Layout(width="100%", max_width="40em"),
                                 style={"description_width": "initial"})
        self.choice.add_class("sdw-case-choice")
        self._label(self.choice, "case_study.story.choice")

        def relabel(lang: str) -> None:
            with self._mute():
                value = self.choice.value
                self.choice.options = self._options(lang)
                self.choice.value = value
        self._relabel(relabel)
        self._on(self.choice, self.choose)
        self.story = W.HTML()
        self.story.add_class("sdw-story-box")
        return W.VBox([self._section(1, "story"), self.choice, self.story])

    @guarded("case")
    def choose(self) -> None:
        """Show the case picked in the dropdown, and run it."""
        self.case = self.library[self.choice.value]
        self.run = None
        with self._mute():
            self.replications.value = min(self._default_n(None), MAX_REPLICATIONS)
        self._render_case()
        if self._run_now:
            self.simulate()

    # -- 2. the steps ---------------------------------------------------------------------------------------
    def _build_steps(self) -> W.Widget:
        self.steps = W.HTML()
        self.steps.add_class("sdw-steps")
        return W.VBox([self._section(2, "steps"), self.steps])

    # -- 3. the simulation ----------------------------------------------------------------------------------
    def _default_n(self, n: int | None) -> int:
        if n:
            return int(n)
        return min(self.case.replications, 20 if self.case.kind == "accounts" else DEFAULT_REPLICATIONS)

    def _build_sim(self, replications: int | None, seed: int) -> W.Widget:
        style, wide = {"description_width": "initial"}, W.Layout(width="100%", max_width="30em")
        self.replications = W.IntSlider(value=self._default_n(replications), min=2, max=MAX_REPLICATIONS,
                                        continuous_update=False, style=style, layout=wide)
        self.replications.add_class("sdw-replications")
        self._label(self.replications, "case_study.sim.replications")
        self.seed = W.BoundedIntText(value=seed, min=0, max=999_999, style=style, layout=wide)
        self.seed.add_class("sdw-seed")
        self._label(self.seed, "case_study.sim.seed")
        self.run_button = W.Button(icon="play", button_style="primary", layout=W.Layout(width="auto"))
        self.run_button.add_class("sdw-run")
        self._label(self.run_button, "case_study.sim.run")
        self.run_button.on_click(lambda b: self.simulate())
        self.progress = W.IntProgress(value=0, min=0, max=1, layout=W.Layout(width="100%", visibility="hidden"))
        self.progress.add_class("sdw-progress")
        self.status = W.HTML()
        self.status.add_class("sdw-status")
        self.checks_view = W.HTML()
        self.checks_view.add_class("sdw-checks-view")
        controls = card(self.replications, self.seed, W.HBox([self.run_button]), self.progress, self.status,
                        basis="320px")
        return W.VBox([self._section(3, "sim"),
                       row(controls, card(self.figures["steps"].widget, basis="520px")),
                       row(card(self.figures["gap"].widget, basis="640px")),
                       self.checks_view])

    @guarded("run")
    def simulate(self) -> None:
        """Run every step of the case on the same seeds and redraw the results."""
        n = int(self.replications.value)
        self.progress.max, self.progress.value = n, 0
        self.progress.layout.visibility = "visible"

        def progress(done: int, total: int) -> None:
            self.progress.value = done
            self.status.value = (f'<span class="sdw-muted">'
                                 f'{esc(t("case_study.sim.running", self.lang, done=done, total=total))}</span>')
        start = time.perf_counter()
        try:
            self.run = cached_run(self.case, n, int(self.seed.value), progress=progress)
        finally:
            self.progress.layout.visibility = "hidden"
            self.status.value = ""
        self.last_run_seconds = time.perf_counter() - start
        self._render_results()

    # -- 4. notes -------------------------------------------------------------------------------------------
    def _build_notes(self) -> W.Widget:
        self.notes = W.HTML()
        self.notes.add_class("sdw-notes-box")
        return W.VBox([self._section(4, "notes"), self.notes])

    # -- rendering ------------------------------------------------------------------------------------------
    def _render_case(self) -> None:
        case, lang = self.case, self.lang
        self.story.value = (f'<h3 class="sdw-case-title">{esc(label(case.title, lang))}</h3>'
                            f'<p class="sdw-story">{esc(label(case.story, lang))}</p>'
                            f'<p class="sdw-muted">{esc(t("case_study.story.source", lang, source=case.source))}</p>')
        parts = []
        for name, v in case.variants.items():
            changes = "".join(f"<li><code>{esc(k)}</code> = <code>{esc(_value(x))}</code></li>"
                              for k, x in v.set.items())
            base = (f'<span class="sdw-muted"> · {esc(t("case_study.steps.after", lang, base=label(case.variants[v.base].label, lang, v.base)))}</span>'
                    if v.base else "")
            parts.append(f'<div class="sdw-step" data-variant="{esc(name)}"><span class="sdw-step-name">'
                         f'{esc(label(v.label, lang, name))}</span>{base}'
                         f'<div>{esc(label(v.explain, lang))}</div>'
                         + (f'<div class="sdw-muted">{esc(t("case_study.steps.changes", lang))}</div><ul>{changes}</ul>'
                            if changes else "") + "</div>")
        self.steps.value = "".join(parts)
        notes = label(case.notes, lang)
        self.notes.value = (f'<div class="sdw-notes">{esc(notes)}</div>' if notes else
                            f'<p class="sdw-muted">{esc(t("case_study.notes.none", lang))}</p>')
        self._withdraw_downloads()

    def _render_results(self) -> None:
        run, lang = self.run, self.lang
        if run is None:
            self.checks_view.value = ""
            return
        c = run.checks(lang)
        head = "".join(f"<th>{esc(t(f'cases.col.{k}', lang))}</th>"
                       for k in ("check", "target", "mean", "low", "high", "tolerance", "within"))
        body = []
        for r in c.itertuples():
            fmt = functools.partial(fmt_value, r.metric, relative=r.relative)
            ok = "✓" if r.within else "✗"
            body.append(f'<tr data-metric="{esc(r.metric)}"><td title="{esc(r.source)}">{esc(r.check)}</td>'
                        f'<td class="sdw-target">{fmt(r.target)}</td><td class="sdw-mean">{fmt(r.mean)}</td>'
                        f'<td>{fmt(r.low)}</td><td>{fmt(r.high)}</td><td>±{fmt(r.tolerance).lstrip("+")}</td>'
                        f'<td class="{"sdw-ok" if r.within else "sdw-off"}">{ok}</td></tr>')
        n = len(run.table)
        within = int(c.within.sum())
        note = t("case_study.sim.note", lang, replications=n, seconds=f"{self.last_run_seconds or 0:.1f}",
                 within=within, total=len(c))
        self.checks_view.value = (f'<h4>{esc(t("cases.checks_title", lang))}</h4>'
                                  f'<table class="sdw-table sdw-checks"><tr>{head}</tr>{"".join(body)}</table>'
                                  f'<p class="sdw-muted">{esc(note)}</p>')
        self.figures["steps"].show(V.steps_figure(run, lang))
        self.figures["gap"].show(V.gap_figure(run, lang))
        self._withdraw_downloads()

    def _on_language(self) -> None:
        if not self._ready:
            return
        self._render_case()
        self._render_results()

    # -- 5. export -------------------------------------------------------------------------------------------
    def export_tables(self) -> dict[str, pd.DataFrame]:
        """``checks`` (the deck's figures against the simulation), ``steps`` (each step's headline metrics)
        and ``replications`` (every run: numerator and denominator of each metric per step)."""
        if self.run is None:
            return {}
        return {"checks": self.run.checks(self.lang), "steps": self.run.summary(self.lang),
                "replications": self.run.table}

    @guarded("export")
    def prepare_downloads(self) -> None:
        """Links: checks and steps as CSV, every table as one Excel workbook, and the case file (YAML)."""
        tables = self.export_tables()
        if not tables:
            return
        stem = f"case_{self.case.id or 'custom'}_seed{int(self.seed.value)}"
        links = self._table_links(stem, tables, {"checks": "checks", "steps": "steps"})
        self.downloads.value = " ".join(links)
