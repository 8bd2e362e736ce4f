"""Operations data of the P1 notebooks, kept out of :mod:`inputspace.p1.knobs` so that the code
digest of cached results does not follow it (``docs/house.md``): what each knob holds on the GPU
(``MEMORY``), the paper check's reduced work (``PAPER_CHECK``), the paper-cost work model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..workmodel import Bench
from .knobs import KNOBS

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
    "p1-fig05": {
        "n_pairs": "1 + 2·n_pairs pairs whose failing segments are bypassed in one batch, "
        "with input gradients",
        "max_rounds": "the segments bypassed at once double every round (2^(round−1) per pair)",
        **_MODES_MEMORY,
    },
    "p1-fig06": {
        "n_classes": "n_classes·pairs_per_class pairs: their images and attacks stay on the device "
        "and their start images are forwarded in one batch",
        "pairs_per_class": "n_classes·pairs_per_class pairs: their images and attacks stay on the "
        "device and their start images are forwarded in one batch",
    },
    "p1-detection": {
        "n_clean": "the clean inputs stay on the device and PGD attacks them in one batch, "
        "with input gradients",
        "n_refs": "reference modes stay on the device for every class met "
        "(mode_pool·n_refs images of a class forwarded at once)",
        "mode_pool": "mode_pool·n_refs training images of a class forwarded at once",
    },
    "p1-fig07": {},  # one FVO pair of 32 px images and its bypass points: holds little
    "p1-fig10": {
        "batch_size": "training images of one Adam step, with weight gradients",
        "n_cls": "2·n_cls·runs FVO images optimized in one batch",
        "runs": "2·n_cls·runs FVO images optimized in one batch",
    },
    "p1-lipschitz": {
        "n_samples": "(x, x + Δx) samples through an MLP in one batch",
        "cnn_samples": "(x, x + Δx) samples through the ResNet-18 in one batch",
        "widths": "the widest MLP's weights and activations",
    },
    "p1-percolation": {},  # 200 held-out 32 px images; slice losses in fixed batches of 256
}
"""Knob → what it holds on the GPU at once, per notebook, read from the notebook's paper-profile
code path; first the knob to lower first (:func:`inputspace.notebook.oom_message`). Not knobs:
the batches fixed in the library (``connectivity.path_losses`` 256 points, ``detection.predict``
256 images, the early-stopped attacks of Figs 5, 6 and p1-detection in chunks of 64, Fig 3's
strips in chunks of 256); the message names the library function the memory ran out in and a
``batch_size``/``chunk`` argument on the stack as fixed. An empty entry: no knob sets what the
notebook holds at once."""

# --- `make paper-check` (inputspace.run.papercheck): reduced work on stand-ins -------------------
# Only work knobs are reduced (images, modes, pairs, classes, iterations, points on a path, samples,
# lattice sites); image size (224 px / 32 px), architectures and hyper-parameters (TV weights, ε,
# stop losses, learning rate, batch size, rounds of Fig 7) stay the paper's. The ImageNet stand-in has
# 2 images per class and split, so the modes are k = 2 of the first mode_pool·k = 2 images.
_DEMO_CHECK = {
    "n_modes": 2,
    "mode_pool": 1,
    "n_points": 10,
    "bypass_iters": 2,
}  # p1-fig01..03: one cache
_ATTACK_CHECK = {"attack_iters": 4, "n_modes": 2, "mode_pool": 1}  # p1-fig04/05: one cache
PAPER_CHECK: dict[str, dict[str, object]] = {
    "p1-00": {},
    "p1-fig01": dict(_DEMO_CHECK),
    "p1-fig02": dict(_DEMO_CHECK),
    "p1-fig03": {**_DEMO_CHECK, "explorer_iters": 2, "check_points": 10, "explorer_points": 10},
    "p1-fig04": dict(_ATTACK_CHECK),
    "p1-fig05": {
        **_ATTACK_CHECK,
        "n_pairs": 1,
        "path_points": 11,
        "path_bypass_iters": 2,
        "max_rounds": 2,
        "stat_attack_iters": 4,
    },
    # drop_per_class 0: with one pair per class, dropping 2 would leave no within-class pair
    "p1-fig06": {
        "n_classes": 2,
        "pairs_per_class": 1,
        "drop_per_class": 0,
        "path_points": 11,
        "stat_attack_iters": 4,
    },
    # clean_filter "all" (rule switched): random weights classify no stand-in image correctly
    "p1-detection": {
        "n_clean": 2,
        "n_refs": 1,
        "mode_pool": 1,
        "detect_points": 5,
        "pgd_iters": 2,
        "detect_attack_iters": 2,
        "clean_filter": "all",
    },
    "p1-fig07": {"fvo_iters": 8, "free_iters": 8, "n_points": 11},
    "p1-fig10": {"train_steps": 1, "n_cls": 1, "runs": 1, "fvo_iters": 4, "n_points": 11},
    "p1-lipschitz": {"widths": (64, 256), "depths": (2, 4), "n_samples": 64, "cnn_samples": 8},
    "p1-percolation": {
        "validation_sides": (16, 8, 5, 4, 3),
        "trials": 6,
        "lattice_sites": 256,
        "slice_dims": (2, 3),
        "slice_sites": 64,
        "n_slices": 1,
    },
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
    scan = (
        IMAGENET * (k["mode_pool"] * k["n_modes"] + pairs * k["scan_points"])
        if k["class_id"] < 0
        else 0
    )
    modes = k["mode_pool"] * max(k["n_modes"], max(k["pair"]) + 1)
    return (
        scan + modes + k["n_points"] + 2 * (3 * k["bypass_iters"] + 2 * max(k["n_points"] // 2, 2))
    )


def _connect_passes(n_pairs: int, points: int, iters: int, rounds: int) -> float:
    """``connect``: per pair the primary path, and in round r up to 2^(r-1) segments bypassed and
    split in two paths (upper bound: every segment fails δ)."""
    return n_pairs * (points * (2 ** (rounds + 1) - 1) + 3 * iters * (2**rounds - 1))


def _attack_passes(k: Mapping[str, object]) -> float:
    """Fig 4: the modes of the two classes and one attack."""
    return 2 * k["mode_pool"] * k["n_modes"] + 3 * k["attack_iters"] + 3


def _detection_passes(k: Mapping[str, object]) -> float:
    n = k["n_clean"] if k["n_clean"] < IMAGENET else (k["n_clean"] // IMAGENET) * IMAGENET
    ref_classes = min(IMAGENET, 4 * n)  # targets + predicted classes of the three sets, at most all
    return (
        n * (1 + 3 * k["pgd_iters"] + 3 * k["detect_attack_iters"])
        + ref_classes * k["mode_pool"] * k["n_refs"]
        + 3 * n * k["n_refs"] * k["detect_points"]
    )


def _lipschitz_gmac(k: Mapping[str, object]) -> float:
    """Two passes (x, x + Δx) per sample and ε: MLPs of every width and depth, the ResNet-18."""
    mlp = sum(3072 * w + (d - 1) * w * w + 10 * w for w in k["widths"] for d in k["depths"]) / 1e9
    return 2 * len(k["eps"]) * (k["n_samples"] * mlp + k["cnn_samples"] * RESNET18_32PX_GMAC)


def _lattice_sites(k: Mapping[str, object]) -> float:
    """Percolation: sites of every random field (validation, i.i.d.) and of every input slice
    (one 32 px pass each); the cluster labelling (CPU, scipy) dominates on a GPU machine."""
    validation = k["trials"] * sum(side**d for d, side in zip(k["dims"], k["validation_sides"]))
    iid = k["trials"] * (
        len(k["dims"]) * k["lattice_sites"] + len(k["slice_dims"]) * k["slice_sites"]
    )
    return validation + iid + k["n_slices"] * len(k["slice_dims"]) * k["slice_sites"]


PAPER_WORK: dict[str, tuple[str, Callable[[Mapping[str, object]], float]]] = {
    "p1-00": ("notebook (computes nothing)", lambda k: 1.0),
    "p1-fig01": ("224 px pass (bypass demo)", _demo_passes),
    # p1-fig02/03 reuse p1-fig01's cached demo when run after it (then only their own work counts)
    "p1-fig02": ("224 px pass (bypass demo, cached by p1-fig01)", _demo_passes),
    "p1-fig03": (
        "224 px pass (bypass demo, strips, explorer)",
        lambda k: (
            _demo_passes(k)
            + 2 * k["check_points"]
            + k["explorer_points"]
            + 3 * k["mode_pool"] * k["n_modes"]
            + 2 * 3 * k["explorer_iters"]
        ),
    ),
    "p1-fig04": ("224 px pass (attack demo)", _attack_passes),
    "p1-fig05": (
        "224 px pass (attack demo cached by p1-fig04; comparison pairs, repeated bypass)",
        lambda k: (
            _attack_passes(k)
            + k["n_pairs"] * (2 * k["mode_pool"] * k["n_modes"] + 3 * k["stat_attack_iters"])
            + _connect_passes(
                1 + 2 * k["n_pairs"], k["path_points"], k["path_bypass_iters"], k["max_rounds"]
            )
        ),
    ),
    "p1-fig06": (
        "224 px pass (attack + two paths per pair)",
        lambda k: (
            k["n_classes"]
            * k["pairs_per_class"]
            * (4 + 3 * k["stat_attack_iters"] + 2 * k["path_points"])
        ),
    ),
    "p1-detection": ("224 px pass (attacks, reference modes, barrier paths)", _detection_passes),
    "p1-fig07": (
        "32 px pass (FVO pair, free bypass)",
        lambda k: (
            2 * 3 * k["fvo_iters"] + _connect_passes(1, k["n_points"], k["free_iters"], k["rounds"])
        ),
    ),
    "p1-fig10": (
        "32 px pass (FVO pairs and paths per checkpoint, training steps)",
        lambda k: (
            (k["train_steps"] + 1)
            * k["n_cls"]
            * k["runs"]
            * (2 * 3 * k["fvo_iters"] + k["n_points"])
            + 3 * k["train_steps"] * k["batch_size"]
        ),
    ),
    "p1-lipschitz": ("GMAC (MLP and ResNet-18 passes)", _lipschitz_gmac),
    "p1-percolation": ("lattice site", _lattice_sites),
}


PAPER_BENCH: dict[str, Bench] = {
    **{
        nid: Bench(("arch",))
        for nid in (
            "p1-fig01",
            "p1-fig02",
            "p1-fig03",
            "p1-fig04",
            "p1-fig05",
            "p1-fig06",
            "p1-detection",
        )
    },
    **{nid: Bench(("arch",), size=32, classes=10) for nid in ("p1-fig07", "p1-fig10")},
    "p1-lipschitz": Bench(kind="gmac"),
    "p1-percolation": Bench(kind="lattice"),
}
"""How ``make paper-cost`` times one unit of ``PAPER_WORK`` (:mod:`inputspace.run.papercost`): a 224 px
pass is a forward + input-gradient pass of the ImageNet classifier (every unit here is a step of an
attack, an input optimization or a bypass, or a path point of the same cost order); a 32 px pass
that of the CIFAR-size network."""


# Counts `make paper-cost` must not double: the ImageNet stand-in has 2 images per class (modes,
# pairs and references are drawn from them), and bypass rounds grow the work exponentially.
_STANDIN_BOUND = (
    "n_modes",
    "mode_pool",
    "pairs_per_class",
    "n_refs",
    "max_rounds",
    "drop_per_class",
    "rounds",
)
PAPER_CHECK_FIXED: dict[str, tuple[str, ...]] = {
    nid: tuple(k for k in _STANDIN_BOUND if k in KNOBS[nid]) for nid in PAPER_CHECK
}
