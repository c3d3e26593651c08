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
"""
from __future__ import annotations

import numpy as np

__all__ = ["STREAM_NAMES", "Streams", "replication_seeds"]

STREAM_NAMES: tuple[str, ...] = (
    "arrivals", "values", "conversion", "waits", "assignment",
    "behaviour", "team", "customers", "spare1", "spare2",
    "people",     # team dynamics (simlib.models.team): leaving, new hires' skill
)


class Streams:
    """The named generators of one run, spawned from ``SeedSequence(seed)``.

    Args:
        seed: any non-negative int (or None for fresh entropy, recorded in :attr:`seed`).
    """

    def __init__(self, seed: int | None):
        root = np.random.SeedSequence(seed)
        self.seed: int = int(root.entropy)  # type: ignore[arg-type]
        self._children = dict(zip(STREAM_NAMES, root.spawn(len(STREAM_NAMES)), strict=True))
        self._gens: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        gen = self._gens.get(name)
        if gen is None:
            if name not in self._children:
                raise KeyError(f"unknown random stream {name!r}; known: {', '.join(STREAM_NAMES)}")
            gen = self._gens[name] = np.random.Generator(np.random.PCG64(self._children[name]))
        return gen


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
