"""Figures of the real-network sections that the papers' own plot modules do not draw (each
function returns a matplotlib Figure; no cached computation here)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from ..plotting import PALETTE


def path_curves(groups: Sequence[tuple[str, dict, Sequence[str]]], title: str) -> plt.Figure:
    """Cross-entropy along straight paths, one panel per group ``(label, path rows, pair names)``
    (path rows: ``alphas`` and ``losses`` of :func:`inputspace.p1.pretrained.same_class`); y on a log
    scale, so barriers of 1e-3 show next to modes at 1e-2."""
    fig, axes = plt.subplots(1, len(groups), figsize=(5.2 * len(groups), 3.6), squeeze=False)
    for ax, (label, rows, names) in zip(axes[0], groups):
        curves = np.asarray(rows["losses"])
        alphas = (
            np.asarray(rows["alphas"]) if "alphas" in rows else np.linspace(0, 1, curves.shape[-1])
        )
        for k, curve in enumerate(curves):
            ax.plot(
                alphas,
                np.clip(curve, 1e-7, None),
                color=PALETTE[k % len(PALETTE)],
                lw=1,
                label=names[k] if k < len(names) <= 8 else None,
            )
        ax.set(
            yscale="log",
            xlabel="interpolation coefficient α",
            ylabel="cross-entropy of the class",
            title=label,
        )
        if 0 < len(names) <= 8:
            ax.legend(fontsize=7)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def displacement_figure(r: dict, title: str) -> plt.Figure:
    """P3 on the real network: each photo's relative code displacement per layer under PGD and
    noise (thin lines) and their medians (thick), log scale."""
    fig, ax = plt.subplots(figsize=(6, 3.8))
    layers = np.arange(1, len(r["layers"]) + 1)
    for kind, colour in (("pgd", PALETTE[3]), ("noise", PALETTE[0])):
        d = np.stack([v.double().numpy() for v in r["disp"][kind]])  # (layers, photos)
        ax.plot(layers, np.clip(d, 1e-6, None), color=colour, alpha=0.25, lw=0.8)
        ax.plot(
            layers,
            np.clip(np.median(d, axis=1), 1e-6, None),
            color=colour,
            lw=2.5,
            label=f"{'PGD' if kind == 'pgd' else 'uniform noise'} (median)",
        )
    ax.set(
        yscale="log",
        xticks=layers,
        xticklabels=[f"CL{i}" for i in layers],
        ylabel="‖c(x′) − c(x)‖ / ‖c(x)‖",
        title=title,
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
