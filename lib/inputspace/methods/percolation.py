"""Site percolation on d-dimensional lattices (P1, Conjecture 5.1 made concrete).

P1 conjectures that input-space mode connectivity is a geometric effect of high dimension,
"explained through percolation theory"; the paper's percolation model is not available
to this project. This module gives the standard model and the test the conjecture invokes:

* site percolation on the hypercubic lattice ``side^d`` with nearest-neighbour (2d) adjacency,
  clusters labelled by :func:`scipy.ndimage.label`;
* :func:`threshold_samples` -- the spanning threshold of each random field: with one uniform
  field ``u`` per trial, the open set ``{u < p}`` grows monotonically with ``p``, so the smallest
  ``p`` at which a cluster joins the faces ``x_0 = 0`` and ``x_0 = side - 1`` is found by
  bisection; the median over trials estimates ``p_c`` (literature: 0.5927 in 2-D, 0.3116 in 3-D,
  0.197 / 0.141 / 0.109 in 4-6-D, ``-> 1/(2d)``);
* :func:`connection_probability` -- probability that two distinct random open sites lie in one
  cluster, exactly from the cluster sizes ``sum s(s-1) / (n(n-1))``;
* :func:`slice_losses` -- the loss of a network on a random d-dimensional lattice slice of input
  space, whose low-loss sites (:func:`low_loss_mask`) get the same connectivity test.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage
from torch import nn

LITERATURE_PC = {2: 0.592746, 3: 0.311608, 4: 0.196889, 5: 0.140797, 6: 0.109017}
"""Site-percolation thresholds of the hypercubic lattice (reference values, not from P1)."""


def label_clusters(open_mask: np.ndarray) -> tuple[np.ndarray, int]:
    """Nearest-neighbour clusters of the open sites: ``(labels, n_clusters)`` (0 = closed)."""
    structure = ndimage.generate_binary_structure(open_mask.ndim, 1)
    return ndimage.label(open_mask, structure=structure)


def spans(open_mask: np.ndarray, axis: int = 0) -> bool:
    """Whether one open cluster touches both faces orthogonal to ``axis``."""
    labels, n = label_clusters(open_mask)
    if n == 0:
        return False
    first = np.unique(np.take(labels, 0, axis=axis))
    last = np.unique(np.take(labels, -1, axis=axis))
    return bool(np.intersect1d(first[first > 0], last[last > 0]).size)


def spanning_threshold(field: np.ndarray, tol: float = 1e-3) -> float:
    """Smallest ``p`` (to ``tol``) at which ``{field < p}`` spans along axis 0 (bisection)."""
    lo, hi = 0.0, 1.0
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if spans(field < mid):
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


def threshold_samples(
    d: int, side: int, trials: int, rng: np.random.Generator, tol: float = 1e-3
) -> np.ndarray:
    """Spanning thresholds of ``trials`` uniform fields on ``side^d``; median ~ ``p_c``."""
    return np.array([spanning_threshold(rng.random((side,) * d), tol) for _ in range(trials)])


def connection_probability(open_mask: np.ndarray) -> float:
    """P(two distinct random open sites share a cluster) = ``sum s(s-1) / (n(n-1))``."""
    labels, n_clusters = label_clusters(open_mask)
    sizes = np.bincount(labels.ravel())[1:].astype(np.float64)
    n = sizes.sum()
    return float((sizes * (sizes - 1)).sum() / (n * (n - 1))) if n > 1 else float("nan")


def iid_connection(
    d: int, side: int, fraction: float, trials: int, rng: np.random.Generator
) -> np.ndarray:
    """Connection probability on ``trials`` i.i.d. lattices whose open fraction is exactly
    ``fraction`` (the lowest ``fraction`` of a uniform field: same rule as :func:`low_loss_mask`)."""
    return np.array(
        [
            connection_probability(low_loss_mask(rng.random((side,) * d), fraction))
            for _ in range(trials)
        ]
    )


def low_loss_mask(values: np.ndarray, fraction: float) -> np.ndarray:
    """Open sites = the ``round(fraction * size)`` lowest values (ties broken by position)."""
    k = int(round(fraction * values.size))
    flat = np.zeros(values.size, dtype=bool)
    flat[np.argsort(values.ravel(), kind="stable")[:k]] = True
    return flat.reshape(values.shape)


def side_for(d: int, sites: int) -> int:
    """Lattice side whose ``side^d`` is closest to ``sites`` (at least 2)."""
    return max(2, int(round(sites ** (1.0 / d))))


@torch.no_grad()
def slice_losses(
    model: nn.Module,
    center: torch.Tensor,
    y: int,
    d: int,
    side: int,
    radius: float,
    generator: torch.Generator,
    batch_size: int = 256,
) -> np.ndarray:
    """Cross-entropy of class ``y`` on a random d-dimensional lattice slice of input space.

    Sites ``center + sum_k t_k u_k`` with ``t_k`` on ``linspace(-radius, radius, side)`` and
    ``u_1..u_d`` random orthonormal directions (QR of a Gaussian matrix from ``generator``).

    Returns:
        ``(side,) * d`` array of losses.
    """
    dim = center.numel()
    basis, _ = torch.linalg.qr(torch.randn(dim, d, generator=generator, dtype=torch.float64))
    basis = basis.float().to(center.device)
    axes = torch.linspace(-radius, radius, side)
    grid = torch.cartesian_prod(*([axes] * d)).view(-1, d).to(center.device)
    out = []
    for i in range(0, len(grid), batch_size):
        pts = center.flatten()[None] + grid[i : i + batch_size] @ basis.T
        target = torch.full((len(pts),), y, dtype=torch.long, device=center.device)
        out.append(
            F.cross_entropy(model(pts.view(-1, *center.shape)), target, reduction="none").cpu()
        )
    return torch.cat(out).view((side,) * d).numpy()
