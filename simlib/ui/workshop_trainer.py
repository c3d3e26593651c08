"""A workshop's trainer console (工作坊講師控制台; CONTRACT §5): make a workshop from a workshop file or open
one, hand out the join codes, watch the teams submit, close each round and publish it, read the leaderboard and
its charts, replay a round, and take the debrief home.

In a notebook served by Voilà (``notebooks/workshop/trainer.ipynb``)::

    from simlib.ui.workshop_trainer import TrainerConsole
    TrainerConsole.from_query().show()

The page starts at "create / open" and touches no database until one is asked for: ``$SDW_DB`` if set, else the
store's default (:func:`simlib.workshop.store.default_url`). A new workshop's trainer key and join codes are
shown **once** (they are stored only hashed), with a warning to note them and a QR code per team that opens the
team page with its code (``segno``). The panels after that (round, leaderboard, replay, downloads) are
:mod:`simlib.ui.workshop_board`. Once a workshop is open the console reads the teams' submissions again every few
seconds by itself (:class:`~simlib.ui.workshop_common.Poller`); **Refresh** reads them now.
"""
from __future__ import annotations

import os
import posixpath
from typing import Any
from urllib.parse import urlencode

import ipywidgets as W

from simlib.base.i18n import t
from simlib.base.paths import scenarios_dir
from simlib.ui.base import card, esc, row
from simlib.ui.figures import DEFAULT_RENDERER, Renderer
from simlib.ui.lang import lang_from_query
from simlib.ui.workshop_board import BoardPanels
from simlib.ui.workshop_common import Notice, attempt, new_client, query_value
from simlib.workshop import Workshop
from simlib.workshop.spec import DEMAND_PATTERNS, SCORE_METRICS, label, load_workshop_spec

try:                                # the app extra's; without it the codes come without QR codes
    import segno
except ImportError:  # pragma: no cover
    segno = None

__all__ = ["TrainerConsole", "qr_data_uri", "workshop_files"]

_WIDE = {"layout": W.Layout(width="100%"), "style": {"description_width": "12em"}}


def workshop_files() -> list[str]:
    """The workshop files under ``scenarios/workshop/`` (paths as the library loads them)."""
    folder = scenarios_dir() / "workshop"
    return [str(p) for p in sorted(folder.glob("*.yaml"))]


def qr_data_uri(text: str) -> str | None:
    """``text`` as a QR code, an SVG ``data:`` URI for an ``<img>`` (None without segno)."""
    if segno is None:
        return None
    return segno.make(text, error="m").svg_data_uri(scale=3, border=2)


def team_page_address() -> str:
    """The team page's address beside this page when Voilà serves it (``http://host:port/…/team.ipynb``),
    else ``team.ipynb``; the trainer may edit it (behind a proxy, say)."""
    script, host = os.environ.get("SCRIPT_NAME", ""), os.environ.get("SERVER_NAME", "")
    folder = posixpath.dirname(script) if script.endswith(".ipynb") else ""
    path = f"{folder}/team.ipynb" if folder else "team.ipynb"
    if host and folder:
        port = os.environ.get("SERVER_PORT", "")
        return f"http://{host}{':' + port if port else ''}{path}"
    return path


class TrainerConsole(BoardPanels):
    """The trainer console (see the module's docstring).

    Attributes:
        workshop, trainer: the workshop and the trainer's handle once made or opened (None before).
        secrets: ``{"key": …, "codes": {team: code}}`` while shown after :meth:`create`, else None.
        create_notice, open_notice: the outcomes beside the two forms. client: this page's id.
    """

    KEY = "workshop_trainer"

    def __init__(self, lang: str = "zh-Hant", *, db: str | None = None, workshop_id: str = "",
                 client: str | None = None, renderer: Renderer = DEFAULT_RENDERER):
        super().__init__(lang, renderer=renderer)
        self.db, self.client = db, client or new_client()
        self.workshop: Workshop | None = None
        self.secrets: dict | None = None
        self._finish_page(self._build_start(workshop_id), self._build_secrets(), self._build_board())
        self._ready = True

    @classmethod
    def from_query(cls, *args: Any, **kwargs: Any) -> TrainerConsole:
        """The console in the URL's language, the workshop id filled from ``?ws=…``."""
        kwargs.setdefault("workshop_id", query_value("ws"))
        return cls(*args, lang=lang_from_query(), **kwargs)

    # -- create or open --------------------------------------------------------------------------------
    def _build_start(self, workshop_id: str) -> W.Widget:
        files = workshop_files()
        self.c_file = W.Dropdown(options=[(os.path.basename(f), f) for f in files], value=files[0] if files else None,
                                 **_WIDE)
        self.c_teams = W.Textarea(value="A\nB\nC", rows=4, **_WIDE)
        self.c_rounds = W.IntText(value=4, **_WIDE)
        self.c_seed = W.IntText(value=1, **_WIDE)
        self.c_market = W.Dropdown(**_WIDE)
        self.c_demand = W.Dropdown(**_WIDE)
        self.c_budget = W.FloatText(value=0, **_WIDE)
        self.c_deadline = W.IntText(value=20, **_WIDE)
        self.c_weights = {m: W.FloatText(value=0, layout=W.Layout(width="100%"), style={"description_width": "16em"})
                          for m in SCORE_METRICS}
        for name, w in (("file", self.c_file), ("teams", self.c_teams), ("rounds", self.c_rounds),
                        ("seed", self.c_seed), ("market", self.c_market), ("demand", self.c_demand),
                        ("budget", self.c_budget), ("deadline", self.c_deadline)):
            w.add_class(f"sdw-create-{name}")
            self._label(w, f"workshop_pages.create.{name}")
        for m, w in self.c_weights.items():
            w.add_class(f"sdw-weight-{m}")
            self._relabel(lambda lang, w=w, m=m: setattr(w, "description", label("metric", m, lang)))
        self._relabel(self._relabel_choices)
        self.c_file.observe(lambda ch: self.load_file_settings(), names="value")
        self.create_button = W.Button(icon="plus", button_style="primary", layout=W.Layout(width="auto"))
        self.create_button.add_class("sdw-create")
        self._label(self.create_button, "workshop_pages.create.button")
        self.create_button.on_click(lambda b: self.create())
        self.create_notice = Notice("sdw-create-notice")
        self.o_id = W.Text(value=workshop_id, **_WIDE)
        self.o_id.add_class("sdw-open-id")
        self._label(self.o_id, "workshop_pages.open.id")
        self.o_key = W.Password(**_WIDE)
        self.o_key.add_class("sdw-open-key")
        self._label(self.o_key, "workshop_pages.open.key")
        self.open_button = W.Button(icon="folder-open", layout=W.Layout(width="auto"))
        self.open_button.add_class("sdw-open")
        self._label(self.open_button, "workshop_pages.open.button")
        self.open_button.on_click(lambda b: self.open())
        self.open_notice = Notice("sdw-open-notice")
        for n in (self.create_notice, self.open_notice):
            self._relabel(n.render)
        self.load_file_settings()
        weights = W.VBox(list(self.c_weights.values()))
        create = card(self._text("workshop_pages.create.title", "h4"), self.c_file, self.c_teams,
                      self._text("workshop_pages.create.teams_hint", "p", "sdw-muted"), self.c_rounds, self.c_seed,
                      self.c_market, self.c_demand, self.c_budget,
                      self._text("workshop_pages.create.budget_hint", "p", "sdw-muted"), self.c_deadline,
                      self._text("workshop_pages.create.weights", "h4"), weights,
                      W.HBox([self.create_button]), self.create_notice.widget, basis="480px")
        opened = card(self._text("workshop_pages.open.title", "h4"), self.o_id, self.o_key,
                      W.HBox([self.open_button]), self.open_notice.widget, basis="360px")
        self.workshop_view = W.HTML()
        self.workshop_view.add_class("sdw-workshop")
        self.start_box = W.VBox([self._text("workshop_pages.start.title", "h3", "sdw-section"), row(create, opened)])
        return W.VBox([self.start_box, self.workshop_view])

    def _relabel_choices(self, lang: str) -> None:
        for w, kind, keys in ((self.c_market, "market", ("parallel", "shared")),
                              (self.c_demand, "demand", DEMAND_PATTERNS)):
            value = w.value
            w.options = [(label(kind, k, lang), k) for k in keys]
            if value in keys:
                w.value = value

    def load_file_settings(self) -> None:
        """Fill rounds, market, demand, budget and weights from the chosen workshop file's own settings."""
        if not self.c_file.value:
            return

        def act() -> None:
            spec = load_workshop_spec(self.c_file.value)
            s = spec.settings
            self._file_demand = s.demand.model_dump(mode="json")
            self.c_rounds.value, self.c_market.value, self.c_demand.value = spec.rounds, s.market, s.demand.pattern
            self.c_budget.value = float(s.budget or 0)
            self.c_deadline.value = int(s.deadline_minutes)
            for m, w in self.c_weights.items():
                w.value = float(s.score_weights.get(m, 0.0))
        self.create_notice.clear()
        attempt(self, self.create_notice, act)

    def settings(self) -> dict:
        """The trainer's settings as the form gives them (over the file's own)."""
        demand = dict(getattr(self, "_file_demand", {}), pattern=self.c_demand.value)
        return {"market": self.c_market.value, "demand": demand,
                "budget": float(self.c_budget.value) if self.c_budget.value else None,
                "deadline_minutes": int(self.c_deadline.value),
                "score_weights": {m: float(w.value) for m, w in self.c_weights.items() if w.value}
                or {m: 0.0 for m in self.c_weights}}

    def team_names(self) -> list[str]:
        """The teams typed, one a line (or separated by commas)."""
        return [n.strip() for line in self.c_teams.value.splitlines() for n in line.split(",") if n.strip()]

    def create(self) -> bool:
        """Make the workshop the form describes; show its key and codes once."""
        self.create_notice.clear()
        made: dict = {}

        def act() -> None:
            made["ws"] = Workshop.create(self.c_file.value, teams=self.team_names(), rounds=int(self.c_rounds.value),
                                         seed=int(self.c_seed.value), db=self.db, settings=self.settings())
        if not attempt(self, self.create_notice, act):
            return False
        ws = made["ws"]
        self.secrets = {"key": ws.trainer_key, "codes": dict(ws.team_codes)}
        self._use(ws, ws.as_trainer(ws.trainer_key, client=self.client))
        self.create_notice.ok("workshop_pages.create.done", id=ws.id)
        self.create_notice.render(self.lang)
        self._render_secrets()
        return True

    def open(self, workshop_id: str | None = None, key: str | None = None) -> bool:
        """Open an existing workshop with its id and the trainer's key."""
        if workshop_id is not None:
            self.o_id.value = workshop_id
        if key is not None:
            self.o_key.value = key
        self.open_notice.clear()
        got: dict = {}

        def act() -> None:
            ws = Workshop.open(self.db, self.o_id.value.strip())
            got["trainer"] = ws.as_trainer(self.o_key.value, client=self.client)
            got["ws"] = ws
        if not attempt(self, self.open_notice, act):
            return False
        self.secrets = None
        self._render_secrets()
        self._use(got["ws"], got["trainer"])
        return True

    def _use(self, ws: Workshop, trainer) -> None:
        self.workshop, self.trainer = ws, trainer
        self.o_key.value = ""
        self._render_workshop()
        self.board_box.layout.display = None
        self.refresh()
        self.render_results()
        self.poller.start()

    def _render_workshop(self) -> None:
        ws = self.workshop
        if ws is None:
            return
        name = ws.spec.name
        if isinstance(name, dict):
            name = name.get(self.lang) or name.get("en") or next(iter(name.values()), "")
        self.workshop_view.value = "<p>" + esc(t("workshop_pages.workshop.opened", self.lang, id=ws.id,
                                                    name=name or os.path.basename(ws.spec_name), teams=len(ws.teams),
                                                    rounds=ws.rounds, seed=ws.seed)) + "</p>"

    # -- the secrets, once ------------------------------------------------------------------------------
    def _build_secrets(self) -> W.Widget:
        self.base_url = W.Text(value=team_page_address(), **_WIDE)
        self.base_url.add_class("sdw-team-address")
        self._label(self.base_url, "workshop_pages.secrets.address")
        self.base_url.observe(lambda ch: self._render_secrets(), names="value")
        self.secrets_view = W.HTML()
        self.secrets_view.add_class("sdw-secrets")
        self.hide_button = W.Button(icon="eye-slash", button_style="warning", layout=W.Layout(width="auto"))
        self.hide_button.add_class("sdw-hide-secrets")
        self._label(self.hide_button, "workshop_pages.secrets.hide")
        self.hide_button.on_click(lambda b: self.hide_secrets())
        self.secrets_box = W.VBox([self.secrets_view, self.base_url, W.HBox([self.hide_button])],
                                  layout=W.Layout(display="none"))
        return self.secrets_box

    def team_link(self, code: str) -> str:
        """The team page's address with this workshop and ``code`` (what the QR code holds)."""
        query = urlencode({"ws": self.workshop.id, "code": code, "lang": self.lang})
        return f"{self.base_url.value.strip() or 'team.ipynb'}?{query}"

    def _render_secrets(self) -> None:
        if not self.secrets or self.workshop is None:
            self.secrets_view.value = ""
            self.secrets_box.layout.display = "none"
            return
        lang = self.lang
        rows = []
        for team, code in self.secrets["codes"].items():
            link = self.team_link(code)
            qr = qr_data_uri(link)
            img = f'<img class="sdw-qr" alt="QR {esc(team)}" src="{qr}">' if qr else ""
            rows.append(f'<tr data-team="{esc(team)}"><td class="sdw-text">{esc(team)}</td>'
                        f'<td><code class="sdw-secret sdw-join-code">{esc(code)}</code></td>'
                        f'<td class="sdw-text"><a href="{esc(link)}" target="_blank">{esc(link)}</a></td>'
                        f"<td>{img}</td></tr>")
        head = "".join(f'<th class="sdw-text">{esc(t(f"workshop_pages.secrets.{k}", lang))}</th>'
                       for k in ("team", "code", "link", "qr"))
        self.secrets_view.value = (
            f'<div class="sdw-warning" role="alert">{esc(t("workshop_pages.secrets.warning", lang))}</div>'
            f'<p>{esc(t("workshop_pages.secrets.id", lang))}: <code class="sdw-secret sdw-ws-id">'
            f"{esc(self.workshop.id)}</code></p>"
            f'<p>{esc(t("workshop_pages.secrets.key", lang))}: <code class="sdw-secret sdw-trainer-key">'
            f'{esc(self.secrets["key"])}</code></p>'
            f'<table class="sdw-table sdw-codes"><tr>{head}</tr>{"".join(rows)}</table>')
        self.secrets_box.layout.display = None

    def hide_secrets(self) -> None:
        """Forget the key and the codes (they cannot be shown again)."""
        self.secrets = None
        self._render_secrets()

    def _on_language(self) -> None:
        self._render_workshop()
        self._render_secrets()
        super()._on_language()
