"""Knobs of the P2 notebooks (p2-00 … p2-tab02) and the paper's constants.

Defaults of the paper profile are the official README commands (Level Set Traversal, Algorithm 1
of the paper: η = 0.01, T = 400, δ = 0.2, ε = 0.002, ``--adv_pert``; widths ``--width_distances
0.5 1 1.5 2``, 256 directions, ``--log_step 20``). Quick and smoke use the zoo's digits models
(see :mod:`inputspace.p2.roles`).
"""

from __future__ import annotations

from ..config import Knob, per_profile
from ..real import knobs as real

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
    "adv_grad_batch": Knob(
        1,
        help="batch the adversarial term's gradient is averaged over: 1 is the official code's "
        "sum since commit 76b1cfa (2023-10-30); 196 is its earlier mean over the README's batch of 196",
    ),
    "lst_controls": Knob(
        True,
        (True, False),
        "also run the fidelity controls: no adversarial term, and the earlier "
        "code's 196x weaker one (normal and AT rows)",
    ),
    "log_every": per_profile(
        5, 10, 10, "log confidences/distances (and grid images) every k iterations"
    ),
    "pool_classes": per_profile(
        (0, 1, 2, 3),
        tuple(range(10)),
        (99, 199, 299, 400, 499),
        "classes of the source/target pool (paper: goose, Scottish terrier, ...)",
    ),
    "pool_rule": per_profile(
        "first",
        "strict",
        "strict",
        "strict: correct and p > bar for every pool model "
        "(official); first: first image per class (smoke models are ~15 % accurate)",
        ("strict", "first"),
    ),
    "pool_roles": per_profile(
        ("normal", "at"), ("normal", "at"), ROLES, "models the pool rule asks (official: all four)"
    ),
    "pool_min_conf": per_profile(
        (0.6, 0.6),
        (0.6, 0.6),
        (0.6, 0.6, 0.6, 0.6),
        "confidence bar per pool role (official 0.6; 0.0: correct only)",
    ),
    "traverse_misclassified": per_profile(
        True,
        False,
        False,
        "also traverse misclassified sources (smoke only; official: dropped, here flagged)",
        (True, False),
    ),
    "arch": per_profile("resnet18", "resnet18", "resnet50", "CNN of the normal and AT rows"),
    "vit_arch": per_profile(
        "vit_tiny", "vit_tiny", "deit_small_patch16_224", "ViT of the ViT rows"
    ),
    "checkpoint": Knob(
        "",
        help="paper: local weights file of arch for the normal row (a state dict; empty: timm's "
        "pretrained weights through the hub cache)",
    ),
    "at_checkpoint": Knob("", help="paper: local RobustBench Salman2020Do_R50 .pt file"),
    "vit_at_checkpoint_dir": Knob("", help=f"paper: RobustBench model_dir holding {RB_VIT_AT}"),
    "imagenet_root": Knob("", help="paper: ILSVRC2012 folder (default $INPUTSPACE_IMAGENET)"),
}
"""Knobs of every P2 notebook that runs LST: the algorithm, the pool and the models."""
GRID = {"grid_n": per_profile(3, 5, 5, "pool images in the N×N grid (paper 5)")}
RUNS = {"n_runs": per_profile(2, 5, 5, "random derangements of the pool (paper 5)")}
LATTICE = {
    "lattice_n": Knob(10, help="triangle lattice resolution: a, b ∈ {0, 1/n, …, 1}"),
    "exact_lattice": Knob(True, (True, False), "66 exact points (False: official 64)"),
}
KNOBS: dict[str, dict[str, Knob]] = {
    "p2-00": {},
    "p2-example": {
        **LST_KNOBS,
        **GRID,
        "source": Knob(0, help="grid pool index of the source"),
        "target": Knob(1, help="grid pool index of the target"),
        **real.P2,
    },
    "p2-grid": {**LST_KNOBS, **GRID, **real.P2},
    "p2-star": {
        **LST_KNOBS,
        **RUNS,
        "n_points": Knob(11, help="points on each straight segment"),
        **real.P2,
    },
    "p2-triangles": {**LST_KNOBS, **GRID, **LATTICE, **real.P2},
    "p2-widths": {
        **LST_KNOBS,
        "width_pairs": per_profile(
            ((0, 1), (2, 3)),
            ((0, 1), (2, 3), (4, 0)),
            ((0, 1), (2, 3), (4, 0)),
            "(source, target) pool indices (official pairs)",
        ),
        "width_radii": per_profile(
            (0.5, 2.0),
            (0.5, 1.0, 2.0, 4.0, 8.0),
            (0.5, 1.0, 1.5, 2.0),
            "ℓ2 radii of the width probes ([0, 1] pixel units)",
        ),
        "width_dirs": per_profile(
            8, 256, 256, "random orthogonal directions per probe (paper 256)"
        ),
        "width_every": per_profile(5, 40, 20, "measure widths every k iterations (paper 20)"),
    },
    "p2-tab01": {**LST_KNOBS, **RUNS, **real.P2},
    "p2-tab02": {**LST_KNOBS, **RUNS, **LATTICE},
}
