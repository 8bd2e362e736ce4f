"""Knobs of the P1 notebooks (per-profile defaults) and the paper's constants.

Trained-network notebooks (p1-fig01 … p1-fig06, p1-detection) share :data:`TRAINED_KNOBS`;
the untrained-network notebooks (p1-fig07, p1-fig10, p1-lipschitz, p1-percolation) share the
untrained ResNet-18's knobs. Values marked "paper" are the companion code's settings
(``JVrabel/input_space_mode_connectivity``), the paper's full text not being available.
"""

from __future__ import annotations

from ..config import Knob, per_profile
from ..real import knobs as real

STAT_TV = 1e-8
"""TV weight of the early-stopped attacks of Figs 5, 6 and p1-detection (companion ``sec4_2``)."""
SHAPE = (3, 32, 32)
"""Input shape of the untrained networks (Sec 4.3, App F.1: CIFAR-shaped inputs)."""

ZERO_INIT_KNOB = Knob(
    False,
    (True, False),
    "timm's zero-initialized last BN of each block (False: torchvision init, as the companion)",
)

# --- trained classifier (Figs 1-6, detection) ---------------------------------------------------
N_MODES_KNOB = Knob(
    3, help="k lowest-loss modes kept of the first mode_pool·k images of a class (paper 3)"
)
MODE_POOL_KNOB = Knob(
    3,
    help="images scanned per mode: the k modes are the lowest-loss of the first "
    "mode_pool·k images of a class (companion 3)",
)
TRAINED_KNOBS = {
    "arch": per_profile(
        "resnet18",
        "resnet18",
        "resnet18",
        "classifier (paper: torchvision GoogLeNet, not in "
        "timm: timm resnet18 pretrained stands in)",
    ),
    "space": Knob(
        "normalized",
        ("normalized", "pixel"),
        "coordinates of paths and optimization (companion: normalized)",
    ),
    "clamp": Knob(
        False, (True, False), "clamp optimized inputs to valid [0, 1] images (companion: no)"
    ),
    "imagenet_root": Knob("", help="paper: ILSVRC2012 folder (default $INPUTSPACE_IMAGENET)"),
    "checkpoint": Knob(
        "",
        help="paper: local weights file of arch (a state dict); empty: timm's pretrained "
        "weights through the hub cache",
    ),
}
DEMO_KNOBS = {
    "class_id": per_profile(
        -1,
        -1,
        955,
        "class of A and C; -1: the class and mode pair with the largest "
        "primary barrier gap among every class's modes (paper: 955 jackfruit)",
    ),
    "pair": Knob((0, 1), help="which two modes (ranks by CE) when class_id ≥ 0 (paper: sel 0, 1)"),
    "n_modes": N_MODES_KNOB,
    "mode_pool": MODE_POOL_KNOB,
    "scan_points": per_profile(
        11, 100, 100, "path points of the scan that picks the class when class_id is -1"
    ),
    "n_points": per_profile(
        50, 1000, 1000, "N, points on the primary path (paper 1000); N/2 per secondary"
    ),
    "bypass_iters": per_profile(8, 1024, 1024, "Adam iterations of the bypass (paper 1024)"),
}
ATTACK_KNOBS = {
    "target_class": per_profile(0, 0, 574, "class of A and of the attack (paper: 574 golf ball)"),
    "source_class": per_profile(7, 7, 763, "class of the source K (paper: 763 revolver)"),
    "attack_iters": per_profile(8, 1024, 1024, "Adam iterations of the Fig 4 attack (paper 1024)"),
    "attack_tv": Knob(1e-7, help="TV weight of the Fig 4 attack (paper 1e-7)"),
    "n_modes": N_MODES_KNOB,
    "mode_pool": MODE_POOL_KNOB,
}
PATHS_KNOBS = {
    "n_pairs": per_profile(
        2, 5, 10, "real-real and real-adversarial comparison pairs (one class each)"
    ),
    "path_points": per_profile(21, 250, 250, "points per segment (paper 250)"),
    "path_bypass_iters": per_profile(
        4, 256, 1024, "bypass iterations per round (paper 1024; quick: CPU budget)"
    ),
    "max_rounds": per_profile(2, 3, 3, "depth limit of the repeated bypass"),
    "stat_attack_iters": per_profile(
        8, 512, 512, "attack iterations, early stop at CE(A) (paper 512)"
    ),
    "n_modes": N_MODES_KNOB,
    "mode_pool": MODE_POOL_KNOB,
}
STATS_KNOBS = {
    "n_classes": per_profile(3, 10, 1000, "classes (paper: all 1000 ImageNet classes)"),
    "pairs_per_class": per_profile(2, 3, 7, "pairs per class (paper 7)"),
    "drop_per_class": per_profile(
        0, 1, 2, "pairs with the largest |L1 - L2| dropped per class (paper 2)"
    ),
    "path_points": per_profile(21, 100, 250, "points per path (paper 250)"),
    "stat_attack_iters": per_profile(
        8, 512, 512, "attack iterations, early stop at CE(A) (paper 512)"
    ),
}
DETECT_KNOBS = {
    "n_clean": per_profile(
        10,
        30,
        500,
        "clean held-out inputs, class-balanced (fewer than the classes: one "
        "of each of n_clean evenly spaced classes)",
    ),
    "clean_filter": Knob(
        "correct",
        ("correct", "all"),
        "clean inputs scored and attacked: correct: those the "
        "classifier gets right; all: every one (the paper check's random weights get none right)",
    ),
    "n_refs": per_profile(2, 3, 3, "reference modes per class (lowest-loss training images)"),
    "mode_pool": MODE_POOL_KNOB,
    "detect_points": per_profile(11, 32, 50, "points per path of the barrier score"),
    "reduce": Knob("median", ("median", "min", "mean"), "combination of the per-reference gaps"),
    "pgd_eps": Knob(16 / 255, help="L-inf radius of the PGD adversarials (pixels)"),
    "pgd_iters": per_profile(5, 20, 20, "PGD iterations (step eps/4)"),
    "detect_attack_iters": per_profile(
        8, 256, 512, "iterations of the input-optimization adversarials"
    ),
}

# --- untrained network (Fig 7, Fig 10) ---------------------------------------------------------
UNTRAINED_KNOBS = {
    "arch": Knob("resnet18", help="untrained network (companion: torchvision resnet18)"),
    "zero_init_last": ZERO_INIT_KNOB,
}

KNOBS: dict[str, dict[str, Knob]] = {
    "p1-00": {},
    "p1-fig01": {**TRAINED_KNOBS, **DEMO_KNOBS, **real.P1},
    "p1-fig02": {**TRAINED_KNOBS, **DEMO_KNOBS, **real.P1},
    "p1-fig03": {
        **TRAINED_KNOBS,
        **DEMO_KNOBS,
        "n_columns": Knob(7, help="images per strip (B/B' in the middle)"),
        "explorer_iters": per_profile(
            4, 128, 256, "iterations of the explorer's synthetic and adversarial inputs"
        ),
        "check_points": Knob(
            200, help="points per path where the predicted class is checked (Fig 3 claim)"
        ),
        "explorer_points": Knob(100, help="points on the explorer's linear path"),
    },
    "p1-fig04": {**TRAINED_KNOBS, **ATTACK_KNOBS, **real.P1, "real_adv_points": real.ADV_POINTS},
    "p1-fig05": {**TRAINED_KNOBS, **ATTACK_KNOBS, **PATHS_KNOBS},
    "p1-fig06": {**TRAINED_KNOBS, **STATS_KNOBS},
    "p1-detection": {**TRAINED_KNOBS, **DETECT_KNOBS, **real.P1},
    "p1-fig07": {
        **UNTRAINED_KNOBS,
        "target_class": Knob(1, help="class of both FVO inputs (paper 1, automobile)"),
        "fvo_iters": per_profile(16, 8192, 8192, "FVO iterations (Sec 4.3: 8192)"),
        "fvo_stop": per_profile(
            5e-3, 5e-4, 5e-4, "FVO stop (Sec 4.3: 5e-4; smoke: App F.1's 5e-3)"
        ),
        "free_iters": per_profile(16, 4096, 4096, "free optimization iterations (paper 4096)"),
        "n_points": per_profile(21, 200, 200, "points per segment (paper 200)"),
        "rounds": Knob(2, help="bypass rounds, every segment split (companion: 2)"),
    },
    "p1-fig10": {
        **UNTRAINED_KNOBS,
        "train_steps": per_profile(1, 5, 30, "K, Adam steps measured (quick 5, full 30)"),
        "n_cls": per_profile(1, 3, 10, "classes measured (quick 3, full 10)"),
        "runs": per_profile(1, 1, 5, "FVO pairs per class (quick 1, full 5)"),
        "batch_size": per_profile(64, 512, 512, "training batch (paper 512)"),
        "train_lr": Knob(1e-3, help="Adam learning rate (paper 1e-3)"),
        "augment": per_profile(
            "shift2",
            "shift2",
            "flip-crop4",
            "training augmentation: flip-crop4: the "
            "companion's flip + RandomCrop(32, pad 4); shift2: ±2 px (digits are not "
            "flip-invariant)",
            choices=("shift2", "flip-crop4"),
        ),
        "fvo_iters": per_profile(8, 256, 4096, "FVO iterations (App F.1: 4096; quick: CPU budget)"),
        "fvo_stop": Knob(5e-3, help="FVO stop (App F.1: 5e-3)"),
        "n_points": per_profile(21, 200, 200, "points per path (paper 200)"),
    },
    # Lemma C.1 and Conjecture 5.1 made empirical (p1/theory.py)
    "p1-lipschitz": {
        "widths": per_profile((16, 64), (64, 256, 1024), (64, 256, 1024, 4096), "MLP widths"),
        "depths": per_profile((2, 4), (2, 4, 8), (2, 4, 8, 16), "MLP hidden layers"),
        "eps": Knob((0.01, 0.1, 1.0, 10.0), help="L2 norms of the perturbations (pixels)"),
        "n_samples": per_profile(64, 1000, 10000, "(x, dx) pairs per MLP and eps"),
        "cnn_samples": per_profile(
            8, 128, 1024, "(x, dx) pairs for the untrained ResNet-18 per eps"
        ),
        "zero_init_last": ZERO_INIT_KNOB,
    },
    "p1-percolation": {
        "dims": Knob((2, 3, 4, 5, 6), help="lattice dimensions"),
        "validation_sides": per_profile(
            (16, 8, 5, 4, 3),
            (128, 32, 12, 8, 6),
            (256, 48, 16, 10, 7),
            "lattice side per dimension for the threshold check",
        ),
        "trials": per_profile(6, 60, 200, "random fields per dimension"),
        "open_fraction": Knob(0.25, help="fixed fraction of open (low-loss) sites"),
        "lattice_sites": per_profile(256, 4096, 65536, "sites per lattice of the connection test"),
        "slice_dims": per_profile(
            (2, 3), (2, 3, 4, 5), (2, 3, 4, 5, 6), "dimensions of the input slices"
        ),
        "slice_sites": per_profile(64, 1024, 4096, "sites per input-space slice"),
        "n_slices": per_profile(1, 3, 10, "random slices per dimension"),
        "radius_scale": Knob(
            0.5,
            help="slice half-width / median distance between two "
            "held-out images (digits; paper: CIFAR-10 test) in normalized coordinates",
        ),
        "zero_init_last": ZERO_INIT_KNOB,
    },
}
