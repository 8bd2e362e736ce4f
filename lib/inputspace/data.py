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
import pickle
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

QUICK_SIZE = 32
DIGITS_HELDOUT_FRACTION = 0.3
DIGITS_SPLIT_SEED = 0
ENV_ROOTS = {
    "imagenet": "INPUTSPACE_IMAGENET",
    "cifar10": "INPUTSPACE_CIFAR",
    "cifar100": "INPUTSPACE_CIFAR",
    "svhn": "INPUTSPACE_SVHN",
}


@dataclass(frozen=True)
class Split:
    """An in-memory labelled image set: ``x`` (N, 3, H, W) in [0, 1], ``y`` (N,) int64."""

    x: torch.Tensor
    y: torch.Tensor
    classes: tuple[str, ...]
    name: str

    def __len__(self) -> int:
        return len(self.y)

    def subset(self, idx: torch.Tensor | np.ndarray | list[int], name: str | None = None) -> Split:
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


def stratified_split(
    y: np.ndarray, heldout_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
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
        img = img[(h - s) // 2 : (h - s) // 2 + s, (w - s) // 2 : (w - s) // 2 + s]
        t = torch.as_tensor(img).permute(2, 0, 1)[None]
        out.append(
            F.interpolate(
                t, size=(size, size), mode="bilinear", antialias=True, align_corners=False
            )
        )
    x = torch.cat(out).clamp(0, 1)
    return Split(x, torch.arange(len(names)), tuple(names), "skimage-photos")


def data_root(dataset: str, root: str | os.PathLike | None = None) -> Path:
    """Root folder of a paper-profile data set: the argument, else ``$INPUTSPACE_<NAME>``."""
    if root is None:
        env = ENV_ROOTS.get(dataset)
        root = os.environ.get(env) if env else None
    if not root:
        param = " (the notebook parameter imagenet_root)" if dataset == "imagenet" else ""
        raise FileNotFoundError(
            f"no folder given for {dataset!r}: pass root=...{param} or set ${ENV_ROOTS.get(dataset, '?')} "
            f"(e.g. `make figures PROFILE=paper {ENV_ROOTS.get(dataset, '?').removeprefix('INPUTSPACE_')}=/path`)"
        )
    return Path(root).expanduser().resolve()


IMAGENET_CLASSES = 1000
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")
IMAGENET_LAYOUT = (
    "one sub-folder per class named by WordNet id (train/n01440764/*.JPEG, "
    "val/n01440764/*.JPEG, ...; all 1000 ILSVRC2012 classes)"
)
"""The folder layout :func:`imagenet` expects, quoted by its error messages."""


def imagenet_wnids() -> tuple[str, ...]:
    """The 1000 ILSVRC2012 WordNet ids in the standard class-index order (timm ships the list;
    it is also the sorted order, hence ImageFolder's)."""
    from timm.data import ImageNetInfo

    info = ImageNetInfo()
    return tuple(info.index_to_label_name(i) for i in range(IMAGENET_CLASSES))


def imagenet_class_name(index: int) -> str:
    """The first name of an ImageNet-1k class (``281`` → ``tabby``), from timm's class list."""
    from timm.data import ImageNetInfo

    return ImageNetInfo().index_to_description(index).split(",")[0]


def _imagenet_error(split: str, folder: Path, problem: str) -> FileNotFoundError:
    return FileNotFoundError(
        f"ImageNet {split} at {folder}: {problem}; expected {IMAGENET_LAYOUT}. Point the notebook "
        "parameter imagenet_root (or $INPUTSPACE_IMAGENET) at the folder holding train/ and val/."
    )


def check_imagenet_folder(folder: Path, split: str, n_classes: int | None = None) -> list[str]:
    """The class folders of one ImageNet split, or an error that says what is wrong with it.

    Refused: a missing folder; image files lying directly in it (``val/`` as extracted from
    ILSVRC2012_img_val.tar, not yet sorted into class folders); no class folder; a number of class
    folders other than ``n_classes``; and, when ``n_classes`` is None, a folder whose names are
    real ILSVRC2012 WordNet ids but not all 1000 of them (a partial copy would shift every label
    index the 1000-way models predict).
    """
    if not folder.is_dir():
        missing = folder if folder.parent.is_dir() else folder.parent
        raise _imagenet_error(split, folder, f"{missing} does not exist")
    entries = list(folder.iterdir())
    classes = sorted(p.name for p in entries if p.is_dir())
    loose = [p.name for p in entries if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES]
    if loose:
        raise _imagenet_error(
            split,
            folder,
            f"{len(loose)} image files (e.g. {loose[0]}) lie directly in "
            "the folder instead of in class sub-folders (sort the validation images "
            "into class folders, e.g. with ILSVRC2012's valprep.sh)",
        )
    if not classes:
        raise _imagenet_error(split, folder, "no class sub-folder")
    if n_classes is not None and len(classes) != n_classes:
        raise _imagenet_error(
            split, folder, f"{len(classes)} class folders where {n_classes} are needed"
        )
    if n_classes is None and len(classes) != IMAGENET_CLASSES:
        known = set(imagenet_wnids())
        if any(c in known for c in classes):
            raise _imagenet_error(
                split,
                folder,
                f"only {len(classes)} of the {IMAGENET_CLASSES} ILSVRC2012 "
                "class folders (a partial copy shifts every class index)",
            )
    return classes


def imagenet(
    split: str = "val", root: str | os.PathLike | None = None, *, n_classes: int | None = None
):
    """ILSVRC2012 as a torchvision ``ImageFolder``: Resize(256), CenterCrop(224), ToTensor.

    ``root`` must hold ``train/`` and ``val/`` with one sub-folder per class (the usual
    ``n01440764/...`` layout; ``val`` reorganised into class folders). A wrongly laid out folder
    raises an error naming the expected layout (:func:`check_imagenet_folder`; ``n_classes``: the
    number of class folders required, e.g. 1000 where the code indexes every ImageNet class).
    """
    from torchvision import datasets, transforms

    if split not in ("train", "val"):
        raise ValueError(f"unknown ImageNet split {split!r}; valid: 'train', 'val'")
    folder = data_root("imagenet", root) / split
    check_imagenet_folder(folder, split, n_classes)
    tf = transforms.Compose(
        [transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor()]
    )
    try:
        return datasets.ImageFolder(str(folder), transform=tf)
    except FileNotFoundError as exc:  # ImageFolder: a class folder without any image file
        raise _imagenet_error(split, folder, str(exc).splitlines()[0]) from exc


SMALL_SETS = {
    "cifar10": (
        "cifar-10-batches-py/",
        {"train": [f"data_batch_{i}" for i in range(1, 6)], "test": ["test_batch"]},
        "batches.meta",
    ),
    "cifar100": ("cifar-100-python/", {"train": ["train"], "test": ["test"]}, "meta"),
    "svhn": ("", {"train": ["train_32x32.mat"], "test": ["test_32x32.mat"]}, None),
}
"""torchvision's on-disk files per data set: (sub-folder, files per split, metadata file)."""


def small_set_files(dataset: str, split: str) -> list[str]:
    """The files (relative to the root) torchvision reads for one split of CIFAR-10/100 or SVHN."""
    sub, files, meta = SMALL_SETS[dataset]
    return [sub + f for f in files[split]] + ([sub + meta] if meta else [])


def _readable(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0 and os.access(path, os.R_OK)


@cache
def _local_maker(base: type) -> type:
    """A subclass of a torchvision CIFAR/SVHN class that accepts any present, readable copy of
    the requested split's files instead of checking their md5 against the official archive (the
    md5 protects a download; a local copy such as the paper-check stand-ins has other bytes).
    Unreadable contents still fail when torchvision parses them (see :func:`torchvision_set`)."""
    dataset = {"CIFAR10": "cifar10", "CIFAR100": "cifar100", "SVHN": "svhn"}[base.__name__]

    def _check_integrity(self) -> bool:
        split = getattr(self, "split", None) or ("train" if self.train else "test")
        return all(_readable(Path(self.root) / f) for f in small_set_files(dataset, split))

    def _load_meta(self) -> None:
        path = Path(self.root) / self.base_folder / self.meta["filename"]
        if not _readable(path):
            raise RuntimeError(f"metadata file {path} missing or unreadable")
        with open(path, "rb") as f:
            self.classes = pickle.load(f, encoding="latin1")[self.meta["key"]]
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    body = {"_check_integrity": _check_integrity, "__doc__": _local_maker.__doc__}
    if hasattr(base, "_load_meta"):
        body["_load_meta"] = _load_meta
    return type(f"Local{base.__name__}", (base,), body)


def torchvision_set(
    dataset: str,
    split: str = "train",
    root: str | os.PathLike | None = None,
    download: bool = False,
):
    """CIFAR-10, CIFAR-100 or SVHN through torchvision (``ToTensor`` only: pixels in [0, 1]).

    Nothing is downloaded unless ``download=True`` (then torchvision's own classes check the
    official md5s). Without it, any present and readable copy of torchvision's files is read
    (:data:`SMALL_SETS`; md5 not checked, so local copies such as the paper-check stand-ins
    load); a missing folder or file raises an error that says which files belong where.
    """
    from torchvision import datasets, transforms

    makers = {"cifar10": datasets.CIFAR10, "cifar100": datasets.CIFAR100, "svhn": datasets.SVHN}
    if dataset not in makers:
        raise ValueError(f"unknown data set {dataset!r}; valid: {sorted(makers)}")
    if split not in ("train", "test"):
        raise ValueError(f"unknown split {split!r}; valid: 'train', 'test'")
    folder = data_root(dataset, root)
    kw = {"split": split} if dataset == "svhn" else {"train": split == "train"}
    maker = makers[dataset] if download else _local_maker(makers[dataset])
    files = small_set_files(dataset, split)
    where = (
        f"put torchvision's files there ({', '.join(files)}) and point ${ENV_ROOTS[dataset]} "
        "(or root=...) at that folder, or pass download=True on a machine with internet"
    )
    absent = [f for f in files if not _readable(folder / f)]
    if absent and not download:
        raise FileNotFoundError(
            f"{dataset} ({split}) not found under {folder}: {', '.join(absent)} "
            f"missing or empty; {where}."
        )
    try:
        return maker(str(folder), download=download, transform=transforms.ToTensor(), **kw)
    except RuntimeError as exc:
        raise FileNotFoundError(
            f"{dataset} ({split}) not found under {folder}: {where}. ({exc})"
        ) from exc
    except (
        Exception
    ) as exc:  # pickle / scipy.io errors of a corrupt copy (a parse error of any kind)
        raise FileNotFoundError(
            f"{dataset} ({split}) under {folder} is unreadable "
            f"({type(exc).__name__}: {str(exc)[:120]}): {where}."
        ) from exc


def class_balanced_indices(
    targets: torch.Tensor | np.ndarray | list[int], per_class: int, seed: int
) -> np.ndarray:
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


# ------------------------------------------------------------------------------ the one switch
OFFLINE = {"digits": digits, "lfw": lfw_faces}
"""The data sets bundled with the installed packages, usable in every profile."""
PAPER_PROFILE = "paper"


def by_name(dataset: str, split: str, profile: str, root: str | os.PathLike | None = None, **kw):
    """A data set by name, split ``"train"`` or ``"heldout"``: an offline one (:data:`OFFLINE`,
    any profile) as a :class:`Split`, or in the paper profile ImageNet (held-out: val; ``root``
    or ``$INPUTSPACE_IMAGENET``; ``kw`` go to :func:`imagenet`) or a torchvision set (held-out:
    its test split) as a torch Dataset.

    Raises:
        ValueError: an unknown split, or a data set that is not offline outside the paper profile.
    """
    if split not in ("train", "heldout"):
        raise ValueError(f"unknown split {split!r}; valid: 'train', 'heldout'")
    if dataset in OFFLINE:
        return OFFLINE[dataset](split)
    if profile != PAPER_PROFILE:
        raise ValueError(
            f"data set {dataset!r} needs the paper profile; offline: {sorted(OFFLINE)}"
        )
    if dataset == "imagenet":
        return imagenet("train" if split == "train" else "val", root, **kw)
    return torchvision_set(dataset, "train" if split == "train" else "test")


def study_data(
    profile: str, paper_dataset: str, split: str, root: str | os.PathLike | None = None, **kw
):
    """The data a study reads: the paper's data set ``paper_dataset`` in the paper profile, the

    :func:`inputspace.zoo.load_model`); :func:`by_name` reads it."""
    return by_name(
        paper_dataset if profile == PAPER_PROFILE else "digits", split, profile, root, **kw
    )
