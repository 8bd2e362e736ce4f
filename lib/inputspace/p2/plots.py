"""P2 figures (each function returns a matplotlib Figure; the explorer is :mod:`inputspace.p2.explorer`).

Figure conventions follow the official ``plot_utils.py``: the grid has targets as rows and
sources as columns with the source-class confidence under each cell (4 decimals) and the
originals on the boxed diagonal; triangles are drawn isometrically with ``tricontourf`` of the
source-class confidence (100 levels, vmin 0, vmax 1, red probe points, thumbnails at vertices).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch

from ..plotting import PALETTE
from .lst import strip_indices


def _img(x: torch.Tensor) -> np.ndarray:
    return x.detach().cpu().clamp(0, 1).permute(1, 2, 0).numpy()


def show_image(ax, x: torch.Tensor, caption: str = "", title: str = "") -> None:
    """Draw one ``(C, H, W)`` image in [0, 1] on ``ax`` without ticks, caption below, title above
    (the official ``plot_utils.py`` cell style; the explorer uses it too)."""
    ax.imshow(_img(x), interpolation="nearest")
    ax.set_xticks([]), ax.set_yticks([])
    ax.grid(False)
    ax.set_xlabel(caption, fontsize=8)
    if title:
        ax.set_title(title, fontsize=8)


def path_strip(
    run: dict, k: int, wanted: Sequence[int], target: torch.Tensor, pthresh: float, title: str
) -> plt.Figure:
    """The README path figure: iterates of pair ``k`` at the wanted steps with the source-class
    confidence under each, then the target; below, confidences and distances over iterations."""
    idx = strip_indices(run["steps"], wanted)
    fig = plt.figure(figsize=(max(1.25 * (len(idx) + 1), 8), 5.0))
    outer = fig.add_gridspec(2, 1, height_ratios=[1, 1.5], hspace=0.35)
    top, bottom = outer[0].subgridspec(1, len(idx) + 1), outer[1].subgridspec(1, 2, wspace=0.25)
    for c, i in enumerate(idx):
        show_image(
            fig.add_subplot(top[0, c]),
            run["log_images"][i, k],
            f"{run['log_p_src'][i, k]:.4f}",
            f"step {run['steps'][i]}",
        )
    show_image(fig.add_subplot(top[0, -1]), target, "", "target")
    steps, p0 = np.asarray(run["steps"]), float(run["p0"][k])
    ax = fig.add_subplot(bottom[0, 0])
    ax.plot(steps, run["log_p_src"][:, k], color=PALETTE[0], label="source class")
    ax.plot(steps, run["log_p_tgt"][:, k], color=PALETTE[3], label="target class")
    ax.axhline(p0 - pthresh, ls="--", color="grey", lw=1, label="p0 − δ")
    ax.set(xlabel="iteration", ylabel="confidence", ylim=(-0.02, 1.02))
    ax.legend(fontsize=7)
    ax = fig.add_subplot(bottom[0, 1])
    ax.plot(steps, run["log_rms_l2"][:, k], color=PALETTE[0], label="RMS ℓ2 to target")
    ax.plot(steps, run["log_linf"][:, k], color=PALETTE[1], label="ℓ∞ to target")
    ax.set(xlabel="iteration", ylabel="distance", ylim=(0, None))
    ax.legend(fontsize=7)
    fig.suptitle(title, fontsize=10)
    return fig


def lst_grid(
    run: dict, pool_x: torch.Tensor, names: Sequence[str], n: int, title: str
) -> plt.Figure:
    """N×S grid: row i = target, column j = source (the run's sources: all N, or the real
    network's pool photos); cell = LST output from j towards i with the confidence of class j
    under it; diagonal = the originals (boxed)."""
    index = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(run["src"], run["tgt"]))}
    p0 = {int(a): float(p) for a, p in zip(run["src"], run["p0"])}
    cols = len(p0)
    fig, axes = plt.subplots(n, cols, figsize=(1.35 * cols + 0.6, 1.45 * n), squeeze=False)
    for i in range(n):
        for j in range(cols):
            ax, k = axes[i, j], index.get((j, i))
            x, p = (pool_x[j], p0[j]) if k is None else (run["x"][k], float(run["p_src"][k]))
            show_image(ax, x, f"{p:.4f}", f"source {names[j]}" if i == 0 else "")
            if j == 0:
                ax.set_ylabel(f"target {names[i]}", fontsize=8)
            if i == j:
                for side in ax.spines.values():
                    side.set(visible=True, linewidth=3, color="black")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def star_plot(star: dict, pthresh: float, title: str) -> plt.Figure:
    """Source-class confidence along straight segments: source → LST output (left, star-like
    limbs) and source → target image (right, the contrast)."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4), sharey=True)
    t = np.linspace(0, 1, star["lst"].shape[1])
    for ax, key, name in zip(
        axes, ("lst", "direct"), ("source → LST output", "source → target image")
    ):
        ax.plot(t, star[key].T.numpy(), color=PALETTE[0 if key == "lst" else 3], alpha=0.25, lw=0.8)
        ax.plot(t, star[key].mean(0).numpy(), color="black", lw=2, label="mean over pairs")
        ax.axhline(
            float(star["p0"].mean()) - pthresh, ls="--", color="grey", lw=1, label="mean p0 − δ"
        )
        ax.set(
            title=f"{name} ({len(star[key])} pairs)",
            xlabel="position t on the segment",
            ylim=(-0.02, 1.02),
        )
        ax.legend(fontsize=7, loc="best")
    axes[0].set_ylabel("source-class confidence")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def _thumb(ax, x: torch.Tensor, xy: tuple[float, float], w: float) -> None:
    ins = ax.inset_axes([xy[0], xy[1], w, w], transform=ax.transData)
    ins.imshow(_img(x), interpolation="nearest")
    ins.set_axis_off()


MARGIN_FLOOR = 1e-6
"""The ``margin`` scale's floor: confidences above 1 − 10⁻⁶ share its top colour."""
SCALES = {
    "confidence": ("source-class conf.", (0.0, 1.0), [0, 0.5, 1]),
    "margin": ("−log10(1 − source-class conf.)", (0.0, -np.log10(MARGIN_FLOOR)), [0, 2, 4, 6]),
}
"""Colour scales of the confidence figures: the confidence itself, or ``margin`` = −log10(1 − p),
the second view where the confidence saturates (a digits model at 0.99 and at 0.999999 differ by
4 units there, by 0.01 on the confidence scale)."""


def on_scale(p: np.ndarray, scale: str) -> np.ndarray:
    """Confidences ``p`` on a colour scale of :data:`SCALES`."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {list(SCALES)}, got {scale!r}")
    return p if scale == "confidence" else -np.log10(np.clip(1.0 - p, MARGIN_FLOOR, 1.0))


def _triangle(ax, tri: dict, w: float = 0.25, scale: str = "confidence"):
    v, wt = tri["vertices"].numpy(), tri["weights"].numpy()
    xy = (1 - wt.sum(1, keepdims=True)) * v[0] + wt[:, :1] * v[1] + wt[:, 1:] * v[2]
    lo, hi = SCALES[scale][1]
    cf = ax.tricontourf(
        xy[:, 0],
        xy[:, 1],
        on_scale(tri["probs"].numpy().astype(float), scale),
        levels=np.linspace(lo, hi, 101),
        vmin=lo,
        vmax=hi,
        extend="both",
    )
    ax.plot(xy[:, 0], xy[:, 1], "r.", ms=2.5)
    _thumb(ax, tri["images"][0], (v[0, 0] - w, v[0, 1] - w), w)
    _thumb(ax, tri["images"][1], (v[1, 0], v[1, 1] - w), w)
    _thumb(ax, tri["images"][2], (v[2, 0] - w / 2, v[2, 1]), w)
    ax.set_xlim(min(v[2, 0], 0) - w, max(v[2, 0], 1) + w)
    ax.set_ylim(-w, v[2, 1] + w)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return cf


def triangles_plot(
    rows: dict[str, list[dict]], names: Sequence[str], scale: str = "confidence"
) -> plt.Figure:
    """Triangular hulls (source, LST₁, LST₂), one row per model, one column per target pair;
    coloured by the source-class confidence or, where it saturates, by ``scale="margin"``."""
    ncol = max(len(v) for v in rows.values())
    fig = plt.figure(figsize=(2.5 * ncol + 0.8, 2.9 * len(rows)))
    for sub, (label, tris) in zip(np.atleast_1d(fig.subfigures(len(rows), 1)), rows.items()):
        axes = np.atleast_1d(sub.subplots(1, ncol))
        for ax, tri in zip(axes, tris):
            cf = _triangle(ax, tri, scale=scale)
            t1, t2 = tri["pair"]
            ax.set_title(
                f"→ {names[t1]} & → {names[t2]}\nfrac(δ=0.2) = {tri['stats']['frac_0.2']:.2f}",
                fontsize=8,
            )
        for ax in axes[len(tris) :]:
            ax.set_axis_off()
        sub.suptitle(f"{label}\nsource {names[0]} at lower left", fontsize=9)
        sub.colorbar(cf, ax=list(axes), ticks=SCALES[scale][2], shrink=0.8, label=SCALES[scale][0])
    return fig


def widths_plot(
    runs: dict[str, dict],
    radii: Sequence[float],
    names: Sequence[str],
    pairs: Sequence[Sequence[int]],
    scale: str = "confidence",
) -> plt.Figure:
    """Official ``visualize_path_radius``: 3-D surface over (iteration, ±ℓ2 radius) of the 5 %
    quantile of the source-class confidence, one row per model, one column per pair; with
    ``scale="margin"`` the height is −log10(1 − q), the view where the confidence saturates."""
    r = np.r_[0.0, np.asarray(radii, dtype=float)]
    fig = plt.figure(figsize=(3.6 * len(pairs), 3.4 * len(runs)))
    for row, (label, run) in enumerate(runs.items()):
        steps = np.asarray(run["steps"], dtype=float)
        for c, (s, t) in enumerate(pairs):
            ax = fig.add_subplot(len(runs), len(pairs), row * len(pairs) + c + 1, projection="3d")
            q05 = on_scale(
                run["log_widths"][:, c, :, 0].numpy().astype(float), scale
            )  # (steps, radii)
            lo, hi = SCALES[scale][1]
            X, Y = np.meshgrid(steps, r, indexing="ij")
            for sign in (1, -1):
                ax.plot_surface(X, sign * Y, q05, cmap="viridis", vmin=lo, vmax=hi, linewidth=0)
            ax.set(
                xlabel="iteration",
                ylabel="±ℓ2 radius",
                zlabel="5 % conf." if scale == "confidence" else "−log10(1 − 5 % conf.)",
                zlim=(lo, hi),
            )
            ax.set_title(f"{label}\n{names[s]} → {names[t]}", fontsize=8)
            ax.view_init(35, -60)
    fig.tight_layout()
    return fig
