"""The P3 figures: every function takes the dict of a :mod:`.measures` or :mod:`.attack` function
and returns a matplotlib Figure (the notebook saves it). SOM-grid figures (Figs 1-5, Supp. Figs 1-2)
first, then the boxplot figures (Figs 6-12, Supp. Figs 3-4)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.patches import Rectangle

from ..plotting import PALETTE
from .knobs import LABELS

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
    ax.set(
        xlim=(-0.5, n - 0.5),
        ylim=(m - 0.5, -0.5),
        xticks=[],
        yticks=[],
        title=title,
        aspect="equal",
    )
    _frame(ax)


def _code_bars(fig, ax, code: np.ndarray, name: str, legend: bool) -> None:
    c = len(code) // 4
    for k, stat in enumerate(("max", "mean", "std", "CoM")):
        # one filled step patch per statistic: the same picture as unit-width bars, ~8x faster to
        # draw for the 2 048-dimensional codes of CL4 (one artist instead of 512)
        ax.stairs(
            code[k * c : (k + 1) * c],
            np.arange(k * c, (k + 1) * c + 1) - 0.5,
            fill=True,
            color=PALETTE[k],
            label=stat,
        )
    ax.set(title=f"{name} code (4×{c} = {len(code)})", xticks=[], xlim=(0, len(code)))
    if legend:
        fig.legend(
            *ax.get_legend_handles_labels(),
            ncol=4,
            loc="upper center",
            bbox_to_anchor=(0.62, 0.985),
            fontsize=8,
        )


def fig01(r: dict) -> plt.Figure:
    """Pipeline schematic from real data: image -> maps -> vector code -> SOM BMUs (Fig. 1)."""
    layers = r["layers"]
    fig = plt.figure(figsize=(11, 1.9 * len(layers) + 0.6))
    gs = fig.add_gridspec(
        len(layers), 8, width_ratios=[1.4, 0.2, 1, 1, 1, 1, 3, 1.4], wspace=0.35, hspace=0.45
    )
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
        a.scatter(
            b % r["n"],
            b // r["n"],
            c=np.arange(len(b)),
            cmap="autumn",
            s=18,
            edgecolors="k",
            linewidths=0.3,
        )
    fig.suptitle(
        f"{LABELS[r['arch']]}: feature maps (4 most active channels) → vector code → "
        "10 BMUs (red = 1st, yellow = 10th)",
        y=1.02,
    )
    return fig


def _torus_panel(ax, pnl: dict, m: int, n: int) -> None:
    """Fig. 2A on real BMUs: the mode and the BMU that wrapping brings closest, 9 tiles."""
    gain = (pnl["loc"] - pnl["mode"]).norm(dim=1) - (pnl["unfolded"] - pnl["mode"]).norm(dim=1)
    p, q = pnl["mode"], pnl["loc"][gain.argmax()]
    for dr in (-m, 0, m):
        for dc in (-n, 0, n):
            centre = dr == dc == 0
            ax.add_patch(
                Rectangle(
                    (dc - 0.5, dr - 0.5),
                    n,
                    m,
                    fill=centre,
                    ec="0.5",
                    fc=PALETTE[0],
                    alpha=0.15 if centre else 1,
                )
            )
            ax.scatter(q[1] + dc, q[0] + dr, c=PALETTE[3], s=22, zorder=3)
    ax.scatter(p[1], p[0], c="k", s=26, zorder=3)
    copies = torch.tensor([[q[0] + dr, q[1] + dc] for dr in (-m, 0, m) for dc in (-n, 0, n)])
    best = copies[(copies - p).norm(dim=1).argmin()]
    ax.plot(
        [p[1], q[1]],
        [p[0], q[0]],
        c="0.4",
        lw=1,
        ls="--",
        label=f"flat {float((q - p).norm()):.1f}",
    )
    ax.plot(
        [p[1], best[1]],
        [p[0], best[0]],
        c=PALETTE[3],
        lw=2.5,
        label=f"torus {float((best - p).norm()):.1f}",
    )
    ax.legend(fontsize=7, loc="lower right")
    ax.set(
        xlim=(-n - 1, 2 * n),
        ylim=(2 * m, -m - 1),
        aspect="equal",
        xticks=[],
        yticks=[],
        title="A: torus distance (9 tiles)",
    )
    ax.grid(False)


def fig02(r: dict) -> plt.Figure:
    """(A) torus distance via 9 tiles; (B) a seam-wrapping class, folded and unfolded (Fig. 2)."""
    m, n, panels = r["m"], r["n"], r["panels"]
    fig, axes = subplots(2, len(panels) + 1, figsize=(3.0 * (len(panels) + 1), 6.2))
    _torus_panel(axes[0, 0], max(panels, key=lambda d: d["wrapped"]), m, n)
    axes[1, 0].axis("off")
    axes[1, 0].text(
        0,
        0.5,
        f"class {r['cls']}\n(the class whose SOM-tr\nBMUs wrap the seam "
        "most)\n\ntop: original map\nbottom: unfolded map\n(3× larger), ★ = centre",
        fontsize=9,
    )
    for j, (pnl, name) in enumerate(zip(panels, r["layers"])):
        top, bot, color = axes[0, j + 1], axes[1, j + 1], layer_color(j, len(panels))
        grid_axes(top, m, n, f"B: {name} ({pnl['wrapped']:.0%} wrapped)")
        top.scatter(pnl["loc"][:, 1], pnl["loc"][:, 0], s=8, alpha=0.3, c=color)
        bot.set(
            xlim=(-n - 0.5, 2 * n - 0.5),
            ylim=(2 * m - 0.5, -m - 0.5),
            xticks=[],
            yticks=[],
            aspect="equal",
            title=f"unfolded, D = {pnl['d_unfolded']:.2f}",
        )
        _frame(bot)
        bot.add_patch(Rectangle((-0.5, -0.5), n, m, fill=False, ec="0.5", ls="--"))
        bot.scatter(pnl["unfolded"][:, 1], pnl["unfolded"][:, 0], s=8, alpha=0.3, c=color)
        bot.scatter(pnl["center"][1], pnl["center"][0], marker="*", s=120, c="k")
    return fig


def fig03(r: dict) -> plt.Figure:
    """SOM loss over training, one panel per model, one line per layer (Fig. 3)."""
    archs = list(r["curves"])
    fig, axes = subplots(1, len(archs), figsize=(3.3 * len(archs), 3.0), sharey=True, squeeze=False)
    for ax, arch, letter in zip(axes[0], archs, "ABCDEFGH"):
        for i, (steps, loss) in enumerate(r["curves"][arch]):
            k = max(1, len(loss) // 25)
            smooth = np.convolve(loss.numpy(), np.ones(k) / k, mode="valid")
            ax.plot(steps.numpy()[k - 1 :], smooth, color=layer_color(i, 4), label=r["layers"][i])
        ax.set(title=f"{letter}: {LABELS[arch]}", xlabel="training step (codes seen)")
    axes[0, 0].set_ylabel("SOM loss (mean CD to BMU)")
    axes[0, -1].legend()
    return fig


def density_maps(r: dict) -> plt.Figure:
    """Gaussian-KDE BMU densities ×100 (Fig. 4: one layer; Supp. Fig. 1: models × layers)."""
    archs, layers = r["archs"], r["layers"]
    rows, cols = (1, len(archs)) if len(layers) == 1 else (len(archs), len(layers))
    fig, axes = subplots(rows, cols, squeeze=False, figsize=(2.9 * cols, 2.7 * rows))
    for i, arch in enumerate(archs):
        for j, li in enumerate(layers):
            ax = axes[0, i] if len(layers) == 1 else axes[i, j]
            d = r["density"][(arch, li)]
            im = ax.imshow(
                100 * d["kde"].numpy(),
                cmap="viridis",
                extent=(-0.5, r["n"] - 0.5, r["m"] - 0.5, -0.5),
            )
            ax.set(
                xticks=[], yticks=[], title=f"{LABELS[arch]} CL{li + 1}\nnever BMU {d['never']:.0%}"
            )
            ax.grid(False)
            fig.colorbar(im, ax=ax, fraction=0.046, pad=0.03)
    fig.suptitle("density of SOM-tr BMUs (×100)")
    return fig


def class_bmu_panels(r: dict) -> plt.Figure:
    """BMUs per class: for each layer a SOM-tr and a SOM-val row (Fig. 5, Supp. Fig. 2)."""
    shown, layers, m, n = r["shown"], r["layers"], r["m"], r["n"]
    fig, axes = subplots(
        2 * len(layers),
        len(shown),
        squeeze=False,
        figsize=(1.7 * len(shown), 1.75 * 2 * len(layers)),
    )
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


# ----------------------------------------------------------------------------- boxplot figures
def boxes(ax, data, labels, colors, positions=None, width=0.6) -> None:
    """Boxplots of ``data`` (one array per box), filled with ``colors``, open-circle outliers."""
    pos = np.arange(len(data)) if positions is None else positions
    bp = ax.boxplot(
        [np.asarray(d, dtype=float) for d in data],
        positions=pos,
        widths=width,
        patch_artist=True,
        medianprops={"color": "k"},
        flierprops={"marker": "o", "markerfacecolor": "none", "markersize": 3},
    )
    for patch, c in zip(bp["boxes"], colors):
        patch.set(facecolor=c, alpha=0.6)
    ax.set_xticks(pos, labels)


def _grouped(ax, groups: list, layers: list[str], data_of, label_of) -> None:
    """One box per (layer, group), groups side by side in the project palette, with a legend."""
    width = 0.8 / len(groups)
    for g, grp in enumerate(groups):
        pos = np.arange(len(layers)) + (g - (len(groups) - 1) / 2) * width
        boxes(
            ax,
            data_of(grp),
            [""] * len(layers),
            [PALETTE[g]] * len(layers),
            positions=pos,
            width=width * 0.9,
        )
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
        ax.set(
            title=f"{'AB'[j]}: {LABELS[arch]} D_class, SOM-tr | SOM-val",
            ylabel="D_class (grid units)",
        )
        boxes(axes[1, j], res["wcd"], layers, colors)
        axes[1, j].set(
            title=f"{'CD'[j]}: {LABELS[arch]} weight CD, all unit pairs", ylabel="cosine distance"
        )
    return fig


def center_cd_boxes(r: dict, by: str = "model") -> plt.Figure:
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
    ax.set(
        xlabel="ViT block (CLS token)",
        ylabel="weight cosine distance",
        title="CD between SOM weights, all unit pairs",
    )
    return fig


def displacement_boxes(r: dict, which: str) -> plt.Figure:
    """Clean-vs-perturbed BMU distances per layer: row noise, row PGD; a column per model."""
    archs, layers = list(r["eps"]), r["layers"]
    fig, axes = subplots(
        2,
        len(archs),
        squeeze=False,
        sharey=True,
        figsize=(max(4.2, 0.7 * len(layers)) * len(archs), 6.0),
    )
    colors = [layer_color(k, len(layers)) for k in range(len(layers))]
    for j, arch in enumerate(archs):
        eps, acc = r["eps"][arch][which], r["acc"][(arch, which)]
        for i, kind in enumerate(("noise", "pgd")):
            ax = axes[i, j]
            data = [v.reshape(-1).float() for v in r["disp"][(arch, which, kind)]]
            boxes(ax, data, layers, colors)
            name = "uniform noise U(0, ε)" if kind == "noise" else "PGD"
            letter = f"{'ABCD'[i * len(archs) + j]}: " if len(archs) <= 2 else ""
            ax.set_title(
                f"{letter}{LABELS.get(arch, arch)}: {name}\nε = {eps * 255:.0f}/255, "
                f"accuracy {acc['clean']:.0%} → {acc[kind]:.0%}"
            )
            if j == 0:
                ax.set_ylabel("torus distance, clean ↔ perturbed BMU")
    return fig


def figS3(r: dict) -> plt.Figure:
    """Distance of SOM-val BMUs to the label's centre, correct vs incorrect (Supp. Fig. 3)."""
    archs, layers = list(r["res"]), r["layers"]
    fig, axes = subplots(1, len(archs), figsize=(5.2 * len(archs), 3.4), squeeze=False, sharey=True)
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
    ax.set(
        xlabel="relative depth (first → last analysed layer)",
        xlim=(-0.05, 1.05),
        title="A: code diversity per layer (beam width ∝ mean weight CD)",
    )
    ax.grid(False)
    for g, (name, values) in enumerate(r["pgd_disp"].items()):
        x = np.linspace(0, 1, len(values))
        tag = f"{name}, ε* {r['eps'][name] * 255:.0f}/255"
        bx.plot(x, values, marker="o", color=PALETTE[g], label=f"{tag} PGD")
        bx.plot(
            x, r["noise_disp"][name], ls="--", marker="x", color=PALETTE[g], label=f"{tag} noise"
        )
    bx.set(
        xlabel="relative depth",
        ylabel="mean BMU displacement (grid units)",
        title="B: PGD vs noise of equal size ε*",
    )
    bx.legend(fontsize=7)
    return fig
