"""The cross-study figures (each function returns a matplotlib Figure)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

from ..methods.connectivity import DELTA
from ..p3.plots import grid_axes
from ..plotting import PALETTE
from .claims import excess_displacement
from .tables import model_label

SEGMENT_KINDS = (("lst", "→ LST output"), ("real", "→ real image"), ("pgd", "→ kept PGD"))
SHORT_SEGMENTS = {"lst": "→ LST", "real": "→ real", "pgd": "→ PGD"}
FLOOR = 1e-7
"""Gaps below this are drawn at it (a log axis; most gaps are exactly 0)."""


def segments_figure(seg: dict, profile: str) -> plt.Figure:
    """px-01: (left) the gaps of every segment kind per row against δ; (right) the normal row's
    source-class CE along its segments, median and 10–90 % band over segments per kind."""
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4))
    ticks, labels = [], []
    for r, (role, s) in enumerate(seg.items()):
        for k, (key, _) in enumerate(SEGMENT_KINDS):
            g = s[key]["gap"].double().clamp_min(FLOOR).numpy()
            x = r * (len(SEGMENT_KINDS) + 1) + k
            jitter = np.random.default_rng(k).uniform(-0.25, 0.25, len(g))
            ax.scatter(x + jitter, g, s=10, alpha=0.6, color=PALETTE[k])
            if len(g):
                ax.plot([x - 0.3, x + 0.3], [np.median(g)] * 2, color="black", lw=1.5)
            ticks.append(x)
            labels.append(SHORT_SEGMENTS[key])
        ax.text(
            r * (len(SEGMENT_KINDS) + 1) + (len(SEGMENT_KINDS) - 1) / 2,
            1.0,
            model_label(role, profile),
            ha="center",
            va="bottom",
            fontsize=8,
            transform=ax.get_xaxis_transform(),
        )
    ax.axhline(DELTA, color="grey", ls="--", lw=1, label=f"δ = {DELTA:g}")
    ax.set(yscale="log", ylabel=f"barrier gap (values < {FLOOR:g} drawn at it)")
    ax.set_title("gap along source → x", pad=16)
    ax.set_xticks(ticks, labels, fontsize=8)
    ax.legend(fontsize=8, loc="center right")
    for k, (key, name) in enumerate(SEGMENT_KINDS):
        losses = seg["normal"][key]["losses"]
        if len(losses) == 0:
            continue
        alphas = np.linspace(0, 1, losses.shape[1])
        q = np.quantile(losses.double().numpy(), [0.1, 0.5, 0.9], axis=0)
        bx.plot(alphas, q[1], color=PALETTE[k], label=f"{name} ({len(losses)})")
        bx.fill_between(alphas, q[0], q[2], color=PALETTE[k], alpha=0.2)
    bx.set(
        yscale="log",
        xlabel="α along the segment",
        ylabel="source-class CE",
        title=f"{model_label('normal', profile)}: CE along the segments",
    )
    bx.legend(fontsize=8)
    fig.tight_layout()
    return fig


def layers_figure(lay: dict) -> plt.Figure:
    """px-02: per layer, the fraction of LST outputs closer to the source-class and to the
    target-class centre, of class-changing PGD adversarials closer to the predicted / true one, and
    of P1's K' closer to the target / true one: in every panel blue is the predicted class."""
    # one colour, one meaning in every panel: blue = the class the network predicts, orange = the
    # class the input looks like (LST: source vs target; PGD: predicted vs true; K': target vs true)
    panels = [
        (
            lay.get("lst"),
            ("d_src", "source class (predicted)"),
            ("d_tgt", "target class (looks like)"),
            "LST outputs",
        ),
        (
            lay["pgd"],
            ("d_pred", "predicted class"),
            ("d_true", "true class (looks like)"),
            f"PGD that changes the class (ε = {lay['pgd']['eps'] * 255:.0f}/255)",
        ),
    ]
    if "inputopt" in lay:
        panels.append(
            (
                lay["inputopt"],
                ("d_tgt", "target class (predicted)"),
                ("d_true", "true class (looks like)"),
                "K' that reach the target",
            )
        )
    fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.8), sharey=True)
    x = np.arange(len(lay["layers"]))
    panels = [(ax, *p) for ax, p in zip(axes, panels)]
    for ax, part, (a, a_name), (b, b_name), title in panels:
        if part is not None and len(part[a][0]):
            ax.plot(
                x,
                [float((da < db).double().mean()) for da, db in zip(part[a], part[b])],
                "o-",
                color=PALETTE[0],
                label=f"closer to the {a_name} centre",
            )
            ax.plot(
                x,
                [float((db < da).double().mean()) for da, db in zip(part[a], part[b])],
                "s-",
                color=PALETTE[1],
                label=f"closer to the {b_name} centre",
            )
        ax.axhline(0.5, color="grey", ls="--", lw=1)
        ax.set_xticks(x, lay["layers"])
        ax.set(
            ylim=(-0.02, 1.02), title=f"{title} ({len(part[a][0]) if part else 0})", xlabel="layer"
        )
        ax.legend(fontsize=8)
    axes[0].set_ylabel("fraction of inputs (BMU, torus distance)")
    fig.suptitle(
        "blue: closer to the class the network predicts; orange: closer to the class the input looks like",
        fontsize=9,
    )
    fig.tight_layout()
    return fig


def roc_figure(det: dict) -> plt.Figure:
    """px-03: ROC curves of the barrier score and max-softmax, clean vs LST, vs PGD and vs K'."""
    fig, ax = plt.subplots(figsize=(5.2, 4.4))
    styles = {"barrier": "-", "softmax": ":"}
    colors = {"lst": PALETTE[0], "pgd": PALETTE[3], "inputopt": PALETTE[2]}
    names = {"lst": "LST", "pgd": "PGD", "inputopt": "K'"}
    for key, r in det["roc"].items():
        d, name = key.split(":")
        ax.plot(
            r["fpr"],
            r["tpr"],
            styles[d],
            color=colors[name],
            label=f"{d}, clean vs {names[name]} ({r['auc']:.2f})",
        )
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8)
    ax.set(
        xlabel="false positive rate (clean)",
        ylabel="true positive rate",
        title="P1's barrier detector",
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def lenses_figure(r: dict, profile: str) -> plt.Figure:
    """px-04: the same two models through P1 (within-class gaps), P2 (covered distance, triangle
    fraction above p_src − δ) and P3 (D_class and PGD − noise displacement per layer)."""
    fig, axes = plt.subplots(1, 4, figsize=(15, 3.8))
    roles = list(r["som"])
    colors = {role: PALETTE[i] for i, role in enumerate(roles)}
    ax = axes[0]
    for i, role in enumerate(r["within"]):
        g = r["within"][role].double().clamp_min(FLOOR).numpy()
        ax.scatter(
            i + np.random.default_rng(i).uniform(-0.2, 0.2, len(g)),
            g,
            s=10,
            alpha=0.6,
            color=colors[role],
        )
        ax.plot([i - 0.3, i + 0.3], [np.median(g)] * 2, color="black")
    ax.axhline(DELTA, color="grey", ls="--", lw=1)
    ax.set_xticks(
        range(len(r["within"])), [model_label(k, profile) for k in r["within"]], fontsize=8
    )
    ax.set(yscale="log", title="P1: within-class gaps", ylabel="gap")
    ax = axes[1]
    stats = (("covered", "RMS-ℓ2 covered"), ("tri_frac", "triangle > p_src − δ"))
    width = 0.8 / max(len(r["lst"]), 1)
    for i, (role, v) in enumerate(r["lst"].items()):
        ax.bar(
            np.arange(len(stats)) + i * width,
            [float(v[key].double().mean()) if len(v[key]) else np.nan for key, _ in stats],
            width,
            color=colors[role],
            label=model_label(role, profile),
        )
    ax.set_xticks(
        np.arange(len(stats)) + width * (len(r["lst"]) - 1) / 2, [n for _, n in stats], fontsize=8
    )
    ax.set(ylim=(0, 1.05), title="P2: LST outputs (means)")
    ax.legend(fontsize=8)
    x = np.arange(len(r["layers"]))
    for role, s in r["som"].items():
        axes[2].plot(
            x,
            [float(v.median()) for v in s["d_class"]],
            "o-",
            color=colors[role],
            label=model_label(role, profile),
        )
        axes[3].plot(
            x,
            [float(excess_displacement(s["disp"], li).median()) for li in range(len(x))],
            "o-",
            color=colors[role],
            label=model_label(role, profile),
        )
    axes[2].set(title="P3: median D_class (SOM-tr)")
    axes[3].set(title=f"P3: PGD − noise displacement (ε = {r['eps'] * 255:.0f}/255)")
    axes[3].axhline(0, color="grey", lw=0.8)
    for ax in axes[2:]:
        ax.set_xticks(x, r["layers"])
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def torus_panel(
    ax, m: int, n: int, points: dict[str, tuple[torch.Tensor, str, str]], title: str
) -> None:
    """One layer's SOM grid (:func:`inputspace.p3.plots.grid_axes`) with named points
    ``{label: ((row, col), colour, marker)}`` wrapped onto the torus (the explorer). Circles are
    drawn hollow and larger, so a point on the same unit as another stays visible."""
    grid_axes(ax, m, n, title)
    for label, (p, color, marker) in points.items():
        rc = torch.remainder(p.float(), torch.tensor([float(m), float(n)]))
        if marker == "o":
            ax.scatter(
                float(rc[1]),
                float(rc[0]),
                s=160,
                facecolors="none",
                edgecolors=color,
                linewidths=2,
                label=label,
            )
        else:
            ax.scatter(
                float(rc[1]),
                float(rc[0]),
                c=color,
                marker=marker,
                s=110 if marker == "*" else 40,
                label=label,
            )
