"""PGD robust accuracy of the two ResNet-18s that P2 compares (p0-00).

The zoo's adversarially trained ResNet-18 (``fgsm-at``, :data:`inputspace.zoo.AT_EPS`) must be
robust at the radius it was trained at, and the standard one must not be: P2's "Normal vs AT"
rows only mean something if the two differ there. Measured with L-inf PGD from a random start
(Madry et al. 2018), 10 steps of 2.5 eps / 10, on the first ``robust_images`` held-out images.
"""

from __future__ import annotations

import pandas as pd
import torch

from ..config import Config
from ..methods.attacks import pgd_linf
from ..zoo import AT_EPS, OFFLINE_DATASETS, load_quick_model
from .training import selected

PAIR = (("resnet18", "standard"), ("resnet18", "fgsm-at"))
PGD_ITERS = 10


@torch.no_grad()
def _correct(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return model(x).argmax(1) == y


def robustness(cfg: Config) -> pd.DataFrame:
    """One row per model of :data:`PAIR`: clean and PGD-10 robust accuracy at ``AT_EPS`` on the
    first ``cfg.robust_images`` held-out digits (the same images and random start for both). Empty
    in the paper profile, for ``robust_images = 0`` and when the ``models`` knob leaves one out."""
    chosen = {(a, r) for a, d, r in selected(cfg) if d == "digits"}
    if cfg.profile == "paper" or cfg.robust_images <= 0 or not set(PAIR) <= chosen:
        return pd.DataFrame(
            columns=["model", "images", "eps", "clean accuracy", "PGD-10 robust accuracy"]
        )
    held = OFFLINE_DATASETS["digits"]("heldout")
    n = min(cfg.robust_images, len(held))
    x, y = held.x[:n].to(cfg.device), held.y[:n].to(cfg.device)
    rows = []
    for arch, recipe in PAIR:
        model, _ = load_quick_model(arch, "digits", cfg.profile, device=cfg.device, recipe=recipe)
        g = torch.Generator().manual_seed(cfg.seed)
        adv = torch.cat(
            [
                pgd_linf(
                    model,
                    x[i : i + 128],
                    y[i : i + 128],
                    eps=AT_EPS,
                    iters=PGD_ITERS,
                    step_size=2.5 * AT_EPS / PGD_ITERS,
                    generator=g,
                )
                for i in range(0, n, 128)
            ]
        )
        rows.append(
            {
                "model": f"{arch} ({recipe})",
                "images": n,
                "eps": f"{round(AT_EPS * 255)}/255",
                "clean accuracy": _correct(model, x, y).float().mean().item(),
                "PGD-10 robust accuracy": _correct(model, adv, y).float().mean().item(),
            }
        )
    return pd.DataFrame(rows)
