"""Knobs of the cross-study notebooks px-01 … px-04 (their operations data: :mod:`inputspace.px.cost`).

The notebooks reuse the other packages' cached results, so they take over those packages' own
knob objects (same names, same per-profile defaults): P2's LST knobs (:data:`inputspace.p2.knobs.
LST_KNOBS`, the derangement runs' ``n_runs``) key P2's cached LST runs, P3's base and attack knobs
key P3's cached codes, SOMs and PGD runs, P1's knobs set the straight segments, the bypass and
p1-detection's protocol. Only the knobs no paper notebook has are new (:data:`LST_ITEMS`,
``real_partners``, the class-keeping PGD's ``pgd_eps`` of px-01, the data set restricted to P2's).

Profiles: quick = the quick ResNet-18 normal vs adversarially trained (P2's roles ``normal`` / ``at``), smoke =
the same at smoke sizes, paper = P2's ImageNet ResNet-50 normal vs RobustBench ``Salman2020Do_R50``
with P3's SOMs of that ResNet-50.
"""

from __future__ import annotations

from ..config import Knob, per_profile
from ..p1 import knobs as p1k
from ..p2 import knobs as p2k
from ..p3 import knobs as p3k
from ..real import knobs as real

AT_TRAINING_EPS = {"smoke": 32 / 255, "quick": 32 / 255, "paper": 4 / 255}
"""ℓ∞ radius P2's AT row was trained at: the zoo's adversarial-training recipe (``inputspace.zoo.RECIPES["fgsm-at"]``,
32/255 on digits; a test keeps the two equal) and RobustBench's ``Salman2020Do_R50`` (4/255)."""

LST_ITEMS = Knob(
    {"smoke": "all", "quick": "kept", "paper": "kept"},
    ("kept", "all"),
    "the LST outputs studied: kept: those still classified as their source (the hypotheses' "
    "items); all: every traversed one (smoke: 1-epoch models keep almost none)",
)
LST = {**p2k.LST_KNOBS, **p2k.RUNS, "lst_outputs": LST_ITEMS}
"""P2's LST knobs (its cached derangement runs are the LST outputs of every px notebook) and the items."""
SPACE = {"space": p1k.TRAINED_KNOBS["space"], "clamp": p1k.TRAINED_KNOBS["clamp"]}
"""P1's coordinates of paths and optimizations (companion: normalized, no pixel box)."""
SEGMENT = {"path_points": p1k.STATS_KNOBS["path_points"]}
"""Points per straight segment (P1 Fig 6: 250)."""
SOMS = {
    **{k: v for k, v in p3k.BASE.items() if k not in ("dataset", "imagenet_root")},
    "dataset": per_profile(
        "digits",
        "digits",
        "imagenet",
        "data set of P3's SOM-tr/SOM-val: the data of P2's pool",
        ("digits", "imagenet"),
    ),
}
"""P3's base knobs (its cached codes and SOMs), on P2's data only (P2's ``imagenet_root`` serves both)."""
INPUTOPT = {
    k: p1k.DETECT_KNOBS[k]
    for k in ("n_clean", "clean_filter", "n_refs", "mode_pool", "detect_attack_iters")
}
"""p1-detection's input-optimization adversarials K' (px-02): its clean inputs, reference modes and attack."""

KNOBS: dict[str, dict[str, Knob]] = {
    "px-01": {
        **LST,
        **SPACE,
        **SEGMENT,
        "real_partners": per_profile(
            2,
            3,
            5,
            "other held-out images of the source's class per source "
            "(the first ones, the source left out): the real segments",
        ),
        "pgd_eps": per_profile(
            AT_TRAINING_EPS["smoke"],
            AT_TRAINING_EPS["quick"],
            AT_TRAINING_EPS["paper"],
            "L-inf radius of the class-keeping PGD: P2's ε, the radius its AT row was "
            "trained at (quick: the zoo's FGSM-AT; paper: Salman2020Do_R50)",
        ),
        "pgd_iters": p1k.DETECT_KNOBS["pgd_iters"],
        "path_bypass_iters": p1k.PATHS_KNOBS["path_bypass_iters"],
        **real.P2,
    },
    "px-02": {**LST, **SPACE, **SEGMENT, **SOMS, **p3k.ATTACK, **INPUTOPT},
    "px-03": {**LST, **SPACE, **p1k.DETECT_KNOBS, **real.P1},
    "px-04": {
        **LST,
        **p2k.LATTICE,
        **SPACE,
        **SEGMENT,
        "pairs_per_class": p1k.STATS_KNOBS["pairs_per_class"],
        **SOMS,
        **p3k.ATTACK,
    },
}
