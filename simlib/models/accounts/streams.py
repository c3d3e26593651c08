"""The account base's random draws (COURSE.md §6): every account's uniforms and normals, drawn up front.

Randomness (common random numbers): one ``numpy.random.SeedSequence`` per run,
:class:`simlib.base.rng.Streams` over the account base's registry :data:`STREAM_NAMES`
(:data:`simlib.base.rng.ACCOUNT_STREAM_NAMES`); each per-account stream is branched again into one child
per source of accounts (:data:`~simlib.models.accounts.spec.SOURCES`: base, acquisition, referral), and
every account's draws for every month — order, order value, renewal, win-back, complaint
count/severity/response/resolution/time, satisfaction noise, referral — are made in fixed-size blocks
(:class:`SourceDraws`). Every account of the starting book, and the k-th prospect of each source, gets
the same draws whatever the policy, so changing the policy changes what those draws are compared
against, never the draws: two policies are compared on one world.

    >>> from simlib.models.accounts.spec import load_accounts
    >>> spec = load_accounts({"accounts": {"n": 3}})
    >>> one, two = (SourceDraws(Streams(7, STREAM_NAMES), "base", spec, months=2) for _ in range(2))
    >>> one.ensure(3); two.ensure(3)
    >>> one.names, bool((one.data["u_order"] == two.data["u_order"]).all()), one.data["u_sev"].shape
    (['C0001', 'C0002', 'C0003'], True, (3, 2, 4))
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from simlib.base.rng import ACCOUNT_STREAM_NAMES, Streams
from simlib.formulas.customers import synthetic_accounts
from simlib.models.accounts.spec import SOURCES, AccountsSpec

__all__ = ["ATTRIBUTES", "BRANCHED", "DRAW_NAMES", "PER_ACCOUNT", "PER_COMPLAINT", "PER_MONTH", "STREAM_NAMES",
           "SourceDraws"]

STREAM_NAMES: tuple[str, ...] = ACCOUNT_STREAM_NAMES
"""The run's named random streams, in spawn order (the registry :data:`simlib.base.rng.ACCOUNT_STREAM_NAMES`;
new ones are appended, never inserted)."""
BRANCHED: tuple[str, ...] = tuple(s for s in STREAM_NAMES if s != "acquisition")
"""The per-account streams, each branched into one child per source (``acquisition`` draws the month's
number of non-referral prospects)."""

PER_ACCOUNT: tuple[str, ...] = ("contract", "convert", "visit_phase", "z_start")
"""Draws made once per account: its contract's phase, its conversion, its visits' phase, its satisfaction
at the start."""
PER_MONTH: tuple[str, ...] = ("u_order", "z_value", "u_renew", "u_winback", "u_ncomp", "z_state", "z_answer",
                              "u_refer", "u_refconv")
"""Draws made per account and month."""
PER_COMPLAINT: tuple[str, ...] = ("u_sev", "z_resp", "u_resolve", "u_when")
"""Draws made per account, month and complaint (up to ``complaints.max_per_month``)."""
DRAW_NAMES: tuple[str, ...] = PER_ACCOUNT + PER_MONTH + PER_COMPLAINT
ATTRIBUTES: tuple[str, ...] = ("profit", "margin", "revenue", "industry", "region")
"""An account's attributes, from :func:`simlib.formulas.customers.synthetic_accounts`."""
_CHUNK = 256                    # new accounts' draws are made in blocks of this many


@lru_cache(maxsize=32)
def _book(n: int, seed: int, dist: str, sigma: float, alpha: float, median: float) -> pd.DataFrame:
    return synthetic_accounts(n, seed=seed, dist=dist, sigma=sigma, alpha=alpha, median_profit=median)


class SourceDraws:
    """The accounts of one source, with their attributes and draws, made in blocks: row k is the k-th
    account of the source and always gets the same draws (the starting book in one block of
    ``accounts.n``, prospects in blocks of 256).

    Args:
        streams: the run's :class:`~simlib.base.rng.Streams` over :data:`STREAM_NAMES`.
        source: one of :data:`~simlib.models.accounts.spec.SOURCES`.
        spec: the scenario (the book's distribution, ``complaints.max_per_month``).
        months: months of the run.

    Attributes:
        data: :data:`ATTRIBUTES` and :data:`DRAW_NAMES`, one row per account drawn so far.
        names: the accounts' names (``C0001`` the book, ``N0001`` acquired, ``R0001`` referred).
        size: accounts drawn so far.
    """

    def __init__(self, streams: Streams, source: str, spec: AccountsSpec, months: int):
        self.gens = {s: streams.branches(s, SOURCES)[source] for s in BRANCHED}
        self.spec, self.months, self.k = spec, months, spec.complaints.max_per_month
        self.source = source
        self.first = spec.accounts.n if source == "base" else _CHUNK
        self.size = 0
        self.data: dict[str, np.ndarray] = {}
        self.names: list[str] = []

    def ensure(self, rows: int) -> None:
        """Draw blocks until at least ``rows`` accounts are drawn."""
        while self.size < rows:
            self._block(self.first if self.size == 0 else _CHUNK)

    def _block(self, r: int) -> None:
        g, m, k, acc = self.gens, self.months, self.k, self.spec.accounts
        seed = int(g["accounts"].integers(0, 2**31 - 1))
        if self.source == "base" and acc.seed is not None:
            seed = acc.seed
        book = _book(r, seed, acc.dist, acc.sigma, acc.alpha, acc.median_profit)
        new: dict[str, np.ndarray] = {c: book[c].to_numpy() for c in ATTRIBUTES}
        new["contract"] = g["accounts"].random(r)
        new["convert"] = g["accounts"].random(r)
        new["visit_phase"] = g["visits"].random(r)
        new["u_order"] = g["orders"].random((r, m))
        new["z_value"] = g["orders"].standard_normal((r, m))
        new["u_renew"] = g["renewals"].random((r, m))
        new["u_winback"] = g["renewals"].random((r, m))
        new["u_ncomp"] = g["complaints"].random((r, m))
        new["u_sev"] = g["complaints"].random((r, m, k))
        new["z_resp"] = g["complaints"].standard_normal((r, m, k))
        new["u_resolve"] = g["complaints"].random((r, m, k))
        new["u_when"] = g["complaints"].random((r, m, k))
        new["z_start"] = g["satisfaction"].standard_normal(r)
        new["z_state"] = g["satisfaction"].standard_normal((r, m))
        new["z_answer"] = g["satisfaction"].standard_normal((r, m))
        new["u_refer"] = g["referrals"].random((r, m))
        new["u_refconv"] = g["referrals"].random((r, m))
        prefix = {"base": "C", "acquisition": "N", "referral": "R"}[self.source]
        width = max(4, len(str(self.spec.accounts.n))) if self.source == "base" else 4
        self.names += [f"{prefix}{i:0{width}d}" for i in range(self.size + 1, self.size + r + 1)]
        self.data = new if not self.data else {c: np.concatenate([self.data[c], new[c]]) for c in new}
        self.size += r
