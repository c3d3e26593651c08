"""An exercise page (練習): one drill of COURSE.md §9 with its material, an answer form, immediate feedback
and the trainee's saved answers (:mod:`simlib.content.drills`, :mod:`simlib.data.answers`).

In a notebook served by Voilà (one notebook per drill under ``notebooks/exercises/``)::

    from simlib.ui.exercise import ExercisePage
    ExercisePage.from_query("okr_scoring").show()

``?lang=en`` picks the language, ``?trainee=<name>`` fills in the trainee's name (a workshop team's member
writes ``<team>/<display name>``). Without a browser the same object is driven through its widgets::

    >>> import tempfile, os
    >>> from simlib.data.answers import AnswerStore
    >>> store = AnswerStore(os.path.join(tempfile.mkdtemp(), "answers.sqlite"))
    >>> page = ExercisePage("okr_scoring", lang="en", store=store, trainee="Wang")
    >>> page.form.inputs["scores"].cells["kr1"]["score"].widget.value = "0.93"   # actual ÷ target
    >>> fb = page.check()
    >>> fb.passed, page.attempt, "sdw-level-problem" in page.feedback_view.value
    (False, 1, True)
    >>> key = page.new_key                        # shown once on the page: "keep this to see your answers ..."
    >>> ExercisePage("okr_scoring", lang="en", store=store, trainee="Wang").form.answer()   # the name alone
    {}
    >>> again = ExercisePage("okr_scoring", lang="en", store=store, trainee="Wang")
    >>> again.token.value = key                                                       # name and answer key
    >>> again.form.answer()
    {'scores': {'kr1': 0.93}}

Whose answers (the rules are in :mod:`simlib.data.answers`): on a JupyterHub server the hub's user
(``$JUPYTERHUB_USER``), and the name field is fixed; otherwise the name the trainee gives. The first check
saved under a new name claims it: the page makes an answer key, shows it once (``.sdw-new-key``) and keeps it
for as long as the page is open; on another device (or after a reload) the trainee types the name and the
key (``.sdw-token``). A name claimed by someone else shows nothing of theirs, and a check under it is refused.
Without a name nothing is saved, and the page says why.

The page shows, top to bottom: the task and its material (tables of the background data), for drill 03
the funnel dashboard at the review (week 6), the trainee's name and the answer form
(:mod:`simlib.ui.exercise_forms`), the "check my answer" button (``.sdw-check``), the feedback
(``ul.sdw-feedback``, a ``li.sdw-level-<ok|hint|problem>`` per item, a headline with the score) — for drill
03 also the projected quarter with and without the fixes, for the group work the pitch's minutes part by
part — and the trainee's attempts with CSV and Excel downloads of all their answers. Every check is saved
(its attempt number shown); the last answer comes back into the form when the page opens again. What the page shows comes from the drill's
material and the checker's feedback only: the trainers' answer keys never reach it.
"""
from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import parse_qs

import ipywidgets as W
import pandas as pd

from simlib.base.fmt import money, number, percent
from simlib.base.i18n import t
from simlib.base.schema import ScenarioError
from simlib.content.drills import Feedback, check, load_material, localize, review_dashboard
from simlib.data.answers import AnswerStore, TraineeIdentity, hub_identity, identify
from simlib.ui.base import (
    XLSX_MIME,
    AppBase,
    card,
    data_link,
    esc,
    guarded,
    row,
)
from simlib.ui.exercise_forms import MATERIAL, Form
from simlib.ui.figures import DEFAULT_RENDERER, Renderer, make_view
from simlib.ui.lang import query_string
from simlib.viz import drills as VD

__all__ = ["PITCH_FIGURE", "REVIEW_FIGURES", "ExercisePage"]

#: a download's file-name stem when the trainee's name has no letter or digit in it
FILE_STEM = "trainee"
REVIEW = "mid_quarter_review"
#: drill 03's figures: the dashboard's boards and the projection (DOM class ``sdw-fig-<name>``)
REVIEW_FIGURES = ("review-pace", "review-funnel", "review-activity", "review-projection")
GROUP_WORK = "group_work"
#: the group work's figure: how the trainee shares out the pitch's minutes (DOM class ``sdw-fig-pitch-timing``)
PITCH_FIGURE = "pitch-timing"
HISTORY_ROWS = 10

EXTRA_CSS = """
.sdw-app { max-width: 80em; }
.sdw-app h3.sdw-section { border-top: 2px solid #dfe6ee; padding-top: 0.6em; margin: 1.1em 0 0.1em 0; font-size: 1.3em; }
.sdw-app p.sdw-explain { color: #444; margin: 0 0 0.5em 0; }
.sdw-app p.sdw-task { font-size: 1.08em; line-height: 1.6; max-width: 60em; background: #f3f7fb;
  border-left: 4px solid #1f6fb2; padding: 0.5em 0.8em; }
.sdw-app h4.sdw-material-title { margin: 0.8em 0 0.2em 0; }
.sdw-app p.sdw-material-text { line-height: 1.6; max-width: 60em; white-space: pre-line; margin: 0.2em 0; }
.sdw-app p.sdw-transcript { background: #fafafa; border: 1px solid #e3e3e3; padding: 0.5em 0.8em; font-size: 0.97em; }
.sdw-app p.sdw-objective { font-size: 1.1em; font-weight: 600; }
.sdw-app table.sdw-material-table td { text-align: left; white-space: pre-line; vertical-align: top; }
.sdw-app table.sdw-material-table th { text-align: left; vertical-align: bottom; }
.sdw-app table.sdw-facts th { font-weight: 600; white-space: nowrap; vertical-align: top; }
.sdw-app ul.sdw-material-list li { margin: 0.2em 0; }
.sdw-app .sdw-field-name { font-weight: 600; font-size: 1.02em; }
.sdw-app .sdw-field-help { margin-top: -0.2em; }
.sdw-app .sdw-grid { border-top: 1px solid #e3e3e3; padding: 0.3em 6px 0 0; box-sizing: border-box; }
.sdw-app .sdw-grid-head { font-size: 0.93em; color: #333; }
.sdw-app .sdw-info-text { white-space: normal; line-height: 1.35; font-size: 0.95em; }
.sdw-app .sdw-info .widget-html-content { white-space: normal; }
.sdw-app .sdw-multi .widget-checkbox { width: auto; }
.sdw-app .sdw-check button, .sdw-app button.sdw-check { font-weight: 600; }
.sdw-app .sdw-feedback-box { max-width: 60em; }
.sdw-app p.sdw-headline { font-weight: 700; font-size: 1.08em; padding: 0.4em 0.7em; border-radius: 4px; margin: 0.3em 0; }
.sdw-app p.sdw-headline.sdw-passed { background: #e7f5ec; color: #1e6b37; }
.sdw-app p.sdw-headline.sdw-not-yet { background: #fff6e0; color: #7a5200; }
.sdw-app ul.sdw-feedback { list-style: none; padding: 0; margin: 0.3em 0; }
.sdw-app ul.sdw-feedback li { padding: 0.35em 0.6em; margin: 0.2em 0; border-left: 4px solid #ccc; background: #fafbfc; }
.sdw-app ul.sdw-feedback li.sdw-level-ok { border-left-color: #2e8b57; }
.sdw-app ul.sdw-feedback li.sdw-level-hint { border-left-color: #e0a339; }
.sdw-app ul.sdw-feedback li.sdw-level-problem { border-left-color: #c0392b; }
.sdw-app .sdw-level-tag { font-weight: 700; margin-right: 0.4em; }
.sdw-app li.sdw-level-ok .sdw-level-tag { color: #1e7b3a; }
.sdw-app li.sdw-level-hint .sdw-level-tag { color: #9a6a00; }
.sdw-app li.sdw-level-problem .sdw-level-tag { color: #b03a2e; }
.sdw-app .sdw-attempt { color: #1e6b37; font-weight: 600; }
.sdw-app p.sdw-new-key { background: #fff6e0; border-left: 4px solid #e0a339; padding: 0.4em 0.7em; margin: 0.3em 0; }
.sdw-app code.sdw-answer-key { font-size: 1.15em; font-weight: 700; letter-spacing: 0.05em; }
.sdw-app table.sdw-history td, .sdw-app table.sdw-review-table td { text-align: right; }
.sdw-app table.sdw-review-table td:first-child, .sdw-app table.sdw-history td:first-child { text-align: left; }
"""


def _safe_name(text: str) -> str:
    """A file-name stem from a trainee's name (letters, digits, CJK, ``-`` and ``_``)."""
    stem = re.sub(r"[^\w-]+", "_", text.strip(), flags=re.UNICODE).strip("_")
    return stem[:40] or FILE_STEM


class ExercisePage(AppBase):
    """The page of one drill (see the module's docstring).

    Args:
        drill: one of :data:`simlib.content.drills.DRILLS`.
        lang: the page's language.
        store: where answers are kept (default: a :class:`~simlib.data.answers.AnswerStore` at ``$SDW_ANSWERS`` or
            ``~/.sales-drill/answers.sqlite``).
        trainee: the trainee's name to start with (none by default; ignored on a JupyterHub server, where it
            is the hub's user).
        check_options: passed to the drill's checker (e.g. ``{"n": 50}``: fewer simulated quarters for
            drill 01's achievability).

    Attributes:
        form: the answer form (:class:`~simlib.ui.exercise_forms.Form`). feedback: the last
        :class:`~simlib.content.drills.Feedback` (None before a check, or when the answer could not be checked).
        attempt: the number of the attempt last saved. loaded: the attempt the form was filled from on
        opening. last_check_seconds: how long the last check took. dashboard: drill 03's dashboard.
        hub: the JupyterHub user's identity (None without a hub). new_key: the answer key made by the
        last check (None when that check claimed no name): shown once. access: why no answers are
        shown (None, ``"no_name"`` or the store's refusal).
    """

    EXTRA_CSS = EXTRA_CSS

    def __init__(self, drill: str, lang: str = "zh-Hant", store: AnswerStore | None = None,
                 trainee: str | None = None, *, check_options: dict | None = None,
                 renderer: Renderer = DEFAULT_RENDERER):
        self.raw = load_material(drill)          # refuses a drill that does not exist
        self.drill = drill
        self.KEY = f"exercise_{drill}"
        super().__init__(lang)
        self.check_options = dict(check_options or {})
        self.feedback: Feedback | None = None
        self.attempt: int | None = None
        self.loaded: int | None = None
        self.last_check_seconds: float | None = None
        self.store: AnswerStore | None = None
        self.dashboard: dict | None = None
        self.hub: TraineeIdentity | None = hub_identity()
        self.new_key: str | None = None
        self.access: str | ScenarioError | None = None
        self._keys: dict[str, str] = {}          # name -> the answer key this page claimed or was given
        if drill == REVIEW:
            self.figures = {name: make_view(name, renderer) for name in REVIEW_FIGURES}
        elif drill == GROUP_WORK:
            self.figures = {PITCH_FIGURE: make_view(PITCH_FIGURE, renderer)}
        body = [self._build_task()]
        if drill == REVIEW:
            body.append(self._build_dashboard())
        body += [self._build_answer(trainee), self._build_feedback(), self._build_saved()]
        self._finish_page(*body)
        self._open_store(store)
        self._load_latest()
        self._render_all()

    @classmethod
    def from_query(cls, drill: str, **kwargs: Any) -> ExercisePage:
        """The page in the language the URL asks for (``?lang=en``), for the trainee it names (``?trainee=``)."""
        trainee = parse_qs(query_string().lstrip("?")).get("trainee", [None])[-1]   # never a key: URLs are logged
        if trainee and trainee.strip():
            kwargs.setdefault("trainee", trainee.strip())
        return super().from_query(drill, **kwargs)

    # -- building -----------------------------------------------------------------------------------------
    @property
    def mat(self) -> dict:
        """The drill's material in the page's language."""
        return localize(self.raw, self.lang)

    def _heading(self, key: str) -> W.HTML:
        w = W.HTML()
        w.add_class(f"sdw-section-{key}")

        def relabel(lang: str) -> None:
            w.value = (f'<h3 class="sdw-section">{esc(t(f"exercise.section.{key}.title", lang))}</h3>'
                       f'<p class="sdw-explain">{esc(t(f"exercise.section.{key}.explain", lang))}</p>')
        self._relabel(relabel)
        return w

    def _build_task(self) -> W.Widget:
        self.material_view = W.HTML(layout=W.Layout(width="100%"))
        self.material_view.add_class("sdw-material")
        return W.VBox([self._heading("task"), self.material_view])

    def _build_dashboard(self) -> W.Widget:
        self.dashboard_view = W.HTML()
        self.dashboard_view.add_class("sdw-dashboard")
        f = self.figures
        return W.VBox([self._heading("dashboard"), self.dashboard_view,
                       row(card(f["review-pace"].widget, basis="420px"), card(f["review-funnel"].widget, basis="420px")),
                       row(card(f["review-activity"].widget, basis="560px"))])

    def _build_answer(self, trainee: str | None) -> W.Widget:
        name = self.hub.name if self.hub is not None else (trainee or "").strip()
        self.trainee = W.Text(value=name, continuous_update=False, disabled=self.hub is not None,
                              style={"description_width": "initial"}, layout=W.Layout(width="24em"))
        self.trainee.add_class("sdw-trainee")
        self._label(self.trainee, "exercise.trainee")
        self._label(self.trainee, "exercise.trainee_placeholder", "placeholder")
        self.trainee.observe(lambda ch: self.change_trainee(), names="value")
        self.token = W.Password(value="", continuous_update=False, style={"description_width": "initial"},
                                layout=W.Layout(width="24em", display="none" if self.hub is not None else None))
        self.token.add_class("sdw-token")
        self._label(self.token, "exercise.token")
        self._label(self.token, "exercise.token_placeholder", "placeholder")
        self.token.observe(lambda ch: self.change_trainee(), names="value")
        self.identity_view = W.HTML()
        self.identity_view.add_class("sdw-identity")
        self.form = Form(self.drill, self.raw, self.lang)
        self._relabelers.append(self.form.relabel)
        self.check_button = W.Button(icon="check", button_style="primary", layout=W.Layout(width="auto"))
        self.check_button.add_class("sdw-check")
        self._label(self.check_button, "exercise.check")
        self.check_button.on_click(lambda b: self.check())
        self.clear_button = W.Button(icon="eraser", layout=W.Layout(width="auto"))
        self.clear_button.add_class("sdw-clear")
        self._label(self.clear_button, "exercise.clear")
        self.clear_button.on_click(lambda b: self.clear())
        self.status = W.HTML()
        self.status.add_class("sdw-status")
        buttons = W.HBox([self.check_button, self.clear_button, self.status],
                         layout=W.Layout(align_items="center", flex_flow="row wrap"))
        return W.VBox([self._heading("answer"), self.trainee, self.token, self.identity_view, self.form.widget,
                       buttons])

    def _build_feedback(self) -> W.Widget:
        self.feedback_view = W.HTML(layout=W.Layout(width="100%"))
        self.feedback_view.add_class("sdw-feedback-view")
        parts: list[W.Widget] = [self._heading("feedback"), self.feedback_view]
        #: the chart a check draws, hidden until there is one: an empty frame before a check says nothing
        self.feedback_chart: W.Box | None = None
        if self.drill == REVIEW:
            self.feedback_chart = row(card(self.figures["review-projection"].widget, basis="640px"))
        elif self.drill == GROUP_WORK:
            self.feedback_chart = row(card(self.figures[PITCH_FIGURE].widget, basis="560px"))
        if self.feedback_chart is not None:
            self.feedback_chart.add_class("sdw-feedback-chart")
            self.feedback_chart.layout.display = "none"
            parts.append(self.feedback_chart)
        return W.VBox(parts)

    def _build_saved(self) -> W.Widget:
        self.saved_view = W.HTML()
        self.saved_view.add_class("sdw-saved")
        self.downloads = W.HTML()
        self.downloads.add_class("sdw-links")
        return W.VBox([self._heading("saved"), self.saved_view, self.downloads])

    # -- the store ----------------------------------------------------------------------------------------
    @guarded("store")
    def _open_store(self, store: AnswerStore | None) -> None:
        self.store = store if store is not None else AnswerStore()

    @property
    def trainee_name(self) -> str:
        return self.hub.name if self.hub is not None else self.trainee.value.strip()

    def identity(self) -> TraineeIdentity:
        """Who the page reads and writes for: the hub's user, or the name given with the key typed in (or
        the one this page claimed). A missing or malformed name raises at ``trainee``."""
        if self.hub is not None:
            return self.hub
        who = identify(self.trainee.value)
        key = self.token.value.strip() or self._keys.get(who.name)
        return identify(who.name, key) if key else who

    def _reader(self) -> TraineeIdentity | None:
        """The identity whose answers the page may show, or None (why: :attr:`access`)."""
        self.access = None
        if self.store is None:
            return None
        if not self.trainee_name:
            self.access = "no_name"
            return None
        try:
            who = self.identity()
            self.store.check(who)
        except ScenarioError as err:
            self.access = err
            return None
        return who

    @guarded("load")
    def _load_latest(self) -> None:
        """Fill the form with the trainee's last answer to this drill (if any, and if theirs to read)."""
        self.loaded = None
        who = self._reader()
        if who is None:
            return
        hist = self.store.history(who, self.drill)
        if len(hist):
            self.form.fill(hist["answer"].iloc[-1])
            self.loaded = int(hist["attempt"].iloc[-1])

    def change_trainee(self) -> None:
        """Another name (or key): its last answer comes into the form and its attempts below — if the page
        may read them."""
        self._errors["save"] = None              # a refusal of the name before is no longer the point
        self._load_latest()
        self.attempt = None
        self.new_key = None
        if self.loaded is not None:
            self.feedback = None
        self._render_feedback()
        self._render_saved()
        self._render_status()
        self._render_identity()

    # -- actions ------------------------------------------------------------------------------------------
    def check(self) -> Feedback | None:
        """Check the form's answer, show the feedback and save the attempt (also when the answer cannot be
        checked: the trainee's work is kept). Returns the feedback (None if the answer could not be checked)."""
        answer = self.form.answer()
        self.check_button.disabled = True
        self.status.value = f'<span class="sdw-muted">{esc(t("exercise.checking", self.lang))}</span>'
        try:
            self._check(answer)
            self._save(answer)
        finally:
            self.check_button.disabled = False
        self._render_feedback()
        self._render_saved()
        self._render_status()
        self._render_identity()
        return self.feedback

    @guarded("check")
    def _check(self, answer: dict) -> None:
        self.feedback = None
        start = time.perf_counter()
        self.feedback = check(self.drill, answer, **self.check_options)
        self.last_check_seconds = time.perf_counter() - start

    @guarded("save")
    def _save(self, answer: dict) -> None:
        self.attempt = None
        self.new_key = None
        if self.store is None:
            return
        who = self.identity()                    # no name: refused at "trainee", nothing saved
        if not who.hub and who.token is None and self.store.name_status(who) in ("free", "unclaimed"):
            who, self.new_key = self.store.claim(who)          # the first save under a name claims it
            self._keys[who.name] = self.new_key
        score = self.feedback.score if self.feedback is not None else None
        self.attempt = self.store.save(who, self.drill, answer, feedback_score=score)
        self.loaded = None

    @guarded("clear")
    def clear(self) -> None:
        """Empty the form (saved attempts stay)."""
        self.form.clear()
        self.feedback = None
        self._errors["check"] = None
        self._render_feedback()
        self._render_status()

    # -- rendering ----------------------------------------------------------------------------------------
    def _render_all(self) -> None:
        self._render_material()
        self._render_dashboard()
        self._render_feedback()
        self._render_saved()
        self._render_status()
        self._render_identity()

    def _on_language(self) -> None:
        if hasattr(self, "downloads"):
            self._render_all()

    def _render_material(self) -> None:
        mat, lang = self.mat, self.lang
        parts = [f'<p class="sdw-task">{esc(mat["task"])}</p>']
        parts += [block(mat, lang) for block in MATERIAL[self.drill]]
        self.material_view.value = "".join(parts)

    @guarded("dashboard")
    def _render_dashboard(self) -> None:
        if self.drill != REVIEW:
            return
        lang, mat = self.lang, self.mat
        if self.dashboard is None:
            self.dashboard = review_dashboard()
        d = self.dashboard
        s = d["summary"]
        def yuan(v: float) -> str:
            return money(v, lang)

        rows = [("revenue", yuan(s["revenue"]), yuan(s["target"])),
                ("completion", percent(s["completion"], digits=0), percent(s["elapsed"], digits=0)),
                ("leads_per_week", number(s["leads_per_week"], digits=1, fixed=True), number(s["plan_leads_per_week"], digits=0)),
                ("hours_per_week", number(s["hours_available_per_week"], digits=0), number(s["plan_hours_per_week"], digits=0)),
                ("utilization", percent(s["utilization"], digits=0), "—"),
                ("won", number(s["won"], digits=0), "—"),
                ("avg_won_value", yuan(s["avg_won_value"]), yuan(s["plan_deal_value"])),
                ("open_deals", f'{number(s["open_start"], digits=0)} → {number(s["open_end"], digits=0)}', "—"),
                ("plan_revenue", yuan(s["target"]), yuan(s["plan_revenue"]))]
        head = "".join(f"<th>{esc(t(f'exercise.review.col.{c}', lang))}</th>" for c in ("item", "so_far", "plan"))
        body = "".join(f'<tr data-row="{k}"><td>{esc(t(f"exercise.review.row.{k}", lang))}</td>'
                       f"<td>{esc(a)}</td><td>{esc(b)}</td></tr>" for k, a, b in rows)
        labels = {st["name"]: st["label"] for st in mat["plan"]["stages"]}
        fhead = "".join(f"<th>{esc(t(f'exercise.review.col.{c}', lang))}</th>"
                        for c in ("stage", "plan_conversion", "decided", "passed", "conversion"))
        fbody = "".join(f'<tr data-stage="{esc(r.stage)}"><td>{esc(labels.get(r.stage, r.stage))}</td>'
                        f"<td>{percent(r.plan_conversion, digits=0)}</td><td>{number(r.decided, digits=0)}</td>"
                        f"<td>{number(r.passed, digits=0)}</td><td>{percent(r.conversion, digits=0)}</td></tr>"
                        for r in d["funnel"].itertuples())
        self.dashboard_view.value = (
            f'<p class="sdw-muted">{esc(t("exercise.review.as_of", lang, week=mat["plan"]["review_week"], weeks=mat["plan"]["weeks"]))}</p>'
            f'<div style="display:flex;flex-wrap:wrap;gap:0 2.5em">'
            f'<div><h4>{esc(t("exercise.review.summary", lang))}</h4>'
            f'<table class="sdw-table sdw-review-table sdw-review-summary"><tr>{head}</tr>{body}</table></div>'
            f'<div><h4>{esc(t("exercise.review.funnel", lang))}</h4>'
            f'<table class="sdw-table sdw-review-table sdw-review-funnel"><tr>{fhead}</tr>{fbody}</table></div></div>')
        self.figures["review-pace"].show(VD.review_pace_figure(d, lang))
        self.figures["review-funnel"].show(VD.review_funnel_figure(d, lang, labels))
        self.figures["review-activity"].show(VD.review_activity_figure(d, lang))

    def _render_feedback(self) -> None:
        if not self._draw_feedback():
            self._show_chart(False)

    def _show_chart(self, shown: bool) -> None:
        """Show or hide the card of the chart a check draws; shown *before* it is drawn: plotly sizes
        a chart from its container, and a hidden container has no size."""
        if self.feedback_chart is not None:
            self.feedback_chart.layout.display = "flex" if shown else "none"

    def _draw_feedback(self) -> bool:
        """The feedback and, on drill 03 and the group work, its chart; whether a chart was drawn."""
        lang, fb = self.lang, self.feedback
        if fb is None:
            key = "exercise.feedback.error" if self._errors.get("check") else "exercise.feedback.none"
            self.feedback_view.value = f'<p class="sdw-muted sdw-no-feedback">{esc(t(key, lang))}</p>'
            return False
        items = "".join(f'<li class="sdw-level-{lvl}" data-level="{lvl}"><span class="sdw-level-tag">'
                        f'{esc(t(f"drills.level.{lvl}", lang))}</span>{esc(text)}</li>' for lvl, text in fb.rows(lang))
        cls = "sdw-passed" if fb.passed else "sdw-not-yet"
        attempt = (f'<p class="sdw-attempt">{esc(t("exercise.attempt_saved", lang, attempt=self.attempt))}</p>'
                   if self.attempt is not None else "")
        self.feedback_view.value = (f'<div class="sdw-feedback-box" data-passed="{str(fb.passed).lower()}">'
                                    f'<p class="sdw-headline {cls}">{esc(fb.headline(lang))}</p>'
                                    f'<ul class="sdw-feedback">{items}</ul>{attempt}</div>')
        if self.drill == REVIEW and isinstance(fb.data.get("projection"), pd.DataFrame):
            spread = fb.data.get("spread") or {}
            self._show_chart(True)
            self.figures["review-projection"].show(VD.projection_figure(fb.data["projection"], lang, fb.data.get("band"),
                                                                        spread.get("level", 0.8)))
            return True
        pitch = fb.data.get("pitch")
        if self.drill == GROUP_WORK and isinstance(pitch, pd.DataFrame) and len(pitch):
            mat = self.mat
            fig = VD.pitch_timing_figure(pitch, lang, float(mat["pitch_minutes"]), mat["pitch_parts"])
            self._show_chart(True)
            self.figures[PITCH_FIGURE].show(fig)
            return True
        return False

    def _render_status(self) -> None:
        lang = self.lang
        if self.attempt is not None:
            text = t("exercise.status.saved", lang, attempt=self.attempt)
        elif self.loaded is not None:
            text = t("exercise.status.loaded", lang, attempt=self.loaded)
        elif self.store is None:
            text = t("exercise.status.no_store", lang)
        else:
            text = ""
        self.status.value = f'<span class="sdw-muted">{esc(text)}</span>' if text else ""

    @guarded("saved")
    def _render_saved(self) -> None:
        lang = self.lang
        who = self._reader()
        if who is None:
            self.saved_view.value = f'<p class="sdw-muted sdw-no-access">{esc(self._refusal(lang))}</p>'
            self.downloads.value = ""
            return
        every = self.store.history(who)
        mine = every[every["drill"] == self.drill].tail(HISTORY_ROWS)
        if not len(mine):
            self.saved_view.value = (f'<p class="sdw-muted sdw-no-answers">'
                                     f'{esc(t("exercise.saved.none", lang, trainee=self.trainee_name))}</p>')
        else:
            head = "".join(f"<th>{esc(t(f'drills.answers.col.{c}', lang))}</th>" for c in ("attempt", "saved_at", "score"))
            body = "".join(f'<tr data-attempt="{int(r.attempt)}"><td>{int(r.attempt)}</td>'
                           f'<td>{esc(str(r.saved_at)[:19].replace("T", " "))}</td>'
                           f'<td>{"—" if pd.isna(r.score) else f"{r.score:g} %"}</td></tr>'
                           for r in mine.itertuples())
            self.saved_view.value = (f'<p>{esc(t("exercise.saved.intro", lang, trainee=self.trainee_name, n=len(every)))}</p>'
                                     f'<table class="sdw-table sdw-history"><tr>{head}</tr>{body}</table>')
        if not len(every):
            self.downloads.value = ""
            return
        stem = f"answers_{_safe_name(self.trainee_name)}"
        self.downloads.value = " ".join([
            data_link(t("exercise.download.csv", lang), f"{stem}.csv", "text/csv",
                      self.store.export_csv(who, lang), "csv"),
            data_link(t("exercise.download.xlsx", lang), f"{stem}.xlsx", XLSX_MIME,
                      self.store.export_xlsx(who, lang), "xlsx")])

    def _refusal(self, lang: str) -> str:
        """Why the page shows no answers (:attr:`access`), in the page's language."""
        if self.store is None:
            return t("exercise.status.no_store", lang)
        if self.access == "no_name":
            return t("exercise.saved.no_name", lang)
        if isinstance(self.access, ScenarioError):
            code = self.access.issues[0].code
            if code in ("answers_key_needed", "answers_key_wrong", "answers_hub_name", "answers_name_taken"):
                return t(f"exercise.identity.{code.removeprefix('answers_')}", lang, name=self.trainee_name)
            return self.access.message(lang)
        return ""

    def _render_identity(self) -> None:
        """Who the answers are kept for: the hub's user, or the key just made (shown once), or how it works."""
        lang = self.lang
        if self.hub is not None:
            html = f'<p class="sdw-muted sdw-hub-user">{esc(t("exercise.identity.hub", lang, name=self.hub.name))}</p>'
        elif self.new_key is not None:
            html = (f'<p class="sdw-new-key">{esc(t("exercise.identity.new_key", lang, name=self.trainee_name))} '
                    f'<code class="sdw-answer-key">{esc(self.new_key)}</code></p>'
                    f'<p class="sdw-muted">{esc(t("exercise.identity.keep_key", lang))}</p>')
        else:
            html = f'<p class="sdw-muted sdw-identity-help">{esc(t("exercise.identity.how", lang))}</p>'
        self.identity_view.value = html

    # -- for tests ----------------------------------------------------------------------------------------
    def all_widgets(self) -> list[W.Widget]:
        """Every widget under the page's root (what a browser could show)."""
        out, todo = [], [self.root]
        while todo:
            w = todo.pop()
            out.append(w)
            todo.extend(getattr(w, "children", ()) or ())
        return out

