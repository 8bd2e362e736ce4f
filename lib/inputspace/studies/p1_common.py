"""Pieces shared by the P1 study modules: per-profile knobs, the optimization space, and the
untrained network of Sec 4.3 / App F.1."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn

from .. import connectivity as conn
from ..config import Knob
from ..models import ModelWrapper, build_net, wrap


def _k(smoke, quick, paper, help: str = "", choices=None) -> Knob:
    return Knob({"smoke": smoke, "quick": quick, "paper": paper}, choices, help)


@dataclass
class OptSpace:
    """A classifier seen in the coordinates where paths and optimization happen."""

    model: nn.Module
    encode: Callable[[torch.Tensor], torch.Tensor]    # pixels -> coordinates
    decode: Callable[[torch.Tensor], torch.Tensor]    # coordinates -> pixels
    bounds: tuple[torch.Tensor, torch.Tensor] | None  # clamp box in coordinates, or None
    pixel_model: nn.Module                              # the same classifier on [0, 1] pixels


def opt_space(wrapper: ModelWrapper, space: str = "normalized", clamp: bool = False) -> OptSpace:
    """:class:`OptSpace` of a pixel-space wrapper (``space``: normalized | pixel)."""
    if space == "pixel":
        box = (torch.zeros(1, device=wrapper.mean.device), torch.ones(1, device=wrapper.mean.device))
        return OptSpace(wrapper, lambda x: x, lambda z: z, box if clamp else None, wrapper)
    if space != "normalized":
        raise ValueError(f"unknown space {space!r}; valid: 'normalized', 'pixel'")
    nm = conn.NormalizedInput(wrapper)
    return OptSpace(nm, nm.from_pixels, nm.to_pixels, nm.pixel_box() if clamp else None, wrapper)


def untrained_net(arch: str, num_classes: int, input_size: int, seed: int,
                  zero_init_last: bool = False) -> nn.Module:
    """A randomly initialized timm network (small-input adapted), seeded.

    The companion's untrained model is torchvision's ``resnet18(weights=None)``, whose residual
    branches end in BatchNorm with weight 1; timm zero-initializes that last BN by default,
    which makes every block an identity at init. ``zero_init_last=False`` (default) restores
    the torchvision initialization; ``True`` keeps timm's.
    """
    torch.manual_seed(seed)   # timm initialization draws from the global generator
    net = build_net(arch, num_classes, input_size)
    if not zero_init_last:
        for m in net.modules():
            if hasattr(m, "zero_init_last"):  # the block's last BN: bn3 (Bottleneck) or bn2 (BasicBlock)
                last = getattr(m, "bn3", None) or getattr(m, "bn2", None)
                if last is not None:
                    nn.init.ones_(last.weight)
    return net


def untrained_model(arch: str, num_classes: int, input_size: int, seed: int,
                    zero_init_last: bool, device: torch.device) -> ModelWrapper:
    """Frozen, eval-mode wrapper of :func:`untrained_net` (BatchNorm uses its initial 0/1 stats)."""
    return wrap(untrained_net(arch, num_classes, input_size, seed, zero_init_last), arch, input_size).to(device)
