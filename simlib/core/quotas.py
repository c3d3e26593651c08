"""Each rep's quota per plan period, from a scenario (COURSE.md §1): the rep's own, a flat one, or the
team's total allocated by a method of :func:`simlib.formulas.targets.allocate` — for "capability", by
what each rep can sell in its hours as the run knows it."""
from __future__ import annotations

import numpy as np

from simlib.core.people import rep_conversions
from simlib.core.scenario import Scenario
from simlib.formulas.targets import allocate

__all__ = ["quotas_for"]


def quotas_for(sc: Scenario, skills: np.ndarray) -> np.ndarray:
    """Each rep's quota per plan period: the rep's own ``quota``, else ``quotas.per_rep``, else the
    ``quotas.team`` total allocated by ``quotas.method`` (skill from the run for "capability")."""
    reps = sc.team.reps
    q = np.zeros(len(reps))
    own = [r.quota for r in reps]
    spec = sc.quotas
    if spec is not None and spec.per_rep is not None:
        q[:] = spec.per_rep
    elif spec is not None and spec.team is not None:
        # capability as the run knows it: what each rep can sell in its hours (skill moves conversion,
        # and converting more also costs more hours per lead), relative to the team's mean
        conv = rep_conversions(sc, skills)
        work = np.array([st.work_hours for st in sc.funnel.stages])
        reach = np.hstack([np.ones((len(reps), 1)), np.cumprod(conv, axis=1)])
        per_lead_h = (reach[:, :-1] * work).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            cap = np.where(per_lead_h > 0, reach[:, -1] / per_lead_h, 0.0) * np.asarray(sc.team.hours(), float)
        capability = cap / cap.mean() if cap.mean() > 0 else np.ones(len(reps))
        free = [i for i, v in enumerate(own) if v is None]
        left = spec.team - sum(v for v in own if v is not None)
        recs = []
        for i in free:
            r = reps[i]
            recs.append({"name": r.name, "skill": float(capability[i]), "tenure_months": r.tenure_months,
                         "history": r.history, "potential": r.potential})
        if free:
            alloc = allocate(max(left, 0.0), recs, spec.method, unit=1)
            for i in free:
                q[i] = alloc[reps[i].name]
    for i, v in enumerate(own):
        if v is not None:
            q[i] = v
    return q
