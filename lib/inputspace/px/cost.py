"""Operations data of the cross-study notebooks, kept out of :mod:`inputspace.px.knobs` so that the code
digest of cached results does not follow it (``docs/house.md``): what each knob holds on the GPU
(``MEMORY``), the paper check's reduced work (``PAPER_CHECK``), the paper-cost work model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..p1 import cost as p1c
from ..p2 import cost as p2c
from ..p3 import cost as p3c
from ..workmodel import Bench
from .knobs import INPUTOPT, KNOBS

# --- out of GPU memory -----------------------------------------------------------------------------
_SEGMENTS_MEMORY = "the n_runs·len(pool_classes) source → LST output segments with a barrier are bypassed in one batch"
MEMORY: dict[str, dict[str, str]] = {
    "px-01": {
        "n_runs": _SEGMENTS_MEMORY + ", with input gradients",
        "pool_classes": _SEGMENTS_MEMORY + "; the pool's sources are attacked by PGD in one batch",
    },
    "px-02": dict(
        p3c.MEMORY["p3-fig05"]
    ),  # P3's SOM-tr codes while a SOM trains (when not cached by P3)
    "px-03": dict(p1c.MEMORY["p1-detection"]),
    "px-04": dict(p3c.MEMORY["p3-fig05"]),  # the AT model's SOM-tr codes while its SOMs train
}
"""Knob → what it holds on the GPU at once, per notebook (first the knob to lower first,
:func:`inputspace.notebook.oom_message`). Not knobs: the batches fixed in the library
(``connectivity.path_losses`` 256 points, codes 128 images per pass, P3's PGD in batches of 50)."""

# --- make paper-check -------------------------------------------------------------------------------
RULE_SWITCHES = {**p2c.RANDOM_WEIGHTS, "lst_outputs": "all", "clean_filter": "all"}
"""Rule knobs switched for the stand-ins' random weights (not work knobs): P2's pool and traversal
rules, and every LST output and clean input taken (random weights classify none as its label)."""
_CHECK_LST = {**p2c.CHECK_LST, "n_runs": 2, "lst_outputs": "all"}
"""P2's reduced LST work (its cache), 2 derangements of the 3 pool classes."""
_CHECK_SOMS = {**p3c.CHECK_ATTACK, "n_classes": 300}
"""P3's reduced SOM and attack work; px-02 keeps the first 300 ImageNet classes so that its SOMs have
centres for P2's pool classes 99, 199, 299 (P3's own check keeps 5)."""
PAPER_CHECK: dict[str, dict[str, object]] = {
    "px-01": {
        **_CHECK_LST,
        "path_points": 5,
        "real_partners": 1,
        "pgd_iters": 2,
        "path_bypass_iters": 2,
    },
    "px-02": {
        **_CHECK_LST,
        **_CHECK_SOMS,
        "path_points": 5,
        **{k: v for k, v in p1c.PAPER_CHECK["p1-detection"].items() if k in INPUTOPT},
    },
    "px-03": {
        **_CHECK_LST,
        **{k: v for k, v in p1c.PAPER_CHECK["p1-detection"].items() if k in KNOBS["px-03"]},
    },
    "px-04": {
        **_CHECK_LST,
        **p3c.CHECK_ATTACK,
        "lattice_n": 2,
        "path_points": 5,
        "pairs_per_class": 1,
    },
}
"""Reduced work knobs of ``make paper-check`` (:mod:`inputspace.run.papercheck`): counts, subsets and
:data:`RULE_SWITCHES` only. The stand-in ImageNet holds 2 images per class and split: one real
partner, one pair per class, one reference mode of one scanned image."""
_STANDIN_BOUND = ("real_partners", "pairs_per_class", "n_refs", "mode_pool", "per_class")
PAPER_CHECK_FIXED: dict[str, tuple[str, ...]] = {
    nid: tuple(k for k in _STANDIN_BOUND if k in KNOBS[nid]) for nid in PAPER_CHECK
}
"""Counts ``make paper-cost`` must not double: bounded by the stand-ins' images per class."""


# --- make paper-cost: the work model ------------------------------------------------------------------
def _pairs(k: Mapping[str, object]) -> int:
    """LST outputs: every derangement pair (upper bound: every one kept)."""
    return int(k["n_runs"]) * len(k["pool_classes"])  # type: ignore[arg-type]


def _segments_passes(k: Mapping[str, object]) -> float:
    """px-01 per role: the LST, real and PGD segments and the class-keeping PGD (3 passes a step);
    the normal model's bypass round on every LST segment (upper bound) and its two sub-segments."""
    p, s = int(k["path_points"]), len(k["pool_classes"])  # type: ignore[arg-type]
    per_role = (
        _pairs(k) * (p + 1)
        + s * int(k["real_partners"]) * p
        + s * (3 * int(k["pgd_iters"]) + 1 + p)
    )
    return 2 * per_role + _pairs(k) * (3 * int(k["path_bypass_iters"]) + 2 * p)


def _inputopt_passes(k: Mapping[str, object]) -> float:
    """K' of the ``n_clean`` clean inputs: their prediction, the attack (3 passes a step, upper
    bound: no early stop) and the reference modes of the targets (at most one class per input)."""
    n = int(k["n_clean"])
    return n * (1 + 3 * int(k["detect_attack_iters"])) + min(p1c.IMAGENET, n) * int(
        k["mode_pool"]
    ) * int(k["n_refs"])


def _detector_passes(k: Mapping[str, object]) -> float:
    """px-03: p1-detection's clean inputs, PGD and K', the reference modes of the classes met (at
    most one per input) and every scored input's paths to its class's references, for clean, PGD,
    K' and LST."""
    n, pairs = int(k["n_clean"]), _pairs(k)
    refs = min(p1c.IMAGENET, 3 * n + pairs) * int(k["mode_pool"]) * int(k["n_refs"])
    return (
        n * (3 * int(k["pgd_iters"]))
        + _inputopt_passes(k)
        + refs
        + (3 * n + pairs) * (1 + int(k["n_refs"]) * int(k["detect_points"]))
    )


def _triangle_points(k: Mapping[str, object]) -> int:
    """Lattice points of the C(n_runs, 2) triangles of every pool source (Table 2's triangles)."""
    n, runs = int(k["lattice_n"]), int(k["n_runs"])
    return len(k["pool_classes"]) * runs * (runs - 1) // 2 * (n + 1) * (n + 2) // 2  # type: ignore[arg-type]


def _lenses_passes(k: Mapping[str, object]) -> float:
    """px-04, both roles: the within-class segments and the triangles; the AT model's SOM-tr/SOM-val
    codes and its PGD (3 passes a step) and noise runs on the attacked images."""
    within = len(k["pool_classes"]) * int(k["pairs_per_class"]) * int(k["path_points"])  # type: ignore[arg-type]
    attacks = int(k["n_attack"]) * (3 * int(k["pgd_iters"]) + 2)
    return 2 * (within + _triangle_points(k) + _pairs(k)) + p3c.code_passes(k) + attacks


WORK_UNIT = "224 px image forward (an input-gradient step ≈ 3)"
PAPER_WORK: dict[str, tuple[str, Callable[[Mapping[str, object]], float]]] = {
    "px-01": (WORK_UNIT, _segments_passes),
    "px-02": (
        WORK_UNIT,
        lambda k: 2.0 * (_pairs(k) + int(k["n_clean"])) + _inputopt_passes(k),
    ),  # codes, K'
    "px-03": (WORK_UNIT, _detector_passes),
    "px-04": (WORK_UNIT, _lenses_passes),
}
"""Work model of the GPU-cost table: (dominant unit, units from the resolved knobs). Left out, as
they are the other packages' cached work: P2's LST runs (:data:`inputspace.p2.cost.PAPER_WORK`),
P3's codes, SOMs and PGD runs of the normal model (:data:`inputspace.p3.cost.PAPER_WORK`); the
AT model's SOM training (minutes on a GPU, as P3's)."""
PAPER_BENCH: dict[str, Bench] = {nid: Bench(("arch",), grad=False) for nid in KNOBS}
"""How ``make paper-cost`` times one unit: a forward pass of the ResNet-50 at 224 px."""
