"""The verdict rules of the P2 notebooks' claims (recorded into the scorecard, figures/claims.md).

Each rule is a small pure function on plain numbers with its threshold in its docstring; each
``figNN`` / ``tabNN`` function gathers the numbers of one notebook's result, applies the rules,
records the claims and returns ``card.table()``. p2-example and p2-grid share :func:`path_claims`
(the same five claims on the grid's LST paths).

Every claim whose verdict rests on a statistic over items records them as evidence
(:mod:`inputspace.certainty`: the statistic, its 95 % bootstrap interval and a certainty label under
the claim's own rule and threshold). The items: LST paths (the path claims; p2-tab01 pools the
paths of every model), grid cells (P2.1-2), segments (P2.6-3), example triangles (P2.6-4ex, the
same target pairs under both models), width pairs (P2.6-6, P2.6-6b; 2-3 in every profile, so
"too few items") and pool sources (Table 2). Where a verdict compares two models or means, the
items are resampled together and the verdict's own code recomputes its number
(:func:`inputspace.certainty.indexed_evidence`). Without evidence: P2-T1-LPIPS (not evaluated) and,
when the models of Table 2 do not keep the same sources (a non-strict pool: smoke), P2.6-4 and
P2.6-3h, whose items would then not pair up.

A claim's statement and paper value come from :mod:`inputspace.p2.statements` by claim id
(:func:`inputspace.claims.record`); its verdict is its evidence's rule on the evidence's statistic
(``passed`` is given only for a row without evidence, or not evaluated).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
import torch

from .. import certainty
from ..certainty import Evidence
from ..claims import Scorecard, record
from ..config import Config
from ..methods import lst_eval
from . import tables
from .geometry import table2_means
from .lst import width_summary
from .roles import historical_label, label_of, short_label
from .statements import NOT_EVALUATED, STATEMENTS, TABLE_STATEMENTS

MOST_PAIRS = 0.9
"""A-priori bar for "most pairs / sources" (fixed before the runs)."""
LOW_CONFIDENCE = 0.5
"""A-priori bar for "low confidence": the middle of the figures' [0, 1] colour scale."""
LOW_NOTE = "threshold 0.5 = middle of the figure's colour scale, fixed before the run"
"""The note of the low-confidence triangle rows (P2.6-4n)."""


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


def nearly_all(fraction: float) -> bool:
    """Most pairs or sources, i.e. nearly all: ``fraction ≥`` :data:`MOST_PAIRS` (0.9) (as
    :func:`inputspace.px.claims.nearly_all`)."""
    return fraction >= MOST_PAIRS


def weak_model_note(mean_p0: float) -> str:
    """The note of a star-likeness row whose mean p0 is below :data:`LOW_CONFIDENCE` (0.5): a weak model
    makes the bar p0 − δ easy to clear; empty otherwise."""
    return (
        "a low mean p0 (weak model) makes the bar p0 − δ easy to clear"
        if mean_p0 < LOW_CONFIDENCE
        else ""
    )


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
    """``"<model> <value>; …"`` with each model's label cut before the paper model it stands in for."""
    return "; ".join(f"{short_label(m)} {s[key]:{fmt}}" for m, s in summaries.items())


# ----------------------------------------------------------------------------- evidence
def _every(indicators: torch.Tensor | np.ndarray) -> Evidence:
    """Evidence of a property that must hold on every item, from its per-item 0/1 values (rule
    :func:`on_every_path` on their mean, the fraction of items where it holds)."""
    return certainty.evidence(np.asarray(indicators, dtype=float), on_every_path, threshold=1.0)


def _rows(i: np.ndarray) -> torch.Tensor:
    """The item indices of :func:`inputspace.certainty.indexed_evidence` as the long tensor that
    indexes P2's per-item tensors. A rule comparing two numbers is applied to their difference
    (``larger(a − b, 0)`` for ``larger(a, b)``): the sign of a floating-point difference is exact."""
    return torch.as_tensor(i, dtype=torch.long)


def _at_larger(n_items: int, at_minus_normal: Callable[[np.ndarray], float]) -> Evidence:
    """Evidence that the AT model's number is larger than the normal model's on the same
    ``n_items`` items: rule :func:`larger` on ``at_minus_normal(rows)``, the difference recomputed
    on the resampled rows."""
    return certainty.indexed_evidence(
        n_items, at_minus_normal, lambda d: larger(d, 0.0), threshold=0.0
    )


_FRACTIONS = {"preserved": "P2.6-1", "decreased_l2": "P2.6-2a", "decreased_linf": "P2.6-2b"}
"""A path summary's fractions whose per-path 0/1 values are a claim's items (key: its claim)."""


def _check_fractions(s: dict) -> None:
    """Refuse a path summary whose fractions (what a claim's measured text shows) are not the
    means of its per-path values (what its verdict rests on)."""
    for key, cid in _FRACTIONS.items():
        mean = float(np.mean(np.asarray(s["per_path"][key], dtype=float)))
        if abs(mean - s[key]) > 1e-12:
            raise ValueError(
                f"{cid}: the summary's {key} fraction {s[key]} is not the mean {mean} of its per-path values"
            )


def _tabled_mean(values: np.ndarray) -> float:
    """Mean of per-item values rounded as the notebook's table rounds it (:data:`tables.DIGITS`)."""
    return float(np.round(np.mean(values), tables.DIGITS))


def _pooled(summaries: Mapping[str, dict], key: str) -> np.ndarray:
    """One per-path value of every model's paths, pooled (claims that must hold on every path of every model)."""
    return np.concatenate([np.asarray(s["per_path"][key], dtype=float) for s in summaries.values()])


def _path_evidence(values: Callable[[str], torch.Tensor | np.ndarray]) -> dict[str, Evidence]:
    """The evidence of the five path claims, by claim id, from ``values(key)``: the per-path values
    of a path summary (``s["per_path"][key]``), or of several, pooled."""
    return {
        "P2.6-1": _every(values("preserved")),
        "P2.6-2a": _every(values("decreased_l2")),
        "P2.6-2b": _every(values("decreased_linf")),
        "P2.6-2c": _every(values("monotone")),  # both on every path ⇔ every path monotone in both
        "P2.6-7": certainty.evidence(
            values("p_tgt_max"), stays_low, np.max, threshold=LOW_CONFIDENCE
        ),  # every model's max low ⇔ the pooled max low
    }


# ----------------------------------------------------------------------------- notebooks
def path_claims(card: Scorecard, s: dict) -> None:
    """The five path claims of p2-example and p2-grid on a :func:`~inputspace.p2.lst.path_summary`
    of the grid's paths: level set kept, target approached in RMS-ℓ2 and ℓ∞, monotone, target
    class low; the items of their evidence are the paths (``s["per_path"]``)."""
    _check_fractions(s)
    evidence = _path_evidence(lambda key: s["per_path"][key])
    measured = {
        "P2.6-1": f"{s['preserved']:.0%} of {s['summarised']:.0f} paths; min margin {s['min_margin']:+.4f}",
        "P2.6-2a": f"closer on {s['decreased_l2']:.0%} of paths; fraction of the source→target RMS-ℓ2 covered "
        f"{s['covered_l2']:.3f} (mean {s['start_rms_l2']:.3f} → {s['final_rms_l2']:.3f}); "
        f"monotone over the logged steps on {s['monotone_l2']:.0%}",
        "P2.6-2b": f"closer on {s['decreased_linf']:.0%} of paths; fraction of the source→target ℓ∞ covered "
        f"{s['covered_linf']:.3f}; monotone over the logged steps on {s['monotone_linf']:.0%}",
        "P2.6-2c": f"monotone RMS-ℓ2 on {s['monotone_l2']:.0%}, ℓ∞ on {s['monotone_linf']:.0%} of paths",
        "P2.6-7": f"max {s['p_tgt_max']:.4f}; mean at the output {s['p_tgt_final_mean']:.4f}",
    }
    for cid, m in measured.items():
        record(card, STATEMENTS, cid, m, evidence=evidence[cid])


def example(card: Scorecard, s: dict):
    """p2-example on the grid paths' :func:`~inputspace.p2.lst.path_summary`: :func:`path_claims`
    and the confidence raised by the adversarial term (evidence: the paths, the clean and output
    confidences of a path resampled together)."""
    path_claims(card, s)
    p0, p_final = s["per_path"]["p0"], s["per_path"]["p_final"]
    record(
        card,
        STATEMENTS,
        "P2.6-5",
        f"mean clean {s['p0_mean']:.4f} → output {s['p_final_mean']:.4f}; "
        f"output ≥ clean on {s['raised']:.0%} of paths",
        evidence=certainty.indexed_evidence(
            len(p0),
            lambda i: float(p_final[_rows(i)].mean()) - float(p0[_rows(i)].mean()),
            lambda d: raised(0.0, d),
            threshold=0.0,
        ),
    )  # d = mean output − mean clean
    return card.table()


def kept(card: Scorecard, kept_cells: torch.Tensor):
    """P2.1-2, p2-grid's only claim: every grid output keeps the source class (evidence: the grid
    cells). The five path claims on the same grid paths are p2-example's (:func:`example`); recorded
    once, so that the scorecard counts each claim on one set of items once."""
    n_kept, cells = int(kept_cells.sum()), len(kept_cells)
    record(
        card, STATEMENTS, "P2.1-2", f"{n_kept}/{cells} grid cells", evidence=_every(kept_cells)
    )  # all kept (:func:`all_kept`) ⇔ fraction kept = 1
    return card.table()


def star(card: Scorecard, table):
    """p2-star on the star table (:func:`~inputspace.p2.tables.star_table`): one star-likeness
    claim per model (evidence: the model's segments, ``table.attrs["per_pair"]``), id
    ``P2.6-3 <model>``."""
    column = "segments above p0−δ → LST output"
    st = STATEMENTS["P2.6-3"]
    for _, row in table.iterrows():
        card.record(
            f"P2.6-3 {historical_label(row['model'])}",
            st.text,
            st.paper,
            f"{row[column]:.0%} of {row['pairs']:.0f} segments (direct source → target: "
            f"{row['segments above p0−δ → target image']:.0%}); mean min conf {row['mean min conf → LST output']:.3f} "
            f"(mean p0 {row['mean p0']:.3f})",
            note=weak_model_note(row["mean p0"]),
            evidence=certainty.evidence(
                table.attrs["per_pair"][row["model"]][column],
                nearly_all,
                _tabled_mean,
                threshold=MOST_PAIRS,
            ),
        )
    return card.table()


FRACTIONS = [f"frac_{d:.1f}" for d in lst_eval.DELTAS]
"""Table 2's fraction columns, one per δ of :data:`inputspace.methods.lst_eval.DELTAS`."""


def _triangle_means(table: pd.DataFrame, columns: Sequence[str] = tuple(FRACTIONS)) -> pd.DataFrame:
    """Per model (rows, in table order), the mean over its example triangles of each fraction."""
    return table.groupby("model", sort=False)[list(columns)].mean()


def triangles(card: Scorecard, table, cfg: Config):
    """p2-triangles on the example triangles' table (:func:`~inputspace.p2.tables.triangle_table`);
    evidence: the triangles, the same target pair under both models resampled together."""
    normal_label, at_label = label_of(cfg, "normal"), label_of(cfg, "at")
    frac = _triangle_means(table)
    normal, at = frac.loc[normal_label], frac.loc[at_label]
    rows = [np.flatnonzero(table["model"] == m) for m in (normal_label, at_label)]
    if list(table["targets"].iloc[rows[0]]) != list(table["targets"].iloc[rows[1]]):
        raise ValueError(
            "the example triangles of the normal and the AT model differ: they cannot be paired"
        )

    def at_minus_normal(i: np.ndarray) -> float:
        means = _triangle_means(table.iloc[np.concatenate([r[i] for r in rows])], ["frac_0.2"])
        return float(means.loc[at_label, "frac_0.2"] - means.loc[normal_label, "frac_0.2"])

    record(
        card,
        STATEMENTS,
        "P2.6-4ex",
        f"mean over {len(table) // 2} triangles, AT vs normal: "
        + ", ".join(
            f"δ={d}: {at[f'frac_{d:.1f}']:.3f} vs {normal[f'frac_{d:.1f}']:.3f}"
            for d in lst_eval.DELTAS
        ),
        note="δ = 0.2 (the LST threshold) fixed before the run",
        evidence=_at_larger(len(rows[0]), at_minus_normal),
    )
    return card.table()


def low_inside(card: Scorecard, table: pd.DataFrame):
    """P2.6-4n on the example triangles of one model (the real network, which has no AT row to
    compare with): the mean source-class confidence over the triangle is below 0.5 (evidence: the
    triangles, their mean recomputed on resampled triangles)."""
    means = table["triangle_mean"].to_numpy(dtype=float)
    record(
        card,
        STATEMENTS,
        "P2.6-4n",
        f"mean over {len(means)} triangles {means.mean():.3f} (per triangle {', '.join(f'{m:.2f}' for m in means)}); "
        f"frac(δ=0.2) {table['frac_0.2'].mean():.3f}",
        note=LOW_NOTE,
        evidence=certainty.evidence(means, stays_low, threshold=LOW_CONFIDENCE),
    )
    return card.table()


def matched_coverage(card: Scorecard, table: pd.DataFrame, matched: list[dict] | None, cfg: Config):
    """P2.6-4ex at matched coverage (:func:`inputspace.p2.geometry.matched_triangles`; a control,
    added 2026-12-07 after the numbers were known): the AT model's example triangles against the
    normal model's at the AT's coverage; evidence: the triangles, paired."""
    at_label = label_of(cfg, "at")
    at = table.loc[table["model"] == at_label, "frac_0.2"].to_numpy(dtype=float)
    if matched is None or not len(at):
        record(card, NOT_EVALUATED, "P2.6-4ex-matched", "no AT model", passed=None)
        return card.table()
    normal = np.round(np.array([m["stats"]["frac_0.2"] for m in matched]), tables.DIGITS)
    cov = np.array([c for m in matched for c in m["covered"]])
    record(
        card,
        STATEMENTS,
        "P2.6-4ex-matched",
        f"mean over {len(at)} triangles: AT {at.mean():.3f} vs normal at matched coverage {normal.mean():.3f} "
        f"(coverage AT {cov[:, 0].mean():.2f}, normal iterates {cov[:, 1].mean():.2f})",
        note="control, added 2026-12-07 after the numbers were known (fidelity audit): P2.6-4ex and P2.6-4 "
        "compare triangles of different sizes (the AT outputs cover less of the way)",
        evidence=certainty.paired_evidence(
            at,
            normal,
            lambda a, b: float(a.mean() - b.mean()),
            lambda d: larger(d, 0.0),
            threshold=0.0,
        ),
    )
    return card.table()


def _width_rows(run: dict, rows: np.ndarray) -> dict:
    """The fields of a width run that :func:`_q05` reads, at ``rows`` (its pairs, or a resample of
    them: indices from :func:`inputspace.certainty.indexed_evidence`)."""
    rows = _rows(rows)
    return {
        "log_widths": run["log_widths"][:, rows],
        "p_src": run["p_src"][rows],
        "valid": run["valid"][rows],
        "p0": run["p0"][rows],
    }


def _q05(run: dict, radii: Sequence[float]) -> np.ndarray:
    """A width run's 5 % quantile per radius (0 first, ascending), as the width table
    (:func:`~inputspace.p2.tables.width_table`, rounded) and its pivot by radius give it."""
    w = np.round(width_summary(run)[:, 0].double().numpy(), tables.DIGITS)
    return w[np.argsort((0.0, *radii), kind="stable")]


def widths(card: Scorecard, r: dict, cfg: Config):
    """p2-widths on ``{"table": width_table, "widths": width runs per model}``; evidence: the width
    pairs (the same pairs under both models), their quantiles recomputed on resampled pairs."""
    table, widths = r["table"], r["widths"]
    q05 = table.pivot(index="radius (ℓ2)", columns="model", values="5 % quantile")
    normal_label, at_label = label_of(cfg, "normal"), label_of(cfg, "at")
    normal, at = q05[normal_label], q05[at_label]
    p0 = float(next(iter(widths.values()))["p0"].mean())

    def decay_margin(i: np.ndarray) -> float:
        """min(q_small − (p0 − δ), q_small − q_large) on the resampled pairs: > 0 ⇔ :func:`width_decays`."""
        runs = {m: _width_rows(run, i) for m, run in widths.items()}
        q, p0_i = (
            _q05(runs[normal_label], cfg.width_radii),
            float(next(iter(runs.values()))["p0"].mean()),
        )
        return float(np.min([q[1] - (p0_i - cfg.pthresh), q[1] - q[-1]]))

    def at_minus_normal_drop(i: np.ndarray) -> float:
        qa, qn = (
            _q05(_width_rows(widths[m], i), cfg.width_radii) for m in (at_label, normal_label)
        )
        return float((qa[0] - qa[-1]) - (qn[0] - qn[-1]))

    n_pairs = len(next(iter(widths.values()))["p0"])
    record(
        card,
        STATEMENTS,
        "P2.6-6",
        f"5 % quantile {normal.iloc[1]:.3f} at r={q05.index[1]} → {normal.iloc[-1]:.3f} at "
        f"r={q05.index[-1]} (p0 − δ = {p0 - cfg.pthresh:.3f})",
        evidence=certainty.indexed_evidence(n_pairs, decay_margin, lambda m: m > 0, threshold=0.0),
    )
    drop = (
        q05.iloc[0] - q05.iloc[-1]
    )  # on-path confidence minus the 5 % quantile at the largest radius
    record(
        card,
        STATEMENTS,
        "P2.6-6b",
        f"drop at r={q05.index[-1]}: AT {drop[at_label]:.3f} vs normal "
        f"{drop[normal_label]:.3f} (absolute 5 % quantiles {at.iloc[-1]:.3f} vs {normal.iloc[-1]:.3f})",
        note="compared as a drop because the two models' on-path confidences differ",
        evidence=certainty.indexed_evidence(
            n_pairs, at_minus_normal_drop, lambda d: narrower_drop(d, 0.0), threshold=0.0
        ),
    )
    return card.table()


def tab01(card: Scorecard, r: dict):
    """p2-tab01 on ``{"summaries": path summaries per model, "table": table1}``; evidence: the
    paths of every model, pooled (each claim must hold on every path of every model)."""
    pooled_path_claims(card, r["summaries"])
    return lpips(card, r["table"])


def pooled_path_claims(card: Scorecard, summaries: Mapping[str, dict]) -> None:
    """Table 1's path claims on the derangement paths of every model, pooled: level set kept,
    target approached in RMS-ℓ2 and ℓ∞, monotone, target class low (p2-tab01 and its controls)."""
    for s in summaries.values():
        _check_fractions(s)
    evidence = _path_evidence(lambda key: _pooled(summaries, key))
    measured = {
        "P2.6-1": "preserved: "
        + _per(summaries, "preserved", ".0%")
        + " | min margin: "
        + _per(summaries, "min_margin", "+.4f"),
        "P2.6-2a": "closer: "
        + _per(summaries, "decreased_l2", ".0%")
        + " | RMS-ℓ2 covered: "
        + _per(summaries, "covered_l2", ".3f"),
        "P2.6-2b": "closer: "
        + _per(summaries, "decreased_linf", ".0%")
        + " | ℓ∞ covered: "
        + _per(summaries, "covered_linf", ".3f"),
        "P2.6-2c": "monotone RMS-ℓ2: "
        + _per(summaries, "monotone_l2", ".0%")
        + " | ℓ∞: "
        + _per(summaries, "monotone_linf", ".0%"),
        "P2.6-7": "max: " + _per(summaries, "p_tgt_max", ".4f"),
    }
    for cid, m in measured.items():
        record(card, TABLE_STATEMENTS, cid, m, evidence=evidence[cid])


CONTROL_NOTE = "control, added 2026-12-07 after the numbers were known (fidelity audit): LST {what}"
"""The note of every control row (:data:`inputspace.p2.lst.CONTROLS`)."""


def table1_controls(card: Scorecard, controls: Mapping[str, tuple[str, dict]]):
    """p2-tab01's path claims under each LST control (:func:`inputspace.p2.lst.control_summaries`),
    ids ``<claim>-ctl-<control>``."""
    for key, (what, summaries) in controls.items():
        pooled_path_claims(
            card.variant(f"ctl-{key}", note=CONTROL_NOTE.format(what=what)), summaries
        )
    return card.table()


def star_controls(
    card: Scorecard, controls: Mapping[str, tuple[str, Config, dict]], pthresh: float
):
    """p2-star's star-likeness claims under each LST control (:func:`inputspace.p2.geometry.control_stars`)."""
    for key, (what, _, stars) in controls.items():
        star(
            card.variant(f"ctl-{key}", note=CONTROL_NOTE.format(what=what)),
            tables.star_table(stars, pthresh),
        )
    return card.table()


def table2_controls(card: Scorecard, controls: Mapping[str, tuple[str, Config, dict]]):
    """p2-tab02's triangle claims under each LST control (:func:`inputspace.p2.geometry.control_table2`)."""
    for key, (what, ccfg, stats) in controls.items():
        tab02(card.variant(f"ctl-{key}", note=CONTROL_NOTE.format(what=what)), stats, ccfg)
    return card.table()


def lpips(card: Scorecard, table: pd.DataFrame):
    """Table 1's LPIPS column: not evaluated unless the AlexNet backbone weights are on disk
    (never downloaded)."""
    record(
        card,
        TABLE_STATEMENTS,
        "P2-T1-LPIPS",
        str(table["LPIPS"].iloc[0]),
        passed=None,
        note="computed only when the AlexNet backbone weights are on disk",
    )
    return card.table()


def _same_sources(stats: Mapping[str, torch.Tensor], n_pool: int) -> bool:
    """Every model kept every pool source (in pool order), so row k of each is the same source and
    the models' statistics pair up source by source (Table 2 keeps the sources whose paths are all
    summarised: every source under the strict pool, not always under smoke's)."""
    return all(len(s) == n_pool for s in stats.values())


def tab02(card: Scorecard, stats: dict[str, torch.Tensor], cfg: Config):
    """p2-tab02 on the per-source Table 2 statistics of every available model
    (:func:`~inputspace.p2.geometry.table2_by_row`); evidence: the pool sources. P2.6-4 and P2.6-3h
    give their verdict: without the same sources in every model they have no evidence."""
    means = table2_means(stats)
    normal_label, at_label = label_of(cfg, "normal"), label_of(cfg, "at")
    normal, at = means[normal_label], means[at_label]
    pair = {m: stats[m] for m in (normal_label, at_label)}
    n_pool = len(cfg.pool_classes)

    def at_minus_normal(i: np.ndarray) -> float:
        m = table2_means({k: s[_rows(i)] for k, s in pair.items()})
        return m[at_label]["frac_0.2"] - m[normal_label]["frac_0.2"]

    fracs = ", ".join(
        f"δ={d}: AT {at[f'frac_{d:.1f}']:.3f} vs normal {normal[f'frac_{d:.1f}']:.3f}"
        for d in lst_eval.DELTAS
    )
    record(
        card,
        TABLE_STATEMENTS,
        "P2.6-4",
        fracs,
        passed=larger(at["frac_0.2"], normal["frac_0.2"]),
        note=f"the bar p_src − δ is each model's own (mean p_src: AT {at['p_src']:.2f}, normal {normal['p_src']:.2f}); "
        "δ=0 is the strict comparison",
        evidence=_at_larger(n_pool, at_minus_normal) if _same_sources(pair, n_pool) else None,
    )
    record(
        card,
        TABLE_STATEMENTS,
        "P2.6-4n",
        f"normal triangle mean {normal['triangle_mean']:.3f} (AT {at['triangle_mean']:.3f}); "
        f"normal frac(δ=0.2) {normal['frac_0.2']:.3f}",
        note=LOW_NOTE,
        evidence=certainty.indexed_evidence(
            len(stats[normal_label]),
            lambda i: table2_means({normal_label: stats[normal_label][_rows(i)]})[normal_label][
                "triangle_mean"
            ],
            stays_low,
            threshold=LOW_CONFIDENCE,
        ),
    )
    edge_ok = {m: edges_kept(s[:, -1], cfg.pthresh) for m, s in stats.items()}
    record(
        card,
        TABLE_STATEMENTS,
        "P2.6-3h",
        "; ".join(f"{short_label(m)} {v:.0%} of sources" for m, v in edge_ok.items()),
        passed=all(nearly_all(v) for v in edge_ok.values()),
        evidence=certainty.indexed_evidence(
            n_pool,
            lambda i: min(edges_kept(s[_rows(i)][:, -1], cfg.pthresh) for s in stats.values()),
            nearly_all,
            threshold=MOST_PAIRS,
        )  # nearly all for every model ⇔ nearly all for the weakest
        if _same_sources(stats, n_pool)
        else None,
    )
    return card.table()
