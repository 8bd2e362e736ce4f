"""P3 — Lee & Vijayan, "Generalization ability and vulnerabilities to adversarial perturbations:
two sides of the same coin": knobs and orchestration of p3-fig01 … p3-figS4 (checklist §P3).

Pipeline (Fig. 1): images -> composite layers CL1-CL4 (ViT: CLS token per block) -> vector
codes (:mod:`inputspace.codes`) -> one SOM per layer (:mod:`inputspace.som`, QuickSOM semantics)
-> top-10 BMUs of SOM-tr and SOM-val -> torus analyses (:mod:`inputspace.torus`).

Shared cache (``notebook.cached(..., shared=True)``): the codes of a (model, data set, split)
and the SOM of a (model, data set, layer, size) are computed once per profile and reused by
every notebook; so are the PGD / noise runs of :mod:`.p3_attack`.

Quick profile: the four CNNs and the 6-block ViT of the zoo trained on digits (32x32); SOM-tr /
SOM-val = ``per_class`` images per class from the digits train / held-out split (held-out has
52-55 per class, so 50 per class as in the paper). Paper profile: timm ImageNet weights,
SOM-tr from ILSVRC2012 train, SOM-val from val, 50 per class.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import lru_cache

import torch

from .. import codes as vcodes
from .. import data, paths, zoo
from ..config import Config, Knob
from ..notebook import cached
from ..som import SOM, SOMConfig, bmus, train_som
from ..torus import class_centers

log = logging.getLogger(__name__)

CNNS: tuple[str, ...] = ("resnet18", "resnet50", "vgg19_bn", "densenet121")
LABELS = {"resnet18": "ResNet-18", "resnet50": "ResNet-50", "vgg19_bn": "VGG-19-BN", "vgg19": "VGG-19",
          "densenet121": "DenseNet-121", "vit_tiny": "ViT-tiny (6 blocks)",
          "vit_base_patch16_224": "ViT-B/16"}
TABLE1 = {"sigma": 10.0, "alpha": 0.1, "sched": "exp", "periodic": True, "metric": "cosine"}
"""P3 Table 1 (σ, α initial values, 'exp' decay) + Sec. 2.3 (periodic grid, cosine distance)."""
PAPER_BATCH = {"densenet121": 50}
"""Sec. 3.1: SOM batch 10 for ResNet-18/50 and VGG-19, 50 for DenseNet-121 (others: 10)."""
DEFAULT_BATCH = 10
CODES_VERSION = 1  # bump when the code extraction changes (invalidates shared caches)
QUICK_EPOCHS_NOTE = (
    "The quick profile trains every SOM for 50 epochs instead of the paper's 5: SOM-tr has 500 "
    "codes instead of 50 000, so 5 epochs give a 20x20 map only 250 batch updates (DenseNet-121, "
    "batch 50: 50) against the paper's 25 000 (5 000), and the maps collapse onto a few units "
    "(DenseNet-121: one BMU for every input, in every layer and SOM size). 50 epochs give 2 500 "
    "updates (DenseNet 500), still 10x fewer than the paper. `epochs=5` runs the paper's value.")
SOM_VERSION = 1


def _k(smoke, quick, paper, help: str = "", choices=None) -> Knob:
    return Knob({"smoke": smoke, "quick": quick, "paper": paper}, choices, help)


DATASETS = ("digits", "lfw", "imagenet", "cifar10", "cifar100", "svhn")
BASE = {
    "dataset": _k("digits", "digits", "imagenet", "data set of SOM-tr/SOM-val", DATASETS),
    "per_class": _k(5, 50, 50, "inputs per class in SOM-tr and in SOM-val (paper 50)"),
    "som_size": _k(4, 20, 20, "side of the square main SOMs (paper 20)"),
    "epochs": _k(1, 50, 5, "SOM training epochs (paper 5; quick 50, see QUICK_EPOCHS_NOTE)"),
    "com": Knob("radial", vcodes.COM_MODES, "centre-of-mass scalar of the codes (our choice)"),
    "n_bmus": Knob(10, help="BMUs per input (paper 10)"),
    "checkpoint_dir": Knob("", help="paper profile, CIFAR/SVHN: folder of <arch>-<dataset>.pt"),
}
ARCHS = {"archs": _k(CNNS, CNNS, CNNS, "CNNs analysed (paper: all four)")}
SIZES = {"sizes": _k((3, 4), (10, 20, 30, 40), (10, 20, 30, 40),
                    "sides of the square SOMs (paper 10, 20, 30, 40)")}
VIT = {"vit_arch": _k("vit_tiny", "vit_tiny", "vit_base_patch16_224",
                      "ViT (paper: 12 blocks, ImageNet)")}
CENTERS = {"n_centers": Knob(100, help="class centres sampled (paper 100)")}
ATTACK = {
    "n_attack": _k(6, 50, 500, "attacked images, drawn from SOM-val (paper 500 random images)"),
    "pgd_iters": _k(3, 50, 50, "PGD iterations (Table 2: 50)"),
    "paper_eps": Knob(4 / 255, help="the paper's ε (Table 2: 4/255)"),
    "collapse_acc": Knob(0.10, help="ε rule: smallest grid ε with PGD accuracy below this"),
}
KNOBS: dict[str, dict[str, Knob]] = {
    "p3-fig01": {**BASE, "arch": Knob("resnet18", CNNS),
                 "image_index": Knob(0, help="SOM-val input shown")},
    "p3-fig02": {**BASE, "arch": Knob("resnet18", CNNS)},
    "p3-fig03": {**BASE, **ARCHS},
    "p3-fig04": {**BASE, **ARCHS,
                 "layer": Knob(1, (0, 1, 2, 3), "CL index shown, 0-based (paper: CL2, index 1)"),
                 "density_bmus": Knob(1, help="BMUs per input in the density (1: the BMU)")},
    "p3-fig05": {**BASE, "arch": Knob("resnet18", CNNS), "n_show": _k(3, 5, 5, "classes shown")},
    "p3-fig06": {**BASE, "archs": Knob(("resnet18", "resnet50"), help="models of panels A-D")},
    "p3-fig07": {**BASE, **ARCHS, **SIZES, **CENTERS},
    "p3-fig08": {**BASE, "arch": Knob("resnet50", CNNS),
                 "datasets": _k(("digits", "lfw"), ("digits", "lfw"),
                                ("cifar10", "cifar100", "svhn"),
                                "data sets (paper CIFAR-10/100, SVHN; quick analog digits, LFW)")},
    "p3-fig09": {**BASE, **VIT},
    "p3-fig10": {**BASE, **VIT, **SIZES, **CENTERS},
    "p3-fig11": {**BASE, **ATTACK, "archs": Knob(("resnet18", "resnet50"), help="attacked models")},
    "p3-fig12": {**BASE, **ATTACK, **VIT},
    "p3-tab01": {},  # prints the resolved configurations of p3-fig03 / p3-fig07
    "p3-tab02": {},  # prints the resolved configuration of p3-fig11
    "p3-figS1": {**BASE, **ARCHS, "density_bmus": Knob(1, help="BMUs per input in the density")},
    "p3-figS2": {**BASE, "arch": Knob("resnet50", CNNS), "n_show": _k(3, 5, 5, "classes shown")},
    "p3-figS3": {**BASE, "archs": Knob(("resnet18", "resnet50"), help="models of panels A, B"),
                 "aggregate": Knob("class", ("class", "input"), "statistic: per-class means (caption) or per input")},
    "p3-figS4": {**BASE, **ARCHS, **VIT, **ATTACK, "attack_archs": Knob(("resnet18", "resnet50"))},
}


def som_config(cfg: Config, arch: str, size: int | None = None) -> SOMConfig:
    """The SOM hyper-parameters every P3 notebook uses (Table 1 + Sec. 3.1; printed by p3-tab01)."""
    size = cfg.som_size if size is None else size
    batch = PAPER_BATCH.get(arch, DEFAULT_BATCH)
    return SOMConfig(m=size, n=size, epochs=cfg.epochs, batch_size=batch, **TABLE1)


# ----------------------------------------------------------------------------------- data sets
@lru_cache(maxsize=8)
def _source(dataset: str, which: str, profile: str):
    """SOM-tr (``which="tr"``) or SOM-val (``"val"``) source: an in-memory Split (offline data)
    or a torch Dataset (paper profile)."""
    offline = {"digits": data.digits, "lfw": data.lfw_faces}
    if dataset in offline:
        return offline[dataset]("train" if which == "tr" else "heldout")
    if profile != "paper":
        raise ValueError(f"data set {dataset!r} needs the paper profile; offline: "
                         f"{sorted(offline)}")
    if dataset == "imagenet":
        return data.imagenet("train" if which == "tr" else "val")
    return data.torchvision_set(dataset, "train" if which == "tr" else "test")


def _targets(source) -> torch.Tensor:
    if isinstance(source, data.Split):
        return source.y
    for attr in ("targets", "labels"):
        if hasattr(source, attr):
            return torch.as_tensor(getattr(source, attr))
    raise TypeError(f"cannot read the labels of {type(source).__name__}")


def sample_indices(dataset: str, which: str, per_class: int, seed: int,
                   profile: str) -> torch.Tensor:
    """Class-balanced sample (SOM-tr / SOM-val); ``per_class`` is capped at the smallest class
    (LFW held-out: 30 per class)."""
    y = _targets(_source(dataset, which, profile))
    n = min(per_class, int(torch.bincount(y).min()))
    salt = {"tr": 0, "val": 1}[which]
    return torch.as_tensor(data.class_balanced_indices(y, n, seed * 2 + salt))


def load_images(dataset: str, which: str, idx: torch.Tensor,
                profile: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Images ``(N, 3, H, W)`` in [0, 1] and labels of some items of a SOM-tr/SOM-val source."""
    src = _source(dataset, which, profile)
    if isinstance(src, data.Split):
        return src.x[idx], src.y[idx]
    split = data.to_split(src, idx.tolist(), f"{dataset}-{which}")
    return split.x, split.y


def _batches(dataset: str, which: str, idx: torch.Tensor, profile: str, batch: int = 256):
    src = _source(dataset, which, profile)
    for start in range(0, len(idx), batch):
        part = idx[start:start + batch]
        if isinstance(src, data.Split):
            yield src.x[part], src.y[part]
        else:
            split = data.to_split(src, part.tolist(), "batch")
            yield split.x, split.y


# ------------------------------------------------------------------------------------- models
def _checkpoint(cfg: Config, arch: str, dataset: str):
    if cfg.profile == "paper" and dataset != "imagenet" and cfg.checkpoint_dir:
        from pathlib import Path

        return Path(cfg.checkpoint_dir) / f"{arch}-{dataset}.pt"
    return None


def model(cfg: Config, arch: str, dataset: str | None = None):
    """The frozen model of ``arch`` trained on ``dataset`` (zoo; paper: timm weights or a local
    checkpoint)."""
    dataset = dataset or cfg.dataset
    return zoo.load_model(arch, dataset, cfg.profile, device=cfg.device,
                          checkpoint=_checkpoint(cfg, arch, dataset))


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


def _extract(cfg: Config, arch: str, dataset: str, which: str) -> dict:
    net = model(cfg, arch, dataset)
    idx = sample_indices(dataset, which, cfg.per_class, cfg.seed, cfg.profile)
    layers, ys, preds = [], [], []
    for x, y in _batches(dataset, which, idx, cfg.profile):
        with torch.no_grad():
            logits, feats = net.forward_with_features(x.to(cfg.device))
        layers.append([c.cpu() for c in vcodes.layer_codes(feats, com=cfg.com)])
        ys.append(y)
        preds.append(logits.argmax(1).cpu())
    return {"codes": [torch.cat(layer) for layer in zip(*layers)], "y": torch.cat(ys),
            "pred": torch.cat(preds), "idx": idx, "stages": list(net.stage_names)}


def _codes_key(cfg: Config, arch: str, dataset: str, which: str) -> dict:
    return {"arch": arch, "dataset": dataset, "which": which, "per_class": cfg.per_class,
            "com": cfg.com, "seed": cfg.seed, "model": model_key(cfg, arch, dataset),
            "version": CODES_VERSION}


def layer_codes(cfg: Config, arch: str, which: str, dataset: str | None = None) -> dict:
    """Cached codes of SOM-tr or SOM-val: ``{"codes": [(N, dim) per layer], "y", "pred", ...}``."""
    dataset = dataset or cfg.dataset
    return cached(cfg, f"p3.codes.{arch}.{dataset}.{which}",
                  lambda: _extract(cfg, arch, dataset, which), shared=True,
                  **_codes_key(cfg, arch, dataset, which))


def layer_meta(cfg: Config, arch: str, which: str, dataset: str | None = None) -> dict:
    """The small part of :func:`layer_codes` (labels, predictions, indices, number of layers),
    cached separately so analyses of trained SOMs never load the codes."""
    dataset = dataset or cfg.dataset

    def meta() -> dict:
        d = layer_codes(cfg, arch, which, dataset)
        return {"y": d["y"], "pred": d["pred"], "idx": d["idx"], "n_layers": len(d["codes"])}

    return cached(cfg, f"p3.meta.{arch}.{dataset}.{which}", meta, shared=True,
                  **_codes_key(cfg, arch, dataset, which))


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
    tr, val = layer_codes(cfg, arch, "tr", dataset), layer_codes(cfg, arch, "val", dataset)
    gen = torch.Generator().manual_seed(cfg.seed * 1000 + layer * 10 + size)
    s = train_som(tr["codes"][layer], som_config(cfg, arch, size), generator=gen, device=cfg.device)
    return {**s.to_dict(), "bmu_tr": bmus(tr["codes"][layer], s, cfg.n_bmus)[0],
            "bmu_val": bmus(val["codes"][layer], s, cfg.n_bmus)[0]}


def layer_som(cfg: Config, arch: str, layer: int, size: int | None = None,
              dataset: str | None = None) -> LayerSOM:
    """The (shared, cached) SOM of one layer of ``arch`` with its SOM-tr/SOM-val BMUs."""
    dataset, size = dataset or cfg.dataset, size or cfg.som_size
    d = cached(cfg, f"p3.som.{arch}.{dataset}.L{layer}.s{size}",
               lambda: _train_layer(cfg, arch, dataset, layer, size), shared=True,
               **_codes_key(cfg, arch, dataset, "tr+val"), layer=layer, size=size,
               n_bmus=cfg.n_bmus, som=som_config(cfg, arch, size).as_dict(),
               som_version=SOM_VERSION)
    tr, val = layer_meta(cfg, arch, "tr", dataset), layer_meta(cfg, arch, "val", dataset)
    k = int(max(tr["y"].max(), val["y"].max())) + 1
    return LayerSOM(arch, layer, SOM.from_dict(d), d["bmu_tr"], d["bmu_val"], tr["y"], val["y"],
                    val["pred"], k)


def model_soms(cfg: Config, arch: str, size: int | None = None,
               dataset: str | None = None) -> list[LayerSOM]:
    """One :class:`LayerSOM` per analysed layer of ``arch`` (CL1-CL4, or every ViT block)."""
    n_layers = layer_meta(cfg, arch, "tr", dataset)["n_layers"]
    return [layer_som(cfg, arch, i, size, dataset) for i in range(n_layers)]


def layer_names(soms: list[LayerSOM]) -> list[str]:
    """``CL1..CL4`` for CNNs, ``B1..Bn`` for ViT blocks."""
    prefix = "B" if soms and soms[0].arch.startswith("vit") else "CL"
    return [f"{prefix}{i + 1}" for i in range(len(soms))]
