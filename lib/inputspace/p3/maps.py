"""The P3 pipeline up to the trained maps (Fig. 1): images -> composite layers CL1-CL4 (ViT: CLS
token per block) -> vector codes (:mod:`inputspace.methods.codes`, Sec. 2.1-2.2) -> one toroidal SOM
per layer (:mod:`inputspace.methods.som`, QuickSOM semantics, Sec. 2.3, Table 1) -> top-10 BMUs of
SOM-tr and SOM-val, whose statistics are in :mod:`.geometry`.

Shared cache (``notebook.cached(..., shared=True)``): the codes of a (model, data set, split) and the
SOM of a (model, data set, layer, size) are computed once per profile and reused by every notebook.

Quick profile: the four CNNs and the 6-block ViT of the zoo trained on digits (32x32); SOM-tr /
SOM-val = ``per_class`` images per class from the digits train / held-out split (held-out has 52-55
per class, so 50 per class as in the paper). Paper profile: timm ImageNet weights, SOM-tr from
ILSVRC2012 train, SOM-val from val (``imagenet_root``), 50 per class of all 1000 classes (Sec. 3.1).
``n_classes`` keeps the first classes only: the same per-class samples as the full run (the paper
check; a class range of the codes for a cluster job is a part of the full run in the same way).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache

import torch

from .. import data, paths, zoo
from ..cache import cached
from ..config import Config
from ..methods import codes as vcodes
from ..methods.som import SOM, SOMConfig, bmus, train_som
from ..methods.torus import class_centers
from .knobs import DEFAULT_BATCH, PAPER_BATCH, TABLE1

CODES_VERSION = 1  # bump when the code extraction changes (invalidates shared caches)
SOM_VERSION = 1  # bump when the SOM training changes


def som_config(cfg: Config, arch: str, size: int | None = None) -> SOMConfig:
    """The SOM hyper-parameters every P3 notebook uses (Table 1 + Sec. 3.1; printed by p3-tab01)."""
    size = cfg.som_size if size is None else size
    batch = PAPER_BATCH.get(arch, DEFAULT_BATCH)
    return SOMConfig(m=size, n=size, epochs=cfg.epochs, batch_size=batch, **TABLE1)


# ----------------------------------------------------------------------------------- data sets
@lru_cache(maxsize=8)
def _source(dataset: str, which: str, profile: str, root: str = ""):
    """SOM-tr (``which="tr"``) or SOM-val (``"val"``) source: an in-memory Split (offline data)
    or a torch Dataset (paper profile; ImageNet from ``root``, else ``$INPUTSPACE_IMAGENET``)."""
    return data.by_name(dataset, "train" if which == "tr" else "heldout", profile, root or None)


def _targets(source) -> torch.Tensor:
    if isinstance(source, data.Split):
        return source.y
    for attr in ("targets", "labels"):
        if hasattr(source, attr):
            return torch.as_tensor(getattr(source, attr))
    raise TypeError(f"cannot read the labels of {type(source).__name__}")


def sample_indices(
    dataset: str,
    which: str,
    per_class: int,
    seed: int,
    profile: str,
    n_classes: int | None = None,
    root: str = "",
) -> torch.Tensor:
    """Class-balanced sample (SOM-tr / SOM-val); ``per_class`` is capped at the smallest class
    (LFW held-out: 30 per class).

    ``n_classes`` keeps the classes ``0 .. n_classes - 1`` only (None: all). The sample of every
    kept class is the one the full sample draws for it, so runs over the first classes (or the
    codes of a class range) are exactly a part of the all-class run.
    """
    y = _targets(_source(dataset, which, profile, root))
    n = min(per_class, int(torch.bincount(y).min()))
    salt = {"tr": 0, "val": 1}[which]
    idx = torch.as_tensor(data.class_balanced_indices(y, n, seed * 2 + salt))
    if n_classes is not None:
        idx = idx[y[idx] < n_classes]
    return idx


def load_images(
    dataset: str, which: str, idx: torch.Tensor, profile: str, root: str = ""
) -> tuple[torch.Tensor, torch.Tensor]:
    """Images ``(N, 3, H, W)`` in [0, 1] and labels of some items of a SOM-tr/SOM-val source."""
    src = _source(dataset, which, profile, root)
    if isinstance(src, data.Split):
        return src.x[idx], src.y[idx]
    split = data.to_split(src, idx.tolist(), f"{dataset}-{which}")
    return split.x, split.y


LOADER_WORKERS = 8
"""Processes decoding the images of a paper-profile data set (ImageNet JPEGs) for the codes."""


def _batches(
    dataset: str, which: str, idx: torch.Tensor, profile: str, root: str = "", batch: int = 256
):
    """Batches ``(x, y)`` of the items ``idx`` in order; a torch Dataset (paper profile) is read by
    a DataLoader with up to :data:`LOADER_WORKERS` processes when there is more than one batch
    (decoding 50 000 JPEGs in one process takes longer than their codes on a GPU)."""
    src = _source(dataset, which, profile, root)
    if isinstance(src, data.Split):
        for start in range(0, len(idx), batch):
            yield src.x[idx[start : start + batch]], src.y[idx[start : start + batch]]
        return
    from torch.utils.data import DataLoader, Subset

    workers = min(LOADER_WORKERS, os.cpu_count() or 1) if len(idx) > batch else 0
    yield from DataLoader(Subset(src, idx.tolist()), batch_size=batch, num_workers=workers)


# ------------------------------------------------------------------------------------- models
def _checkpoint(cfg: Config, arch: str, dataset: str):
    """The paper profile's local weights of ``arch`` on ``dataset``: ``<checkpoint_dir>/<arch>-<dataset>.pt``
    (CIFAR/SVHN: required; ImageNet: used when it exists, any timm architecture, else timm's
    pretrained weights)."""
    if cfg.profile == "paper" and cfg.checkpoint_dir:
        from pathlib import Path

        path = Path(cfg.checkpoint_dir) / f"{arch}-{dataset}.pt"
        if dataset != "imagenet" or path.is_file():
            return path
    return None


@lru_cache(maxsize=2)
def _load(arch: str, dataset: str, profile: str, device: torch.device, checkpoint):
    return zoo.load_model(arch, dataset, profile, device=device, checkpoint=checkpoint)


def model(cfg: Config, arch: str, dataset: str | None = None):
    """The frozen model of ``arch`` trained on ``dataset`` (zoo; paper: timm weights or a local
    checkpoint). The last two models are kept in memory, so the SOM-tr and SOM-val codes of a
    model load it once (VGG-19-BN: 550 MB of weights)."""
    dataset = dataset or cfg.dataset
    return _load(arch, dataset, cfg.profile, cfg.device, _checkpoint(cfg, arch, dataset))


def model_key(cfg: Config, arch: str, dataset: str | None = None) -> str:
    """Identity of the model in the shared cache keys: the sha256 of a zoo model's weights (so a
    retrained model never reuses stale codes), else the architecture and weight source."""
    dataset = dataset or cfg.dataset
    if cfg.profile == "paper":
        return f"{arch}:{dataset}:{_checkpoint(cfg, arch, dataset) or 'timm-pretrained'}"
    name = zoo.model_name(arch, dataset, "standard", 0)
    manifest = paths.models_dir(cfg.profile) / f"{name}.json"
    if not (manifest.exists() and manifest.with_suffix(".pt").exists()):  # the zoo trains it once
        _, man = zoo.load_quick_model(arch, dataset, cfg.profile, device=torch.device("cpu"))
        return man["sha256"]
    return json.loads(manifest.read_text())["sha256"]


# -------------------------------------------------------------------------------------- codes
def _extract(cfg: Config, arch: str, dataset: str, which: str) -> dict:
    net = model(cfg, arch, dataset)
    idx = sample_indices(
        dataset, which, cfg.per_class, cfg.seed, cfg.profile, cfg.n_classes, cfg.imagenet_root
    )
    layers, ys, preds = [], [], []
    for x, y in _batches(dataset, which, idx, cfg.profile, cfg.imagenet_root):
        with torch.no_grad():
            logits, feats = net.forward_with_features(x.to(cfg.device))
        layers.append([c.cpu() for c in vcodes.layer_codes(feats, com=cfg.com)])
        ys.append(y)
        preds.append(logits.argmax(1).cpu())
    return {
        "codes": [torch.cat(layer) for layer in zip(*layers)],
        "y": torch.cat(ys),
        "pred": torch.cat(preds),
        "idx": idx,
        "stages": list(net.stage_names),
    }


def classes_key(cfg: Config) -> dict:
    """``{"n_classes": n}`` when the run keeps the first ``n`` classes only, else ``{}`` (so the
    cache keys of all-class runs are those from before the knob existed)."""
    return {} if cfg.n_classes is None else {"n_classes": cfg.n_classes}


def data_key(cfg: Config) -> dict:
    """``{"imagenet_root": folder}`` when the run reads ImageNet from a folder given as a knob, else
    ``{}``: codes of another folder are other codes (the quick profile's keys are unchanged; a
    folder given only through ``$INPUTSPACE_IMAGENET`` is not part of the key)."""
    return {"imagenet_root": str(cfg.imagenet_root)} if cfg.imagenet_root else {}


def _codes_key(cfg: Config, arch: str, dataset: str, which: str) -> dict:
    return {
        "arch": arch,
        "dataset": dataset,
        "which": which,
        "per_class": cfg.per_class,
        "com": cfg.com,
        "seed": cfg.seed,
        "model": model_key(cfg, arch, dataset),
        "version": CODES_VERSION,
        **classes_key(cfg),
        **data_key(cfg),
    }


def split_codes(cfg: Config, arch: str, which: str, dataset: str | None = None) -> dict:
    """Cached vector codes of SOM-tr or SOM-val (Sec. 2.2, one tensor per composite layer):
    ``{"codes": [(N, dim) per layer], "y", "pred", "idx", "stages"}``."""
    dataset = dataset or cfg.dataset
    return cached(
        cfg,
        f"p3.codes.{arch}.{dataset}.{which}",
        lambda: _extract(cfg, arch, dataset, which),
        shared=True,
        **_codes_key(cfg, arch, dataset, which),
    )


def split_meta(cfg: Config, arch: str, which: str, dataset: str | None = None) -> dict:
    """The small part of :func:`split_codes` (labels, predictions, indices, number of layers),
    cached separately so analyses of trained SOMs never load the codes."""
    dataset = dataset or cfg.dataset

    def meta() -> dict:
        d = split_codes(cfg, arch, which, dataset)
        return {"y": d["y"], "pred": d["pred"], "idx": d["idx"], "n_layers": len(d["codes"])}

    return cached(
        cfg,
        f"p3.meta.{arch}.{dataset}.{which}",
        meta,
        shared=True,
        **_codes_key(cfg, arch, dataset, which),
    )


# --------------------------------------------------------------------------------------- SOMs
@dataclass
class LayerSOM:
    """A trained layer SOM with the top-k BMUs of SOM-tr and SOM-val and the class centres."""

    arch: str
    layer: int
    som: SOM
    bmu_tr: torch.Tensor
    bmu_val: torch.Tensor
    y_tr: torch.Tensor
    y_val: torch.Tensor
    pred_val: torch.Tensor
    num_classes: int

    @property
    def m(self) -> int:
        return self.som.m

    @property
    def n(self) -> int:
        return self.som.n

    def centers(self) -> dict[str, torch.Tensor]:
        """Class modes/centres from SOM-tr (Sec. 2.4)."""
        return class_centers(self.bmu_tr, self.y_tr, self.m, self.n, self.num_classes)


def _train_layer(cfg: Config, arch: str, dataset: str, layer: int, size: int) -> dict:
    tr, val = split_codes(cfg, arch, "tr", dataset), split_codes(cfg, arch, "val", dataset)
    gen = torch.Generator().manual_seed(cfg.seed * 1000 + layer * 10 + size)
    s = train_som(tr["codes"][layer], som_config(cfg, arch, size), generator=gen, device=cfg.device)
    return {
        **s.to_dict(),
        "bmu_tr": bmus(tr["codes"][layer], s, cfg.n_bmus)[0],
        "bmu_val": bmus(val["codes"][layer], s, cfg.n_bmus)[0],
    }


def layer_som(
    cfg: Config, arch: str, layer: int, size: int | None = None, dataset: str | None = None
) -> LayerSOM:
    """The (shared, cached) SOM of one layer of ``arch`` with its SOM-tr/SOM-val BMUs."""
    dataset, size = dataset or cfg.dataset, size or cfg.som_size
    d = cached(
        cfg,
        f"p3.som.{arch}.{dataset}.L{layer}.s{size}",
        lambda: _train_layer(cfg, arch, dataset, layer, size),
        shared=True,
        **_codes_key(cfg, arch, dataset, "tr+val"),
        layer=layer,
        size=size,
        n_bmus=cfg.n_bmus,
        som=som_config(cfg, arch, size).as_dict(),
        som_version=SOM_VERSION,
    )
    tr, val = split_meta(cfg, arch, "tr", dataset), split_meta(cfg, arch, "val", dataset)
    k = int(max(tr["y"].max(), val["y"].max())) + 1
    return LayerSOM(
        arch, layer, SOM.from_dict(d), d["bmu_tr"], d["bmu_val"], tr["y"], val["y"], val["pred"], k
    )


def model_soms(
    cfg: Config, arch: str, size: int | None = None, dataset: str | None = None
) -> list[LayerSOM]:
    """One :class:`LayerSOM` per analysed layer of ``arch`` (CL1-CL4, or every ViT block)."""
    n_layers = split_meta(cfg, arch, "tr", dataset)["n_layers"]
    return [layer_som(cfg, arch, i, size, dataset) for i in range(n_layers)]


def layer_names(soms: list[LayerSOM]) -> list[str]:
    """``CL1..CL4`` for CNNs, ``B1..Bn`` for ViT blocks."""
    prefix = "B" if soms and soms[0].arch.startswith("vit") else "CL"
    return [f"{prefix}{i + 1}" for i in range(len(soms))]
