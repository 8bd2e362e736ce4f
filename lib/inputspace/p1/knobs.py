"""Knobs of the P1 notebooks (per-profile defaults) and the paper's constants.

Trained-network notebooks (p1-fig01 … p1-fig06, p1-detection) share :data:`TRAINED_KNOBS`;
the untrained-network notebooks (p1-fig07, p1-fig10, p1-lipschitz, p1-percolation) share the
untrained ResNet-18's knobs. Values marked "paper" are the companion code's settings
(``JVrabel/input_space_mode_connectivity``), the paper's full text not being available.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

from ..config import Knob, per_profile
from ..real import knobs as real
from ..workmodel import Bench

STAT_TV = 1e-8
"""TV weight of the early-stopped attacks of Figs 5, 6 and p1-detection (companion ``sec4_2``)."""
SHAPE = (3, 32, 32)
"""Input shape of the untrained networks (Sec 4.3, App F.1: CIFAR-shaped inputs)."""

ZERO_INIT_KNOB = Knob(False, (True, False), "timm's zero-initialized last BN of each block "
                      "(False: torchvision init, as the companion)")

# --- trained classifier (Figs 1-6, detection) ---------------------------------------------------
N_MODES_KNOB = Knob(3, help="k lowest-loss modes kept of the first mode_pool·k images of a class (paper 3)")
MODE_POOL_KNOB = Knob(3, help="images scanned per mode: the k modes are the lowest-loss of the first "
                      "mode_pool·k images of a class (companion 3)")
TRAINED_KNOBS = {
    "arch": per_profile("resnet18", "resnet18", "resnet18", "classifier (paper: torchvision GoogLeNet, not in "
               "timm: timm resnet18 pretrained stands in)"),
    "space": Knob("normalized", ("normalized", "pixel"), "coordinates of paths and optimization "
                  "(companion: normalized)"),
    "clamp": Knob(False, (True, False), "clamp optimized inputs to valid [0, 1] images (companion: no)"),
    "imagenet_root": Knob("", help="paper: ILSVRC2012 folder (default $INPUTSPACE_IMAGENET)"),
    "checkpoint": Knob("", help="paper: local weights file of arch (a state dict); empty: timm's pretrained "
                       "weights through the hub cache"),
}
DEMO_KNOBS = {
    "class_id": per_profile(-1, -1, 955, "class of A and C; -1: the class and mode pair with the largest "
                   "primary barrier gap among every class's modes (paper: 955 jackfruit)"),
    "pair": Knob((0, 1), help="which two modes (ranks by CE) when class_id ≥ 0 (paper: sel 0, 1)"),
    "n_modes": N_MODES_KNOB,
    "mode_pool": MODE_POOL_KNOB,
    "scan_points": per_profile(11, 100, 100, "path points of the scan that picks the class when class_id is -1"),
    "n_points": per_profile(50, 1000, 1000, "N, points on the primary path (paper 1000); N/2 per secondary"),
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
    "n_pairs": per_profile(2, 5, 10, "real-real and real-adversarial comparison pairs (one class each)"),
    "path_points": per_profile(21, 250, 250, "points per segment (paper 250)"),
    "path_bypass_iters": per_profile(4, 256, 1024, "bypass iterations per round (paper 1024; quick: CPU budget)"),
    "max_rounds": per_profile(2, 3, 3, "depth limit of the repeated bypass"),
    "stat_attack_iters": per_profile(8, 512, 512, "attack iterations, early stop at CE(A) (paper 512)"),
    "n_modes": N_MODES_KNOB,
    "mode_pool": MODE_POOL_KNOB,
}
STATS_KNOBS = {
    "n_classes": per_profile(3, 10, 1000, "classes (paper: all 1000 ImageNet classes)"),
    "pairs_per_class": per_profile(2, 3, 7, "pairs per class (paper 7)"),
    "drop_per_class": per_profile(0, 1, 2, "pairs with the largest |L1 - L2| dropped per class (paper 2)"),
    "path_points": per_profile(21, 100, 250, "points per path (paper 250)"),
    "stat_attack_iters": per_profile(8, 512, 512, "attack iterations, early stop at CE(A) (paper 512)"),
}
DETECT_KNOBS = {
    "n_clean": per_profile(10, 30, 500, "clean held-out inputs, class-balanced (fewer than the classes: one "
                           "of each of n_clean evenly spaced classes)"),
    "clean_filter": Knob("correct", ("correct", "all"), "clean inputs scored and attacked: correct: those the "
                         "classifier gets right; all: every one (the paper check's random weights get none right)"),
    "n_refs": per_profile(2, 3, 3, "reference modes per class (lowest-loss training images)"),
    "mode_pool": MODE_POOL_KNOB,
    "detect_points": per_profile(11, 32, 50, "points per path of the barrier score"),
    "reduce": Knob("median", ("median", "min", "mean"), "combination of the per-reference gaps"),
    "pgd_eps": Knob(16 / 255, help="L-inf radius of the PGD adversarials (pixels)"),
    "pgd_iters": per_profile(5, 20, 20, "PGD iterations (step eps/4)"),
    "detect_attack_iters": per_profile(8, 256, 512, "iterations of the input-optimization adversarials"),
}

# --- untrained network (Fig 7, Fig 10) ---------------------------------------------------------
UNTRAINED_KNOBS = {"arch": Knob("resnet18", help="untrained network (companion: torchvision resnet18)"),
                   "zero_init_last": ZERO_INIT_KNOB}

KNOBS: dict[str, dict[str, Knob]] = {
    "p1-00": {},
    "p1-fig01": {**TRAINED_KNOBS, **DEMO_KNOBS, **real.P1},
    "p1-fig02": {**TRAINED_KNOBS, **DEMO_KNOBS, **real.P1},
    "p1-fig03": {**TRAINED_KNOBS, **DEMO_KNOBS, "n_columns": Knob(7, help="images per strip (B/B' in the middle)"),
                 "explorer_iters": per_profile(4, 128, 256, "iterations of the explorer's synthetic and "
                                      "adversarial inputs"),
                 "check_points": Knob(200, help="points per path where the predicted class is checked (Fig 3 claim)"),
                 "explorer_points": Knob(100, help="points on the explorer's linear path")},
    "p1-fig04": {**TRAINED_KNOBS, **ATTACK_KNOBS, **real.P1, "real_adv_points": real.ADV_POINTS},
    "p1-fig05": {**TRAINED_KNOBS, **ATTACK_KNOBS, **PATHS_KNOBS},
    "p1-fig06": {**TRAINED_KNOBS, **STATS_KNOBS},
    "p1-detection": {**TRAINED_KNOBS, **DETECT_KNOBS, **real.P1},
    "p1-fig07": {**UNTRAINED_KNOBS, "target_class": Knob(1, help="class of both FVO inputs (paper 1, automobile)"),
                 "fvo_iters": per_profile(16, 8192, 8192, "FVO iterations (Sec 4.3: 8192)"),
                 "fvo_stop": per_profile(5e-3, 5e-4, 5e-4, "FVO stop (Sec 4.3: 5e-4; smoke: App F.1's 5e-3)"),
                 "free_iters": per_profile(16, 4096, 4096, "free optimization iterations (paper 4096)"),
                 "n_points": per_profile(21, 200, 200, "points per segment (paper 200)"),
                 "rounds": Knob(2, help="bypass rounds, every segment split (companion: 2)")},
    "p1-fig10": {**UNTRAINED_KNOBS, "train_steps": per_profile(1, 5, 30, "K, Adam steps measured (quick 5, full 30)"),
                 "n_cls": per_profile(1, 3, 10, "classes measured (quick 3, full 10)"),
                 "runs": per_profile(1, 1, 5, "FVO pairs per class (quick 1, full 5)"),
                 "batch_size": per_profile(64, 512, 512, "training batch (paper 512)"),
                 "train_lr": Knob(1e-3, help="Adam learning rate (paper 1e-3)"),
                 "augment": per_profile("shift2", "shift2", "flip-crop4", "training augmentation: flip-crop4: the "
                               "companion's flip + RandomCrop(32, pad 4); shift2: ±2 px (digits are not "
                               "flip-invariant)", choices=("shift2", "flip-crop4")),
                 "fvo_iters": per_profile(8, 256, 4096, "FVO iterations (App F.1: 4096; quick: CPU budget)"),
                 "fvo_stop": Knob(5e-3, help="FVO stop (App F.1: 5e-3)"),
                 "n_points": per_profile(21, 200, 200, "points per path (paper 200)")},
    # Lemma C.1 and Conjecture 5.1 made empirical (p1/theory.py)
    "p1-lipschitz": {"widths": per_profile((16, 64), (64, 256, 1024), (64, 256, 1024, 4096), "MLP widths"),
                     "depths": per_profile((2, 4), (2, 4, 8), (2, 4, 8, 16), "MLP hidden layers"),
                     "eps": Knob((0.01, 0.1, 1.0, 10.0), help="L2 norms of the perturbations (pixels)"),
                     "n_samples": per_profile(64, 1000, 10000, "(x, dx) pairs per MLP and eps"),
                     "cnn_samples": per_profile(8, 128, 1024, "(x, dx) pairs for the untrained ResNet-18 per eps"),
                     "zero_init_last": ZERO_INIT_KNOB},
    "p1-percolation": {"dims": Knob((2, 3, 4, 5, 6), help="lattice dimensions"),
                       "validation_sides": per_profile((16, 8, 5, 4, 3), (128, 32, 12, 8, 6), (256, 48, 16, 10, 7),
                                              "lattice side per dimension for the threshold check"),
                       "trials": per_profile(6, 60, 200, "random fields per dimension"),
                       "open_fraction": Knob(0.25, help="fixed fraction of open (low-loss) sites"),
                       "lattice_sites": per_profile(256, 4096, 65536, "sites per lattice of the connection test"),
                       "slice_dims": per_profile((2, 3), (2, 3, 4, 5), (2, 3, 4, 5, 6), "dimensions of the input slices"),
                       "slice_sites": per_profile(64, 1024, 4096, "sites per input-space slice"),
                       "n_slices": per_profile(1, 3, 10, "random slices per dimension"),
                       "radius_scale": Knob(0.5, help="slice half-width / median distance between two "
                                            "held-out images (digits; paper: CIFAR-10 test) in normalized coordinates"),
                       "zero_init_last": ZERO_INIT_KNOB},
}

# --- out of GPU memory: what each knob holds on the device at once -------------------------------
_MODES_MEMORY = {
    "n_modes": "the mode selection forwards the first mode_pool·n_modes images of a class in one batch",
    "mode_pool": "the mode selection forwards the first mode_pool·n_modes images of a class in one batch",
}
MEMORY: dict[str, dict[str, str]] = {
    "p1-00": {},
    "p1-fig01": dict(_MODES_MEMORY),
    "p1-fig02": dict(_MODES_MEMORY),
    "p1-fig03": dict(_MODES_MEMORY),
    "p1-fig04": dict(_MODES_MEMORY),
    "p1-fig05": {"n_pairs": "1 + 2·n_pairs pairs whose failing segments are bypassed in one batch, "
                            "with input gradients",
                 "max_rounds": "the segments bypassed at once double every round (2^(round−1) per pair)",
                 **_MODES_MEMORY},
    "p1-fig06": {"n_classes": "n_classes·pairs_per_class pairs: their images and attacks stay on the device "
                              "and their start images are forwarded in one batch",
                 "pairs_per_class": "n_classes·pairs_per_class pairs: their images and attacks stay on the "
                                    "device and their start images are forwarded in one batch"},
    "p1-detection": {"n_clean": "the clean inputs stay on the device and PGD attacks them in one batch, "
                                "with input gradients",
                     "n_refs": "reference modes stay on the device for every class met "
                               "(mode_pool·n_refs images of a class forwarded at once)",
                     "mode_pool": "mode_pool·n_refs training images of a class forwarded at once"},
    "p1-fig07": {},  # one FVO pair of 32 px images and its bypass points: holds little
    "p1-fig10": {"batch_size": "training images of one Adam step, with weight gradients",
                 "n_cls": "2·n_cls·runs FVO images optimized in one batch",
                 "runs": "2·n_cls·runs FVO images optimized in one batch"},
    "p1-lipschitz": {"n_samples": "(x, x + Δx) samples through an MLP in one batch",
                     "cnn_samples": "(x, x + Δx) samples through the ResNet-18 in one batch",
                     "widths": "the widest MLP's weights and activations"},
    "p1-percolation": {},  # 200 held-out 32 px images; slice losses in fixed batches of 256
}
"""Knob → what it holds on the GPU at once, per notebook, read from the notebook's paper-profile
code path; first the knob to lower first (:func:`inputspace.notebook.oom_message`). Not knobs:
the batches fixed in the library (``connectivity.path_losses`` 256 points, ``detection.predict``
256 images, the early-stopped attacks of Figs 5, 6 and p1-detection in chunks of 64, Fig 3's
strips in chunks of 256); the message names the library function the memory ran out in and a
``batch_size``/``chunk`` argument on the stack as fixed. An empty entry: no knob sets what the
notebook holds at once."""

# --- `make paper-check` (inputspace.papercheck): reduced work on stand-ins -----------------------
# Only work knobs are reduced (images, modes, pairs, classes, iterations, points on a path, samples,
# lattice sites); image size (224 px / 32 px), architectures and hyper-parameters (TV weights, ε,
# stop losses, learning rate, batch size, rounds of Fig 7) stay the paper's. The ImageNet stand-in has
# 2 images per class and split, so the modes are k = 2 of the first mode_pool·k = 2 images.
_DEMO_CHECK = {"n_modes": 2, "mode_pool": 1, "n_points": 10, "bypass_iters": 2}  # p1-fig01..03: one cache
_ATTACK_CHECK = {"attack_iters": 4, "n_modes": 2, "mode_pool": 1}                 # p1-fig04/05: one cache
PAPER_CHECK: dict[str, dict[str, object]] = {
    "p1-00": {},
    "p1-fig01": dict(_DEMO_CHECK),
    "p1-fig02": dict(_DEMO_CHECK),
    "p1-fig03": {**_DEMO_CHECK, "explorer_iters": 2, "check_points": 10, "explorer_points": 10},
    "p1-fig04": dict(_ATTACK_CHECK),
    "p1-fig05": {**_ATTACK_CHECK, "n_pairs": 1, "path_points": 11, "path_bypass_iters": 2, "max_rounds": 2,
                 "stat_attack_iters": 4},
    # drop_per_class 0: with one pair per class, dropping 2 would leave no within-class pair
    "p1-fig06": {"n_classes": 2, "pairs_per_class": 1, "drop_per_class": 0, "path_points": 11,
                 "stat_attack_iters": 4},
    # clean_filter "all" (rule switched): random weights classify no stand-in image correctly
    "p1-detection": {"n_clean": 2, "n_refs": 1, "mode_pool": 1, "detect_points": 5, "pgd_iters": 2,
                     "detect_attack_iters": 2, "clean_filter": "all"},
    "p1-fig07": {"fvo_iters": 8, "free_iters": 8, "n_points": 11},
    "p1-fig10": {"train_steps": 1, "n_cls": 1, "runs": 1, "fvo_iters": 4, "n_points": 11},
    "p1-lipschitz": {"widths": (64, 256), "depths": (2, 4), "n_samples": 64, "cnn_samples": 8},
    "p1-percolation": {"validation_sides": (16, 8, 5, 4, 3), "trials": 6, "lattice_sites": 256,
                       "slice_dims": (2, 3), "slice_sites": 64, "n_slices": 1},
}

# --- GPU-cost model: the dominant unit of work and its count from the resolved knob values -------
# "pass" = one image through the classifier (224 px ImageNet model for Figs 1-6 and p1-detection,
# the 32 px untrained ResNet-18 for Figs 7/10); a forward + input-gradient step counts 3 passes.
# Left out everywhere: image loading, plots, the mode selection's passes where noted, and early
# stops (counts are upper bounds: every attack runs all its iterations, every segment is bypassed).
IMAGENET = 1000
RESNET18_32PX_GMAC = 0.15
"""Multiply-accumulates (10⁹) of one 32 px pass of the small-input ResNet-18 (no stem max-pool)."""


def _demo_passes(k: Mapping[str, object]) -> float:
    """Figs 1-3's bypass demo: the class scan (class_id -1: every class's modes and pairs), the
    primary path, and per variant (companion, exact) the bypass and its two secondary paths."""
    pairs = k["n_modes"] * (k["n_modes"] - 1) // 2
    scan = IMAGENET * (k["mode_pool"] * k["n_modes"] + pairs * k["scan_points"]) if k["class_id"] < 0 else 0
    modes = k["mode_pool"] * max(k["n_modes"], max(k["pair"]) + 1)
    return scan + modes + k["n_points"] + 2 * (3 * k["bypass_iters"] + 2 * max(k["n_points"] // 2, 2))


def _connect_passes(n_pairs: int, points: int, iters: int, rounds: int) -> float:
    """``connect``: per pair the primary path, and in round r up to 2^(r-1) segments bypassed and
    split in two paths (upper bound: every segment fails δ)."""
    return n_pairs * (points * (2 ** (rounds + 1) - 1) + 3 * iters * (2 ** rounds - 1))


def _attack_passes(k: Mapping[str, object]) -> float:
    """Fig 4: the modes of the two classes and one attack."""
    return 2 * k["mode_pool"] * k["n_modes"] + 3 * k["attack_iters"] + 3


def _detection_passes(k: Mapping[str, object]) -> float:
    n = k["n_clean"] if k["n_clean"] < IMAGENET else (k["n_clean"] // IMAGENET) * IMAGENET
    ref_classes = min(IMAGENET, 4 * n)  # targets + predicted classes of the three sets, at most all
    return (n * (1 + 3 * k["pgd_iters"] + 3 * k["detect_attack_iters"]) + ref_classes * k["mode_pool"] * k["n_refs"]
            + 3 * n * k["n_refs"] * k["detect_points"])


def _lipschitz_gmac(k: Mapping[str, object]) -> float:
    """Two passes (x, x + Δx) per sample and ε: MLPs of every width and depth, the ResNet-18."""
    mlp = sum(3072 * w + (d - 1) * w * w + 10 * w for w in k["widths"] for d in k["depths"]) / 1e9
    return 2 * len(k["eps"]) * (k["n_samples"] * mlp + k["cnn_samples"] * RESNET18_32PX_GMAC)


def _lattice_sites(k: Mapping[str, object]) -> float:
    """Percolation: sites of every random field (validation, i.i.d.) and of every input slice
    (one 32 px pass each); the cluster labelling (CPU, scipy) dominates on a GPU machine."""
    validation = k["trials"] * sum(side ** d for d, side in zip(k["dims"], k["validation_sides"]))
    iid = k["trials"] * (len(k["dims"]) * k["lattice_sites"] + len(k["slice_dims"]) * k["slice_sites"])
    return validation + iid + k["n_slices"] * len(k["slice_dims"]) * k["slice_sites"]


PAPER_WORK: dict[str, tuple[str, Callable[[Mapping[str, object]], float]]] = {
    "p1-00": ("notebook (computes nothing)", lambda k: 1.0),
    "p1-fig01": ("224 px pass (bypass demo)", _demo_passes),
    # p1-fig02/03 reuse p1-fig01's cached demo when run after it (then only their own work counts)
    "p1-fig02": ("224 px pass (bypass demo, cached by p1-fig01)", _demo_passes),
    "p1-fig03": ("224 px pass (bypass demo, strips, explorer)",
                 lambda k: _demo_passes(k) + 2 * k["check_points"] + k["explorer_points"]
                 + 3 * k["mode_pool"] * k["n_modes"] + 2 * 3 * k["explorer_iters"]),
    "p1-fig04": ("224 px pass (attack demo)", _attack_passes),
    "p1-fig05": ("224 px pass (attack demo cached by p1-fig04; comparison pairs, repeated bypass)",
                 lambda k: _attack_passes(k) + k["n_pairs"] * (2 * k["mode_pool"] * k["n_modes"] + 3 * k["stat_attack_iters"])
                 + _connect_passes(1 + 2 * k["n_pairs"], k["path_points"], k["path_bypass_iters"], k["max_rounds"])),
    "p1-fig06": ("224 px pass (attack + two paths per pair)",
                 lambda k: k["n_classes"] * k["pairs_per_class"] * (4 + 3 * k["stat_attack_iters"] + 2 * k["path_points"])),
    "p1-detection": ("224 px pass (attacks, reference modes, barrier paths)", _detection_passes),
    "p1-fig07": ("32 px pass (FVO pair, free bypass)",
                 lambda k: 2 * 3 * k["fvo_iters"] + _connect_passes(1, k["n_points"], k["free_iters"], k["rounds"])),
    "p1-fig10": ("32 px pass (FVO pairs and paths per checkpoint, training steps)",
                 lambda k: (k["train_steps"] + 1) * k["n_cls"] * k["runs"] * (2 * 3 * k["fvo_iters"] + k["n_points"])
                 + 3 * k["train_steps"] * k["batch_size"]),
    "p1-lipschitz": ("GMAC (MLP and ResNet-18 passes)", _lipschitz_gmac),
    "p1-percolation": ("lattice site", _lattice_sites),
}


PAPER_BENCH: dict[str, Bench] = {
    **{nid: Bench(("arch",)) for nid in ("p1-fig01", "p1-fig02", "p1-fig03", "p1-fig04", "p1-fig05", "p1-fig06",
                                         "p1-detection")},
    **{nid: Bench(("arch",), size=32, classes=10) for nid in ("p1-fig07", "p1-fig10")},
    "p1-lipschitz": Bench(kind="gmac"),
    "p1-percolation": Bench(kind="lattice"),
}
"""How ``make paper-cost`` times one unit of ``PAPER_WORK`` (:mod:`inputspace.papercost`): a 224 px
pass is a forward + input-gradient pass of the ImageNet classifier (every unit here is a step of an
attack, an input optimization or a bypass, or a path point of the same cost order); a 32 px pass
that of the CIFAR-size network."""


# Counts `make paper-cost` must not double: the ImageNet stand-in has 2 images per class (modes,
# pairs and references are drawn from them), and bypass rounds grow the work exponentially.
_STANDIN_BOUND = ("n_modes", "mode_pool", "pairs_per_class", "n_refs", "max_rounds", "drop_per_class", "rounds")
PAPER_CHECK_FIXED: dict[str, tuple[str, ...]] = {
    nid: tuple(k for k in _STANDIN_BOUND if k in KNOBS[nid]) for nid in PAPER_CHECK}
