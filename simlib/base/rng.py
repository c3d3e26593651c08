"""One random-number tree per run: a ``SeedSequence`` spawned into one named stream per source.

Each source of randomness (lead arrivals, deal values, stage outcomes, customer waits, rep
assignment, …) draws from its own ``numpy.random.Generator``. Changing a policy that consumes one
stream (e.g. rep hours, which consume none) leaves every other draw where it was: a lead arrives
at the same moment with the same value and the same fate at each stage — common random numbers,
so two plans are compared on one world, not on two.

    >>> a, b = Streams(7), Streams(7)
    >>> float(a["values"].random()) == float(b["values"].random())
    True
    >>> float(Streams(7)["values"].random()) == float(Streams(7)["arrivals"].random())
    False

New streams are appended to :data:`STREAM_NAMES`, never inserted, so old seeds keep their worlds.
The account base (:mod:`simlib.models.accounts`) is a world of its own: ``Streams(seed,
ACCOUNT_STREAM_NAMES)`` spawns the run's one ``SeedSequence`` into :data:`ACCOUNT_STREAM_NAMES` instead,
and :meth:`Streams.branches` splits a stream again, one branch per source of accounts.
"""
from __future__ import annotations

import numpy as np

__all__ = ["ACCOUNT_STREAM_NAMES", "KEYED_STREAMS", "STREAM_NAMES", "Streams", "replication_seeds"]

STREAM_NAMES: tuple[str, ...] = (
    "arrivals", "values", "conversion", "waits", "assignment",
    "behaviour", "team", "customers", "spare1", "spare2",
    "people",     # team dynamics (simlib.models.team): leaving, new hires' skill
    "futures",    # other futures of a run from a point in time (simlib.content.drills.s1_review)
    "workshop",   # a workshop's reps as it starts: their skill spread (simlib.workshop.roster)
)

KEYED_STREAMS: dict[str, int] = {
    "crm": 0xC12,   # a simulation's deals as a CRM table (simlib.data.crm.synthesis): products, loss reasons
}
"""Streams at a fixed spawn key of the run's ``SeedSequence`` (child ``key`` of the same tree) rather than
a place in a registry: the key the source drew from before it went through :class:`Streams`, so old seeds
keep their draws. Available under any registry."""

ACCOUNT_STREAM_NAMES: tuple[str, ...] = (
    "accounts", "orders", "renewals", "complaints", "referrals", "satisfaction", "visits", "acquisition",
)
"""The streams of an account-base run (:mod:`simlib.models.accounts`), in spawn order (appended, never
inserted): the book, orders, renewals and win-backs, complaints, referrals, satisfaction, visit phases
and the prospects acquired."""


class Streams:
    """The named generators of one run, spawned from ``SeedSequence(seed)``.

    Args:
        seed: any non-negative int (or None for fresh entropy, recorded in :attr:`seed`).
        names: the registry of the model's stream names, in spawn order: :data:`STREAM_NAMES` (the
            funnel, the team) or :data:`ACCOUNT_STREAM_NAMES` (the account base).
    """

    def __init__(self, seed: int | None, names: tuple[str, ...] = STREAM_NAMES):
        root = np.random.SeedSequence(seed)
        self.seed: int = int(root.entropy)  # type: ignore[arg-type]
        self.names = names
        self._children = dict(zip(names, root.spawn(len(names)), strict=True))
        self._children.update({name: np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, key))
                               for name, key in KEYED_STREAMS.items() if name not in self._children})
        self._gens: dict[str, np.random.Generator] = {}
        self._branches: dict[str, tuple[tuple[str, ...], dict[str, np.random.Generator]]] = {}

    def _child(self, name: str) -> np.random.SeedSequence:
        if name not in self._children:
            raise KeyError(f"unknown random stream {name!r}; known: {', '.join(self.names)}")
        return self._children[name]

    def __getitem__(self, name: str) -> np.random.Generator:
        gen = self._gens.get(name)
        if gen is None:
            gen = self._gens[name] = np.random.Generator(np.random.PCG64(self._child(name)))
        return gen

    def branches(self, name: str, parts: tuple[str, ...]) -> dict[str, np.random.Generator]:
        """Stream ``name`` split into one generator per part, spawned once in the order of ``parts``
        (every call must name the same parts): e.g. one branch per source of accounts, so the k-th
        referred account draws the same whatever the starting book draws.

            >>> s = Streams(7, ACCOUNT_STREAM_NAMES)
            >>> s.branches("orders", ("base", "referral")) is s.branches("orders", ("base", "referral"))
            True
            >>> b = Streams(7, ACCOUNT_STREAM_NAMES).branches("orders", ("base", "referral"))
            >>> float(b["base"].random()) == float(b["referral"].random())
            False
        """
        parts = tuple(parts)
        known = self._branches.get(name)
        if known is None:
            gens = {p: np.random.Generator(np.random.PCG64(c))
                    for p, c in zip(parts, self._child(name).spawn(len(parts)), strict=True)}
            known = self._branches[name] = (parts, gens)
        elif known[0] != parts:
            raise ValueError(f"stream {name!r} is split into {known[0]}, not {parts}")
        return known[1]


def replication_seeds(seed: int | None, n: int) -> list[int]:
    """``n`` distinct integer seeds derived from ``seed``; replication ``i`` is ``simulate(sc, seeds[i])``.

    Seeds are kept below 2**48 so that they survive a round trip through Excel (15 digits).

        >>> replication_seeds(1, 3) == replication_seeds(1, 3)
        True
        >>> len(set(replication_seeds(1, 1000)))
        1000
    """
    ss = np.random.SeedSequence(seed)
    out: list[int] = []
    seen: set[int] = set()
    batch = 0
    while len(out) < n:
        state = np.random.SeedSequence(ss.entropy, spawn_key=(batch,)).generate_state(n, dtype=np.uint64)
        for v in (int(x) & ((1 << 48) - 1) for x in state):
            if v not in seen and len(out) < n:
                seen.add(v)
                out.append(v)
        batch += 1
    return out
