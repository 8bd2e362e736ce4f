"""The verdict rules of the P2 notebooks' claims (recorded into the scorecard, figures/claims.md).

Each rule is a small pure function on plain numbers with its threshold in its docstring; each
``figNN`` / ``tabNN`` function gathers the numbers of one notebook's result, applies the rules,
records the claims and returns ``card.table()``. p2-fig01 and p2-fig02 share :func:`path_claims`
(the same five claims on the grid's LST paths).
"""
from __future__ import annotations

import torch

from ..claims import Scorecard
from ..config import Config
from ..methods import lst_eval
from .geometry import table2_means
from .roles import row_label

MOST_PAIRS = 0.9
"""A-priori bar for "most pairs / sources" (fixed before the runs)."""
LOW_CONFIDENCE = 0.5
"""A-priori bar for "low confidence": the middle of the figures' [0, 1] colour scale."""


# ----------------------------------------------------------------------------- rules
def on_every_path(fraction: float) -> bool:
    """A property that must hold on every path: passes only when ``fraction == 1.0``."""
    return fraction == 1.0


def stays_low(confidence: float) -> bool:
    """A confidence counts as low when it is strictly below :data:`LOW_CONFIDENCE` (0.5)."""
    return confidence < LOW_CONFIDENCE


def raised(p0_mean: float, p_final_mean: float) -> bool:
    """The adversarial term raised the source confidence: mean output ≥ mean clean (ties pass)."""
    return p_final_mean >= p0_mean


def all_kept(kept: int, cells: int) -> bool:
    """Every LST output keeps argmax = source: ``kept == cells``."""
    return kept == cells


def most(fraction: float) -> bool:
    """Most pairs or sources: ``fraction ≥`` :data:`MOST_PAIRS` (0.9)."""
    return fraction >= MOST_PAIRS


def weak_model_note(mean_p0: float) -> str:
    """The note of a star-likeness row whose mean p0 is below :data:`LOW_CONFIDENCE` (0.5): a weak model
    makes the bar p0 − δ easy to clear; empty otherwise."""
    return "a low mean p0 (weak model) makes the bar p0 − δ easy to clear" if mean_p0 < LOW_CONFIDENCE else ""


def larger(at: float, normal: float) -> bool:
    """The AT model's statistic is strictly larger than the normal model's (ties fail)."""
    return at > normal


def edges_kept(edge_min: torch.Tensor, pthresh: float) -> float:
    """Fraction of sources whose every triangle edge stays above p_src − δ: ``edge_min > −δ``
    (strict; ``edge_min`` = min over the source edges of confidence − p_src, Table 2's column)."""
    return float((edge_min > -pthresh).double().mean())


def width_decays(q_small: float, q_large: float, floor: float) -> bool:
    """Path width: the 5 % quantile at the smallest radius is strictly above ``floor`` (p0 − δ)
    and the one at the largest radius is strictly below it (decay with r)."""
    return q_small > floor and q_large < q_small


def narrower_drop(drop_at: float, drop_normal: float) -> bool:
    """AT paths are wider: the AT confidence drop (path → largest radius) is strictly smaller."""
    return drop_at < drop_normal


def _per(summaries: dict[str, dict], key: str, fmt: str) -> str:
    """``"<model> <value>; …"`` with each model's label cut before its " ≈ paper model" part."""
    return "; ".join(f"{m.split(' ≈')[0]} {s[key]:{fmt}}" for m, s in summaries.items())


# ----------------------------------------------------------------------------- notebooks
def path_claims(card: Scorecard, s: dict) -> None:
    """The five path claims of p2-fig01 and p2-fig02 on a :func:`~inputspace.p2.lst.path_summary`
    of the grid's paths: level set kept, target approached in RMS-ℓ2 and ℓ∞, monotone, target
    class low."""
    card.record("P2.6-1", "Level-set preservation: the source-class confidence stays above p0 − δ at every logged step",
                "by construction of the mask; README goose path 0.997 → 1.0",
                f"{s['preserved']:.0%} of {s['summarised']:.0f} paths; min margin {s['min_margin']:+.4f}",
                passed=on_every_path(s["preserved"]))
    card.record("P2.6-2a", "The LST output approaches the target: closer in RMS-ℓ2 than the source, on every path",
                "qualitative: outputs look like the targets",
                f"closer on {s['decreased_l2']:.0%} of paths; fraction of the source→target RMS-ℓ2 covered "
                f"{s['covered_l2']:.3f} (mean {s['start_rms_l2']:.3f} → {s['final_rms_l2']:.3f}); "
                f"monotone over the logged steps on {s['monotone_l2']:.0%}",
                passed=on_every_path(s["decreased_l2"]))
    card.record("P2.6-2b", "The LST output approaches the target: closer in ℓ∞ than the source, on every path",
                "README: outputs nearly indistinguishable from the targets (ℓ∞ shrinks)",
                f"closer on {s['decreased_linf']:.0%} of paths; fraction of the source→target ℓ∞ covered "
                f"{s['covered_linf']:.3f}; monotone over the logged steps on {s['monotone_linf']:.0%}",
                passed=on_every_path(s["decreased_linf"]))
    card.record("P2.6-2c", "RMS-ℓ2 and ℓ∞ to the target decrease monotonically over the logged steps, on every path",
                "acceptance check of the LST paths (no paper value)",
                f"monotone RMS-ℓ2 on {s['monotone_l2']:.0%}, ℓ∞ on {s['monotone_linf']:.0%} of paths",
                passed=on_every_path(s["monotone_l2"]) and on_every_path(s["monotone_linf"]))
    card.record("P2.6-7", "The target-class confidence stays low (below 0.5 at every logged step)",
                "qualitative (README)", f"max {s['p_tgt_max']:.4f}; mean at the output {s['p_tgt_final_mean']:.4f}",
                passed=stays_low(s["p_tgt_max"]))


def fig01(card: Scorecard, s: dict):
    """p2-fig01 on the grid paths' :func:`~inputspace.p2.lst.path_summary`: :func:`path_claims`
    and the confidence raised by the adversarial term."""
    path_claims(card, s)
    card.record("P2.6-5", "With the adversarial term the source confidence rises along the path",
                "README goose path: 0.997 → 1.0", f"mean clean {s['p0_mean']:.4f} → output {s['p_final_mean']:.4f}; "
                f"output ≥ clean on {s['raised']:.0%} of paths", passed=raised(s["p0_mean"], s["p_final_mean"]))
    return card.table()


def fig02(card: Scorecard, r: dict):
    """p2-fig02 on ``{"summary": path_summary, "kept": …, "cells": …}``: :func:`path_claims` and
    every grid output keeping the source class."""
    path_claims(card, r["summary"])
    kept, cells = r["kept"], r["cells"]
    card.record("P2.1-2", "Every LST output keeps the source class (argmax = source) although it looks like the target",
                "README: high confidence for the source class", f"{kept}/{cells} grid cells",
                passed=all_kept(kept, cells))
    return card.table()


def fig03(card: Scorecard, table):
    """p2-fig03 on the star table (:func:`~inputspace.p2.tables.star_table`): one star-likeness
    claim per model."""
    for _, row in table.iterrows():
        frac = row["segments above p0−δ → LST output"]
        card.record(f"P2.6-3 {row['model']}", "Star-likeness: straight segments source → LST output stay above p0 − δ",
                    "README: linear interpolants retain high confidence (no numbers)",
                    f"{frac:.0%} of {row['pairs']:.0f} segments (direct source → target: "
                    f"{row['segments above p0−δ → target image']:.0%}); mean min conf {row['mean min conf → LST output']:.3f} "
                    f"(mean p0 {row['mean p0']:.3f})", passed=most(frac), note=weak_model_note(row["mean p0"]))
    return card.table()


def fig04(card: Scorecard, table, cfg: Config):
    """p2-fig04 on the example triangles' table (:func:`~inputspace.p2.tables.triangle_table`)."""
    frac = table.groupby("model", sort=False)[[f"frac_{d:.1f}" for d in lst_eval.DELTAS]].mean()
    normal, at = frac.loc[row_label("normal", cfg.profile)], frac.loc[row_label("at", cfg.profile)]
    card.record("P2.6-4ex", "On the example triangles, the AT model keeps a larger fraction of the triangle above p_src − δ (δ = 0.2) than the normal model",
                "README figure: normal high only near the source edges, AT high over most of the triangle",
                f"mean over {len(table) // 2} triangles, AT vs normal: "
                + ", ".join(f"δ={d}: {at[f'frac_{d:.1f}']:.3f} vs {normal[f'frac_{d:.1f}']:.3f}" for d in lst_eval.DELTAS),
                passed=larger(at["frac_0.2"], normal["frac_0.2"]), note="δ = 0.2 (the LST threshold) fixed before the run")
    return card.table()


def fig05(card: Scorecard, r: dict, cfg: Config):
    """p2-fig05 on ``{"table": width_table, "widths": width runs per model}``."""
    table, widths = r["table"], r["widths"]
    q05 = table.pivot(index="radius (ℓ2)", columns="model", values="5 % quantile")
    normal_label, at_label = row_label("normal", cfg.profile), row_label("at", cfg.profile)
    normal, at = q05[normal_label], q05[at_label]
    p0 = float(next(iter(widths.values()))["p0"].mean())
    card.record("P2.6-6", "Path width: the 5 % confidence quantile stays above p0 − δ at the smallest radius and decays with r (normal model)",
                "no numbers found (width plots)", f"5 % quantile {normal.iloc[1]:.3f} at r={q05.index[1]} → {normal.iloc[-1]:.3f} at "
                f"r={q05.index[-1]} (p0 − δ = {p0 - cfg.pthresh:.3f})",
                passed=width_decays(normal.iloc[1], normal.iloc[-1], p0 - cfg.pthresh))
    drop = q05.iloc[0] - q05.iloc[-1]  # on-path confidence minus the 5 % quantile at the largest radius
    card.record("P2.6-6b", "[INFERRED] AT paths are wider: smaller confidence drop from the path to the largest radius",
                "inferred from the README's AT claim",
                f"drop at r={q05.index[-1]}: AT {drop[at_label]:.3f} vs normal "
                f"{drop[normal_label]:.3f} (absolute 5 % quantiles {at.iloc[-1]:.3f} vs {normal.iloc[-1]:.3f})",
                passed=narrower_drop(drop[at_label], drop[normal_label]),
                note="compared as a drop because the two models' on-path confidences differ")
    return card.table()


def tab01(card: Scorecard, r: dict):
    """p2-tab01 on ``{"summaries": path summaries per model, "table": table1}``."""
    summaries, table = r["summaries"], r["table"]
    card.record("P2.6-1", "Level-set preservation on every full-eval path (confidence above p0 − δ at every logged step)",
                "by construction", "preserved: " + _per(summaries, "preserved", ".0%") + " | min margin: "
                + _per(summaries, "min_margin", "+.4f"),
                passed=all(on_every_path(s["preserved"]) for s in summaries.values()))
    card.record("P2.6-2a", "LST outputs are closer to their targets than the sources in RMS-ℓ2, on every path",
                "Table 1 values NOT FOUND", "closer: " + _per(summaries, "decreased_l2", ".0%") + " | RMS-ℓ2 covered: "
                + _per(summaries, "covered_l2", ".3f"),
                passed=all(on_every_path(s["decreased_l2"]) for s in summaries.values()))
    card.record("P2.6-2b", "LST outputs are closer to their targets than the sources in ℓ∞, on every path",
                "Table 1 values NOT FOUND", "closer: " + _per(summaries, "decreased_linf", ".0%") + " | ℓ∞ covered: "
                + _per(summaries, "covered_linf", ".3f"),
                passed=all(on_every_path(s["decreased_linf"]) for s in summaries.values()))
    card.record("P2.6-2c", "RMS-ℓ2 and ℓ∞ to the target decrease monotonically over the logged steps, on every path",
                "acceptance check of the LST paths (no paper value)",
                "monotone RMS-ℓ2: " + _per(summaries, "monotone_l2", ".0%") + " | ℓ∞: "
                + _per(summaries, "monotone_linf", ".0%"),
                passed=all(on_every_path(s["monotone_l2"]) and on_every_path(s["monotone_linf"])
                            for s in summaries.values()))
    card.record("P2.6-7", "The target-class confidence stays below 0.5 on every path", "qualitative",
                "max: " + _per(summaries, "p_tgt_max", ".4f"),
                passed=all(stays_low(s["p_tgt_max"]) for s in summaries.values()))
    card.record("P2-T1-LPIPS", "LPIPS column", "values NOT FOUND", str(table["LPIPS"].iloc[0]), passed=None,
                note="computed only when the AlexNet backbone weights are on disk")
    return card.table()


def tab02(card: Scorecard, stats: dict[str, torch.Tensor], cfg: Config):
    """p2-tab02 on the per-source Table 2 statistics of every available model
    (:func:`~inputspace.p2.geometry.table2_by_row`)."""
    means = table2_means(stats)
    normal, at = means[row_label("normal", cfg.profile)], means[row_label("at", cfg.profile)]
    fracs = ", ".join(f"δ={d}: AT {at[f'frac_{d:.1f}']:.3f} vs normal {normal[f'frac_{d:.1f}']:.3f}"
                      for d in lst_eval.DELTAS)
    card.record("P2.6-4", "AT keeps a larger fraction of the triangle above p_src − δ than the normal model (δ = 0.2)",
                "values NOT FOUND; README: AT high over a significant fraction", fracs,
                passed=larger(at["frac_0.2"], normal["frac_0.2"]),
                note=f"the bar p_src − δ is each model's own (mean p_src: AT {at['p_src']:.2f}, normal {normal['p_src']:.2f}); "
                     "δ=0 is the strict comparison")
    card.record("P2.6-4n", "For the normal model the triangle has low source confidence away from the source edges "
                "(mean confidence over the triangle < 0.5)", "README figure: normal high only near the source edges",
                f"normal triangle mean {normal['triangle_mean']:.3f} (AT {at['triangle_mean']:.3f}); "
                f"normal frac(δ=0.2) {normal['frac_0.2']:.3f}", passed=stays_low(normal["triangle_mean"]),
                note="threshold 0.5 = middle of the figure's colour scale, fixed before the run")
    edge_ok = {m: edges_kept(s[:, -1], cfg.pthresh) for m, s in stats.items()}
    card.record("P2.6-3h", "Star-likeness per source: every source edge of all its triangles stays above p_src − δ (edge_min > −δ)",
                "README: linear interpolants retain high confidence",
                "; ".join(f"{m.split(' ≈')[0]} {v:.0%} of sources" for m, v in edge_ok.items()),
                passed=all(most(v) for v in edge_ok.values()))
    return card.table()
