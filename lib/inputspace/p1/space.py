"""The trained classifier of P1 seen in the coordinates where paths and optimizations live, and
the *modes* of a class (its lowest-loss images).

As in the companion code (``JVrabel/input_space_mode_connectivity``), paths and optimizations
live in *normalized* input coordinates ``(x - mean) / std`` without a pixel box (knobs ``space``
and ``clamp`` select the alternatives); images are shown in pixels. Quick profile: the zoo
ResNet-18 trained on scikit-learn digits stands for the paper's GoogLeNet on ImageNet. A mode
is one of the ``k`` lowest-loss held-out images among the first ``3k`` of a class (companion
``prepare_imagenet_tensors``; knob ``mode_pool``: the factor 3).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .. import data, zoo
from ..config import Config
from ..methods import connectivity as conn
from ..models import ModelWrapper


@dataclass
class OptSpace:
    """A classifier seen in the coordinates where paths and optimization happen."""

    model: nn.Module
    encode: Callable[[torch.Tensor], torch.Tensor]  # pixels -> coordinates
    decode: Callable[[torch.Tensor], torch.Tensor]  # coordinates -> pixels
    bounds: tuple[torch.Tensor, torch.Tensor] | None  # clamp box in coordinates, or None
    pixel_model: nn.Module  # the same classifier on [0, 1] pixels


def opt_space(wrapper: ModelWrapper, space: str = "normalized", clamp: bool = False) -> OptSpace:
    """:class:`OptSpace` of a pixel-space wrapper (``space``: normalized | pixel)."""
    if space == "pixel":
        box = (
            torch.zeros(1, device=wrapper.mean.device),
            torch.ones(1, device=wrapper.mean.device),
        )
        return OptSpace(wrapper, lambda x: x, lambda z: z, box if clamp else None, wrapper)
    if space != "normalized":
        raise ValueError(f"unknown space {space!r}; valid: 'normalized', 'pixel'")
    nm = conn.NormalizedInput(wrapper)
    return OptSpace(nm, nm.from_pixels, nm.to_pixels, nm.pixel_box() if clamp else None, wrapper)


def trained_space(cfg: Config) -> OptSpace:
    """The notebook's trained classifier (zoo quick/smoke model, paper: pretrained ImageNet, or
    the local weights file ``checkpoint``)."""
    if cfg.profile == "paper":
        wrapper = zoo.load_model(
            cfg.arch, "imagenet", "paper", device=cfg.device, checkpoint=cfg.checkpoint or None
        )
    else:
        wrapper = zoo.load_model(cfg.arch, "digits", cfg.profile, device=cfg.device)
    return opt_space(wrapper, cfg.space, cfg.clamp)


@functools.lru_cache(maxsize=4)
def _study(profile: str, split: str, root: str | None):
    """The notebook's data of a split (:func:`inputspace.data.study_data`: ImageNet in the paper
    profile, the digits otherwise) and its labels, read once per (profile, split, root): listing
    ILSVRC2012's train folder (1.28 M files) takes minutes, and the loops over classes ask for
    it once per class."""
    ds = data.study_data(profile, "imagenet", split, root, n_classes=data.IMAGENET_CLASSES)
    return ds, (ds.y.numpy() if isinstance(ds, data.Split) else np.asarray(ds.targets))


def class_images(cfg: Config, cls: int, n: int, split: str = "heldout") -> torch.Tensor:
    """The first ``n`` images (pixels) of class ``cls`` in data order (paper: ImageNet val/train)."""
    ds, targets = _study(cfg.profile, split, cfg.imagenet_root or None)
    idx = np.flatnonzero(targets == cls)[:n]
    if isinstance(ds, data.Split):
        x = ds.x[torch.as_tensor(idx, dtype=torch.long)]
    else:
        x = data.to_split(ds, idx, "imagenet").x
    if len(x) < n:
        raise ValueError(f"class {cls} has {len(x)} images in the {split} split, {n} needed")
    return x.to(cfg.device)


def num_classes(cfg: Config) -> int:
    """Classes of the notebook's data: 1000 (ImageNet, paper profile) or 10 (digits)."""
    return 1000 if cfg.profile == "paper" else 10


def modes(
    cfg: Config, sp: OptSpace, cls: int, k: int, split: str = "heldout"
) -> tuple[torch.Tensor, torch.Tensor]:
    """The ``k`` modes of a class in optimization coordinates, and their CE (ascending): the
    ``k`` lowest-loss of its first ``mode_pool · k`` images (companion: 3k)."""
    pool = sp.encode(class_images(cfg, cls, cfg.mode_pool * k, split))
    y = torch.full((len(pool),), cls, device=pool.device)
    idx, ce = conn.select_modes(sp.model, pool, y, cls, k)
    return pool[idx.to(pool.device)], ce


def class_labels(cls: int, n: int, device) -> torch.Tensor:
    """``n`` labels ``cls`` (long) on ``device``."""
    return torch.full((n,), cls, dtype=torch.long, device=device)
