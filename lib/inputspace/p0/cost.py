"""Operations data of p0-00: what training each zoo model costs and what the notebook holds on the GPU.

Read by the zoo's training order (:mod:`inputspace.p0.training`) and the out-of-memory hint
(:func:`inputspace.notebook.memory_of`); none of it changes what a model learns, so it lives apart
from :mod:`inputspace.p0.knobs`, which every cached computation's code digest follows.
"""

from __future__ import annotations

TRAIN_COST: dict[tuple[str, str, str], float] = {
    ("densenet121", "digits", "standard"): 1185,
    ("resnet50", "digits", "standard"): 1052,
    ("vit_tiny", "digits", "standard"): 875,
    ("vgg19_bn", "digits", "standard"): 527,
    ("resnet18", "digits", "fgsm-at"): 95,
    ("resnet18", "digits", "standard"): 58,
    ("resnet50", "lfw", "standard"): 34,
}
"""Seconds each model took to train in quick on the project's 2-core machine (p0-00's table of
2026-12-01; ``fgsm-at``: a sixth of the 30-epoch PGD-AT recipe's 560 s, the passes it saves); only
their order matters: the longest chains of training start first."""

MEMORY: dict[str, dict[str, str]] = {"p0-00": {}}
"""Knob → what it holds on the GPU at once (:func:`inputspace.notebook.oom_message`). p0-00 has
none: the paper profile trains nothing, and the quick zoo's training batch is fixed by each
model's recipe (``inputspace.zoo``), not by a knob."""
