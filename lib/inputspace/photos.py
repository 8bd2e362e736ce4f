"""Natural photos bundled by installed packages, prepared as EfficientNet-Lite's release prepares
its inputs: the real-network sections' images (:mod:`inputspace.real`).

**Which photos.** :data:`CANDIDATES` lists, in a fixed order, every photograph of an everyday
object scene that scikit-image, scikit-learn and matplotlib ship in their wheels (nothing is
downloaded). Each candidate carries the ImageNet-1k classes a person would accept as its label
(its *human label*), chosen from the class list before any network had seen the photo (the rule is
stated in ``docs/real-network.md``). Left out, for want of an ImageNet object class or of a photo:
textures (brick, grass, gravel), microscopy and medicine (cell, ihc, microaneurysms, retina,
phantom), documents (page, text), astronomy (hubble_deep_field, moon), drawings and synthetic
images (chessboard, logo, color, horse silhouette, matplotlib's present), and scikit-image images
fetched on first use (eagle, lily, ...). Two candidates have no acceptable class at all (the
astronaut portrait: ImageNet has no class for a person; the coins: no coin class) and so never
enter the pool; they still take part where no label is needed (P3's top-1 changes).

**Preprocessing** of the original release (``tensorflow/tpu``, ``models/official/efficientnet``):
``preprocessing.py``'s evaluation path crops the centre square of side
``image_size / (image_size + 32)`` of the shorter side (``CROP_PADDING = 32``: 224 / 256 = 0.875 at
224 px) and resizes it bicubically to ``image_size``; ``lite/efficientnet_lite_builder.py`` then
normalises with ``MEAN_RGB = [127.0] * 3`` and ``STDDEV_RGB = [128.0] * 3`` on 0-255 pixels, i.e.
mean 127/255 and std 128/255 on [0, 1] pixels (the model wrapper applies them:
:data:`inputspace.models.LITE_MEAN`, :data:`~inputspace.models.LITE_STD`). One departure: TF 1's
``resize_bicubic`` does not antialias; here the resize antialiases (``antialias=True``, as PIL's
bicubic and TF 2's ``antialias=True`` do), because
the crops are shrunk 1.5-2.4 times and an aliased image is not the photo. ``antialias=False``
gives the release's resampling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

CROP_PADDING = 32
"""The release's evaluation crop: the centre ``size / (size + 32)`` of the shorter side."""


@dataclass(frozen=True)
class Photo:
    """A bundled photo and its human label.

    Attributes:
        name: short name (also the figure label).
        source: ``"package: loader"``, where the file comes from.
        accept: ImageNet-1k class indices a person accepts as the photo's label (empty: none).
        note: what the photo shows.
    """

    name: str
    source: str
    accept: tuple[int, ...]
    note: str


CANDIDATES: tuple[Photo, ...] = (
    Photo(
        "chelsea",
        "scikit-image: data.chelsea()",
        (281, 282, 285),
        "an orange tabby cat: tabby, tiger cat, Egyptian cat",
    ),
    Photo(
        "coffee",
        "scikit-image: data.coffee()",
        (967, 968, 504),
        "a cup of coffee on a saucer: espresso, cup, coffee mug",
    ),
    Photo(
        "motorcycle_left",
        "scikit-image: data.stereo_motorcycle()[0]",
        (665, 670),
        "a motorcycle in a garage, left view of a stereo pair: moped, motor scooter",
    ),
    Photo(
        "motorcycle_right",
        "scikit-image: data.stereo_motorcycle()[1]",
        (665, 670),
        "the same motorcycle, right view: moped, motor scooter",
    ),
    Photo(
        "rocket",
        "scikit-image: data.rocket()",
        (657, 744),
        "a rocket on its launch pad at night: missile, projectile",
    ),
    Photo(
        "camera",
        "scikit-image: data.camera()",
        (759, 732, 872),
        "a cameraman with a camera on a tripod (grey): reflex camera, Polaroid camera, tripod",
    ),
    Photo(
        "clock",
        "scikit-image: data.clock()",
        (409, 892),
        "a motion-blurred wall clock (grey): analog clock, wall clock",
    ),
    Photo(
        "china",
        "scikit-learn: load_sample_image('china.jpg')",
        (698, 663, 832),
        "a Chinese temple among trees: palace, monastery, stupa",
    ),
    Photo(
        "flower", "scikit-learn: load_sample_image('flower.jpg')", (985,), "an orange dahlia: daisy"
    ),
    Photo(
        "grace_hopper",
        "matplotlib: sample_data/grace_hopper.jpg",
        (652, 906, 457, 834),
        "a portrait in naval uniform: military uniform, Windsor tie, bow tie, suit",
    ),
    Photo(
        "astronaut",
        "scikit-image: data.astronaut()",
        (),
        "a portrait of an astronaut (no ImageNet class for a person)",
    ),
    Photo(
        "coins",
        "scikit-image: data.coins()",
        (),
        "Greek coins on a table (grey; no ImageNet coin class)",
    ),
)
"""The candidate photos, in the fixed order every rule walks them (module doc)."""
POOL_MIN_CONF = 0.6
"""The pool bar: a candidate joins the pool when its top-1 class is one of its accepted classes with
probability above this (P2's official pool rule, ``get_targets``: correct and p > 0.6)."""


def accepted(top1: torch.Tensor, candidates: tuple[Photo, ...] = CANDIDATES) -> torch.Tensor:
    """Per candidate, whether its top-1 class is one its human label accepts."""
    return torch.tensor(
        [int(c) in p.accept for c, p in zip(top1.tolist(), candidates)], dtype=torch.bool
    )


def pool_rule(
    top1: torch.Tensor, p_top1: torch.Tensor, candidates: tuple[Photo, ...] = CANDIDATES
) -> torch.Tensor:
    """The pool rule: the top-1 class is accepted (:func:`accepted`) and its probability is above
    :data:`POOL_MIN_CONF` (strictly, as the official ``> 0.6``)."""
    return accepted(top1, candidates) & (p_top1 > POOL_MIN_CONF)


def candidate(name: str) -> Photo:
    """The :data:`CANDIDATES` entry called ``name`` (an unknown name lists the valid ones)."""
    for p in CANDIDATES:
        if p.name == name:
            return p
    raise ValueError(f"unknown photo {name!r}; valid: {[p.name for p in CANDIDATES]}")


def load_raw(name: str) -> np.ndarray:
    """The photo as bundled: ``(H, W, 3)`` float32 in [0, 1] (grey photos repeated to RGB)."""
    candidate(name)
    if name in ("motorcycle_left", "motorcycle_right"):
        from skimage.data import stereo_motorcycle

        img = stereo_motorcycle()[0 if name.endswith("left") else 1]
    elif name in ("china", "flower"):
        from sklearn.datasets import load_sample_image

        img = load_sample_image(f"{name}.jpg")
    elif name == "grace_hopper":
        import matplotlib.cbook as cbook
        import matplotlib.pyplot as plt

        img = plt.imread(cbook.get_sample_data("grace_hopper.jpg"))
    else:
        import skimage.data as skd

        img = getattr(skd, name)()
    img = np.asarray(img, dtype=np.float32)
    img = img / 255.0 if img.max() > 1.0 else img
    if img.ndim == 2:
        img = np.repeat(img[..., None], 3, axis=2)
    return np.ascontiguousarray(img[..., :3])


def crop_size(height: int, width: int, size: int) -> int:
    """The release's central crop side: ``int(size / (size + 32) * min(height, width))``."""
    return int(size / (size + CROP_PADDING) * min(height, width))


def preprocess(img: np.ndarray, size: int, *, antialias: bool = True) -> torch.Tensor:
    """Centre crop (:func:`crop_size`, the release's offsets ``((H - c) + 1) // 2``) and bicubic
    resize to ``size``: ``(3, size, size)`` in [0, 1]."""
    h, w = img.shape[:2]
    c = crop_size(h, w, size)
    top, left = ((h - c) + 1) // 2, ((w - c) + 1) // 2
    t = torch.as_tensor(img[top : top + c, left : left + c]).permute(2, 0, 1)[None]
    out = F.interpolate(
        t, size=(size, size), mode="bicubic", antialias=antialias, align_corners=False
    )
    return out[0].clamp(0, 1).contiguous()


def photo_batch(
    names: tuple[str, ...] | list[str], size: int, *, antialias: bool = True
) -> torch.Tensor:
    """The named photos prepared at ``size`` px: ``(N, 3, size, size)``."""
    return torch.stack([preprocess(load_raw(n), size, antialias=antialias) for n in names])
