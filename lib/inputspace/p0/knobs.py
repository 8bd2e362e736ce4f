"""Knobs and constants of p0-00 (the quick model zoo)."""
from __future__ import annotations

from ..config import Knob, per_profile

# (architecture, data set, recipe) of every locally trained model the notebooks use.
ZOO: tuple[tuple[str, str, str], ...] = (
    ("resnet18", "digits", "standard"),
    ("resnet50", "digits", "standard"),
    ("vgg19_bn", "digits", "standard"),
    ("densenet121", "digits", "standard"),
    ("vit_tiny", "digits", "standard"),
    ("resnet18", "digits", "fgsm-at"),     # P2's adversarially trained ("AT") analog
    ("resnet50", "lfw", "standard"),      # P3 Fig 8's "other data set" analog
)
MIN_CNN_ACCURACY = 0.97
"""Held-out accuracy every quick CNN on digits must reach (the zoo's own quality bar)."""

KNOBS = {"p0-00": {"models": Knob("all", help="'all' or comma-separated arch:dataset:recipe"),
                   "train_jobs": per_profile(1, 2, 1, "models trained at once on the CPU, each with cores / train_jobs "
                                                      "threads"),
                   "robust_images": per_profile(32, 540, 0, "held-out digits on which the two ResNet-18s' PGD-10 "
                                                "robust accuracy is measured (540: all; 0: skip)")}}
TRAIN_COST: dict[tuple[str, str, str], float] = {
    ("densenet121", "digits", "standard"): 1185, ("resnet50", "digits", "standard"): 1052,
    ("vit_tiny", "digits", "standard"): 875, ("vgg19_bn", "digits", "standard"): 527,
    ("resnet18", "digits", "fgsm-at"): 95, ("resnet18", "digits", "standard"): 58,
    ("resnet50", "lfw", "standard"): 34}
"""Seconds each model took to train in quick on the project's 2-core machine (p0-00's table of
2026-12-01; ``fgsm-at``: a sixth of the 30-epoch PGD-AT recipe's 560 s, the passes it saves); only
their order matters: the longest chains of training start first."""

MEMORY: dict[str, dict[str, str]] = {"p0-00": {}}
"""Knob → what it holds on the GPU at once (:func:`inputspace.notebook.oom_message`). p0-00 has
none: the paper profile trains nothing, and the quick zoo's training batch is fixed by each
model's recipe (``inputspace.zoo``), not by a knob."""
