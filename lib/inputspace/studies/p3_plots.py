"""P3 figures on the SOM grid (Figs 1-5, Supp. Figs 1-2): every function takes the dict of a
:mod:`.p3_figs` function and returns a matplotlib Figure (the notebook saves it). The boxplot
figures (Figs 6-12, Supp. Figs 3-4) are in :mod:`.p3_plots_stats`."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.patches import Rectangle

from ..plotting import PALETTE
from .p3 import LABELS

LAYER_COLORS = PALETTE[:4]


def subplots(*args, **kw):
    """``plt.subplots`` with constrained layout (titles and tick labels never overlap)."""
    return plt.subplots(*args, layout="constrained", **kw)


def layer_color(i: int, n_layers: int):
    """CL1-CL4 in the project palette; more layers (ViT blocks) along viridis."""
    return LAYER_COLORS[i] if n_layers <= 4 else plt.cm.viridis(i / max(n_layers - 1, 1))


def _frame(ax) -> None:
    ax.grid(False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)


def grid_axes(ax, m: int, n: int, title: str = "") -> None:
    """An ``m x n`` SOM grid panel (row 0 at the top), framed on all sides."""
    ax.set(xlim=(-0.5, n - 0.5), ylim=(m - 0.5, -0.5), xticks=[], yticks=[], title=title,
           aspect="equal")
    _frame(ax)


def _code_bars(fig, ax, code: np.ndarray, name: str, legend: bool) -> None:
    c = len(code) // 4
    for k, stat in enumerate(("max", "mean", "std", "CoM")):
        ax.bar(np.arange(k * c, (k + 1) * c), code[k * c:(k + 1) * c], width=1.0, color=PALETTE[k],
               label=stat)
    ax.set(title=f"{name} code (4×{c} = {len(code)})", xticks=[], xlim=(0, len(code)))
    if legend:
        fig.legend(*ax.get_legend_handles_labels(), ncol=4, loc="upper center",
                   bbox_to_anchor=(0.62, 0.985), fontsize=8)


def fig01(r: dict) -> plt.Figure:
    """Pipeline schematic from real data: image -> maps -> vector code -> SOM BMUs (Fig. 1)."""
    layers = r["layers"]
    fig = plt.figure(figsize=(11, 1.9 * len(layers) + 0.6))
    gs = fig.add_gridspec(len(layers), 8, width_ratios=[1.4, 0.2, 1, 1, 1, 1, 3, 1.4],
                          wspace=0.35, hspace=0.45)
    ax = fig.add_subplot(gs[:, 0])
    ax.imshow(r["image"].permute(1, 2, 0).numpy())
    ax.set(xticks=[], yticks=[], title=f"input (label {r['label']}, pred {r['pred']})")
    ax.grid(False)
    for li, name in enumerate(layers):
        fmap = r["maps"][li]
        for j, ch in enumerate(fmap.flatten(1).amax(1).argsort(descending=True)[:4].tolist()):
            a = fig.add_subplot(gs[li, 2 + j])
            a.imshow(fmap[ch].numpy(), cmap="magma")
            a.set(xticks=[], yticks=[], title=f"{name}: ch {ch}" if j == 0 else f"ch {ch}")
            a.grid(False)
        _code_bars(fig, fig.add_subplot(gs[li, 6]), r["codes"][li].numpy(), name, li == 0)
        a = fig.add_subplot(gs[li, 7])
        grid_axes(a, r["m"], r["n"], f"{r['m']}×{r['n']} SOM")
        b = r["bmus"][li]
        a.scatter(b % r["n"], b // r["n"], c=np.arange(len(b)), cmap="autumn", s=18,
                  edgecolors="k", linewidths=0.3)
    fig.suptitle(f"{LABELS[r['arch']]}: feature maps (4 most active channels) → vector code → "
                 "10 BMUs (red = 1st, yellow = 10th)", y=1.02)
    return fig


def _torus_panel(ax, pnl: dict, m: int, n: int) -> None:
    """Fig. 2A on real BMUs: the mode and the BMU that wrapping brings closest, 9 tiles."""
    gain = (pnl["loc"] - pnl["mode"]).norm(dim=1) - (pnl["unfolded"] - pnl["mode"]).norm(dim=1)
    p, q = pnl["mode"], pnl["loc"][gain.argmax()]
    for dr in (-m, 0, m):
        for dc in (-n, 0, n):
            centre = dr == dc == 0
            ax.add_patch(Rectangle((dc - 0.5, dr - 0.5), n, m, fill=centre, ec="0.5", fc=PALETTE[0],
                                   alpha=0.15 if centre else 1))
            ax.scatter(q[1] + dc, q[0] + dr, c=PALETTE[3], s=22, zorder=3)
    ax.scatter(p[1], p[0], c="k", s=26, zorder=3)
    copies = torch.tensor([[q[0] + dr, q[1] + dc] for dr in (-m, 0, m) for dc in (-n, 0, n)])
    best = copies[(copies - p).norm(dim=1).argmin()]
    ax.plot([p[1], q[1]], [p[0], q[0]], c="0.4", lw=1, ls="--",
            label=f"flat {float((q - p).norm()):.1f}")
    ax.plot([p[1], best[1]], [p[0], best[0]], c=PALETTE[3], lw=2.5,
            label=f"torus {float((best - p).norm()):.1f}")
    ax.legend(fontsize=7, loc="lower right")
    ax.set(xlim=(-n - 1, 2 * n), ylim=(2 * m, -m - 1), aspect="equal", xticks=[], yticks=[],
           title="A: torus distance (9 tiles)")
    ax.grid(False)


def fig02(r: dict) -> plt.Figure:
    """(A) torus distance via 9 tiles; (B) a seam-wrapping class, folded and unfolded (Fig. 2)."""
    m, n, panels = r["m"], r["n"], r["panels"]
    fig, axes = subplots(2, len(panels) + 1, figsize=(3.0 * (len(panels) + 1), 6.2))
    _torus_panel(axes[0, 0], max(panels, key=lambda d: d["wrapped"]), m, n)
    axes[1, 0].axis("off")
    axes[1, 0].text(0, 0.5, f"class {r['cls']}\n(the class whose SOM-tr\nBMUs wrap the seam "
                    "most)\n\ntop: original map\nbottom: unfolded map\n(3× larger), ★ = centre",
                    fontsize=9)
    for j, (pnl, name) in enumerate(zip(panels, r["layers"])):
        top, bot, color = axes[0, j + 1], axes[1, j + 1], layer_color(j, len(panels))
        grid_axes(top, m, n, f"B: {name} ({pnl['wrapped']:.0%} wrapped)")
        top.scatter(pnl["loc"][:, 1], pnl["loc"][:, 0], s=8, alpha=0.3, c=color)
        bot.set(xlim=(-n - 0.5, 2 * n - 0.5), ylim=(2 * m - 0.5, -m - 0.5), xticks=[], yticks=[],
                aspect="equal", title=f"unfolded, D = {pnl['d_unfolded']:.2f}")
        _frame(bot)
        bot.add_patch(Rectangle((-0.5, -0.5), n, m, fill=False, ec="0.5", ls="--"))
        bot.scatter(pnl["unfolded"][:, 1], pnl["unfolded"][:, 0], s=8, alpha=0.3, c=color)
        bot.scatter(pnl["center"][1], pnl["center"][0], marker="*", s=120, c="k")
    return fig


def fig03(r: dict) -> plt.Figure:
    """SOM loss over training, one panel per model, one line per layer (Fig. 3)."""
    archs = list(r["curves"])
    fig, axes = subplots(1, len(archs), figsize=(3.3 * len(archs), 3.0), sharey=True,
                         squeeze=False)
    for ax, arch, letter in zip(axes[0], archs, "ABCDEFGH"):
        for i, (steps, loss) in enumerate(r["curves"][arch]):
            k = max(1, len(loss) // 25)
            smooth = np.convolve(loss.numpy(), np.ones(k) / k, mode="valid")
            ax.plot(steps.numpy()[k - 1:], smooth, color=layer_color(i, 4), label=r["layers"][i])
        ax.set(title=f"{letter}: {LABELS[arch]}", xlabel="training step (codes seen)")
    axes[0, 0].set_ylabel("SOM loss (mean CD to BMU)")
    axes[0, -1].legend()
    return fig


def density(r: dict) -> plt.Figure:
    """Gaussian-KDE BMU densities ×100 (Fig. 4: one layer; Supp. Fig. 1: models × layers)."""
    archs, layers = r["archs"], r["layers"]
    rows, cols = (1, len(archs)) if len(layers) == 1 else (len(archs), len(layers))
    fig, axes = subplots(rows, cols, squeeze=False, figsize=(2.9 * cols, 2.7 * rows))
    for i, arch in enumerate(archs):
        for j, li in enumerate(layers):
            ax = axes[0, i] if len(layers) == 1 else axes[i, j]
            d = r["density"][(arch, li)]
            im = ax.imshow(100 * d["kde"].numpy(), cmap="viridis",
                           extent=(-0.5, r["n"] - 0.5, r["m"] - 0.5, -0.5))
            ax.set(xticks=[], yticks=[],
                   title=f"{LABELS[arch]} CL{li + 1}\nnever BMU {d['never']:.0%}")
            ax.grid(False)
            fig.colorbar(im, ax=ax, fraction=0.046, pad=0.03)
    fig.suptitle("density of SOM-tr BMUs (×100)")
    return fig


def class_bmus(r: dict) -> plt.Figure:
    """BMUs per class: for each layer a SOM-tr and a SOM-val row (Fig. 5, Supp. Fig. 2)."""
    shown, layers, m, n = r["shown"], r["layers"], r["m"], r["n"]
    fig, axes = subplots(2 * len(layers), len(shown), squeeze=False,
                         figsize=(1.7 * len(shown), 1.75 * 2 * len(layers)))
    for li, panel in enumerate(r["panels"]):
        for j, c in enumerate(shown):
            for row, (pts, name) in enumerate(zip(panel[c], ("SOM-tr", "SOM-val"))):
                ax = axes[2 * li + row, j]
                grid_axes(ax, m, n, f"class {c}" if li == 0 and row == 0 else "")
                ax.scatter(pts[:, 1], pts[:, 0], s=6, alpha=0.15, c=layer_color(li, len(layers)))
                if j == 0:
                    ax.set_ylabel(f"{layers[li]} {name}", fontsize=8)
    fig.suptitle(f"{LABELS[r['arch']]}: 10 BMUs per input, by class")
    return fig
