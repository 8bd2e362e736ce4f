"""``make seeds``: every quick verdict under each model seed that has a run (``figures/claims-seeds.md``).

``make figures MODEL_SEED=N`` retrains the quick zoo with seed N and runs the notebooks into
``build/quick-seedN/`` (never the committed notebooks, figures or scorecard); :func:`compare` puts
its scorecard beside the committed one (seed 0) and every other seed's.
"""

from __future__ import annotations

from pathlib import Path

from .. import claims, paths
from ..cache import atomic_write_bytes
from ..scorecard import seeds_markdown

SEEDS_MD = "claims-seeds.md"


def seed_scorecards() -> dict[int, Path]:
    """Quick scorecards by model seed: 0 is the committed ``figures/claims.json``, N the
    ``build/quick-seedN/figures/claims.json`` of ``make figures MODEL_SEED=N`` (whole or ``ONLY=``)."""
    found = {0: paths.FIGURES_ROOT / "claims.json"}
    for p in paths.BUILD.glob("quick-seed*/figures/claims.json"):
        tail = p.parts[-3].removeprefix("quick-seed")
        if tail.isdigit():
            found[int(tail)] = p
    return {s: found[s] for s in sorted(found) if found[s].exists()}


def compare() -> Path:
    """``figures/claims-seeds.md``: every quick claim's verdict and measured value under each model
    seed with a scorecard (:func:`seed_scorecards`, :func:`inputspace.scorecard.seeds_markdown`)."""
    cards = seed_scorecards()
    if len(cards) < 2 or 0 not in cards:
        raise SystemExit(
            "compare needs figures/claims.json and a run under another model seed: "
            "make figures MODEL_SEED=1 [ONLY=p2,p3] (writes build/quick-seed1/)"
        )
    out = paths.FIGURES_ROOT / SEEDS_MD
    atomic_write_bytes(
        out, seeds_markdown({s: claims.load_scorecard(p) for s, p in cards.items()}).encode()
    )
    print(f"model seeds {sorted(cards)} -> {out}")
    return out
