"""A workshop as trainers and teams use it (CONTRACT §5): made once, opened from any process, joined by code.

    >>> import tempfile
    >>> db = f"sqlite:///{tempfile.mkdtemp()}/ws.sqlite"
    >>> ws = Workshop.create("scenarios/workshop/b2b_quarter.yaml", teams=["A", "B"], rounds=2, seed=7, db=db)
    >>> team = ws.join(ws.team_codes["A"])
    >>> team.name, team.round
    ('A', 1)
    >>> team.submit(team.template())
    1
    >>> trainer = Workshop.open(db, ws.id).as_trainer(ws.trainer_key)
    >>> trainer.status()["submitted"]
    ['A']

Everything goes through the :class:`~simlib.workshop.store.Store` (one transaction per action), so any number
of server processes can serve one workshop, and a submission that returned is on disk. A round's results are
a pure function of the workshop file, the seed, the trainer's settings and every team's decisions up to that
round (:func:`simlib.workshop.market.run_round`): :meth:`Trainer.replay` re-runs a round and checks it.
A team's handle reads only its own decisions and its own rows of published rounds.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from simlib.base.schema import ScenarioError
from simlib.workshop import decisions as D
from simlib.workshop import market, roster, scoring
from simlib.workshop.access import (
    FAILURE_WINDOW_S,
    MAX_FAILURES,
    AccessDenied,
    check_secret,
    find_secret,
    hash_secret,
    new_join_code,
    new_salt,
    new_trainer_key,
    normalise_code,
)
from simlib.workshop.spec import WorkshopSpec, load_workshop_spec
from simlib.workshop.store import Store

__all__ = ["MAX_TEAMS", "AccessDenied", "Team", "Trainer", "Workshop"]

#: the most teams one workshop takes (a class of 200 in teams of 4–5 is about 50)
MAX_TEAMS = 60


def _digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


class Workshop:
    """One workshop in a store. ``trainer_key`` and ``team_codes`` are known only to the handle that
    :meth:`create` returned (they are stored hashed); :meth:`open` gives a handle without them."""

    def __init__(self, store: Store, ws_id: str, *, trainer_key: str | None = None,
                 team_codes: Mapping[str, str] | None = None):
        row = store.workshop(ws_id)
        if row is None:
            raise AccessDenied("unknown_workshop")
        self.store, self.id = store, ws_id
        self.trainer_key = trainer_key
        self.team_codes: dict[str, str] = dict(team_codes or {})
        self.config: dict = row["config"]
        self.spec: WorkshopSpec = load_workshop_spec(self.config["spec"])

    def __repr__(self) -> str:
        return f"Workshop({self.id!r}, {self.spec_name!r}, teams={self.teams}, rounds={self.rounds})"

    # -- making and opening -----------------------------------------------------------------------
    @classmethod
    def create(cls, scenario: str | Path | Mapping, teams: Sequence[str], rounds: int | None = None,
               seed: int = 0, db: str | None = None, settings: Mapping | None = None) -> Workshop:
        """A new workshop of ``teams`` over ``rounds`` quarters of the workshop file ``scenario``, with the
        trainer's ``settings`` (market, demand, shocks, budget, score weights: see the file's ``settings``).
        Round 1 is open at once. The trainer's key and the join codes are on the returned handle only."""
        spec = load_workshop_spec(scenario)
        if settings:
            spec = load_workshop_spec(spec.model_dump(mode="json") | {"settings": spec.settings.model_dump(
                mode="json") | dict(settings)})
        names = [str(n).strip() for n in teams]
        if not 1 <= len(names) <= MAX_TEAMS:
            raise ScenarioError.at("teams", "workshop_team_count", max=MAX_TEAMS, input=len(names))
        for i, n in enumerate(names):
            if not n or len(n) > 40:
                raise ScenarioError.at(f"teams[{i}]", "workshop_team_name", input=n)
        if len(set(names)) != len(names):
            raise ScenarioError.at("teams", "workshop_team_duplicate", input=", ".join(names))
        rounds = spec.rounds if rounds is None else rounds
        if isinstance(rounds, bool) or not isinstance(rounds, int) or not 1 <= rounds <= 12:
            raise ScenarioError.at("rounds", "workshop_rounds", input=rounds)
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ScenarioError.at("seed", "greater_than_equal", limit=0, input=seed)
        store = Store(db)
        key = new_trainer_key()
        codes = {n: new_join_code() for n in names}
        spec_json = spec.model_dump(mode="json")
        config = {"spec": spec_json, "source": str(scenario) if isinstance(scenario, (str, Path)) else "",
                  "rounds": rounds, "seed": seed, "teams": names, "spec_digest": _digest(spec_json)}
        salt = new_salt()                   # one for the workshop's codes: a join costs one scrypt (access.py)
        ws_id = store.create_workshop(config, hash_secret(key), {n: hash_secret(c, salt) for n, c in codes.items()})
        store.set_round(ws_id, 1, "open")
        store.set_current_round(ws_id, 1)
        return cls(store, ws_id, trainer_key=key, team_codes=codes)

    @classmethod
    def open(cls, db: str | None, ws_id: str) -> Workshop:
        """The workshop ``ws_id`` of the store at ``db``, from any process (no secrets on this handle)."""
        return cls(Store(db), ws_id)

    # -- what anyone may read ----------------------------------------------------------------------
    @property
    def teams(self) -> list[str]:
        return list(self.config["teams"])

    @property
    def rounds(self) -> int:
        return int(self.config["rounds"])

    @property
    def seed(self) -> int:
        return int(self.config["seed"])

    @property
    def spec_name(self) -> str:
        return self.config.get("source", "")

    @property
    def round(self) -> int:
        """The round open for decisions (1-based); ``rounds + 1`` once the last round is published."""
        return int(self.store.workshop(self.id)["current_round"])

    def deadline(self) -> pd.Timestamp | None:
        """When the open round's decisions are due (UTC): the moment it opened — the workshop made, or the
        round before published — plus the settings' ``deadline_minutes``; None once every round is played.
        A guide for the room: the trainer closes the round, early or late."""
        r = self.round
        if r > self.rounds:
            return None
        if r == 1:
            opened = self.store.workshop(self.id)["created_at"]
        else:
            rounds = self.store.rounds(self.id)
            opened = rounds.loc[rounds["round"] == r - 1, "published_at"].iloc[0]
        return pd.Timestamp(opened).tz_convert("UTC") + pd.Timedelta(minutes=self.spec.settings.deadline_minutes)

    # -- access ------------------------------------------------------------------------------------
    def _guard(self, client: str) -> None:
        who = f"{self.id}:{client}"
        if self.store.recent_failures(who, FAILURE_WINDOW_S) >= MAX_FAILURES:
            raise AccessDenied("slow_down", retry_after=FAILURE_WINDOW_S)

    def _fail(self, client: str) -> AccessDenied:
        self.store.note_failure(f"{self.id}:{client}")
        return AccessDenied("wrong")

    def join(self, code: str, *, client: str = "") -> Team:
        """The handle of the team whose join code is ``code`` (as typed: case and dashes do not matter).

        Raises:
            AccessDenied: a wrong code; ``slow_down`` after :data:`~simlib.workshop.access.MAX_FAILURES` wrong
                ones from ``client`` (a page's id) within a minute.
        """
        self._guard(client)
        typed = normalise_code(code)
        teams = self.store.teams(self.id)
        name = find_secret(typed, teams)
        if name is not None:
            return Team(self, name, typed, teams[name])
        raise self._fail(client)

    def as_trainer(self, key: str, *, client: str = "") -> Trainer:
        """The trainer's handle; a wrong ``key`` raises :class:`AccessDenied`."""
        self._guard(client)
        stored = self.store.workshop(self.id)["trainer_key_hash"]
        if check_secret(str(key).strip(), stored):
            return Trainer(self, str(key).strip(), stored)
        raise self._fail(client)

    # -- shared by the handles -----------------------------------------------------------------------
    def _history(self, upto: int, teams: Sequence[str] | None = None) -> dict[str, list[D.Decisions]]:
        """Every team's decisions for rounds 1..``upto`` (a team that did not submit keeps its last ones)."""
        out: dict[str, list[D.Decisions]] = {}
        for team in teams or self.teams:
            past: list[D.Decisions] = []
            for r in range(1, upto + 1):
                data = self.store.latest_of(self.id, team, r)
                if data is None:
                    data = D.template(self.spec, past)
                past.append(D.validate_decisions(self.spec, past, data))
            out[team] = past
        return out


class Team:
    """A team's handle: its round's decisions, its submissions, its own published results."""

    def __init__(self, ws: Workshop, name: str, code: str, verified: str | None = None):
        self._ws, self.name, self._code = ws, name, code
        self._verified = verified           # the stored hash the code was checked against

    def __repr__(self) -> str:
        return f"Team({self.name!r}, round={self.round})"

    def _check(self) -> None:
        """Every action: the team is still in the store and its code still the one checked at join (the scrypt
        is done again only if the stored hash changed)."""
        stored = self._ws.store.teams(self._ws.id).get(self.name)
        if stored is None or (stored != self._verified and not check_secret(self._code, stored)):
            raise AccessDenied("wrong")
        self._verified = stored

    @property
    def round(self) -> int:
        """The round open for decisions (1-based)."""
        return self._ws.round

    def _past(self) -> list[D.Decisions]:
        r = min(self.round, self._ws.rounds)
        return self._ws._history(r - 1, [self.name])[self.name]

    def template(self) -> dict:
        """This round's decisions with their current values: what the team submitted last for this round,
        else its previous round's, else the workshop file's defaults."""
        self._check()
        r = self.round
        mine = self._ws.store.latest_of(self._ws.id, self.name, r) if r <= self._ws.rounds else None
        return mine if mine is not None else D.template(self._ws.spec, self._past())

    def situation(self) -> market.TeamState:
        """This team's state at the start of the open round (after the last round once all are played): its
        reps (tenure, skill, trained lifts, last sales) and its customers' satisfaction. In a shared market it
        depends on every team's decisions, which are replayed here; only this team's state is returned."""
        self._check()
        upto = min(self.round, self._ws.rounds + 1)
        history = self._ws._history(upto - 1)
        return market.states_before(self._ws.spec, self._ws.seed, upto, history)[self.name]

    def quotas(self, decisions: Mapping, state: market.TeamState | None = None) -> dict[str, float]:
        """Each rep's quota this round under ``decisions`` (validated, the budget not checked), as the round
        will set them before any of the trainer's hidden shocks; ``state`` is :meth:`situation`'s (read again
        when not given). For the decision form: what the split means for each rep.

        Raises:
            ScenarioError: a field of ``decisions`` that is wrong.
        """
        self._check()
        spec = self._ws.spec
        d = D.validate_decisions(spec, self._past(), decisions, budget=False)
        state = state if state is not None else self.situation()
        start = roster.start_round(spec, state, d, self.round, ())
        return market.quotas_for_round(spec, start.seats, d)

    def cost(self, decisions: Mapping) -> dict:
        """What each choice of ``decisions`` costs this round (validated first)."""
        self._check()
        return D.cost(self._ws.spec, D.validate_decisions(self._ws.spec, self._past(), decisions))

    def submit(self, decisions: Mapping, *, by: str = "") -> int:
        """Validate and store this round's decisions; returns the version number (every version is kept,
        the latest counts). ``by`` is who submitted (a display name).

        Raises:
            ScenarioError: a field that is wrong (named, localised), or the round is not open.
        """
        self._check()
        r = self.round
        if r > self._ws.rounds or self._ws.store.round_status(self._ws.id, r) != "open":
            raise ScenarioError.at("round", "workshop_round_closed", round=r)
        valid = D.validate_decisions(self._ws.spec, self._past(), decisions)
        return self._ws.store.submit(self._ws.id, self.name, r, valid.model_dump(mode="json"), by=by)

    def submissions(self) -> pd.DataFrame:
        """This team's own submissions, every version (round, version, submitted_at, by, decisions)."""
        self._check()
        h = self._ws.store.history(self._ws.id)
        return h[h["team"] == self.name].reset_index(drop=True)

    def results(self) -> pd.DataFrame:
        """This team's rows of the published rounds (nothing before the trainer publishes a round)."""
        self._check()
        rows = [r for r in self._ws.store.results(self._ws.id, team=self.name, kind="team")
                if self._ws.store.round_status(self._ws.id, r["round"]) == "published"]
        return pd.DataFrame(rows, columns=scoring.TEAM_COLUMNS if not rows else None)

    def rep_results(self) -> pd.DataFrame:
        """This team's reps in the published rounds (quota, sales, attainment)."""
        self._check()
        rows = [r for r in self._ws.store.results(self._ws.id, team=self.name, kind="rep")
                if self._ws.store.round_status(self._ws.id, r["round"]) == "published"]
        return pd.DataFrame(rows)


class Trainer:
    """The trainer's handle: rounds, results of every team, the leaderboard, replays, the debrief."""

    def __init__(self, ws: Workshop, key: str, verified: str | None = None):
        self._ws, self._key, self._verified = ws, key, verified

    def _check(self) -> None:
        stored = self._ws.store.workshop(self._ws.id)["trainer_key_hash"]
        if stored != self._verified and not check_secret(self._key, stored):
            raise AccessDenied("wrong")
        self._verified = stored

    @property
    def workshop(self) -> Workshop:
        return self._ws

    def status(self) -> dict:
        """The open round, which teams have submitted for it, when its decisions are due
        (:meth:`Workshop.deadline`), and each round's status."""
        self._check()
        ws, r = self._ws, self._ws.round
        submitted = sorted(ws.store.latest(ws.id, r)) if r <= ws.rounds else []
        return {"round": r, "rounds": ws.rounds, "teams": ws.teams, "submitted": submitted,
                "waiting": [t for t in ws.teams if t not in submitted], "deadline": ws.deadline(),
                "status": {k: ws.store.round_status(ws.id, k) for k in range(1, ws.rounds + 1)}}

    def run(self, round_no: int, progress=None, *, cached: bool = True) -> market.RoundResult:
        """Run ``round_no`` for every team from the stored decisions (nothing is saved)."""
        self._check()
        history = self._ws._history(round_no)
        return market.run_round(self._ws.spec, self._ws.seed, round_no, history, progress=progress, cached=cached)

    def close_round(self, progress=None) -> market.RoundResult:
        """Close the open round, run it for every team (a team that did not submit keeps its previous
        decisions), publish the results and open the next round."""
        self._check()
        ws, r = self._ws, self._ws.round
        if r > ws.rounds:
            raise ScenarioError.at("round", "workshop_finished", rounds=ws.rounds)
        ws.store.set_round(ws.id, r, "closed")
        result = self.run(r, progress=progress)
        teams, reps = result.to_records()
        ws.store.save_results(ws.id, r, teams, reps)
        ws.store.set_round(ws.id, r, "published")
        if r < ws.rounds:
            ws.store.set_round(ws.id, r + 1, "open")
        ws.store.set_current_round(ws.id, r + 1)
        return result

    def results(self, kind: str = "team") -> pd.DataFrame:
        """Every team's rows of every published round (``kind="rep"``: the reps' rows)."""
        self._check()
        return pd.DataFrame(self._ws.store.results(self._ws.id, kind=kind))

    def leaderboard(self) -> pd.DataFrame:
        """One row per team over the published rounds, ranked by the trainer's weighted score."""
        self._check()
        rows = self._ws.store.results(self._ws.id, kind="team")
        return scoring.leaderboard(pd.DataFrame(rows), self._ws.spec.settings.score_weights, teams=self._ws.teams)

    def replay(self, round_no: int) -> market.RoundResult:
        """Re-run a published round from the stored decisions; raises if it differs from what was published
        (it never should: a round is a pure function of its inputs)."""
        self._check()
        if self._ws.store.round_status(self._ws.id, round_no) != "published":
            raise ScenarioError.at("round", "workshop_round_not_published", round=round_no)
        again = self.run(round_no, cached=False)          # every round simulated again, nothing from a cache
        teams, reps = again.to_records()
        stored_teams = self._ws.store.results(self._ws.id, round_no, kind="team")
        stored_reps = self._ws.store.results(self._ws.id, round_no, kind="rep")
        if _canonical(teams) != _canonical(stored_teams) or _canonical(reps) != _canonical(stored_reps):
            raise RuntimeError(f"round {round_no} of workshop {self._ws.id} did not replay identically")
        return again

    def decisions(self) -> pd.DataFrame:
        """Every submission of every team (every version): the audit trail."""
        self._check()
        return self._ws.store.history(self._ws.id)


def _canonical(rows: list[dict]) -> str:
    return json.dumps(sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str)), sort_keys=True,
                      default=str)
