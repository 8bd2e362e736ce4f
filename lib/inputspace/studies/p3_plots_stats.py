"""P3 boxplot figures (Figs 6-12, Supp. Figs 3-4): every function takes the dict of a
:mod:`.p3_figs` / :mod:`.p3_attack` function and returns a matplotlib Figure."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..plotting import PALETTE
from .p3 import LABELS
from .p3_plots import layer_color, subplots


def boxes(ax, data, labels, colors, positions=None, width=0.6) -> None:
    """Boxplots of ``data`` (one array per box), filled with ``colors``, open-circle outliers."""
    pos = np.arange(len(data)) if positions is None else positions
    bp = ax.boxplot([np.asarray(d, dtype=float) for d in data], positions=pos, widths=width,
                    patch_artist=True, medianprops={"color": "k"},
                    flierprops={"marker": "o", "markerfacecolor": "none", "markersize": 3})
    for patch, c in zip(bp["boxes"], colors):
        patch.set(facecolor=c, alpha=0.6)
    ax.set_xticks(pos, labels)


def _grouped(ax, groups: list, layers: list[str], data_of, label_of) -> None:
    """One box per (layer, group), groups side by side in the project palette, with a legend."""
    width = 0.8 / len(groups)
    for g, grp in enumerate(groups):
        pos = np.arange(len(layers)) + (g - (len(groups) - 1) / 2) * width
        boxes(ax, data_of(grp), [""] * len(layers), [PALETTE[g]] * len(layers), positions=pos,
              width=width * 0.9)
        ax.plot([], [], color=PALETTE[g], lw=6, alpha=0.6, label=label_of(grp))
    ax.set_xticks(np.arange(len(layers)), layers)


def fig06(r: dict) -> plt.Figure:
    """D_class boxplots (SOM-tr | SOM-val) and pairwise weight CD per layer (Fig. 6)."""
    archs, layers = list(r["res"]), r["layers"]
    fig, axes = subplots(2, len(archs), figsize=(5.2 * len(archs), 6.4), squeeze=False)
    colors = [layer_color(i, len(layers)) for i in range(len(layers))]
    x = np.arange(len(layers))
    for j, arch in enumerate(archs):
        res, ax = r["res"][arch], axes[0, j]
        boxes(ax, res["tr"], layers, colors, positions=x - 0.2, width=0.35)
        boxes(ax, res["val"], layers, colors, positions=x + 0.2, width=0.35)
        ax.set_xticks(x, layers)
        ax.set(title=f"{'AB'[j]}: {LABELS[arch]} D_class, SOM-tr | SOM-val",
               ylabel="D_class (grid units)")
        boxes(axes[1, j], res["wcd"], layers, colors)
        axes[1, j].set(title=f"{'CD'[j]}: {LABELS[arch]} weight CD, all unit pairs",
                       ylabel="cosine distance")
    return fig


def center_cd(r: dict, by: str = "model") -> plt.Figure:
    """Class-centre weight CD per layer: panels = sizes, colours = models (Fig. 7), or one
    panel with colours = sizes (``by="size"``, Fig. 10)."""
    layers, sizes, archs = r["layers"], r["sizes"], r["archs"]
    panels = sizes if by == "model" else [None]
    cols = min(2, len(panels))
    rows = -(-len(panels) // cols)
    width = max(4.8, 0.45 * len(layers) * (len(archs) if by == "model" else len(sizes)))
    fig, axes = subplots(rows, cols, figsize=(width * cols, 3.2 * rows), squeeze=False, sharey=True)
    for ax, size, letter in zip(axes.flat, panels, "ABCDEFGH"):
        if by == "model":
            _grouped(ax, archs, layers, lambda a, s=size: r["res"][(s, a)], lambda a: LABELS[a])
            ax.set_title(f"{letter}: {size}×{size} SOM")
        else:
            _grouped(ax, sizes, layers, lambda s: r["res"][(s, archs[0])], lambda s: f"{s}×{s}")
            ax.set_title(f"{LABELS.get(archs[0], archs[0])}: class-centre CD by SOM size")
    for ax in axes[:, 0]:
        ax.set_ylabel("CD between class-centre weights")
    axes.flat[0].legend(fontsize=7, loc="upper left")
    return fig


def fig08(r: dict) -> plt.Figure:
    """D_class (A) and class-centre CD (B) per layer for each data set (Fig. 8)."""
    fig, axes = subplots(1, 2, figsize=(10, 3.4))
    titles = ("A: D_class (SOM-tr)", "B: class-centre CD")
    for ax, key, title in zip(axes, ("dclass", "ccd"), titles):
        _grouped(ax, r["datasets"], r["layers"], lambda ds, k=key: r["res"][ds][k], str)
        ax.set(title=title)
        ax.legend(fontsize=8)
    return fig


def fig09(r: dict) -> plt.Figure:
    """Pairwise weight CD of the SOM of every ViT block (Fig. 9)."""
    layers = r["layers"]
    fig, ax = subplots(figsize=(max(4.5, 0.6 * len(layers)), 3.2))
    boxes(ax, r["wcd"], layers, [layer_color(i, len(layers)) for i in range(len(layers))])
    ax.set(xlabel="ViT block (CLS token)", ylabel="weight cosine distance",
           title="CD between SOM weights, all unit pairs")
    return fig


def displacement(r: dict, which: str) -> plt.Figure:
    """Clean-vs-perturbed BMU distances per layer: row noise, row PGD; a column per model."""
    archs, layers = list(r["eps"]), r["layers"]
    fig, axes = subplots(2, len(archs), squeeze=False, sharey=True,
                         figsize=(max(4.2, 0.7 * len(layers)) * len(archs), 6.0))
    colors = [layer_color(k, len(layers)) for k in range(len(layers))]
    for j, arch in enumerate(archs):
        eps, acc = r["eps"][arch][which], r["acc"][(arch, which)]
        for i, kind in enumerate(("noise", "pgd")):
            ax = axes[i, j]
            data = [v.reshape(-1).float() for v in r["disp"][(arch, which, kind)]]
            boxes(ax, data, layers, colors)
            name = "uniform noise U(0, ε)" if kind == "noise" else "PGD"
            letter = f"{'ABCD'[i * len(archs) + j]}: " if len(archs) <= 2 else ""
            ax.set_title(f"{letter}{LABELS.get(arch, arch)}: {name}\nε = {eps * 255:.0f}/255, "
                         f"accuracy {acc['clean']:.0%} → {acc[kind]:.0%}")
            if j == 0:
                ax.set_ylabel("torus distance, clean ↔ perturbed BMU")
    return fig


def figS3(r: dict) -> plt.Figure:
    """Distance of SOM-val BMUs to the label's centre, correct vs incorrect (Supp. Fig. 3)."""
    archs, layers = list(r["res"]), r["layers"]
    fig, axes = subplots(1, len(archs), figsize=(5.2 * len(archs), 3.4), squeeze=False,
                         sharey=True)
    for ax, arch, letter in zip(axes[0], archs, "AB"):
        data, labels, colors = [], [], []
        for name, res in zip(layers, r["res"][arch]):
            for ok, tag in ((True, "Corr"), (False, "InCorr")):
                data.append(res["distance"][res["correct"] == ok])
                labels.append(f"{name}\n{tag}")
                colors.append(PALETTE[0] if ok else PALETTE[3])
        boxes(ax, data, labels, colors)
        ax.set(title=f"{letter}: {LABELS[arch]}", ylabel="ED of BMUs to label centre")
        ax.tick_params(axis="x", labelsize=7)
    return fig


def figS4(r: dict) -> plt.Figure:
    """The functional telescope drawn from measured numbers: code diversity (mean pairwise
    weight CD) per layer as a beam width per model, and PGD vs noise BMU displacement."""
    fig, (ax, bx) = subplots(1, 2, figsize=(11, 4.2))
    names = list(r["diversity"])
    for g, name in enumerate(names):
        v = np.asarray(r["diversity"][name]) / max(r["diversity"][name])
        x, y0 = np.linspace(0, 1, len(v)), len(names) - 1 - g
        ax.fill_between(x, y0 - 0.42 * v, y0 + 0.42 * v, color=PALETTE[g], alpha=0.35, lw=0)
        for sign in (1, -1):
            ax.plot(x, y0 + sign * 0.42 * v, color=PALETTE[g], marker="o", ms=3)
    ax.set_yticks(range(len(names)), names[::-1])
    ax.set(xlabel="relative depth (first → last analysed layer)", xlim=(-0.05, 1.05),
           title="A: code diversity per layer (beam width ∝ mean weight CD)")
    ax.grid(False)
    for g, (name, values) in enumerate(r["pgd_disp"].items()):
        x = np.linspace(0, 1, len(values))
        tag = f"{name}, ε* {r['eps'][name] * 255:.0f}/255"
        bx.plot(x, values, marker="o", color=PALETTE[g], label=f"{tag} PGD")
        bx.plot(x, r["noise_disp"][name], ls="--", marker="x", color=PALETTE[g],
                label=f"{tag} noise")
    bx.set(xlabel="relative depth", ylabel="mean BMU displacement (grid units)",
           title="B: PGD vs noise of equal size ε*")
    bx.legend(fontsize=7)
    return fig
