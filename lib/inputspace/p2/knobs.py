"""Knobs of the P2 notebooks (p2-00 … p2-tab02) and the paper's constants.

Defaults of the paper profile are the official README commands (Level Set Traversal, Algorithm 1
of the paper: η = 0.01, T = 400, δ = 0.2, ε = 0.002, ``--adv_pert``; widths ``--width_distances
0.5 1 1.5 2``, 256 directions, ``--log_step 20``). Quick and smoke use the zoo's digits models
(see :mod:`inputspace.p2.roles`).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

from ..config import Knob, per_profile
from ..real import knobs as real
from ..workmodel import CONVSTEM, Bench

ROLES: tuple[str, ...] = ("normal", "at", "vit", "vit-at")
"""The rows of Tables 1 and 2: ResNet-50 Normal / AT, DeiT-S Normal / AT."""
RB_VIT_AT = "Singh2023Revisiting_ViT-S-ConvStem"
"""RobustBench name of the paper's adversarially trained DeiT-S row."""
PAPER_STRIP = (0, 10, 20, 40, 60, 80, 120, 160, 200, 300, 400)
"""Iterations shown in the README path figure (goose → Scottish terrier), for T = 400."""
LST_VERSION = 1
"""Bump when :func:`levelset.traverse` changes behaviour: part of every cached run's key."""
TRIANGLE_PAIRS = ((1, 2), (2, 3), (3, 4), (1, 3), (1, 4), (2, 4))
"""Target pairs of the official ``visualize_nplane`` calls (source = pool image 0)."""

LST_KNOBS = {
    "iters": per_profile(10, 400, 400, "T, LST iterations (paper 400)"),
    "step_size": Knob(0.01, help="η, fraction of the projected difference per step (paper 0.01)"),
    "pthresh": Knob(0.2, help="δ, allowed drop of the source confidence (paper 0.2)"),
    "adv_eps": Knob(0.002, help="ε of the accumulated adversarial term (paper 0.002)"),
    "adv_pert": Knob(True, (True, False), "subtract the adversarial term (paper: on)"),
    "adv_grad_batch": Knob(1, help="batch the adversarial term's gradient is averaged over: 1 is the official code's "
                           "sum since commit 76b1cfa (2023-10-30); 196 is its earlier mean over the README's batch of 196"),
    "lst_controls": Knob(True, (True, False), "also run the fidelity controls: no adversarial term, and the earlier "
                         "code's 196x weaker one (normal and AT rows)"),
    "log_every": per_profile(5, 10, 10, "log confidences/distances (and grid images) every k iterations"),
    "pool_classes": per_profile((0, 1, 2, 3), tuple(range(10)), (99, 199, 299, 400, 499),
                                "classes of the source/target pool (paper: goose, Scottish terrier, ...)"),
    "pool_rule": per_profile("first", "strict", "strict", "strict: correct and p > bar for every pool model "
                             "(official); first: first image per class (smoke models are ~15 % accurate)",
                             ("strict", "first")),
    "pool_roles": per_profile(("normal", "at"), ("normal", "at"), ROLES, "models the pool rule asks "
                              "(official: all four)"),
    "pool_min_conf": per_profile((0.6, 0.6), (0.6, 0.6), (0.6, 0.6, 0.6, 0.6), "confidence bar per pool role "
                                 "(official 0.6; 0.0: correct only)"),
    "traverse_misclassified": per_profile(True, False, False, "also traverse misclassified sources "
                                          "(smoke only; official: dropped, here flagged)", (True, False)),
    "arch": per_profile("resnet18", "resnet18", "resnet50", "CNN of the normal and AT rows"),
    "vit_arch": per_profile("vit_tiny", "vit_tiny", "deit_small_patch16_224", "ViT of the ViT rows"),
    "checkpoint": Knob("", help="paper: local weights file of arch for the normal row (a state dict; empty: timm's "
                       "pretrained weights through the hub cache)"),
    "at_checkpoint": Knob("", help="paper: local RobustBench Salman2020Do_R50 .pt file"),
    "vit_at_checkpoint_dir": Knob("", help=f"paper: RobustBench model_dir holding {RB_VIT_AT}"),
    "imagenet_root": Knob("", help="paper: ILSVRC2012 folder (default $INPUTSPACE_IMAGENET)"),
}
"""Knobs of every P2 notebook that runs LST: the algorithm, the pool and the models."""
GRID = {"grid_n": per_profile(3, 5, 5, "pool images in the N×N grid (paper 5)")}
RUNS = {"n_runs": per_profile(2, 5, 5, "random derangements of the pool (paper 5)")}
LATTICE = {"lattice_n": Knob(10, help="triangle lattice resolution: a, b ∈ {0, 1/n, …, 1}"),
           "exact_lattice": Knob(True, (True, False), "66 exact points (False: official 64)")}
KNOBS: dict[str, dict[str, Knob]] = {
    "p2-00": {},
    "p2-fig01": {**LST_KNOBS, **GRID, "source": Knob(0, help="grid pool index of the source"),
                 "target": Knob(1, help="grid pool index of the target"), **real.P2},
    "p2-fig02": {**LST_KNOBS, **GRID, **real.P2},
    "p2-fig03": {**LST_KNOBS, **RUNS, "n_points": Knob(11, help="points on each straight segment"), **real.P2},
    "p2-fig04": {**LST_KNOBS, **GRID, **LATTICE, **real.P2},
    "p2-fig05": {**LST_KNOBS,
                 "width_pairs": per_profile(((0, 1), (2, 3)), ((0, 1), (2, 3), (4, 0)), ((0, 1), (2, 3), (4, 0)),
                                            "(source, target) pool indices (official pairs)"),
                 "width_radii": per_profile((0.5, 2.0), (0.5, 1.0, 2.0, 4.0, 8.0), (0.5, 1.0, 1.5, 2.0),
                                            "ℓ2 radii of the width probes ([0, 1] pixel units)"),
                 "width_dirs": per_profile(8, 256, 256, "random orthogonal directions per probe (paper 256)"),
                 "width_every": per_profile(5, 40, 20, "measure widths every k iterations (paper 20)")},
    "p2-tab01": {**LST_KNOBS, **RUNS, **real.P2},
    "p2-tab02": {**LST_KNOBS, **RUNS, **LATTICE},
}

_GRID_MEMORY = {"grid_n": "the grid_n·(grid_n − 1) pairs of the grid are traversed by LST in one batch, "
                          "with input gradients"}
_RUNS_MEMORY = {"n_runs": "n_runs·len(pool_classes) source → target pairs traversed by LST in one batch, "
                          "with input gradients",
                "pool_classes": "n_runs·len(pool_classes) source → target pairs traversed by LST in one batch"}
_LATTICE_MEMORY = {"lattice_n": "the (lattice_n + 1)(lattice_n + 2)/2 probe images of a triangle are built "
                                "on the device at once"}
MEMORY: dict[str, dict[str, str]] = {
    "p2-00": {},
    "p2-fig01": dict(_GRID_MEMORY),
    "p2-fig02": dict(_GRID_MEMORY),
    "p2-fig03": {**_RUNS_MEMORY, "n_points": "pairs × n_points segment images built on the device at once"},
    "p2-fig04": {**_GRID_MEMORY, **_LATTICE_MEMORY},
    "p2-fig05": {"width_pairs": "the pairs traversed by LST in one batch, with input gradients",
                 "width_dirs": "width_dirs perturbed images per width probe on the device at once"},
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
    "p2-fig01": {**CHECK_LST, "grid_n": 3},
    "p2-fig02": {**CHECK_LST, "grid_n": 3},
    "p2-fig03": {**CHECK_LST, "n_runs": 2, "n_points": 3},
    "p2-fig04": {**CHECK_LST, "grid_n": 3, "lattice_n": 2},
    "p2-fig05": {**CHECK_LST, "width_pairs": ((0, 1),), "width_dirs": 4},
    "p2-tab01": {**CHECK_LST, "n_runs": 2},
    "p2-tab02": {**CHECK_LST, "n_runs": 2, "lattice_n": 2},
}
"""Reduced work knobs of ``make paper-check`` (:mod:`inputspace.papercheck`): counts only."""


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
    "p2-fig01": ("LST step × pair", lambda k: _lst_steps(k, _grid_pairs(k), 1)),
    "p2-fig02": ("LST step × pair", lambda k: _lst_steps(k, _grid_pairs(k), 1)),
    "p2-fig03": ("LST step × pair", lambda k: _lst_steps(k, _derangement_pairs(k), 3)),
    "p2-fig04": ("LST step × pair", lambda k: _lst_steps(k, _grid_pairs(k), 2)),
    "p2-fig05": ("image forward (an LST step ≈ 3)", lambda k: 2 * len(k["width_pairs"])  # type: ignore[arg-type]
                 * (_width_forwards(k) + 3 * float(k["iters"]))),
    "p2-tab01": ("LST step × pair", lambda k: _lst_steps(k, _derangement_pairs(k), 4)),
    "p2-tab02": ("image forward (an LST step ≈ 3)", lambda k: 4 * (3 * _lst_steps(k, _derangement_pairs(k), 1)
                                                                  + _triangle_forwards(k))),
}
"""Work model of the GPU-cost table: (dominant unit, number of units from the resolved knobs).
Rows: fig01/02 one model (ResNet-50 normal), fig04 two (normal, AT), fig03 three (no AT ViT),
Tables 1/2 all four. Left out: loading the models and scanning ImageNet val for the pool (once
per notebook, not per unit); Fig. 3's straight segments (2 × ``n_points`` forwards per pair),
Fig. 4's example triangles (≤ 6 × 66 forwards), Table 1's SSIM/LPIPS; and the sharing of the
cached runs: figs 1/2/4 share the normal model's grid, fig 3 and Tables 1/2 the derangements, so
a notebook run after another of its group pays only what is new."""


PAPER_BENCH: dict[str, Bench] = {
    **{nid: Bench(("arch",)) for nid in ("p2-fig01", "p2-fig02", "p2-fig04")},
    "p2-fig03": Bench(("arch", "vit_arch")),
    "p2-tab01": Bench(("arch", "vit_arch"), extra_archs=(CONVSTEM,)),
    "p2-fig05": Bench(("arch",), grad=False),
    "p2-tab02": Bench(("arch", "vit_arch"), extra_archs=(CONVSTEM,), grad=False),
}
"""How ``make paper-cost`` times one unit (:mod:`inputspace.papercost`): an LST step is a forward +
input-gradient pass of the notebook's models at 224 px (mean over the CNN, the DeiT-S and the
ConvStem DeiT-S where the notebook has their rows); an image forward is a forward pass."""


# Counts `make paper-cost` must not double: the grid cannot be larger than the check's pool.
PAPER_CHECK_FIXED: dict[str, tuple[str, ...]] = {nid: ("grid_n",) for nid in PAPER_CHECK if "grid_n" in KNOBS[nid]}
