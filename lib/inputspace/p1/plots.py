"""P1 figures (each function returns a matplotlib Figure), named after their notebook: ``fig01`` …
``fig07``, ``fig10`` and ``lipschitz`` (Lemma C.1), ``percolation`` (Conjecture 5.1), ``detection``."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from matplotlib.patches import Rectangle

from ..plotting import PALETTE

BLUE, ORANGE, GREEN, RED = PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3]


def show(ax, img: torch.Tensor, title: str = "", normalize: bool = False) -> None:
    """Show a ``(3, H, W)`` image (pixels in [0, 1]; ``normalize``: min-max scaled)."""
    x = img.detach().cpu().float()
    if normalize:
        x = (x - x.min()) / (x.max() - x.min()).clamp_min(1e-12)
    ax.imshow(x.clamp(0, 1).permute(1, 2, 0).numpy())
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    ax.set_title(title, fontsize=9)


def _diagram(ax) -> None:
    """Fig 1 bottom-left schematic: A -> C, B, the hyperplane orthogonal to AC, B'."""
    a, c, b, bp = np.array([0, 0]), np.array([4, 0]), np.array([2, 0]), np.array([2, -1.2])
    ax.plot([a[0], c[0]], [a[1], c[1]], color=BLUE, lw=1.5)
    ax.plot([2, 2], [-1.8, 1.0], ls=":", color="grey")
    ax.plot([a[0], bp[0], c[0]], [a[1], bp[1], c[1]], ls="--", color=GREEN, lw=1.5)
    for p, name in ((a, "A"), (c, "C"), (b, "B"), (bp, "B′")):
        ax.scatter(*p, color="k", s=14, zorder=3)
        ax.annotate(name, p, textcoords="offset points", xytext=(4, 4), fontsize=9)
    ax.text(2.08, 0.75, "hyperplane orthogonal to AC", fontsize=7, color="grey")
    ax.set_xlim(-0.5, 4.5)
    ax.set_ylim(-2, 1.2)
    ax.axis("off")


def fig01(demo: dict, variant: str = "companion") -> plt.Figure:
    """Fig 1: modes A, C, max-loss point B, B', the loss along A -> C and B' - B."""
    v = demo["variants"][variant]
    fig = plt.figure(figsize=(10, 5.6))
    gs = fig.add_gridspec(2, 5, height_ratios=[1, 1.25])
    cls = demo["class"]
    for i, (img, t) in enumerate(
        (
            (demo["A"], f"A (CE {demo['primary'][0]:.1e})"),
            (demo["B"], f"B (CE {demo['height']:.2g})"),
            (v["b_prime"], f"B′ (CE {v['ce']:.1e})"),
            (demo["C"], f"C (CE {demo['primary'][-1]:.1e})"),
        )
    ):
        show(fig.add_subplot(gs[0, i]), img, t)
    show(
        fig.add_subplot(gs[0, 4]),
        (v["b_prime"] - demo["B"]).abs(),
        f"|B′ − B| normalized\n(max = {100 * v['rel_linf']:.1f} % of max |B|)",
        normalize=True,
    )
    ax = fig.add_subplot(gs[1, :3])
    ax.plot(demo["alphas"], demo["primary"], color=BLUE)
    ax.axvline(demo["alpha_b"], color="grey", ls=":")
    ax.scatter([demo["alpha_b"]], [demo["height"]], color=RED, zorder=3, label="B (max loss)")
    ax.set_xlabel("interpolation coefficient α")
    ax.set_ylabel(f"cross-entropy (class {cls})")
    ax.set_title(f"Primary path A → C: barrier {demo['height']:.3g}, gap {demo['gap']:.3g}")
    ax.legend()
    _diagram(fig.add_subplot(gs[1, 3:]))
    fig.suptitle(f"Barrier between two input modes of class {cls} (bypass: {variant} variant)")
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    return fig


def fig02(demo: dict, delta: float, variant: str = "companion") -> plt.Figure:
    """Fig 2: primary A -> C (left); A -> B' and B' -> C on the primary α axis (right)."""
    v = demo["variants"][variant]
    sec, a_b = v["secondary"], demo["alpha_b"]
    level = max(float(demo["primary"][0]), float(demo["primary"][-1]))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6))
    ax1.plot(demo["alphas"], demo["primary"], color=BLUE)
    ax1.set_title("Primary A → C")
    ax2.plot(np.linspace(0, a_b, sec.shape[1]), sec[0], color=GREEN, label="A → B′")
    ax2.plot(np.linspace(a_b, 1, sec.shape[1]), sec[1], color=RED, label="B′ → C")
    ax2.axhline(
        level + delta, color="grey", ls="--", lw=1, label=f"max(L_A, L_C) + δ (δ = {delta:g})"
    )
    ax2.set_title(f"Bypassed A → B′ → C (secondary excess {v['secondary_excess']:.2g})")
    ax2.legend(fontsize=8)
    for ax in (ax1, ax2):
        ax.set_xlabel("α (primary path)")
        ax.set_ylabel("cross-entropy")
    fig.tight_layout()
    return fig


def fig03(strips: dict, cls: int) -> plt.Figure:
    """Fig 3: images along A -> B' -> C (top, dashed box) and A -> C (bottom); B'/B column boxed."""
    n = len(strips["alphas"])
    fig, axes = plt.subplots(2, n, figsize=(1.5 * n, 3.8))
    dense = strips["dense"].numpy()
    for row, name in enumerate(("bypass", "linear")):
        for j in range(n):
            al = float(strips["alphas"][j])
            p = float(np.interp(al, dense, strips[name + "_p"].numpy()))
            show(axes[row, j], strips[name][j], f"α={al:.2f}\np({cls})={p:.3f}")
        axes[row, 0].set_ylabel("A → B′ → C" if name == "bypass" else "A → C", fontsize=9)
    m = strips["middle"]
    for ax in axes[:, m]:
        for s in ax.spines.values():
            s.set_visible(True)
            s.set_edgecolor(BLUE)
            s.set_linewidth(3)
    fig.suptitle(
        "Images along the bypassed path (dashed box) and the linear path; B′ / B boxed in blue"
    )
    fig.tight_layout(rect=(0.01, 0, 1, 0.93), h_pad=3.5)
    box = axes[0, 0].get_position().union([ax.get_position() for ax in axes[0]])
    fig.add_artist(
        Rectangle(
            (box.x0 - 0.025, box.y0 - 0.01),
            box.width + 0.035,
            box.height + 0.12,
            transform=fig.transFigure,
            fill=False,
            ls="--",
            lw=1.2,
        )
    )
    return fig


def fig04(att: dict) -> plt.Figure:
    """Fig 4: A, K, the pattern K' - K (normalized) and K' with their top predictions."""
    fig, axes = plt.subplots(1, 4, figsize=(10, 3))
    p = att["probs"]

    def lab(i):
        return f"pred {int(p[i].argmax())} (p={float(p[i].max()):.3f})"

    show(axes[0], att["A"], f"A: real mode of {att['target']}\n{lab(0)}")
    show(axes[1], att["K"], f"K: source, class {att['source']}\n{lab(1)}")
    show(
        axes[2],
        att["pattern"],
        f"pattern K′ − K (normalized)\nmax |·| = {float(att['pattern'].abs().max()):.3f}",
        normalize=True,
    )
    show(axes[3], att["K_adv"], f"K′: adversarial\n{lab(2)}")
    fig.suptitle(
        f"Targeted input-optimization attack {att['source']} → {att['target']}: "
        f"CE(K′) = {att['ce_K_adv']:.2e}, CE(A) = {att['ce_A']:.2e}"
    )
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    return fig


def _rounds_axes(
    ax,
    curves: list[torch.Tensor],
    node_alphas: list[torch.Tensor],
    delta: float,
    level: float,
    logy: bool = True,
    start: int = 0,
) -> None:
    """Loss along every round's piecewise-linear path (x = normalized path length); the first
    curve is round ``start`` (0 = primary)."""
    colors = (BLUE, GREEN, ORANGE, PALETTE[4], PALETTE[5])
    for r, (cv, na) in enumerate(zip(curves, node_alphas), start=start):
        for j in range(len(cv)):
            x = np.linspace(float(na[j]), float(na[j + 1]), cv.shape[1])
            ax.plot(
                x,
                cv[j].numpy(),
                color=colors[r % len(colors)],
                lw=1.3,
                label=(
                    ["primary", "after 1 bypass", "after 2", "after 3", "after 4"][r]
                    if j == 0
                    else None
                ),
            )
    ax.axhline(level + delta, color="grey", ls="--", lw=1, label="endpoint level + δ")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("position along the path (normalized length)")
    ax.set_ylabel("cross-entropy")
    ax.legend(fontsize=7)


def fig05(paths: dict) -> plt.Figure:
    """Fig 5: B on the primary barrier A <-> K' (left), the rounds of bypass (middle), and the
    real<->real vs real<->adversarial comparison (right)."""
    fig = plt.figure(figsize=(12, 3.8))
    gs = fig.add_gridspec(1, 4, width_ratios=[0.8, 2, 2, 1.6])
    show(fig.add_subplot(gs[0]), paths["B"], "B: max loss on A → K′")
    c0 = paths["curves"][0][0]
    level = max(float(c0[0]), float(c0[-1]))
    ax = fig.add_subplot(gs[1])
    _rounds_axes(
        ax, paths["curves"][:1], paths["nodes_alpha"][:1], paths["delta"], level, logy=False
    )
    ax.set_title("Primary barrier A → K′")
    ax = fig.add_subplot(gs[2])
    _rounds_axes(ax, paths["curves"][1:], paths["nodes_alpha"][1:], paths["delta"], level, start=1)
    ax.set_title("Secondary (and further) barriers")
    ax = fig.add_subplot(gs[3])
    rows = [r for r in paths["rows"] if r["kind"] != "demo"]
    for k, (kind, col) in enumerate((("real-real", BLUE), ("real-adversarial", RED))):
        h = [max(r["primary_height"], 1e-6) for r in rows if r["kind"] == kind]
        ax.scatter(np.full(len(h), k) + np.linspace(-0.1, 0.1, len(h)), h, color=col)
    ax.set_xticks([0, 1], ["real↔real", "real↔adv."])
    ax.set_yscale("log")
    ax.set_ylabel("primary barrier height")
    ax.set_title("Comparison pairs")
    fig.tight_layout()
    return fig


def fig06(rows: list[dict]) -> plt.Figure:
    """Fig 6: boxplots of barrier max and gap, within-class vs adversarial (kept pairs)."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
    kept = [r for r in rows if r["kept"]]
    for ax, key, title in ((axes[0], "max", "Barrier max"), (axes[1], "gap", "Barrier gap")):
        vals = [[r[key] for r in kept if r["kind"] == k] for k in ("within", "adversarial")]
        bp = ax.boxplot(vals, patch_artist=True, widths=0.5)
        ax.set_xticks([1, 2], ["within-class", "adversarial"])
        for patch, col in zip(bp["boxes"], ("royalblue", "firebrick")):
            patch.set_facecolor(col)
            patch.set_alpha(0.6)
        ax.set_yscale("symlog", linthresh=1e-3)
        ax.set_ylim(0, 2 * max(max(v) for v in vals if v) + 1e-3)
        ax.set_title(title + " (symlog, linear below 1e-3)")
    fig.tight_layout()
    return fig


def fig07(res: dict) -> plt.Figure:
    """Fig 7: untrained network, primary / secondary / tertiary loss curves and the FVO inputs."""
    fig = plt.figure(figsize=(13, 3.6))
    gs = fig.add_gridspec(1, 5, width_ratios=[0.7, 0.7, 2, 2, 2])
    show(
        fig.add_subplot(gs[0]), res["A"], f"A (FVO, TV)\nCE {res['fvo_ce'][0]:.1e}", normalize=True
    )
    show(fig.add_subplot(gs[1]), res["C"], f"C (FVO)\nCE {res['fvo_ce'][1]:.1e}", normalize=True)
    names = ("Primary", "Secondary", "Tertiary")
    for r, rd in enumerate(res["rounds"][:3]):
        ax = fig.add_subplot(gs[2 + r])
        cv = rd["curves"]
        k = len(cv)
        for j in range(k):
            ax.plot(
                np.linspace(j / k, (j + 1) / k, cv.shape[1]),
                cv[j].numpy(),
                lw=1.5,
                color=(BLUE, GREEN, RED, ORANGE)[j % 4],
            )
        ax.axhline(float(cv.max()), color="k", ls="--", lw=0.8, label=f"max {float(cv.max()):.2e}")
        ax.set_title(f"{names[r]} loss curve ({k} segment{'s' * (k > 1)})")
        ax.set_xlabel("segment position (equal width per segment)")
        ax.legend(fontsize=8)
    fig.axes[2].set_ylabel("cross-entropy")
    fig.tight_layout()
    return fig


# --- p1-fig10 and the theory / detection notebooks ----------------------------------------


def fig10(evo: dict) -> plt.Figure:
    """Fig 10: (i) one FVO pair on the untrained network; (ii) mean ± std primary curves at
    5 evenly spaced checkpoints; (iii) max loss vs batch with error bars."""
    cps = evo["checkpoints"]
    fig = plt.figure(figsize=(13, 3.6))
    gs = fig.add_gridspec(1, 5, width_ratios=[0.7, 0.7, 1.8, 2, 2])
    show(fig.add_subplot(gs[0]), cps[0]["A0"], "A (FVO, TV)\nuntrained", normalize=True)
    show(fig.add_subplot(gs[1]), cps[0]["C0"], "C (FVO)\nuntrained", normalize=True)
    ax = fig.add_subplot(gs[2])
    n = cps[0]["curves"].shape[1]
    al = np.linspace(0, 1, n)
    ax.plot(al, cps[0]["curves"][0].numpy(), color=BLUE)
    ax.set_title("(i) one pair, untrained")
    ax.set_xlabel("α")
    ax.set_ylabel("cross-entropy")
    ax = fig.add_subplot(gs[3])
    picks = sorted(set(np.linspace(0, len(cps) - 1, min(5, len(cps))).round().astype(int).tolist()))
    for k, i in enumerate(picks):
        cv = cps[i]["curves"].numpy()
        m, s = cv.mean(0), cv.std(0)
        col = plt.cm.viridis(k / max(len(picks) - 1, 1))
        ax.plot(al, m, color=col, label=f"batch {i}")
        ax.fill_between(al, m - s, m + s, color=col, alpha=0.2)
    ax.set_yscale("log")
    ax.set_title("(ii) mean ± std primary curves")
    ax.set_xlabel("α")
    ax.legend(fontsize=7, loc="best")
    ax = fig.add_subplot(gs[4])
    h = np.array([c["height"].numpy() for c in cps])
    ax.errorbar(np.arange(len(cps)), h.mean(1), yerr=h.std(1), marker="o", color=RED, capsize=3)
    ax.set_yscale("log")
    ax.set_xlabel("batch ID (Adam steps)")
    ax.set_ylabel("max loss on the primary path")
    ax.set_title("(iii) barrier max vs training")
    fig.tight_layout()
    return fig


def lipschitz(rows: list[dict]) -> plt.Figure:
    """q50 and q99 of the Lipschitz ratio vs depth per width (MLP), ResNet-18, and bounds."""
    df = pd.DataFrame(rows)
    eps = sorted(df["eps"].unique())
    fig, axes = plt.subplots(1, len(eps), figsize=(3.2 * len(eps), 3.4), sharey=True)
    for ax, e in zip(np.atleast_1d(axes), eps):
        d = df[(df["eps"] == e) & (df["model"] == "MLP")]
        for k, (w, g) in enumerate(d.groupby("width")):
            col = plt.cm.viridis(k / max(d["width"].nunique() - 1, 1))
            ax.plot(g["depth"], g["q99"], marker="o", color=col, label=f"width {w}: q99")
            ax.plot(g["depth"], g["q50"], marker=".", ls=":", color=col)
            ax.plot(g["depth"], g["bound"], ls="--", lw=0.8, color=col)
        r = df[(df["eps"] == e) & (df["model"] == "ResNet-18")]
        ax.scatter(r["depth"], r["q99"], marker="*", s=80, color=RED, label="ResNet-18 q99")
        ax.set_yscale("log")
        ax.set_xscale("log", base=2)
        ax.set_title(f"‖Δx‖ = {e:g}")
        ax.set_xlabel("depth (hidden layers)")
    np.atleast_1d(axes)[0].set_ylabel("‖f(x+Δx) − f(x)‖ / ‖Δx‖")
    np.atleast_1d(axes)[0].legend(fontsize=6)
    fig.suptitle(
        "Lipschitz ratio at initialization: q99 (solid), median (dotted), spectral bound (dashed); "
        "★ untrained ResNet-18 (plotted at depth 18)",
        y=0.99,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    return fig


def percolation(res: dict, fraction: float) -> plt.Figure:
    """Thresholds vs literature; connection probability vs d (i.i.d. and network slices)."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
    v = pd.DataFrame(res["validation"])
    ax1.errorbar(
        v["d"],
        v["median"],
        yerr=[v["median"] - v["q25"], v["q75"] - v["median"]],
        marker="o",
        color=BLUE,
        capsize=3,
        label="simulated (median, IQR)",
    )
    ax1.plot(v["d"], v["literature"], "x--", color="k", label="literature p_c")
    ax1.plot(v["d"], 1 / (2 * v["d"]), ":", color="grey", label="1/(2d)")
    ax1.set_xlabel("lattice dimension d")
    ax1.set_ylabel("spanning threshold")
    ax1.set_title("Site percolation: validation")
    ax1.legend(fontsize=8)
    iid, iis, sl = (
        pd.DataFrame(res["iid"]),
        pd.DataFrame(res["iid_slices"]),
        pd.DataFrame(res["slices"]),
    )
    ax2.errorbar(
        iid["d"],
        iid["mean"],
        yerr=iid["std"],
        marker="o",
        color=BLUE,
        capsize=3,
        label=f"i.i.d. lattice (~{int(iid['side'].iloc[0]) ** int(iid['d'].iloc[0])} sites)",
    )
    ax2.errorbar(
        iis["d"],
        iis["mean"],
        yerr=iis["std"],
        marker="s",
        color=GREEN,
        capsize=3,
        label="i.i.d., slice lattices",
    )
    ax2.scatter(
        sl["d"], sl["connection"], color=RED, marker="*", s=50, label="untrained ResNet-18 slices"
    )
    g = sl.groupby("d")["connection"].mean()
    ax2.plot(g.index, g.values, color=RED, lw=1)
    ax2.set_xlabel("dimension d")
    ax2.set_ylabel("P(two open sites connected)")
    ax2.set_title(f"Low-loss fraction fixed at {fraction:g}")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    return fig


def detection(det: dict) -> plt.Figure:
    """ROC curves of both detectors against both attacks, and the score distributions."""
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
    for ax, adv in zip(axes[:2], ("pgd", "inputopt")):
        for det_name, col in (("barrier", RED), ("softmax", BLUE)):
            r = det["roc"].get(f"{det_name}:{adv}")
            if r:
                ax.plot(r["fpr"], r["tpr"], color=col, label=f"{det_name} (AUC {r['auc']:.3f})")
        ax.plot([0, 1], [0, 1], ":", color="grey")
        ax.set_title(f"clean vs {'PGD' if adv == 'pgd' else 'input-optimization'}")
        ax.set_xlabel("false positive rate")
        ax.set_ylabel("true positive rate")
        ax.legend(fontsize=8)
    ax = axes[2]
    names = ("clean", "pgd", "inputopt")
    vals = [det["scores"][k]["barrier"].clamp_min(1e-6).numpy() for k in names]
    ax.boxplot(vals, widths=0.5)
    ax.set_xticks([1, 2, 3], names)
    ax.set_yscale("log")
    ax.set_title("barrier score (clipped at 1e-6)")
    fig.tight_layout()
    return fig
