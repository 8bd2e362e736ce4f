"""The real network, the photos it classifies, the pool, and the configuration P2's code runs on.

The network is a pretrained EfficientNet-Lite (:func:`inputspace.zoo.load_pretrained_lite`); the
candidates are :data:`inputspace.photos.CANDIDATES`, prepared as the release prepares its inputs.
The pool rule (``docs/real-network.md``, fixed before the first prediction; P2's official
``get_targets`` bar): walking the candidates in order, a photo joins the pool when the network's
top-1 class is one of its human-accepted classes with probability above
:data:`~inputspace.photos.POOL_MIN_CONF` (0.6); its label is that class. On EfficientNet-Lite0 two
photos pass (coffee, camera), so the LST set (:func:`lst_set`, the addendum of
``docs/real-network.md``) takes the pool photos as sources and, as further targets, the candidates
outside the pool in list order: a target needs no label.

:func:`config` derives, from a notebook's configuration, the one P2's code (``p2.roles``,
``p2.lst``, ``p2.geometry``) runs on for the real network: ``network = "real"``, the network as
``arch``, the LST set as the pool (``pool_classes``: its top-1 labels) and as the grid, whose
sources are its first ``grid_sources`` images (the pool photos). Everything else (LST's η, T, δ,
ε) is the notebook's.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import torch

from .. import data, liteweights, photos, zoo
from ..cache import cached
from ..config import Config
from ..models import ModelWrapper

NETWORK = "real"
"""The value of a derived configuration's ``network`` entry (:func:`is_real`)."""
LOG_STEP = 20
"""Iterations between logged LST steps on the real network (the official ``--log_step 20``; at
224 px every logged iterate of the 5 × 5 grid costs 12 MB, so the quick digits' 10 is not used)."""
MIN_POOL = 2
"""Photos a real-network section needs at least (one source and one target)."""


def is_real(cfg: Config) -> bool:
    """Whether ``cfg`` is a real-network configuration made by :func:`config`."""
    return cfg.values.get("network") == NETWORK


def network_name(arch: str) -> str:
    """How tables, figures and the scorecard name the network, e.g. ``EfficientNet-Lite0 (ImageNet, pretrained)``."""
    return f"{liteweights.DISPLAY_NAMES[arch]} (ImageNet, pretrained)"


@lru_cache(maxsize=4)  # the sections of a notebook ask for the same frozen network several times
def load(arch: str, device: torch.device) -> ModelWrapper:
    """The frozen pretrained network (:func:`inputspace.zoo.load_pretrained_lite`)."""
    return zoo.load_pretrained_lite(arch, device=device)


def model(cfg: Config) -> ModelWrapper:
    """The real-network section's network on the notebook's device."""
    return load(cfg.real_arch, cfg.device)


def candidates(cfg: Config) -> dict:
    """Every candidate photo at the network's input size and its top-5 classes (cached per notebook:
    twelve forward passes, cheaper than ordering every real-network notebook after one producer):
    ``names``, ``x`` ``(N, 3, S, S)``, ``top_index`` and ``top_p`` ``(N, 5)``, ``accepted`` and
    ``in_pool`` ``(N,)`` (the pool rule, before the ``real_photos`` cut)."""

    def compute() -> dict:
        names = [p.name for p in photos.CANDIDATES]
        x = photos.photo_batch(names, liteweights.input_size(cfg.real_arch))
        with torch.no_grad():
            p = model(cfg)(x.to(cfg.device)).softmax(-1).cpu()
        top_p, top_index = p.topk(5, dim=1)
        return {
            "names": names,
            "x": x,
            "top_index": top_index,
            "top_p": top_p,
            "accepted": photos.accepted(top_index[:, 0]),
            "in_pool": photos.pool_rule(top_index[:, 0], top_p[:, 0]),
        }

    return cached(
        cfg,
        "real.candidates",
        compute,
        arch=cfg.real_arch,
        photos=[(p.name, p.accept) for p in photos.CANDIDATES],
        bar=photos.POOL_MIN_CONF,
    )


def pool_index(cfg: Config) -> torch.Tensor:
    """Candidate indices of the pool photos (the pool rule), in list order."""
    return candidates(cfg)["in_pool"].nonzero()[:, 0]


def lst_set(cfg: Config) -> tuple[data.Split, int]:
    """The real network's LST images and how many of them are sources: the pool photos first (the
    sources), then candidates outside the pool in list order (targets only), ``real_images`` in
    all; ``y`` holds every image's top-1 class (the sources' labels), ``classes`` the photos' names
    (position i names image i, as P2's pool names its images)."""
    cand, inside = candidates(cfg), pool_index(cfg)
    if len(inside) < 1 or cfg.real_images < MIN_POOL:
        raise RuntimeError(
            f"{len(inside)} of {len(cand['names'])} photos pass the pool rule under {cfg.real_arch} "
            f"(top-1 accepted with p > {photos.POOL_MIN_CONF}) and real_images = {cfg.real_images}: "
            f"the real-network section needs a source and {MIN_POOL} images"
        )
    outside = (~cand["in_pool"]).nonzero()[:, 0]
    idx = torch.cat([inside, outside])[: cfg.real_images]
    split = data.Split(
        cand["x"][idx],
        cand["top_index"][idx, 0].clone(),
        tuple(cand["names"][i] for i in idx),
        f"photos-{cfg.real_arch}",
    )
    return split, min(len(inside), len(idx))


def pool(cfg: Config) -> data.Split:
    """The LST set of :func:`lst_set` (what P2's code calls its pool on the real network)."""
    return lst_set(cfg)[0]


def config(cfg: Config) -> Config:
    """The configuration P2's code runs on for the real network (module doc)."""
    images, sources = lst_set(cfg)
    values = {
        **cfg.values,
        "network": NETWORK,
        "arch": cfg.real_arch,
        "pool_classes": tuple(images.y.tolist()),
        "grid_n": len(images),
        "grid_sources": sources,
        "log_every": min(LOG_STEP, cfg.iters) if "iters" in cfg.values else LOG_STEP,
        "traverse_misclassified": False,
    }
    return replace(cfg, values=values)


def p2_label(cfg: Config) -> str:
    """The scorecard's label of a real-network row: the network and the photos of its LST set (the
    sources first)."""
    images, sources = lst_set(cfg)
    return (
        f"{network_name(cfg.real_arch)}; sources {', '.join(images.classes[:sources])}; "
        f"targets also {', '.join(images.classes[sources:])}"
    )
