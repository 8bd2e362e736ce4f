"""Training of the locally trained quick models: one documented recipe per model kind.

Recipe (``standard``): SGD with Nesterov momentum 0.9, one-cycle learning rate (peak ``lr``),
weight decay 5e-4, batch 64, cross-entropy, random translations of up to +-2 pixels (zero
padded), inputs in [0, 1] normalized inside the wrapper. The ViT uses AdamW (lr 1e-3, weight
decay 0.05) instead. ``fgsm-at`` (P2's adversarially trained model): the same loop on L-inf adversarial
examples generated on the fly with :func:`inputspace.methods.attacks.pgd_linf` (``adv_iters``
steps of ``adv_step`` from a uniform random start: one step of 1.25 eps is FGSM-RS, Wong et al.
2020; several are PGD-AT, Madry et al. 2018), fine-tuned from the standard model (``init``).
Determinism: data order and augmentation come from one seeded CPU generator, so the same seed
gives the same weights on the CPU.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .data import Split
from .methods.attacks import pgd_linf
from .progress import bar

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipe:
    """How a quick model is trained (stored in its manifest)."""

    name: str = "standard"
    epochs: int = 10
    batch_size: int = 64
    optimizer: str = "sgd"  # "sgd" (Nesterov, momentum 0.9) or "adamw"
    lr: float = 0.05  # peak of the one-cycle schedule
    weight_decay: float = 5e-4
    shift: int = 2  # max random translation (pixels), 0 = no augmentation
    adv_eps: float = 0.0  # > 0: PGD adversarial training at this L-inf radius
    adv_iters: int = 0
    adv_step: float = 0.0
    train_fraction: float = 1.0  # < 1: a stratified-by-order subset (smoke profile)
    init: str = ""  # start from the trained model of this recipe (fine-tuning); "" = timm init

    def as_dict(self) -> dict:
        """The manifest form; ``init`` only when set, so manifests written before it existed still match."""
        d = asdict(self)
        if not d["init"]:
            del d["init"]
        return d


def random_shift(x: torch.Tensor, max_shift: int, generator: torch.Generator) -> torch.Tensor:
    """Translate every image by an integer offset in [-max_shift, max_shift]^2 (zero padding)."""
    if max_shift <= 0:
        return x
    b, _, h, w = x.shape
    padded = F.pad(x, (max_shift,) * 4)
    off = torch.randint(0, 2 * max_shift + 1, (b, 2), generator=generator)
    rows = (off[:, 0, None] + torch.arange(h)[None]).to(x.device)
    cols = (off[:, 1, None] + torch.arange(w)[None]).to(x.device)
    bidx = torch.arange(b, device=x.device)[:, None, None]
    out = padded.permute(0, 2, 3, 1)[bidx, rows[:, :, None], cols[:, None, :]]
    return out.permute(0, 3, 1, 2).contiguous()


def _optimizer(model: nn.Module, recipe: Recipe, steps: int):
    params = [p for p in model.parameters() if p.requires_grad]
    if recipe.optimizer == "sgd":
        opt = torch.optim.SGD(
            params, lr=recipe.lr, momentum=0.9, nesterov=True, weight_decay=recipe.weight_decay
        )
    elif recipe.optimizer == "adamw":
        opt = torch.optim.AdamW(params, lr=recipe.lr, weight_decay=recipe.weight_decay)
    else:
        raise ValueError(f"unknown optimizer {recipe.optimizer!r}; valid: 'sgd', 'adamw'")
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=recipe.lr, total_steps=max(steps, 1))
    return opt, sched


@torch.no_grad()
def accuracy(model: nn.Module, split: Split, device: torch.device, batch_size: int = 256) -> float:
    """Top-1 accuracy of ``model`` (eval mode) on ``split``."""
    was_training = model.training
    model.eval()
    correct = 0
    for i in range(0, len(split), batch_size):
        xb = split.x[i : i + batch_size].to(device)
        correct += (model(xb).argmax(1).cpu() == split.y[i : i + batch_size]).sum().item()
    model.train(was_training)
    return correct / max(len(split), 1)


def train_classifier(
    model: nn.Module,
    train: Split,
    recipe: Recipe,
    *,
    device: torch.device,
    seed: int,
    max_steps: int | None = None,
    progress: bool = True,
) -> dict:
    """Train ``model`` (a wrapper whose parameters require grad) in place.

    Args:
        model: maps [0, 1] images to logits.
        train: training images.
        recipe: optimisation settings.
        device: where to train.
        seed: seeds data order, augmentation and PGD starts (one CPU generator).
        max_steps: stop early after this many optimizer steps (tests).

    Returns:
        ``{"train_seconds", "steps", "final_loss"}``.
    """
    g = torch.Generator().manual_seed(seed)
    n = len(train)
    if recipe.train_fraction < 1.0:
        keep = torch.randperm(n, generator=g)[
            : max(int(n * recipe.train_fraction), recipe.batch_size)
        ]
        train = train.subset(keep.sort().values)
        n = len(train)
    steps_per_epoch = math.ceil(n / recipe.batch_size)
    total = (
        steps_per_epoch * recipe.epochs
        if max_steps is None
        else min(max_steps, steps_per_epoch * recipe.epochs)
    )
    opt, sched = _optimizer(model, recipe, total)
    model.to(device).train()
    t0, step, loss = time.time(), 0, torch.tensor(float("nan"))
    pbar = bar(
        total=total,
        desc=f"train {getattr(model, 'arch', '')} ({recipe.name}, {recipe.epochs} epochs)",
        unit="batch",
        disable=not progress,
    )
    for _ in range(recipe.epochs):
        perm = torch.randperm(n, generator=g)
        for i in range(0, n, recipe.batch_size):
            if step >= total:
                break
            idx = perm[i : i + recipe.batch_size]
            xb = random_shift(train.x[idx], recipe.shift, g).to(device)
            yb = train.y[idx].to(device)
            if recipe.adv_eps > 0:
                model.eval()  # BN statistics are not updated by the attack's forward passes
                xb = pgd_linf(
                    model,
                    xb,
                    yb,
                    eps=recipe.adv_eps,
                    iters=recipe.adv_iters,
                    step_size=recipe.adv_step,
                    generator=g,
                )
                model.train()
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            pbar.update(1)
            pbar.set_postfix(loss=f"{loss.item():.3f}")
    pbar.close()
    model.eval()
    return {"train_seconds": time.time() - t0, "steps": step, "final_loss": float(loss.detach())}
