"""Untrained and barely trained networks: Fig 7 (Sec 4.3) and Fig 10 (App F.1).

Untrained model (all profiles): timm ``resnet18`` adapted to 32x32 inputs (no stem max-pool),
10 classes, eval mode, torchvision-like initialization (:func:`untrained_net`); the companion
uses torchvision's resnet18 with its 224-style stem on CIFAR-shaped inputs and CIFAR
normalization, here the wrapper's ImageNet normalization. Optimization in normalized
coordinates, as the companion.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .. import data
from ..cache import cached
from ..config import Config
from ..methods import connectivity as conn
from ..methods.inputopt import FVO_TV_A, feature_visualization
from ..models import ModelWrapper, build_net, wrap
from ..train import random_shift
from .knobs import SHAPE
from .space import opt_space


def untrained_net(
    arch: str, num_classes: int, input_size: int, seed: int, zero_init_last: bool = False
) -> nn.Module:
    """A randomly initialized timm network (small-input adapted), seeded.

    The companion's untrained model is torchvision's ``resnet18(weights=None)``, whose residual
    branches end in BatchNorm with weight 1; timm zero-initializes that last BN by default,
    which makes every block an identity at init. ``zero_init_last=False`` (default) restores
    the torchvision initialization; ``True`` keeps timm's.
    """
    torch.manual_seed(seed)  # timm initialization draws from the global generator
    net = build_net(arch, num_classes, input_size)
    if not zero_init_last:
        for m in net.modules():
            if hasattr(
                m, "zero_init_last"
            ):  # the block's last BN: bn3 (Bottleneck) or bn2 (BasicBlock)
                last = getattr(m, "bn3", None) or getattr(m, "bn2", None)
                if last is not None:
                    nn.init.ones_(last.weight)
    return net


def untrained_model(
    arch: str,
    num_classes: int,
    input_size: int,
    seed: int,
    zero_init_last: bool,
    device: torch.device,
) -> ModelWrapper:
    """Frozen, eval-mode wrapper of :func:`untrained_net` (BatchNorm uses its initial 0/1 stats)."""
    return wrap(
        untrained_net(arch, num_classes, input_size, seed, zero_init_last), arch, input_size
    ).to(device)


def _fvo_pairs(sp, classes: list[int], runs: int, iters: int, stop: float, g: torch.Generator):
    """Per class and run: A = FVO with TV 2.5e-7, C = FVO without (companion sec4_3 / appF1)."""
    targets = torch.tensor([c for c in classes for _ in range(runs) for _ in range(2)])
    tv = torch.tensor([FVO_TV_A, 0.0]).repeat(len(classes) * runs)
    dev = next(sp.model.parameters()).device
    return feature_visualization(
        sp.model,
        targets.to(dev),
        shape=SHAPE,
        generator=g,
        iterations=iters,
        stop=stop,
        tv_weight=tv.to(dev),
    )


# --- Figure 7 ----------------------------------------------------------------------------------


def untrained_connect(cfg: Config) -> dict:
    """Fig 7 (cached): two FVO modes of an untrained ResNet-18, two rounds of free bypass."""
    return cached(cfg, "p1.untrained_connect", lambda: _untrained_connect(cfg))


def _untrained_connect(cfg: Config) -> dict:
    sp = opt_space(untrained_model(cfg.arch, 10, 32, cfg.seed, cfg.zero_init_last, cfg.device))
    g = torch.Generator().manual_seed(cfg.seed)
    fvo = _fvo_pairs(sp, [cfg.target_class], 1, cfg.fvo_iters, cfg.fvo_stop, g)
    y = torch.tensor([cfg.target_class], device=fvo.x.device)
    res = conn.connect(
        sp.model,
        fvo.x[:1],
        fvo.x[1:],
        y,
        n_points=cfg.n_points,
        max_rounds=cfg.rounds,
        min_rounds=cfg.rounds,
        method="free",
        iterations=cfg.free_iters,
    )[0]
    return {
        "A": sp.decode(fvo.x[:1])[0].cpu(),
        "C": sp.decode(fvo.x[1:])[0].cpu(),
        "fvo_ce": fvo.ce.tolist(),
        "fvo_iterations": fvo.iterations.tolist(),
        "rounds": [
            {
                "curves": rd.curves,
                "ok": rd.ok,
                "height": rd.barrier.height,
                "gap": rd.barrier.gap,
                "excess": rd.excess,
                "new_ce": rd.new_ce,
            }
            for rd in res.rounds
        ],
        "rounds_needed": -1 if res.rounds_needed is None else res.rounds_needed,
        "delta": conn.DELTA,
    }


# --- Figure 10 ---------------------------------------------------------------------------------


def barrier_evolution(cfg: Config) -> dict:
    """Fig 10 (cached): primary barriers between FVO pairs after 0..K Adam steps of training."""
    return cached(cfg, "p1.barrier_evolution", lambda: _barrier_evolution(cfg))


def _measure(sp, cfg: Config, g: torch.Generator) -> dict:
    classes = list(range(cfg.n_cls))
    fvo = _fvo_pairs(sp, classes, cfg.runs, cfg.fvo_iters, cfg.fvo_stop, g)
    y = torch.tensor([c for c in classes for _ in range(cfg.runs)], device=fvo.x.device)
    _, curves = conn.path_losses(sp.model, fvo.x[0::2], fvo.x[1::2], y, cfg.n_points)
    bar = conn.barriers(curves)
    return {
        "curves": curves,
        "height": bar.height,
        "gap": bar.gap,
        "fvo_ce": fvo.ce.cpu(),
        "area": torch.trapezoid(curves, dx=1.0 / (cfg.n_points - 1), dim=1),
        "A0": sp.decode(fvo.x[:1])[0].cpu(),
        "C0": sp.decode(fvo.x[1:2])[0].cpu(),
    }


def _train_split(cfg: Config) -> data.Split:
    """Quick/smoke: digits; paper: CIFAR-10 train (companion; local files, ``$INPUTSPACE_CIFAR``)."""
    ds = data.study_data(cfg.profile, "cifar10", "train")
    return (
        ds
        if isinstance(ds, data.Split)
        else data.to_split(ds, list(range(len(ds))), "cifar10-train")
    )


def augment(x: torch.Tensor, how: str, g: torch.Generator) -> torch.Tensor:
    """Fig 10's training augmentation. ``"flip-crop4"``: the companion's RandomHorizontalFlip +
    RandomCrop(32, padding=4) (zero padding, i.e. a random shift of up to ±4 px, then a flip with
    probability 1/2); ``"shift2"``: ±2 px shifts only (quick: a flipped digit is another symbol)."""
    if how == "shift2":
        return random_shift(x, 2, g)
    if how != "flip-crop4":
        raise ValueError(f"unknown augmentation {how!r}; valid: 'shift2', 'flip-crop4'")
    x = random_shift(x, 4, g)
    flip = torch.rand(len(x), generator=g) < 0.5
    return torch.where(flip.view(-1, 1, 1, 1), x.flip(-1), x)


def _barrier_evolution(cfg: Config) -> dict:
    net = untrained_net(cfg.arch, 10, 32, cfg.seed, cfg.zero_init_last)
    model = wrap(net, cfg.arch, 32, frozen=False).to(cfg.device)
    sp = opt_space(model)
    train = _train_split(cfg)
    g = torch.Generator().manual_seed(cfg.seed)
    opt = torch.optim.Adam(net.parameters(), lr=cfg.train_lr)
    checkpoints, losses = [], []
    for step in range(cfg.train_steps + 1):
        model.eval().requires_grad_(False)
        checkpoints.append(_measure(sp, cfg, g))
        if step == cfg.train_steps:
            break
        model.train().requires_grad_(True)
        idx = torch.randperm(len(train), generator=g)[: cfg.batch_size]
        xb = augment(train.x[idx], cfg.augment, g).to(cfg.device)
        loss = F.cross_entropy(model(xb), train.y[idx].to(cfg.device))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    return {"checkpoints": checkpoints, "train_loss": losses}
