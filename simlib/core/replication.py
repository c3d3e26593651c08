"""Many seeded replications of a model, serially or on worker processes, and their statistics.

One loop for every model (:func:`run_replications`: the funnel's ``replicate``, the account base's
``replicate_accounts``, the case studies, the what-ifs): seeds from one ``SeedSequence``
(:func:`simlib.base.rng.replication_seeds`), so replication ``i`` is the same run whether it ran alone, in
a batch or on another process; and the statistics reported over them (:func:`describe`, :func:`ratio_change`).
"""
from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

import numpy as np
import pandas as pd

from simlib.base.rng import replication_seeds
from simlib.base.schema import Issue, ScenarioError

__all__ = ["MAX_REPLICATIONS", "describe", "paired_runs", "paired_seeds", "ratio_change", "run_replications"]

V = TypeVar("V")
R = TypeVar("R")

#: the most replications one call may ask for (a run too large for the server is refused, not started)
MAX_REPLICATIONS = 100_000


def run_replications(row: Callable[[int], dict], n: int, seed: int | None, *, workers: int = 1,
                     progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """``row(seed)`` for ``n`` seeds derived from ``seed``: one row each, with ``replication, seed``.

    Shared by every model's ``replicate`` (:func:`simlib.analysis.simulation.replicate`, :func:`simlib.models.accounts.replicate_accounts`):
    ``workers > 1`` runs batches in separate processes (joblib's loky, safe from a notebook kernel;
    ``row`` must pickle, e.g. a ``functools.partial`` of a module-level function) and gives the same
    rows; ``progress(done, total)`` is called as replications finish.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_REPLICATIONS:
        raise ScenarioError([Issue("n", "replications", {"max": MAX_REPLICATIONS, "input": n})])
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise ScenarioError([Issue("workers", "workers", {"input": workers})])
    seeds = replication_seeds(seed, int(n))
    rows: list[dict] = []
    if workers == 1 or n < 4:
        for i, s in enumerate(seeds):
            rows.append(row(s))
            if progress:
                progress(i + 1, n)
    else:
        from joblib import Parallel, delayed
        workers = min(int(workers), os.cpu_count() or 1, n) or 1
        chunk = max(1, math.ceil(n / (workers * 8)))
        batches = [seeds[i:i + chunk] for i in range(0, n, chunk)]
        par = Parallel(n_jobs=workers, backend="loky", return_as="generator")
        done = 0
        for part in par(delayed(_batch)(row, b) for b in batches):
            rows.extend(part)
            done += len(part)
            if progress:
                progress(done, n)
    df = pd.DataFrame(rows)
    df.insert(0, "replication", np.arange(1, n + 1))
    df["seed"] = np.asarray(seeds, dtype=np.int64)
    return df


def paired_seeds(seed: int | None, replications: int) -> list[int | None]:
    """The seeds of ``replications`` paired replications: ``seed`` itself for one (the world a page shows),
    else :func:`simlib.base.rng.replication_seeds`.

        >>> paired_seeds(7, 1)
        [7]
        >>> len(set(paired_seeds(7, 3)))
        3
    """
    return replication_seeds(seed, int(replications)) if replications > 1 else [seed]


def paired_runs(variants: Mapping[str, V], run: Callable[[V, int | None], R], seed: int | None, replications: int,
                progress: Callable[[int, int], None] | None = None) -> Iterator[tuple[int, int | None, str, R]]:
    """Every variant on the same seeds (common random numbers): yields ``(replication, seed, label, result)``
    with ``result = run(variant, seed)``, replication by replication, every variant within one. The one loop
    behind every what-if (plans, team policies, account policies): two decisions are compared on one world.
    ``progress(done, total)`` is called after each run.

        >>> [(k, label, r) for k, _, label, r in paired_runs({"a": 1, "b": 2}, lambda v, s: v * 10, 0, 2)]
        [(1, 'a', 10), (1, 'b', 20), (2, 'a', 10), (2, 'b', 20)]
    """
    seeds = paired_seeds(seed, replications)
    total, done = len(variants) * len(seeds), 0
    for k, s in enumerate(seeds, start=1):
        for label, variant in variants.items():
            result = run(variant, s)
            done += 1
            if progress:
                progress(done, total)
            yield k, s, label, result


def _batch(row: Callable[[int], dict], seeds: list[int]) -> list[dict]:
    return [row(s) for s in seeds]


def describe(df: pd.DataFrame, column: str, z: float = 1.96) -> dict:
    """Mean, standard error and a normal ``z`` interval of ``column`` over replications.

        >>> describe(pd.DataFrame({"won": [10, 12, 14]}), "won")["mean"]
        12.0
    """
    x = df[column].astype(float).dropna()
    mean = float(x.mean())
    se = float(x.std(ddof=1) / math.sqrt(len(x))) if len(x) > 1 else math.nan
    return {"mean": mean, "se": se, "low": mean - z * se, "high": mean + z * se, "n": len(x)}


def ratio_change(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """mean(x) ÷ mean(y) − 1 over paired replications and its delta-method standard error.

        >>> change, se = ratio_change(np.array([16.0, 32.0, 20.0]), np.array([10.0, 20.0, 12.0]))
        >>> round(change, 3), round(se, 3)
        (0.619, 0.021)
    """
    n = len(x)
    mx, my = float(x.mean()), float(y.mean())
    r = mx / my
    if n < 2:
        return r - 1, float("nan")
    cov = np.cov(x, y, ddof=1)
    var = (cov[0, 0] - 2 * r * cov[0, 1] + r * r * cov[1, 1]) / (my * my * n)
    return round(r - 1, 12), float(math.sqrt(max(var, 0.0)))
