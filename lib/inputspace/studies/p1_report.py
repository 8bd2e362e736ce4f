"""P1 number tables (pandas) for every notebook and the figures of p1-fig10, p1-lipschitz,
p1-percolation and p1-detection."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch

from .p1_plots import BLUE, GREEN, RED, show


def demo_table(demo: dict) -> pd.DataFrame:
    """Figs 1-2: the pair, barrier and both bypass variants."""
    rows = []
    for name, v in demo["variants"].items():
        rows.append({"variant": name, "CE(A)": float(demo["primary"][0]), "CE(C)": float(demo["primary"][-1]),
                     "barrier max": demo["height"], "barrier gap": demo["gap"], "α_B": demo["alpha_b"],
                     "CE(B′)": v["ce"], "secondary excess": v["secondary_excess"],
                     "secondary gaps": max(v["secondary_gaps"]), "max|B′−B|/max|B| %": 100 * v["rel_linf"],
                     "cos(B′−B, C−A)": v["cosine"]})
    return pd.DataFrame(rows).set_index("variant")


def scan_table(demo: dict, delta: float) -> pd.DataFrame:
    """Fig 1 scan: primary barrier gap of every mode pair, summarized per class."""
    if demo["scan"] is None:
        return pd.DataFrame()
    df = pd.DataFrame(demo["scan"]["rows"])
    return df.groupby("class").agg(max_gap=("gap", "max"), pairs_with_barrier=("gap", lambda g: int((g > delta).sum())),
                                   pairs=("gap", "size"))


def paths_table(rows: list[dict]) -> pd.DataFrame:
    """Fig 5: per pair, rounds needed and barriers."""
    df = pd.DataFrame(rows)
    df["excess after 1 round"] = [e[1] if len(e) > 1 else e[0] for e in df["excess_per_round"]]
    return df[["kind", "class", "primary_height", "primary_gap", "secondary_above_delta",
               "secondary_max_gap", "excess after 1 round", "rounds_needed"]]


def stats_table(rows: list[dict]) -> pd.DataFrame:
    """Fig 6: mean and median of barrier max and gap per kind (kept pairs)."""
    df = pd.DataFrame([r for r in rows if r["kept"]])
    return df.groupby("kind")[["max", "gap"]].agg(["mean", "median", "count"])


def lipschitz_table(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    return df[["model", "width", "depth", "eps", "q50", "q99", "q999", "max", "bound"]]


# --- figures -----------------------------------------------------------------------------------

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


def lipschitz_fig(rows: list[dict]) -> plt.Figure:
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
    fig.suptitle("Lipschitz ratio at initialization: q99 (solid), median (dotted), spectral bound (dashed); "
                 "★ untrained ResNet-18 (plotted at depth 18)", y=0.99)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    return fig


def percolation_fig(res: dict, fraction: float) -> plt.Figure:
    """Thresholds vs literature; connection probability vs d (i.i.d. and network slices)."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
    v = pd.DataFrame(res["validation"])
    ax1.errorbar(v["d"], v["median"], yerr=[v["median"] - v["q25"], v["q75"] - v["median"]], marker="o",
                 color=BLUE, capsize=3, label="simulated (median, IQR)")
    ax1.plot(v["d"], v["literature"], "x--", color="k", label="literature p_c")
    ax1.plot(v["d"], 1 / (2 * v["d"]), ":", color="grey", label="1/(2d)")
    ax1.set_xlabel("lattice dimension d")
    ax1.set_ylabel("spanning threshold")
    ax1.set_title("Site percolation: validation")
    ax1.legend(fontsize=8)
    iid, iis, sl = pd.DataFrame(res["iid"]), pd.DataFrame(res["iid_slices"]), pd.DataFrame(res["slices"])
    ax2.errorbar(iid["d"], iid["mean"], yerr=iid["std"], marker="o", color=BLUE, capsize=3,
                 label=f"i.i.d. lattice (~{int(iid['side'].iloc[0]) ** int(iid['d'].iloc[0])} sites)")
    ax2.errorbar(iis["d"], iis["mean"], yerr=iis["std"], marker="s", color=GREEN, capsize=3,
                 label="i.i.d., slice lattices")
    ax2.scatter(sl["d"], sl["connection"], color=RED, marker="*", s=50, label="untrained ResNet-18 slices")
    g = sl.groupby("d")["connection"].mean()
    ax2.plot(g.index, g.values, color=RED, lw=1)
    ax2.set_xlabel("dimension d")
    ax2.set_ylabel("P(two open sites connected)")
    ax2.set_title(f"Low-loss fraction fixed at {fraction:g}")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    return fig


def detection_fig(det: dict) -> plt.Figure:
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


def detection_table(det: dict) -> pd.DataFrame:
    rows = [{"detector": k.split(":")[0], "adversarial set": k.split(":")[1], "ROC AUC": v["auc"]}
            for k, v in det["roc"].items()]
    return pd.DataFrame(rows)


def mean_std(t: torch.Tensor) -> str:
    return f"{float(t.mean()):.3g} ± {float(t.std()) if len(t) > 1 else 0.0:.2g}"


