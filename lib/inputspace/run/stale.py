"""Which committed notebooks' outputs came from other sources than the current ones.

Every notebook's provenance cell prints the ``sources`` digest of the code that produced its
outputs (:mod:`inputspace.provenance`); :func:`stale` compares it with the digest of the code now
(``python -m inputspace.run stale``, exit status 1 if any differs).
"""

from __future__ import annotations

from pathlib import Path

from .. import provenance
from ..catalogue import notebook_id


def stale(nbs: list[Path], profile: str = "quick") -> list[str]:
    """Print, per notebook, whether its committed outputs come from the current sources (the
    ``sources`` line of its provenance cell against :func:`inputspace.provenance.sources_digest`);
    returns the ids of those that do not (or that record no digest)."""
    old = []
    for p in nbs:
        recorded, now = provenance.recorded_digest(p), provenance.sources_digest(p, profile)
        if recorded != now:
            old.append(notebook_id(p))
        state = "[ ok ]" if recorded == now else "[none]" if recorded is None else "[old ]"
        print(
            f"{state} {notebook_id(p)}"
            + (
                f": outputs from sources {recorded}, code now {now}"
                if recorded not in (None, now)
                else ""
            )
        )
    print(f"{len(nbs) - len(old)} of {len(nbs)} notebooks' outputs come from the current sources")
    return old
