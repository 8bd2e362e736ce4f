"""Operations data of the P2 notebooks, kept out of :mod:`inputspace.p2.knobs` so that the code
digest of cached results does not follow it (``docs/house.md``): what each knob holds on the GPU
(``MEMORY``), the paper check's reduced work (``PAPER_CHECK``), the paper-cost work model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..workmodel import CONVSTEM, Bench
from .knobs import KNOBS

_GRID_MEMORY = {
    "grid_n": "the grid_n·(grid_n − 1) pairs of the grid are traversed by LST in one batch, "
    "with input gradients"
}
_RUNS_MEMORY = {
    "n_runs": "n_runs·len(pool_classes) source → target pairs traversed by LST in one batch, "
    "with input gradients",
    "pool_classes": "n_runs·len(pool_classes) source → target pairs traversed by LST in one batch",
}
_LATTICE_MEMORY = {
    "lattice_n": "the (lattice_n + 1)(lattice_n + 2)/2 probe images of a triangle are built "
    "on the device at once"
}
MEMORY: dict[str, dict[str, str]] = {
    "p2-00": {},
    "p2-example": dict(_GRID_MEMORY),
    "p2-grid": dict(_GRID_MEMORY),
    "p2-star": {
        **_RUNS_MEMORY,
        "n_points": "pairs × n_points segment images built on the device at once",
    },
    "p2-triangles": {**_GRID_MEMORY, **_LATTICE_MEMORY},
    "p2-widths": {
        "width_pairs": "the pairs traversed by LST in one batch, with input gradients",
        "width_dirs": "width_dirs perturbed images per width probe on the device at once",
    },
    "p2-tab01": dict(_RUNS_MEMORY),
    "p2-tab02": {**_RUNS_MEMORY, **_LATTICE_MEMORY},
}
"""Knob → what it holds on the GPU at once, per notebook, read from the notebook's paper-profile
code path (:func:`levelset.traverse` runs every pair of a call in one batch); first the knob to
lower first (:func:`inputspace.notebook.oom_message`). Not knobs: the batches fixed in the
library (``lst_eval.class_confidence`` 256 images, the pool scan 64, ``roles.predicted`` 256,
LPIPS 64); the message names the library function the memory ran out in and a ``batch_size``
argument on the stack as fixed."""

RANDOM_WEIGHTS = {"pool_rule": "first", "traverse_misclassified": True}
"""Rule knobs switched for the stand-ins' random weights (not work knobs): no image passes the
official pool rule (correct with p > 0.6 for every model: ``pool_rule="first"`` takes the first
image per class instead), and every source is misclassified, so the official LST would drop them
all (``traverse_misclassified=False``) and leave no path to summarise."""
CHECK_LST = {"iters": 2, "pool_classes": (99, 199, 299), **RANDOM_WEIGHTS}
"""The reduced LST work shared by every check (one pool, one cache): T = 2 of 400 iterations and
3 of the 5 pool classes (the triangles of Fig. 4 need 3 pool images); η, δ, ε, the models and
the 224 px images are the paper's."""
PAPER_CHECK: dict[str, dict[str, object]] = {
    "p2-00": {},
    "p2-example": {**CHECK_LST, "grid_n": 3},
    "p2-grid": {**CHECK_LST, "grid_n": 3},
    "p2-star": {**CHECK_LST, "n_runs": 2, "n_points": 3},
    "p2-triangles": {**CHECK_LST, "grid_n": 3, "lattice_n": 2},
    "p2-widths": {**CHECK_LST, "width_pairs": ((0, 1),), "width_dirs": 4},
    "p2-tab01": {**CHECK_LST, "n_runs": 2},
    "p2-tab02": {**CHECK_LST, "n_runs": 2, "lattice_n": 2},
}
"""Reduced work knobs of ``make paper-check`` (:mod:`inputspace.run.papercheck`): counts only."""


def _lst_steps(k: Mapping[str, object], pairs: int, rows: int) -> float:
    """LST step × pair: one forward + backward of a 224 px image through a row's model."""
    return float(k["iters"]) * pairs * rows


def _grid_pairs(k: Mapping[str, object]) -> int:
    return int(k["grid_n"]) * (int(k["grid_n"]) - 1)


def _derangement_pairs(k: Mapping[str, object]) -> int:
    return int(k["n_runs"]) * len(k["pool_classes"])  # type: ignore[arg-type]


def _width_forwards(k: Mapping[str, object]) -> float:
    """Forward passes of the width probes per row and pair: every logged step (0, every
    ``width_every``, and T) probes ``width_dirs`` directions at each radius."""
    iters, every = int(k["iters"]), int(k["width_every"])
    logged = -(-iters // every) + 1
    return float(logged * len(k["width_radii"]) * int(k["width_dirs"]))  # type: ignore[arg-type]


def _triangle_forwards(k: Mapping[str, object]) -> float:
    """Table 2's lattice: C(n_runs, 2) triangles per source, (n + 1)(n + 2) / 2 points each."""
    n, runs = int(k["lattice_n"]), int(k["n_runs"])
    return float(len(k["pool_classes"]) * runs * (runs - 1) // 2 * (n + 1) * (n + 2) // 2)  # type: ignore[arg-type]


PAPER_WORK: dict[str, tuple[str, Callable[[Mapping[str, object]], float]]] = {
    "p2-00": ("notebook (computes nothing)", lambda k: 1.0),
    "p2-example": ("LST step × pair", lambda k: _lst_steps(k, _grid_pairs(k), 1)),
    "p2-grid": ("LST step × pair", lambda k: _lst_steps(k, _grid_pairs(k), 1)),
    "p2-star": ("LST step × pair", lambda k: _lst_steps(k, _derangement_pairs(k), 3)),
    "p2-triangles": ("LST step × pair", lambda k: _lst_steps(k, _grid_pairs(k), 2)),
    "p2-widths": (
        "image forward (an LST step ≈ 3)",
        lambda k: (
            2
            * len(k["width_pairs"])  # type: ignore[arg-type]
            * (_width_forwards(k) + 3 * float(k["iters"]))
        ),
    ),
    "p2-tab01": ("LST step × pair", lambda k: _lst_steps(k, _derangement_pairs(k), 4)),
    "p2-tab02": (
        "image forward (an LST step ≈ 3)",
        lambda k: 4 * (3 * _lst_steps(k, _derangement_pairs(k), 1) + _triangle_forwards(k)),
    ),
}
"""Work model of the GPU-cost table: (dominant unit, number of units from the resolved knobs).
Rows: p2-example/p2-grid one model (ResNet-50 normal), p2-triangles two (normal, AT), p2-star three (no AT ViT),
Tables 1/2 all four. Left out: loading the models and scanning ImageNet val for the pool (once
per notebook, not per unit); Fig. 3's straight segments (2 × ``n_points`` forwards per pair),
Fig. 4's example triangles (≤ 6 × 66 forwards), Table 1's SSIM/LPIPS; and the sharing of the
cached runs: figs 1/2/4 share the normal model's grid, fig 3 and Tables 1/2 the derangements, so
a notebook run after another of its group pays only what is new."""


PAPER_BENCH: dict[str, Bench] = {
    **{nid: Bench(("arch",)) for nid in ("p2-example", "p2-grid", "p2-triangles")},
    "p2-star": Bench(("arch", "vit_arch")),
    "p2-tab01": Bench(("arch", "vit_arch"), extra_archs=(CONVSTEM,)),
    "p2-widths": Bench(("arch",), grad=False),
    "p2-tab02": Bench(("arch", "vit_arch"), extra_archs=(CONVSTEM,), grad=False),
}
"""How ``make paper-cost`` times one unit (:mod:`inputspace.run.papercost`): an LST step is a forward +
input-gradient pass of the notebook's models at 224 px (mean over the CNN, the DeiT-S and the
ConvStem DeiT-S where the notebook has their rows); an image forward is a forward pass."""


# Counts `make paper-cost` must not double: the grid cannot be larger than the check's pool.
PAPER_CHECK_FIXED: dict[str, tuple[str, ...]] = {
    nid: ("grid_n",) for nid in PAPER_CHECK if "grid_n" in KNOBS[nid]
}
