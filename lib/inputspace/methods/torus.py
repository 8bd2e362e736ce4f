"""Geometry of a periodic (toroidal) SOM grid: P3 Sec. 2.4 and Fig. 2.

A trained ``m x n`` SOM with periodic boundaries is a torus. Following the paper:

* **torus distance** -- one point stays on the central grid, the other is copied onto the 9
  tiled grids (offsets ``{-m, 0, m} x {-n, 0, n}``) and the shortest Euclidean distance is
  taken (Fig. 2A);
* **unfolding** -- all BMUs of a class are moved to the copy nearest to the class's most
  frequent BMU (the "mode"), so a cluster that straddles the seam becomes compact in the
  3x larger unfolded map (Fig. 2B, bottom);
* **class centre** -- the mean (centre of mass) of the unfolded BMUs of SOM-tr;
* **D_class** -- mean Euclidean distance of a class's unfolded BMUs to its centre (Fig. 6A/B);
  held-out (SOM-val) BMUs are unfolded around the *SOM-tr* mode and measured to the *SOM-tr*
  centre (the paper estimates centres on SOM-tr only; which anchor it used for SOM-val is not
  stated -- ``anchor="center"`` is the alternative);
* **centre unit** -- the grid unit nearest to the centre, wrapped back onto the torus (Figs 7, 10).

Grid positions are float tensors ``(..., 2)`` of ``(row, col)``; unit ``k`` sits at
``(k // n, k % n)`` (QuickSOM's ``locations`` order).
"""

from __future__ import annotations

import torch


def offsets(m: int, n: int, *, device: torch.device | str | None = None) -> torch.Tensor:
    """The 9 tile offsets ``{-m, 0, m} x {-n, 0, n}``: ``(9, 2)`` floats, ``(0, 0)`` first."""
    rows = torch.tensor([0.0, -m, m], device=device)
    cols = torch.tensor([0.0, -n, n], device=device)
    return torch.stack(torch.meshgrid(rows, cols, indexing="ij"), -1).reshape(9, 2)


def unit_locations(m: int, n: int, *, device: torch.device | str | None = None) -> torch.Tensor:
    """``(m*n, 2)`` float grid positions of the units, row-major (unit ``k`` at ``(k//n, k%n)``)."""
    k = torch.arange(m * n, device=device)
    return torch.stack([k // n, k % n], -1).float()


def torus_distance(p: torch.Tensor, q: torch.Tensor, m: int, n: int) -> torch.Tensor:
    """Shortest Euclidean distance between grid points on the ``m x n`` torus (Fig. 2A).

    Equal to ``min_o ||p - (q + o)||`` over the 9 tiled copies ``o`` (:func:`offsets`); computed
    per axis (``min(|dr| mod m, m - |dr| mod m)``, same for columns), which is the same minimum
    because the squared distance separates into a row and a column term.

    Args:
        p, q: ``(..., 2)`` positions (broadcastable); need not lie inside the central grid.

    Returns:
        ``(...)`` distances.
    """
    size = torch.tensor([float(m), float(n)], device=p.device)
    d = torch.remainder(p.float() - q.float(), size)
    return torch.minimum(d, size - d).norm(dim=-1)


def bmu_center_distances(
    units: torch.Tensor, classes: torch.Tensor, centers: torch.Tensor, m: int, n: int
) -> torch.Tensor:
    """Torus distance (Fig. 2A, :func:`torus_distance`) from units of an already trained SOM to
    the centre of a given class, for any inputs (e.g. the BMUs of LST outputs or adversarials).

    Args:
        units: ``(N, k)`` unit indices (the top-k BMUs of N inputs).
        classes: ``(N,)`` the class whose centre each input is measured to.
        centers: ``(C, 2)`` class centres, e.g. ``class_centers(...)["center"]`` (they may lie
            outside the central grid; the torus distance wraps them).

    Returns:
        ``(N, k)`` distances; NaN for a class without SOM-tr inputs (NaN centre).
    """
    loc = unit_locations(m, n, device=units.device)[units]
    return torus_distance(loc, centers.to(loc.device)[classes].unsqueeze(-2), m, n)


def grid_sq_distances(
    m: int, n: int, *, periodic: bool = True, device: torch.device | str | None = None
) -> torch.Tensor:
    """``(m*n, m*n)`` squared grid distances between all units: QuickSOM's ``distance_mat``.

    With ``periodic=True`` this is the squared torus distance (9 copies); otherwise the plain
    squared Euclidean distance on the flat grid. Used by the SOM's neighbourhood (Eq. 1).
    """
    loc = unit_locations(m, n, device=device)
    if periodic:
        return torus_distance(loc[:, None], loc[None], m, n).square()
    return (loc[:, None] - loc[None]).square().sum(-1)


def _wrap(p: torch.Tensor, m: int, n: int) -> torch.Tensor:
    size = torch.tensor([float(m), float(n)], device=p.device)
    return torch.remainder(p, size)


def unfold(points: torch.Tensor, anchor: torch.Tensor, m: int, n: int) -> torch.Tensor:
    """Move every point to the copy (of the 9) nearest to ``anchor`` (Sec. 2.4, Fig. 2B).

    Args:
        points: ``(..., 2)`` positions on the central grid.
        anchor: ``(2,)`` or broadcastable ``(..., 2)`` position (the class's most frequent BMU).

    Returns:
        ``(..., 2)`` unfolded positions in the 3x larger map ``[-m, 2m) x [-n, 2n)``.
    """
    points = points.float()
    cand = points.unsqueeze(-2) + offsets(m, n, device=points.device)  # (..., 9, 2)
    d = (cand - anchor.float().unsqueeze(-2)).norm(dim=-1)  # (..., 9)
    best = d.argmin(-1, keepdim=True)  # ties: the first offset, (0, 0) = no move
    return cand.gather(-2, best.unsqueeze(-1).expand(*best.shape, 2)).squeeze(-2)


def most_frequent_unit(units: torch.Tensor, m: int, n: int) -> int:
    """The unit index chosen most often (ties: the lowest index)."""
    return int(torch.bincount(units.reshape(-1).long(), minlength=m * n).argmax())


def class_centers(
    bmus: torch.Tensor, labels: torch.Tensor, m: int, n: int, num_classes: int | None = None
) -> dict[str, torch.Tensor]:
    """Class modes and centres from SOM-tr BMUs (Sec. 2.4).

    Args:
        bmus: ``(N, k)`` unit indices (top-k BMUs per input; the paper uses k = 10).
        labels: ``(N,)`` class of each input.
        num_classes: number of classes (default ``labels.max() + 1``); a class without inputs
            gets NaN centre and mode ``-1``.

    Returns:
        ``{"mode": (C,) unit index, "mode_loc": (C, 2), "center": (C, 2)}`` where ``center`` is
        the mean of the class's BMUs unfolded around its mode (may lie outside the grid).
    """
    num_classes = int(labels.max()) + 1 if num_classes is None else num_classes
    loc = unit_locations(m, n, device=bmus.device)
    modes = torch.full((num_classes,), -1, dtype=torch.long, device=bmus.device)
    centers = torch.full((num_classes, 2), float("nan"), device=bmus.device)
    for c in range(num_classes):
        sel = bmus[labels == c]
        if sel.numel() == 0:
            continue
        modes[c] = most_frequent_unit(sel, m, n)
        centers[c] = unfold(loc[sel.reshape(-1)], loc[modes[c]], m, n).mean(0)
    mode_loc = loc[modes.clamp(min=0)].masked_fill((modes < 0)[:, None], float("nan"))
    return {"mode": modes, "mode_loc": mode_loc, "center": centers}


def distance_to_centers(
    bmus: torch.Tensor,
    targets: torch.Tensor,
    centers: dict[str, torch.Tensor],
    m: int,
    n: int,
    *,
    anchor: str = "mode",
) -> torch.Tensor:
    """Distance of every BMU to the centre of a given class, in the unfolded map.

    Each BMU is unfolded around the class's SOM-tr ``mode`` (default) or ``center``
    (alternative: the paper does not say which anchor it unfolds around) and its Euclidean distance to the centre taken.

    Args:
        bmus: ``(N, k)`` unit indices; targets: ``(N,)`` the class whose centre is used.
        centers: output of :func:`class_centers` (from SOM-tr).

    Returns:
        ``(N, k)`` distances.
    """
    if anchor not in ("mode", "center"):
        raise ValueError(f"anchor must be 'mode' or 'center', got {anchor!r}")
    loc = unit_locations(m, n, device=bmus.device)[bmus]  # (N, k, 2)
    ref = centers["mode_loc" if anchor == "mode" else "center"][targets]  # (N, 2)
    center = centers["center"][targets]
    unfolded = unfold(loc, ref[:, None], m, n)
    return (unfolded - center[:, None]).norm(dim=-1)


def d_class(
    bmus: torch.Tensor,
    labels: torch.Tensor,
    centers: dict[str, torch.Tensor],
    m: int,
    n: int,
    *,
    anchor: str = "mode",
) -> torch.Tensor:
    """D_class per class (Fig. 6A/B): mean distance of the class's BMUs to its centre.

    Returns ``(C,)``; NaN for classes without inputs.
    """
    dist = distance_to_centers(bmus, labels, centers, m, n, anchor=anchor).mean(1)
    num_classes = centers["center"].shape[0]
    out = torch.full((num_classes,), float("nan"), device=dist.device)
    for c in range(num_classes):
        if (labels == c).any():
            out[c] = dist[labels == c].mean()
    return out


def center_units(centers: torch.Tensor, m: int, n: int) -> torch.Tensor:
    """Unit index nearest to each (unfolded) centre, wrapped back onto the torus (Figs 7, 10)."""
    rc = _wrap(torch.round(centers.float()), m, n).long()
    return rc[..., 0] * n + rc[..., 1]


def mean_pair_distance(m: int, n: int) -> float:
    """The mean torus distance between two units drawn independently and uniformly from an ``m x n``
    map (7.67 for 20 x 20): the distance a BMU moves when it lands anywhere (a saturated displacement)."""
    loc = unit_locations(m, n)
    return float(torus_distance(loc[:, None], loc[None, :], m, n).mean())
