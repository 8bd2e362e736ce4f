"""Data sets. Every image tensor is float in [0, 1], shape ``(N, 3, H, W)``; normalization
lives inside the model wrapper (:mod:`inputspace.models`), so attacks and traversals work in
pixel space exactly as the papers' code does.

Offline (quick and smoke profiles): scikit-learn's bundled handwritten ``digits`` (8x8, 1797
images, upsampled bilinearly to 32x32 RGB), scikit-image's ``lfw_subset`` (100 faces and 100
non-faces, 25x25) and its sample photos. Paper profile: ImageNet from a local ILSVRC2012 folder,
CIFAR-10/100 and SVHN through torchvision from a local root (downloaded only when asked).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

QUICK_SIZE = 32
DIGITS_HELDOUT_FRACTION = 0.3
DIGITS_SPLIT_SEED = 0
ENV_ROOTS = {"imagenet": "INPUTSPACE_IMAGENET", "cifar10": "INPUTSPACE_CIFAR",
             "cifar100": "INPUTSPACE_CIFAR", "svhn": "INPUTSPACE_SVHN"}


@dataclass(frozen=True)
class Split:
    """An in-memory labelled image set: ``x`` (N, 3, H, W) in [0, 1], ``y`` (N,) int64."""

    x: torch.Tensor
    y: torch.Tensor
    classes: tuple[str, ...]
    name: str

    def __len__(self) -> int:
        return len(self.y)

    def subset(self, idx: torch.Tensor | np.ndarray | list[int], name: str | None = None) -> "Split":
        idx = torch.as_tensor(np.asarray(idx), dtype=torch.long)
        return Split(self.x[idx], self.y[idx], self.classes, name or self.name)


def upsample_rgb(images: np.ndarray | torch.Tensor, size: int) -> torch.Tensor:
    """(N, H, W) or (N, C, H, W) in [0, 1] -> (N, 3, size, size), bilinear, clamped to [0, 1]."""
    t = torch.as_tensor(images, dtype=torch.float32)
    if t.ndim == 3:
        t = t[:, None]
    t = F.interpolate(t, size=(size, size), mode="bilinear", align_corners=False)
    if t.shape[1] == 1:
        t = t.expand(-1, 3, -1, -1)
    return t.clamp(0, 1).contiguous()


def stratified_split(y: np.ndarray, heldout_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, held-out) with the same class proportions, fixed by ``seed``."""
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(y))
    tr, ho = train_test_split(idx, test_size=heldout_fraction, random_state=seed, stratify=y)
    return np.sort(tr), np.sort(ho)


def digits(split: str = "train", size: int = QUICK_SIZE) -> Split:
    """scikit-learn's bundled digits as 32x32 RGB; a fixed stratified 70/30 train/held-out split.

    Args:
        split: ``"train"`` (1257 images), ``"heldout"`` (540) or ``"all"``.
        size: output side length (>= 32 keeps every composite stage spatial).
    """
    from sklearn.datasets import load_digits

    d = load_digits()
    x = upsample_rgb(d.images / 16.0, size)
    y = torch.as_tensor(d.target, dtype=torch.long)
    classes = tuple(str(c) for c in range(10))
    if split == "all":
        return Split(x, y, classes, "digits-all")
    tr, ho = stratified_split(d.target, DIGITS_HELDOUT_FRACTION, DIGITS_SPLIT_SEED)
    if split not in ("train", "heldout"):
        raise ValueError(f"unknown split {split!r}; valid: 'train', 'heldout', 'all'")
    idx = tr if split == "train" else ho
    return Split(x[idx], y[idx], classes, f"digits-{split}")


def lfw_faces(split: str = "train", size: int = QUICK_SIZE) -> Split:
    """scikit-image's bundled ``lfw_subset``: 100 faces (class 1) and 100 non-faces (class 0).

    Grey 25x25 crops upsampled to RGB ``size``; same fixed stratified 70/30 split as digits.
    """
    from skimage.data import lfw_subset

    imgs = lfw_subset().astype(np.float32)
    imgs = (imgs - imgs.min()) / max(float(imgs.max() - imgs.min()), 1e-12)
    y = np.r_[np.ones(100, dtype=np.int64), np.zeros(100, dtype=np.int64)]
    x = upsample_rgb(imgs, size)
    classes = ("non-face", "face")
    if split == "all":
        return Split(x, torch.as_tensor(y), classes, "lfw-all")
    tr, ho = stratified_split(y, DIGITS_HELDOUT_FRACTION, DIGITS_SPLIT_SEED)
    idx = {"train": tr, "heldout": ho}.get(split)
    if idx is None:
        raise ValueError(f"unknown split {split!r}; valid: 'train', 'heldout', 'all'")
    return Split(x[idx], torch.as_tensor(y[idx]), classes, f"lfw-{split}")


SAMPLE_PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "camera", "cat", "horse", "moon")


def sample_photos(size: int = QUICK_SIZE, names: tuple[str, ...] = SAMPLE_PHOTOS) -> Split:
    """scikit-image's bundled sample photos, centre-cropped square and resized (label = index)."""
    import skimage.data as skd

    out = []
    for name in names:
        img = np.asarray(getattr(skd, name)(), dtype=np.float32)
        img = img / 255.0 if img.max() > 1 else img
        if img.ndim == 2:
            img = np.repeat(img[..., None], 3, axis=2)
        img = img[..., :3]
        h, w = img.shape[:2]
        s = min(h, w)
        img = img[(h - s) // 2:(h - s) // 2 + s, (w - s) // 2:(w - s) // 2 + s]
        t = torch.as_tensor(img).permute(2, 0, 1)[None]
        out.append(F.interpolate(t, size=(size, size), mode="bilinear", antialias=True, align_corners=False))
    x = torch.cat(out).clamp(0, 1)
    return Split(x, torch.arange(len(names)), tuple(names), "skimage-photos")


def data_root(dataset: str, root: str | os.PathLike | None = None) -> Path:
    """Root folder of a paper-profile data set: the argument, else ``$INPUTSPACE_<NAME>``."""
    if root is None:
        env = ENV_ROOTS.get(dataset)
        root = os.environ.get(env) if env else None
    if not root:
        raise FileNotFoundError(
            f"no folder given for {dataset!r}: pass root=... or set ${ENV_ROOTS.get(dataset, '?')} "
            f"(e.g. `make figures PROFILE=paper {ENV_ROOTS.get(dataset, '?').removeprefix('INPUTSPACE_')}=/path`)")
    return Path(root).expanduser().resolve()


def imagenet(split: str = "val", root: str | os.PathLike | None = None):
    """ILSVRC2012 as a torchvision ``ImageFolder``: Resize(256), CenterCrop(224), ToTensor.

    ``root`` must hold ``train/`` and ``val/`` with one sub-folder per class (the usual
    ``n01440764/...`` layout; ``val`` reorganised into class folders).
    """
    from torchvision import datasets, transforms

    if split not in ("train", "val"):
        raise ValueError(f"unknown ImageNet split {split!r}; valid: 'train', 'val'")
    folder = data_root("imagenet", root) / split
    if not folder.is_dir() or not any(p.is_dir() for p in folder.iterdir()):
        raise FileNotFoundError(
            f"ImageNet {split} not found at {folder}: put ILSVRC2012 there with one sub-folder per "
            "class (train/n01440764/*.JPEG, val/n01440764/*.JPEG, ...) or set $INPUTSPACE_IMAGENET.")
    tf = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor()])
    return datasets.ImageFolder(str(folder), transform=tf)


def torchvision_set(dataset: str, split: str = "train", root: str | os.PathLike | None = None,
                    download: bool = False):
    """CIFAR-10, CIFAR-100 or SVHN through torchvision (``ToTensor`` only: pixels in [0, 1]).

    Nothing is downloaded unless ``download=True``; a missing folder raises an error that says
    where to put the data.
    """
    from torchvision import datasets, transforms

    makers = {"cifar10": datasets.CIFAR10, "cifar100": datasets.CIFAR100, "svhn": datasets.SVHN}
    if dataset not in makers:
        raise ValueError(f"unknown data set {dataset!r}; valid: {sorted(makers)}")
    if split not in ("train", "test"):
        raise ValueError(f"unknown split {split!r}; valid: 'train', 'test'")
    folder = data_root(dataset, root)
    kw = {"split": split} if dataset == "svhn" else {"train": split == "train"}
    try:
        return makers[dataset](str(folder), download=download, transform=transforms.ToTensor(), **kw)
    except RuntimeError as exc:
        raise FileNotFoundError(
            f"{dataset} ({split}) not found under {folder}: place the torchvision files there "
            f"(e.g. cifar-10-batches-py/ for CIFAR-10, {split}_32x32.mat for SVHN) or pass "
            f"download=True on a machine with internet. ({exc})") from exc


def class_balanced_indices(targets: torch.Tensor | np.ndarray | list[int], per_class: int,
                           seed: int) -> np.ndarray:
    """``per_class`` random indices of every class (P3's SOM-tr / SOM-val: 50 per class)."""
    t = np.asarray(targets)
    rng = np.random.default_rng(seed)
    out = []
    for c in np.unique(t):
        idx = np.flatnonzero(t == c)
        if len(idx) < per_class:
            raise ValueError(f"class {c} has only {len(idx)} samples, {per_class} requested")
        out.append(np.sort(rng.choice(idx, per_class, replace=False)))
    return np.concatenate(out)


def to_split(dataset, indices: np.ndarray | list[int], name: str) -> Split:
    """Materialise some items of a torch ``Dataset`` (images, labels) as an in-memory Split."""
    xs, ys = zip(*(dataset[int(i)] for i in indices))
    classes = tuple(getattr(dataset, "classes", [str(c) for c in sorted(set(ys))]))
    return Split(torch.stack(xs), torch.as_tensor(ys, dtype=torch.long), classes, name)
