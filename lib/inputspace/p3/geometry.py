"""Statistics of one trained layer SOM on the torus (Sec. 2.3-2.4): D_class, cosine distances
between SOM weights and between class-centre weights (Eq. 2), BMU densities, distances to label
centres, the seam-wrapping fraction of unfolding (Fig. 2) and the SOM-size ratio of Figs 7 / 10.
Every function takes a :class:`.maps.LayerSOM` (or plain tensors) and is cheap, so nothing here
is cached.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from ..methods.som import pairwise_weight_distances
from ..methods.torus import (
    center_units,
    class_centers,
    d_class,
    distance_to_centers,
    unfold,
    unit_locations,
)
from .maps import LayerSOM


def d_class_split(
    ls: LayerSOM, split: str, labels: torch.Tensor | None = None, centers: dict | None = None
) -> torch.Tensor:
    """D_class per class (Fig. 6A/B) of SOM-tr (``"tr"``) or SOM-val (``"val"``, SOM-tr centres).

    ``labels`` replaces the true labels (shuffled-label control); ``centers`` defaults to the
    SOM-tr centres of those labels (for ``"val"``: of the matching SOM-tr labels).
    """
    bmu = ls.bmu_tr if split == "tr" else ls.bmu_val
    y = (ls.y_tr if split == "tr" else ls.y_val) if labels is None else labels
    centers = ls.centers() if centers is None else centers
    out = d_class(bmu, y, centers, ls.m, ls.n)
    return out[torch.isfinite(out)]


def shuffled_d_class_per_class(ls: LayerSOM, generator: torch.Generator) -> dict[str, torch.Tensor]:
    """D_class per (pseudo-)class with labels permuted within SOM-tr and SOM-val (``{"tr", "val"}``):
    the items of the shuffled-label control of :func:`shuffled_d_class`."""
    y_tr = ls.y_tr[torch.randperm(len(ls.y_tr), generator=generator)]
    y_val = ls.y_val[torch.randperm(len(ls.y_val), generator=generator)]
    centers = class_centers(ls.bmu_tr, y_tr, ls.m, ls.n, ls.num_classes)
    return {
        "tr": d_class_split(ls, "tr", y_tr, centers),
        "val": d_class_split(ls, "val", y_val, centers),
    }


def shuffled_d_class(ls: LayerSOM, generator: torch.Generator) -> dict[str, float]:
    """Mean D_class with labels permuted within SOM-tr and SOM-val: our control for the paper's
    "same-class BMUs cluster" (Fig. 5, Supp. Fig. 2), which the paper states without a baseline."""
    return {k: float(v.mean()) for k, v in shuffled_d_class_per_class(ls, generator).items()}


def weight_cd(ls: LayerSOM) -> torch.Tensor:
    """Cosine distances between the weights of all unit pairs (Fig. 6C/D, Fig. 9)."""
    return pairwise_weight_distances(ls.som).cpu()


def class_center_cd(ls: LayerSOM, n_centers: int, generator: torch.Generator) -> torch.Tensor:
    """Cosine distances between the weights of the centre units of (up to) ``n_centers``
    randomly chosen classes (Figs 7, 8B, 10; paper: 100 of 1000)."""
    units = center_units(ls.centers()["center"], ls.m, ls.n)
    present = torch.nonzero(torch.bincount(ls.y_tr, minlength=ls.num_classes) > 0).squeeze(1)
    pick = present[torch.randperm(len(present), generator=generator)[:n_centers]]
    return pairwise_weight_distances(ls.som, units[pick].to(ls.som.weights.device)).cpu()


def bmu_density(ls: LayerSOM, k: int = 1, resolution: int = 4) -> dict:
    """BMU density of SOM-tr on the grid (Fig. 4, Supp. Fig. 1).

    Gaussian KDE (``scipy.stats.gaussian_kde``, Scott's bandwidth, as in the paper's SciPy
    reference) of the grid positions of the first ``k`` BMUs of every SOM-tr input, evaluated on
    a ``resolution``-times finer grid; plus the fraction of units never chosen as BMU and that
    fraction's expectation if the same number of BMUs fell uniformly at random.
    """
    from scipy.stats import gaussian_kde

    units = ls.bmu_tr[:, :k].reshape(-1)
    loc = unit_locations(ls.m, ls.n)[units].numpy().T
    counts = torch.bincount(units, minlength=ls.m * ls.n).reshape(ls.m, ls.n)
    rr, cc = np.meshgrid(
        np.linspace(0, ls.m - 1, ls.m * resolution),
        np.linspace(0, ls.n - 1, ls.n * resolution),
        indexing="ij",
    )
    jitter = np.random.default_rng(0).normal(0, 1e-3, loc.shape)  # all BMUs equal: singular KDE
    kde = gaussian_kde(loc + jitter)(np.vstack([rr.ravel(), cc.ravel()])).reshape(rr.shape)
    never = float((counts == 0).float().mean())
    uniform = float((1 - 1 / (ls.m * ls.n)) ** len(units))
    return {"kde": torch.as_tensor(kde), "counts": counts, "never": never, "never_uniform": uniform}


def label_center_distance(ls: LayerSOM) -> dict[str, torch.Tensor]:
    """Mean distance of each SOM-val input's BMUs to its *label's* SOM-tr centre (Supp. Fig. 3),
    and whether the model predicted the input correctly."""
    d = distance_to_centers(ls.bmu_val, ls.y_val, ls.centers(), ls.m, ls.n).mean(1)
    return {"distance": d, "correct": ls.pred_val == ls.y_val, "y": ls.y_val}


def per_class_means(r: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Supp. Fig. 3 as captioned ("for each class, the mean ED over 50 SOM-val examples"): per class,
    the mean distance of its correctly and of its incorrectly predicted inputs (:func:`label_center_distance`).

    Returns ``{"distance", "correct", "y"}`` with one entry per (class, group) that has inputs, so the
    result can be plotted and summarised like the per-input one.
    """
    dist, ok, y = [], [], []
    for c in torch.unique(r["y"]).tolist():
        for group in (True, False):
            sel = (r["y"] == c) & (r["correct"] == group)
            if sel.any():
                dist.append(r["distance"][sel].float().mean())
                ok.append(group)
                y.append(c)
    return {
        "distance": torch.stack(dist) if dist else torch.zeros(0),
        "correct": torch.tensor(ok, dtype=torch.bool),
        "y": torch.tensor(y, dtype=torch.long),
    }


def wrapped_fraction(ls: LayerSOM, cls: int) -> float:
    """Fraction of class ``cls``'s SOM-tr BMUs that unfolding moves to another tile (Fig. 2)."""
    c = ls.centers()
    loc = unit_locations(ls.m, ls.n)[ls.bmu_tr[ls.y_tr == cls].reshape(-1)]
    moved = (unfold(loc, c["mode_loc"][cls], ls.m, ls.n) != loc).any(-1)
    return float(moved.float().mean())


def size_ratio(res: dict, sizes: Sequence[int], arch: str) -> list[float]:
    """Per layer, max / min over the SOM sizes of the mean class-centre CD (Figs 7, 10).

    P3 states "no significant dependency on SOM size" without a measure; this ratio is what the
    notebooks report against it (1 = the same at every size). ``res[(size, arch)]`` holds one
    tensor of centre distances per layer (:func:`inputspace.p3.measures.center_distances`).
    """
    per_size = [[float(v.mean()) for v in res[(s, arch)]] for s in sizes]
    return [max(col) / min(col) if min(col) > 0 else float("inf") for col in zip(*per_size)]
