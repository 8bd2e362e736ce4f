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
    ("resnet18", "digits", "fgsm-at"),  # P2's adversarially trained ("AT") analog
    ("resnet50", "lfw", "standard"),  # P3 Fig 8's "other data set" analog
)
MIN_CNN_ACCURACY = 0.97
"""Held-out accuracy every quick CNN on digits must reach (the zoo's own quality bar)."""

KNOBS = {
    "p0-00": {
        "models": Knob("all", help="'all' or comma-separated arch:dataset:recipe"),
        "train_jobs": per_profile(
            1, 2, 1, "models trained at once on the CPU, each with cores / train_jobs threads"
        ),
        "robust_images": per_profile(
            32,
            540,
            0,
            "held-out digits on which the two ResNet-18s' PGD-10 "
            "robust accuracy is measured (540: all; 0: skip)",
        ),
    }
}
