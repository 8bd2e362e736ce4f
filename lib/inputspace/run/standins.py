"""Stand-in data sets and weights for ``make paper-check``: the paper profile run end to end,
offline, on files that have the real on-disk formats but none of the real contents.

The paper profile reads ILSVRC2012, CIFAR-10/100, SVHN and pretrained / RobustBench weights that
a CI machine does not have. This module writes small local substitutes in exactly the layouts
the loaders read, so every code path (folder checks, torchvision parsers, ``Resize(256)`` →
``CenterCrop(224)``, state-dict loading into the real architectures) runs for real. The
numbers such a run produces mean nothing; only that it runs. Nothing is downloaded.

Layout under ``OUT_DIR`` (default ``build/paper-check/standins``)::

    imagenet/train/<wnid>/*.JPEG, imagenet/val/<wnid>/*.JPEG   1000 WordNet-id folders, standard order
    cifar/cifar-10-batches-py/ data_batch_1..5, test_batch, batches.meta
    cifar/cifar-100-python/    train, test, meta        (one root: $INPUTSPACE_CIFAR serves both)
    svhn/train_32x32.mat, svhn/test_32x32.mat
    checkpoints/<arch>.pt                 timm state dicts at ImageNet size (1000 classes, 224 px)
    checkpoints/<arch>-<dataset>.pt       P3's checkpoint_dir for CIFAR-10/100 and SVHN (32 px)
    checkpoints/robustbench/imagenet/Linf/Salman2020Do_R50.pt, Singh2023Revisiting_ViT-S-ConvStem.pt
    hub/                                  optional: the timm files as a Hugging Face hub cache
    torch/hub/checkpoints/                optional: a random AlexNet where torchvision caches it (LPIPS)

Every checkpoint has a JSON manifest beside it (``<name>.json``); a file whose manifest matches
its specification and size is not rewritten. Images come from scikit-image's bundled photos and
scikit-learn's bundled digits (cropped, flipped and colour-shifted per image), never noise.

CLI: ``python -m inputspace.run.standins [OUT_DIR] [--per-class N]`` (``--help`` for the rest).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import shutil
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from .. import data, models, paths
from ..models import vit_s_convstem

DEFAULT_OUT: Path = paths.BUILD / "paper-check" / "standins"
VERSION = 1
"""Bumped when a stand-in's contents change; part of every manifest."""
SEED = 0
PHOTOS: tuple[str, ...] = (
    "astronaut",
    "coffee",
    "chelsea",
    "rocket",
    "immunohistochemistry",
    "hubble_deep_field",
    "retina",
    "colorwheel",
    "logo",
    "camera",
    "moon",
    "coins",
    "brick",
    "grass",
    "gravel",
    "cell",
    "clock",
)
"""scikit-image sample images bundled with the package (all at least 300 px on each side)."""
IMAGENET_PER_CLASS = 2
IMAGENET_DISTINCT = 401
"""Distinct stand-in JPEGs; the class folders hold hard links to them (prime: class ``c`` and
``c + 401`` are the only classes that share a picture)."""
IMAGENET_SHORT_SIDE = (256, 320)
SMALL_PER_CLASS = 10
CIFAR10_NAMES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
RB_SALMAN = "Salman2020Do_R50"
RB_VIT = "Singh2023Revisiting_ViT-S-ConvStem"
RB_DIR = "robustbench"
"""RobustBench ``model_dir`` (inside ``checkpoints/``): files at ``imagenet/Linf/<name>.pt``."""


# ------------------------------------------------------------------------------------ images
@cache
def _photo(name: str) -> np.ndarray:
    """A bundled scikit-image picture as (H, W, 3) uint8 (grey and RGBA made RGB)."""
    import skimage.data as skd

    img = np.asarray(getattr(skd, name)())
    if img.dtype == bool:
        img = img.astype(np.uint8) * 255
    if img.ndim == 2:
        img = np.repeat(img[..., None], 3, axis=2)
    return np.ascontiguousarray(img[..., :3].astype(np.uint8))


def standin_photo(index: int, short_side: tuple[int, int] = IMAGENET_SHORT_SIDE) -> Image.Image:
    """Picture number ``index``: a random crop (55-100 % of each side) of one bundled photo,
    flipped or not, resized so that its short side lies in ``short_side``, with a per-channel
    gain, offset and channel order. The same index always gives the same picture."""
    rng = np.random.default_rng([SEED, index])
    img = _photo(PHOTOS[index % len(PHOTOS)])
    h, w = img.shape[:2]
    ch, cw = (int(s * rng.uniform(0.55, 1.0)) for s in (h, w))
    top, left = rng.integers(0, h - ch + 1), rng.integers(0, w - cw + 1)
    pic = Image.fromarray(img[top : top + ch, left : left + cw])
    if rng.random() < 0.5:
        pic = pic.transpose(Image.FLIP_LEFT_RIGHT)
    side = int(rng.integers(short_side[0], short_side[1] + 1))
    scale = side / min(pic.size)
    pic = pic.resize(
        (max(side, round(pic.width * scale)), max(side, round(pic.height * scale))), Image.BILINEAR
    )
    arr = np.asarray(pic, np.float32)[..., rng.permutation(3)] * rng.uniform(0.6, 1.4, 3)
    return Image.fromarray(np.clip(arr + rng.uniform(-40, 40, 3), 0, 255).astype(np.uint8))


@cache
def _thumbnail(name: str, side: int = 96) -> np.ndarray:
    """A bundled photo scaled so that its short side is ``side`` (source of 32-px crops)."""
    pic = Image.fromarray(_photo(name))
    scale = side / min(pic.size)
    return np.asarray(
        pic.resize((round(pic.width * scale), round(pic.height * scale)), Image.BILINEAR)
    )


def small_images(labels: Sequence[int], seed: int) -> np.ndarray:
    """(N, 32, 32, 3) uint8 pictures for 32-px stand-ins: a crop of a bundled photo with the
    bundled handwritten digit ``label % 10`` drawn over it in a random colour (so a label is
    visible in its pictures)."""
    glyphs = _glyphs()
    rng = np.random.default_rng([SEED, seed])
    out = np.empty((len(labels), 32, 32, 3), np.uint8)
    for n, label in enumerate(labels):
        photo = _thumbnail(PHOTOS[int(rng.integers(len(PHOTOS)))])
        s = int(rng.integers(32, min(photo.shape[:2]) + 1))
        top, left = rng.integers(0, photo.shape[0] - s + 1), rng.integers(0, photo.shape[1] - s + 1)
        bg = np.asarray(
            Image.fromarray(photo[top : top + s, left : left + s]).resize((32, 32), Image.BILINEAR),
            np.float32,
        )
        options = glyphs[int(label) % 10]
        mask = options[int(rng.integers(len(options)))]
        colour = rng.uniform(0, 255, 3)
        img = bg * 0.6
        img[4:28, 4:28] = img[4:28, 4:28] * (1 - mask) + colour * mask
        out[n] = np.clip(img, 0, 255).astype(np.uint8)
    return out


@cache
def _glyphs() -> tuple[np.ndarray, ...]:
    """Per digit 0-9, scikit-learn's bundled handwritten digits as (n, 24, 24, 1) masks in [0, 1]."""
    from sklearn.datasets import load_digits

    d = load_digits()
    t = torch.as_tensor(d.images / 16.0, dtype=torch.float32)[:, None]
    masks = torch.nn.functional.interpolate(t, size=(24, 24), mode="bilinear", align_corners=False)
    masks = masks.clamp(0, 1).permute(0, 2, 3, 1).numpy()
    return tuple(masks[d.target == k] for k in range(10))


def _balanced_labels(n_classes: int, per_class: int) -> np.ndarray:
    return np.tile(np.arange(n_classes), per_class)


# ------------------------------------------------------------------------------- data sets
def _link(src: Path, dst: Path) -> None:
    """Hard-link ``src`` to ``dst`` (copy where the file system has no hard links)."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def _manifest_ok(path: Path, expected: dict) -> bool:
    try:
        return json.loads(path.read_text()) == expected
    except (OSError, ValueError):
        return False


def write_imagenet(
    out: Path = DEFAULT_OUT, per_class: int = IMAGENET_PER_CLASS, distinct: int = IMAGENET_DISTINCT
) -> Path:
    """``out/imagenet/{train,val}/<wnid>/``: ``per_class`` JPEGs in each of the 1000 ILSVRC2012
    class folders, hard links to ``distinct`` pictures of :func:`standin_photo` kept in
    ``imagenet/.pictures/``. Returns the ImageNet root (the ``imagenet_root`` parameter).
    Skipped when ``imagenet/standin.json`` records the same settings."""
    root = Path(out) / "imagenet"
    spec = {
        "standin": "imagenet",
        "version": VERSION,
        "per_class": per_class,
        "distinct": distinct,
        "short_side": list(IMAGENET_SHORT_SIDE),
    }
    if _manifest_ok(root / "standin.json", spec) and all(
        (root / s).is_dir() for s in ("train", "val")
    ):
        return root
    for folder in ("train", "val", ".pictures"):
        shutil.rmtree(root / folder, ignore_errors=True)
    pics = root / ".pictures"
    pics.mkdir(parents=True)
    pool = [pics / f"standin_{i:04d}.JPEG" for i in range(distinct)]
    for i, p in enumerate(pool):
        standin_photo(i).save(p, quality=85)
    wnids = data.imagenet_wnids()
    for s, split in enumerate(("train", "val")):
        for c, wnid in enumerate(wnids):
            folder = root / split / wnid
            folder.mkdir(parents=True)
            for i in range(per_class):
                slot = c + len(wnids) * (i + per_class * s)
                _link(pool[slot % distinct], folder / f"{wnid}_{split}_{i}.JPEG")
    (root / "standin.json").write_text(json.dumps(spec, indent=1))
    return root


def _pickle(obj: dict, path: Path) -> None:
    path.write_bytes(pickle.dumps(obj, protocol=2))


def write_cifar(out: Path = DEFAULT_OUT, per_class: int = SMALL_PER_CLASS) -> Path:
    """``out/cifar/``: CIFAR-10 (``cifar-10-batches-py/``) and CIFAR-100 (``cifar-100-python/``)
    in torchvision's pickled format, ``per_class`` images per class and split (the train set of
    CIFAR-10 spread over 5 batches). Returns the root ($INPUTSPACE_CIFAR serves both)."""
    root = Path(out) / "cifar"
    spec = {"standin": "cifar", "version": VERSION, "per_class": per_class}
    if _manifest_ok(root / "standin.json", spec) and all(
        (root / f).is_file()
        for d in ("cifar10", "cifar100")
        for s in ("train", "test")
        for f in data.small_set_files(d, s)
    ):
        return root
    c10, c100 = root / "cifar-10-batches-py", root / "cifar-100-python"
    c10.mkdir(parents=True, exist_ok=True)
    c100.mkdir(parents=True, exist_ok=True)
    for s, split in enumerate(("train", "test")):
        y = _balanced_labels(10, per_class)
        x = small_images(y, seed=10 + s).transpose(0, 3, 1, 2).reshape(len(y), -1)
        names = [f"standin_{split}_{i:05d}.png" for i in range(len(y))]
        parts = np.array_split(np.arange(len(y)), 5) if split == "train" else [np.arange(len(y))]
        for b, idx in enumerate(parts):
            fname = f"data_batch_{b + 1}" if split == "train" else "test_batch"
            label = f"training batch {b + 1} of 5" if split == "train" else "testing batch 1 of 1"
            _pickle(
                {
                    "batch_label": label,
                    "data": x[idx],
                    "labels": [int(v) for v in y[idx]],
                    "filenames": [names[i] for i in idx],
                },
                c10 / fname,
            )
        y = _balanced_labels(100, per_class)
        x = small_images(y, seed=100 + s).transpose(0, 3, 1, 2).reshape(len(y), -1)
        _pickle(
            {
                "batch_label": f"{split}ing batch 1 of 1",
                "data": x,
                "fine_labels": [int(v) for v in y],
                "coarse_labels": [int(v) // 5 for v in y],
                "filenames": [f"standin_{split}_{i:05d}.png" for i in range(len(y))],
            },
            c100 / split,
        )
    _pickle(
        {"label_names": list(CIFAR10_NAMES), "num_cases_per_batch": 2 * per_class, "num_vis": 3072},
        c10 / "batches.meta",
    )
    _pickle(
        {
            "fine_label_names": [f"standin_{k:02d}" for k in range(100)],
            "coarse_label_names": [f"standin_super_{k:02d}" for k in range(20)],
        },
        c100 / "meta",
    )
    (root / "standin.json").write_text(json.dumps(spec, indent=1))
    return root


def write_svhn(out: Path = DEFAULT_OUT, per_class: int = SMALL_PER_CLASS) -> Path:
    """``out/svhn/{train,test}_32x32.mat`` as torchvision reads them: ``X`` (32, 32, 3, N) uint8
    and ``y`` (N, 1) with labels 1..10 (10 is the digit 0). Returns the root ($INPUTSPACE_SVHN)."""
    from scipy.io import savemat

    root = Path(out) / "svhn"
    spec = {"standin": "svhn", "version": VERSION, "per_class": per_class}
    if _manifest_ok(root / "standin.json", spec) and all(
        (root / f"{s}_32x32.mat").is_file() for s in ("train", "test")
    ):
        return root
    root.mkdir(parents=True, exist_ok=True)
    for s, split in enumerate(("train", "test")):
        digit = _balanced_labels(10, per_class)
        x = small_images(digit, seed=20 + s).transpose(1, 2, 3, 0)
        y = np.where(digit == 0, 10, digit).astype(np.uint8)[:, None]
        savemat(root / f"{split}_32x32.mat", {"X": np.ascontiguousarray(x), "y": y})
    (root / "standin.json").write_text(json.dumps(spec, indent=1))
    return root


# ------------------------------------------------------------------------------ checkpoints
@dataclass(frozen=True)
class Checkpoint:
    """One stand-in weights file.

    Attributes:
        file: path inside ``checkpoints/``.
        arch: timm architecture (or the RobustBench model name for ``layout != "timm"``).
        num_classes, input_size: what :func:`inputspace.models.build_net` is asked for.
        layout: ``"timm"`` (plain state dict), ``"robustness"`` (Salman2020Do_R50, see
            :func:`write_salman_r50`) or ``"convstem"`` (see :func:`write_vit_s_convstem`).
        parameter: the notebook parameter that points at it.
    """

    file: str
    arch: str
    num_classes: int
    input_size: int
    layout: str = "timm"
    parameter: str = "checkpoint"


IMAGENET_ARCHS: tuple[str, ...] = (
    "resnet18",
    "resnet50",
    "vgg19_bn",
    "densenet121",
    "vit_base_patch16_224",
    "deit_small_patch16_224",
)
"""Every timm ImageNet model a paper-profile notebook loads: P1 ``arch`` (resnet18), P2 ``arch``
and ``vit_arch`` (resnet50, deit_small_patch16_224), P3 ``archs`` and ``vit_arch`` (the four CNNs,
vit_base_patch16_224)."""
SMALL_ARCHS: tuple[str, ...] = ("resnet50",)
"""P3 Fig 8's ``arch`` on CIFAR-10/100 and SVHN (its paper default)."""
SMALL_DATASETS: tuple[str, ...] = ("cifar10", "cifar100", "svhn")


def checkpoint_specs(small_archs: Iterable[str] = SMALL_ARCHS) -> tuple[Checkpoint, ...]:
    """The stand-in weights of the paper profile (``small_archs``: CNNs of P3's checkpoint_dir)."""
    specs = [Checkpoint(f"{a}.pt", a, 1000, 224) for a in IMAGENET_ARCHS]
    specs += [
        Checkpoint(f"{a}-{d}.pt", a, 100 if d == "cifar100" else 10, 32, parameter="checkpoint_dir")
        for a in small_archs
        for d in SMALL_DATASETS
    ]
    rb = f"{RB_DIR}/imagenet/Linf"
    specs += [
        Checkpoint(f"{rb}/{RB_SALMAN}.pt", RB_SALMAN, 1000, 224, "robustness", "at_checkpoint"),
        Checkpoint(f"{rb}/{RB_VIT}.pt", RB_VIT, 1000, 224, "convstem", "vit_at_checkpoint_dir"),
    ]
    return tuple(specs)


def _save(obj: dict, path: Path) -> None:
    """``torch.save`` through a temporary file, so an interrupted write leaves no partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def timm_state_dict(
    arch: str, num_classes: int, input_size: int, seed: int = SEED
) -> dict[str, torch.Tensor]:
    """Randomly initialised weights of ``build_net(arch, num_classes, input_size)`` (timm's own
    initialisation, seeded): what a real timm checkpoint holds, key for key and shape for shape."""
    torch.manual_seed(seed)
    net = models.build_net(arch, num_classes, input_size)
    return {k: v.detach().clone() for k, v in net.state_dict().items()}


def write_timm_checkpoint(
    path: Path, arch: str, num_classes: int, input_size: int, seed: int = SEED
) -> None:
    """A plain timm state dict ``{name: tensor}`` (what ``torch.save(net.state_dict())`` writes
    and what ``checkpoint=`` / P3's ``checkpoint_dir`` expect)."""
    _save(timm_state_dict(arch, num_classes, input_size, seed), Path(path))


def write_salman_r50(path: Path, seed: int = SEED) -> None:
    """RobustBench's ``Salman2020Do_R50`` as a random torchvision ResNet-50 in the robustness
    library's layout: ``{"state_dict": {...}}`` with ``module.normalizer.new_mean/new_std``,
    ``module.model.<torchvision keys>`` and the ``module.attacker.*`` copy of both (one tensor
    storage shared by the two copies, so the file is no larger).

    Why this layout: Salman et al. trained the model with the robustness library, whose
    AttackerModel checkpoints carry exactly these prefixes, and RobustBench's ``load_model``
    accepts them (it strips ``module.`` / ``model.``, re-adds ``model.`` for its normalizing
    Sequential and loads non-strictly when the ``normalize.*`` buffers are missing). It is the
    hardest layout the real file may have; a plain torchvision state dict loads by the same path
    (``models.load_checkpoint`` handles both)."""
    from torchvision.models import resnet50

    torch.manual_seed(seed)
    _save(robustness_layout(resnet50(weights=None).state_dict()), Path(path))


def robustness_layout(sd: dict[str, torch.Tensor]) -> dict[str, dict[str, torch.Tensor]]:
    """A network's state dict as the robustness library's DataParallel ``AttackerModel`` stores
    it, under ``"state_dict"`` (see :func:`write_salman_r50`)."""
    mean = torch.tensor(models.IMAGENET_MEAN).view(3, 1, 1)
    std = torch.tensor(models.IMAGENET_STD).view(3, 1, 1)
    out: dict[str, torch.Tensor] = {
        "module.normalizer.new_mean": mean,
        "module.normalizer.new_std": std,
    }
    out |= {f"module.model.{k}": v for k, v in sd.items()}
    out |= {"module.attacker.normalize.new_mean": mean, "module.attacker.normalize.new_std": std}
    out |= {f"module.attacker.model.{k}": v for k, v in sd.items()}
    return {"state_dict": out}


def write_vit_s_convstem(path: Path, seed: int = SEED) -> None:
    """RobustBench's ``Singh2023Revisiting_ViT-S-ConvStem`` file: a flat state dict of
    :func:`vit_s_convstem` (keys ``cls_token``, ``patch_embed.proj.stem.0.weight``, ...), the
    layout RobustBench's ``load_model`` reads into its ``normalize_model`` Sequential after
    adding the ``model.`` prefix (a ``{"model": ...}`` wrapper would not load there)."""
    _save(dict(vit_s_convstem(seed).state_dict()), Path(path))


def _manifest(spec: Checkpoint, path: Path, seed: int) -> dict:
    return {
        "standin": True,
        "version": VERSION,
        **asdict(spec),
        "seed": seed,
        "bytes": path.stat().st_size if path.is_file() else None,
    }


def checkpoint_is_current(spec: Checkpoint, folder: Path, seed: int = SEED) -> bool:
    """Whether ``folder/spec.file`` exists and its manifest records this spec, seed and size."""
    path = Path(folder) / spec.file
    side = path.with_suffix(".json")
    try:
        recorded = json.loads(side.read_text())
    except (OSError, ValueError):
        return False
    recorded.pop("sha256", None)
    return path.is_file() and recorded == _manifest(spec, path, seed)


def write_checkpoint(
    spec: Checkpoint, folder: Path, *, seed: int = SEED, force: bool = False
) -> Path:
    """Write one stand-in weights file under ``folder`` (``checkpoints/``) with its manifest;
    skipped when :func:`checkpoint_is_current` (unless ``force``). Returns the file's path."""
    path = Path(folder) / spec.file
    if not force and checkpoint_is_current(spec, folder, seed):
        return path
    if spec.layout == "timm":
        write_timm_checkpoint(path, spec.arch, spec.num_classes, spec.input_size, seed)
    elif spec.layout == "robustness":
        write_salman_r50(path, seed)
    elif spec.layout == "convstem":
        write_vit_s_convstem(path, seed)
    else:
        raise ValueError(
            f"unknown checkpoint layout {spec.layout!r}; valid: 'timm', 'robustness', 'convstem'"
        )
    from ..cache import sha256_file

    manifest = {**_manifest(spec, path, seed), "sha256": sha256_file(path)}
    path.with_suffix(".json").write_text(json.dumps(manifest, indent=1))
    return path


def write_checkpoints(
    out: Path = DEFAULT_OUT,
    names: Iterable[str] | None = None,
    *,
    small_archs: Iterable[str] = SMALL_ARCHS,
    seed: int = SEED,
    force: bool = False,
) -> list[Path]:
    """Write the stand-in weights of :func:`checkpoint_specs` under ``out/checkpoints/``;
    ``names`` picks some of them by file stem (``resnet18``, ``resnet50-cifar10``,
    ``Salman2020Do_R50``, ...). Unknown names raise an error listing the valid ones."""
    specs = checkpoint_specs(small_archs)
    by_name = {Path(s.file).stem: s for s in specs}
    wanted = list(by_name) if names is None else list(names)
    unknown = [n for n in wanted if n not in by_name]
    if unknown:
        raise ValueError(f"unknown stand-in checkpoint(s) {unknown}; valid: {sorted(by_name)}")
    return [
        write_checkpoint(by_name[n], Path(out) / "checkpoints", seed=seed, force=force)
        for n in wanted
    ]


def write_hub_cache(out: Path = DEFAULT_OUT, archs: Iterable[str] = IMAGENET_ARCHS) -> Path:
    """Copy the timm stand-ins ``checkpoints/<arch>.pt`` (written first if missing) into a
    Hugging Face hub cache ``out/hub/`` as ``models--timm--<weights>/snapshots/<rev>/
    model.safetensors``, so that with ``HF_HUB_CACHE=out/hub HF_HUB_OFFLINE=1``
    ``timm.create_model(arch, pretrained=True)`` loads the stand-in: the route of the notebooks
    that have no checkpoint parameter. Returns the cache folder."""
    from safetensors.torch import save_file

    hub = Path(out) / "hub"
    folder = Path(out) / "checkpoints"
    for arch in archs:
        repo = models.hub_weights(arch)
        if not repo.startswith("timm/"):
            raise ValueError(f"{arch}: timm fetches {repo}, not a Hugging Face hub repository")
        spec = Checkpoint(f"{arch}.pt", arch, 1000, 224)
        pt = write_checkpoint(spec, folder)
        rev = hashlib.sha1(f"inputspace-standin-{VERSION}-{repo}".encode()).hexdigest()
        base = hub / f"models--{repo.replace('/', '--')}"
        target = base / "snapshots" / rev / "model.safetensors"
        if not (
            target.is_file()
            and checkpoint_is_current(spec, folder)
            and target.stat().st_mtime >= pt.stat().st_mtime
        ):
            target.parent.mkdir(parents=True, exist_ok=True)
            sd = torch.load(pt, map_location="cpu", weights_only=True)
            save_file({k: v.contiguous() for k, v in sd.items()}, str(target))
        (base / "refs").mkdir(parents=True, exist_ok=True)
        (base / "refs" / "main").write_text(rev)
    return hub


# --------------------------------------------------------------------------------------- CLI
def notebook_parameters(out: Path = DEFAULT_OUT) -> dict[str, str]:
    """Where each paper-profile notebook parameter or environment variable should point to use
    the stand-ins under ``out`` (see the module doc)."""
    out = Path(out).resolve()
    ck = out / "checkpoints"
    return {
        "imagenet_root": str(out / "imagenet"),
        "INPUTSPACE_IMAGENET": str(out / "imagenet"),
        "INPUTSPACE_CIFAR": str(out / "cifar"),
        "INPUTSPACE_SVHN": str(out / "svhn"),
        "checkpoint (ImageNet, <arch>)": str(ck / "<arch>.pt"),
        "checkpoint_dir (P3)": str(ck),
        "at_checkpoint (P2)": str(ck / RB_DIR / "imagenet" / "Linf" / f"{RB_SALMAN}.pt"),
        "vit_at_checkpoint_dir (P2)": str(ck / RB_DIR),
        "HF_HUB_CACHE (with --hub-cache)": str(out / "hub"),
    }


def _size(path: Path) -> int:
    """Bytes used under ``path``, each hard-linked file counted once."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for p in Path(path).rglob("*"):
        st = p.lstat()
        if p.is_file() and (st.st_dev, st.st_ino) not in seen:
            seen.add((st.st_dev, st.st_ino))
            total += st.st_size
    return total


def write_torch_hub(out: Path = DEFAULT_OUT, seed: int = SEED) -> Path:
    """A torch hub folder ``out/torch/hub`` (``TORCH_HOME=out/torch``) holding a random-weight
    AlexNet under the file name torchvision caches ``AlexNet_Weights.IMAGENET1K_V1`` as, so that
    LPIPS (``lpips.LPIPS(net='alex')``, Table 1 of P2) runs offline on the stand-ins; torchvision
    checks a file's hash only when it downloads it. Returns the file."""
    from torchvision.models import AlexNet_Weights, alexnet

    target = (
        Path(out) / "torch" / "hub" / "checkpoints" / Path(AlexNet_Weights.IMAGENET1K_V1.url).name
    )
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        torch.manual_seed(seed)
        _save(alexnet(weights=None).state_dict(), target)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m inputspace.run.standins [OUT_DIR] [--per-class N] [--small-per-class M]
    [--only PART,...] [--checkpoints NAME,...] [--hub-cache] [--force]``."""
    parts = ("imagenet", "cifar", "svhn", "checkpoints")
    ap = argparse.ArgumentParser(
        prog="python -m inputspace.run.standins", description=__doc__.split("\n\n")[0]
    )
    ap.add_argument(
        "out",
        nargs="?",
        type=Path,
        default=DEFAULT_OUT,
        help=f"output folder (default {DEFAULT_OUT})",
    )
    ap.add_argument(
        "--per-class",
        type=int,
        default=IMAGENET_PER_CLASS,
        help="ImageNet JPEGs per class and split",
    )
    ap.add_argument(
        "--small-per-class",
        type=int,
        default=SMALL_PER_CLASS,
        help="CIFAR-10/100 and SVHN images per class and split",
    )
    ap.add_argument(
        "--only", default=",".join(parts), help=f"comma-separated parts among {','.join(parts)}"
    )
    ap.add_argument(
        "--checkpoints", default="", help="comma-separated checkpoint stems (default: all)"
    )
    ap.add_argument(
        "--small-archs", default=",".join(SMALL_ARCHS), help="CNNs of P3's checkpoint_dir"
    )
    ap.add_argument(
        "--hub-cache",
        action="store_true",
        help="also fill out/hub as a Hugging Face hub cache and out/torch as a torch hub (LPIPS)",
    )
    ap.add_argument(
        "--force", action="store_true", help="rewrite checkpoints whose manifests match"
    )
    args = ap.parse_args(argv)
    only = [p for p in args.only.split(",") if p]
    bad = [p for p in only if p not in parts]
    if bad:
        ap.error(f"unknown part(s) {bad}; valid: {','.join(parts)}")
    out: Path = args.out
    t0 = time.perf_counter()
    steps = {
        "imagenet": lambda: write_imagenet(out, args.per_class),
        "cifar": lambda: write_cifar(out, args.small_per_class),
        "svhn": lambda: write_svhn(out, args.small_per_class),
        "checkpoints": lambda: write_checkpoints(
            out,
            [n for n in args.checkpoints.split(",") if n] or None,
            small_archs=[a for a in args.small_archs.split(",") if a],
            force=args.force,
        ),
    }
    for part in only:
        t = time.perf_counter()
        steps[part]()
        print(f"{part}: {time.perf_counter() - t:.1f} s")
    if args.hub_cache:
        t = time.perf_counter()
        write_hub_cache(out)
        write_torch_hub(out)
        print(f"hub cache: {time.perf_counter() - t:.1f} s")
    print(
        f"stand-ins under {out.resolve()}: {_size(out) / 2**20:.0f} MiB, {time.perf_counter() - t0:.1f} s"
    )
    for key, value in notebook_parameters(out).items():
        print(f"  {key} = {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
