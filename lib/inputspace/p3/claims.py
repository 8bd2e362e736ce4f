"""The P3 claims: small verdict rules on plain numbers, and one function per notebook that gathers
the numbers of its result, applies the rules and records the claims on the scorecard, each with its
statement and paper value from :data:`inputspace.p3.statements.STATEMENTS`.

Every ``figNN`` / ``tabNN`` function (and the three shared by two notebooks each:
:func:`density_inhomogeneity`, :func:`class_clustering`, :func:`pgd_vs_noise_codes`) returns
``card.table()`` (the notebook displays it). The rules
were fixed before any result was seen; each states its threshold in its docstring.

**Verdicts.** A claim with evidence takes its verdict from the evidence's rule (the rule written as
one number, below; :data:`inputspace.claims.FROM_EVIDENCE`). ``passed`` is given only to a claim
without evidence (the configuration, a construction, not evaluated) or whose evidence is absent in
some case (P3-unfold-real, P3-labelcenter-*, P3-telescope-pgd); the scorecard checks it against the
evidence where both are there.

**Trend rule.** A per-layer statistic "grows with depth" when the Spearman rank correlation between
layer index and value is >= :data:`TREND_RHO` (0.8) *and* the deepest layer's value exceeds the
first layer's (mirror for "shrinks"). With 4 layers rho >= 0.8 allows at most one swap of
neighbouring layers (the paper itself reports CL1 ~ CL2, Fig. 6C/D).

**Evidence.** A claim resting on items records how sure its verdict is
(:mod:`inputspace.certainty`): the items behind its per-layer numbers are resampled
(:func:`stratified_evidence`) and the verdict's statistic recomputed, with the rule unchanged and
written as one number: :func:`trend_score` for the trend rule, :func:`smallest_gap` for
:func:`all_above` (and for the two halves of :func:`pgd_amplified`), :func:`last_minus_rest` for
:func:`last_is_highest`, the fraction of models (Supp. Fig. 4) or images (the ε = 0 control) that
pass where a rule must hold for every one, the noise drop of :func:`collapse_verdict` (or, with both
of its halves tested, the verdict itself). Items are classes (D_class, class-centre CD: the same
classes in every layer, so resampled together), SOM units (weight CD, never-BMU units: each layer's
SOM separately), attacked images (the same images in every layer and under PGD and noise) and the
SOM updates of the last epoch (Fig. 3). Claims on the configuration (Tables 1, 2, the code
dimensions), on a synthetic construction (Fig. 2B), on every cached run (P3-linf) or not evaluated
carry no evidence; P3-unfold-real rests on one class (a single example).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from .. import certainty
from ..certainty import (
    Evidence,
    PairDistances,
    common_size,
    fraction_at,
    mean_at,
    median_at,
    stratified_evidence,
)
from ..claims import Scorecard, record
from ..config import Config
from .geometry import size_ratio
from .knobs import LABELS
from .statements import PAPER_ATTACK, STATEMENTS, statement

TREND_RHO = 0.8
SEAM_SPREAD_MAX = 8**0.5
"""Largest pairwise distance of the unfolded synthetic seam cluster (its points lie in a 3x3 block)."""
CENTER_TOL = 1e-6
NOISE_DROP_MAX = 0.02
"""Largest accuracy change noise may cause and still "not collapse" accuracy (1 image of 50)."""
SATURATION = 0.8
"""A displacement at or above this fraction of the map's random-pair torus distance is saturated:
BMUs land anywhere, so no trend over layers is evaluable (the fidelity audit, 2026-12-07)."""
CONTROL_NOTE = "control, added 2026-12-07 after the numbers were known (fidelity audit)"
NOT_SIGNIFICANT = (
    "not evaluated: the paper gives no measure of 'significant'; the depth trend is "
    "tested at every size above"
)


# ---------------------------------------------------------------------------------- rules
def trend(values: Sequence[float], direction: str) -> tuple[bool, float]:
    """``(passed, spearman_rho)`` of the trend rule (module docstring); ``direction`` up|down.

    Passes "up" when rho >= 0.8 (rounded to 9 digits: 0.8 is 0.7999... in floats) and
    ``values[-1] > values[0]``; "down" when rho <= -0.8 and ``values[-1] < values[0]``. Fewer than
    two values, a non-finite value or a constant profile fail with rho = nan.
    """
    from scipy.stats import spearmanr

    v = np.asarray(values, dtype=float)
    if direction not in ("up", "down"):
        raise ValueError(f"direction must be 'up' or 'down', got {direction!r}")
    if len(v) < 2 or not np.isfinite(v).all() or np.ptp(v) == 0:
        return False, float("nan")
    rho = round(float(spearmanr(np.arange(len(v)), v).statistic), 9)
    sign = 1 if direction == "up" else -1
    return bool(sign * rho >= TREND_RHO and sign * (v[-1] - v[0]) > 0), rho


def fmt(values: Sequence[float], digits: int = 3) -> str:
    """``"0.123 / 0.456 / ..."`` (per-layer numbers in claim records)."""
    return " / ".join(f"{float(v):.{digits}f}" for v in values)


def code_dims_ok(dims: Sequence[int], channels: Sequence[int], arch: str) -> bool:
    """Sec. 2.2: the vector code of a layer has exactly 4 x channels numbers (max, mean, std, centre
    of mass); for ResNet-18 exactly 256 / 512 / 1024 / 2048."""
    dims = list(dims)
    return dims == [4 * c for c in channels] and (
        arch != "resnet18" or dims == [256, 512, 1024, 2048]
    )


def seam_unfolds(center, expected, spread_unfolded: float, spread_folded: float) -> bool:
    """Fig. 2B on a synthetic cluster across the corner seam: the centre (tensor or list) is within
    1e-6 (strictly) of the expected one in every coordinate and the unfolded spread is
    <= sqrt(8) < the folded spread."""
    err = (torch.as_tensor(center) - torch.as_tensor(expected)).abs().max()
    return bool(err < CENTER_TOL) and spread_unfolded <= SEAM_SPREAD_MAX < spread_folded


def unfolding_shrinks(d_unfolded: Sequence[float], d_naive: Sequence[float]) -> bool | None:
    """Fig. 2B on real BMUs: in every layer where the class wraps, the mean distance to the centre
    after unfolding is strictly smaller than without; None (not evaluated) when no layer wraps."""
    if not len(d_unfolded):
        return None
    return all(float(u) < float(v) for u, v in zip(d_unfolded, d_naive))


def last_is_highest(values: Sequence[float]) -> bool:
    """Fig. 3: the last layer's value is the maximum (ties count as highest)."""
    return values[-1] == max(values)


def all_above(high: Sequence[float], low: Sequence[float]) -> bool:
    """``high[i] > low[i]`` strictly for every i (a nan compares False)."""
    return all(float(h) > float(lo) for h, lo in zip(high, low))


def condensed_then_expanded(values: Sequence[float]) -> bool:
    """Supp. Fig. 4: the least diverse layer (first one on ties) lies strictly in the first half
    (index < len / 2) and the last value exceeds the first."""
    values = list(values)
    return values.index(min(values)) < len(values) / 2 and values[-1] > values[0]


def pgd_amplified(pgd: Sequence[float], noise: Sequence[float]) -> bool:
    """Supp. Fig. 4: the last layer's PGD displacement exceeds the first layer's and the last
    layer's noise displacement (both strictly)."""
    return pgd[-1] > pgd[0] and pgd[-1] > noise[-1]


def collapse_verdict(
    clean: float, pgd: float, noise: float, by_rule: bool, collapse_acc: float
) -> bool:
    """Figs 11-12: "PGD collapses accuracy, noise does not": |clean - noise| <= 0.02 (rounded to 6
    digits, so one image of 50 counts as 0.02 exactly) and PGD accuracy < ``collapse_acc``, the
    latter taken as given when ε* was found by the ε rule (``by_rule``)."""
    drop = round(clean - noise, 6)
    return abs(drop) <= NOISE_DROP_MAX and (by_rule or pgd < collapse_acc)


def saturated(means: Sequence[float], random_pair: float) -> bool:
    """A displacement profile is saturated when some layer's mean reaches :data:`SATURATION` of the
    random-pair torus distance (``random_pair``)."""
    return max(float(v) for v in means) >= SATURATION * random_pair


def zero_floor(max_displacements: Sequence[float]) -> tuple[bool, float]:
    """Control of Figs 11-12: ``(passed, worst)``; passes only when the largest BMU displacement
    at ε = 0 is exactly 0."""
    worst = max(float(v) for v in max_displacements)
    return worst == 0.0, worst


def table1_matches(checks: dict, e_minus_5: float) -> bool:
    """Table 1 / Sec. 3.1: σ0 10, α0 0.1, 'exp' schedule starting at factor 1.0 and ending within
    1e-12 of e^-5, periodic grid, cosine metric, batch 10 (DenseNet-121: 50) for every model."""
    c = checks
    return bool(
        c["sigma"] == 10
        and c["alpha"] == 0.1
        and c["sched"] == "exp"
        and c["periodic"]
        and c["metric"] == "cosine"
        and c["factor_start"] == 1.0
        and abs(c["factor_end"] - e_minus_5) < 1e-12
        and all(b == c["paper_batch"].get(a, 10) for a, b in c["batch"].items())
    )


def epochs_verdict(epochs: int, profile: str) -> bool | None:
    """Table 1's 5 epochs: evaluated in the paper profile only (quick / smoke depart by design)."""
    return epochs == 5 if profile == "paper" else None


def runs_within_bounds(bound_ok: Sequence[bool], in_range: Sequence[bool]) -> bool:
    """Table 2 check: every cached run has ‖δ‖∞ <= ε + 1e-7 and every pixel in [0, 1] (vacuously
    true without runs)."""
    return bool(all(bound_ok) and all(in_range))


def table2_matches(params: dict) -> bool:
    """Table 2: ε and step ε·2/100 within 1e-12 of 4/255 and 4/255·2/100, random init,
    untargeted, clip [0, 1], L∞ norm."""
    p = params
    return bool(
        abs(p["eps"] - 4 / 255) < 1e-12
        and abs(p["eps_iter"] - 4 / 255 * 2 / 100) < 1e-12
        and p["rand_init"]
        and not p["targeted"]
        and (p["clip_min"], p["clip_max"]) == (0.0, 1.0)
        and p["norm"] == "Linf"
    )


# ------------------------------------------------------------------- rules as one number
def trend_score(values: Sequence[float], direction: str) -> float:
    """The trend rule (:func:`trend`) as one number: Spearman ρ signed so that the claimed
    direction is positive (-ρ for "down"), or -1 (no trend) when the deepest layer is not beyond
    the first or ρ is undefined; ``trend_score(v, d) >= TREND_RHO`` exactly when ``trend(v, d)``
    passes. Computed from the ranks of ``values`` (:func:`_rank_trend_score`)."""
    v = np.asarray(values, dtype=float)
    if len(v) < 2 or not np.isfinite(v).all():
        return -1.0
    return _rank_trend_score(dense_ranks(v), direction)


def dense_ranks(values: Sequence[float]) -> tuple[int, ...]:
    """Ranks 0, 1, ... of the distinct values (ties share one): the same order and ties as
    ``values``, so the same Spearman ρ."""
    return tuple(
        np.unique(np.asarray(values, dtype=float), return_inverse=True)[1].reshape(-1).tolist()
    )


@functools.lru_cache(maxsize=4096)
def _rank_trend_score(ranks: tuple[int, ...], direction: str) -> float:
    """:func:`trend_score` of a profile given by its :func:`dense_ranks`: ρ, whether the last value
    exceeds the first and whether the profile is constant depend on the order and ties alone, so
    :func:`trend` of the ranks is that of the values, and the few rank patterns of a handful of
    layers are scored once however many resamples share them."""
    _, rho = trend(ranks, direction)
    sign = 1 if direction == "up" else -1
    return sign * rho if sign * (ranks[-1] - ranks[0]) > 0 and math.isfinite(rho) else -1.0


def smallest_gap(high: Sequence[float], low: Sequence[float]) -> float:
    """:func:`all_above` as one number: the smallest ``high[i] - low[i]`` (nan if any value is nan,
    +inf without values); ``> 0`` exactly when ``all_above(high, low)``."""
    gaps = np.asarray([float(h) - float(lo) for h, lo in zip(high, low)], dtype=float)
    return float(gaps.min()) if len(gaps) else math.inf


def _medians_above(high: Sequence[torch.Tensor], low: Sequence[torch.Tensor]) -> Evidence | None:
    """Evidence that every layer's median of ``high`` is above ``low``'s (:func:`smallest_gap`
    ``> 0``): the images, the same in every layer and in both, resampled together as one stratum."""
    n_images = [common_size([len(v) for v in list(high) + list(low)])]
    return stratified_evidence(
        n_images,
        lambda idx: smallest_gap(
            [median_at(v, idx[0]) for v in high], [median_at(v, idx[0]) for v in low]
        ),
        _positive,
        0.0,
    )


def last_minus_rest(values: Sequence[float]) -> float:
    """:func:`last_is_highest` as one number: the last value minus the largest of the others;
    ``>= 0`` exactly when the last value is the highest."""
    values = [float(v) for v in values]
    return values[-1] - max(values[:-1], default=values[-1])


def _positive(x: float) -> bool:
    return x > 0


def _non_negative(x: float) -> bool:
    return x >= 0


def _all(fraction: float) -> bool:
    return fraction == 1.0


def _trend_holds(score: float) -> bool:
    return score >= TREND_RHO


def _noise_drop_ok(drop: float) -> bool:
    return drop <= NOISE_DROP_MAX


# --------------------------------------------------------------------------- evidence
def _trend_evidence(
    sizes: Sequence[int],
    profiles: Callable[[list[np.ndarray]], list[list[float]]],
    directions: Sequence[str],
) -> Evidence | None:
    """Evidence of trend rules that must all hold: the smallest :func:`trend_score` of the
    per-layer ``profiles`` (one per direction) recomputed on the resampled items."""
    return stratified_evidence(
        sizes,
        lambda idx: min(trend_score(v, d) for v, d in zip(profiles(idx), directions)),
        _trend_holds,
        TREND_RHO,
    )


def _layer_pairs_trend(cds: Sequence[torch.Tensor], stat: str, direction: str) -> Evidence | None:
    """Trend of a per-layer pair-distance statistic (``"mean"`` / ``"median"``) over SOM units:
    every layer's SOM is an independent stratum."""
    pairs = [PairDistances(v) for v in cds]
    return _trend_evidence(
        [p.k for p in pairs],
        lambda idx: [[getattr(p, stat)(i) for p, i in zip(pairs, idx)]],
        [direction],
    )


def _class_pairs(models: Sequence[Sequence[torch.Tensor]]) -> tuple[list[int], Callable]:
    """Strata and per-layer means of class-centre CDs (Figs 7, 8, 10) of several models: the
    classes of one model are the same in every layer (:func:`.geometry.class_center_cd` draws
    them with the same seed from the same labels), so each model is one stratum of classes."""
    pairs = [[PairDistances(v) for v in cds] for cds in models]
    sizes = [common_size([p.k for p in layers]) for layers in pairs]
    return sizes, lambda idx: [[p.mean(i) for p in layers] for layers, i in zip(pairs, idx)]


# ------------------------------------------------------------------------- per notebook
def _medians(values) -> list[float]:
    return [float(v.median()) for v in values]


def _means(values) -> list[float]:
    return [float(v.mean()) for v in values]


def _record(card: Scorecard, key: str, fields: dict[str, Any], measured: str, **kw: Any) -> None:
    """:func:`inputspace.claims.record` (``kw``: ``passed``, ``note``, ``evidence``) of the statement
    :data:`.statements.STATEMENTS` holds under ``key`` (a claim id or a family's id template), its
    placeholders filled from ``fields``; ``model`` is the label of ``arch`` where not given."""
    if "arch" in fields:
        fields = {"model": LABELS[fields["arch"]], **fields}
    cid, st = statement(key, **fields)
    record(card, {cid: st}, cid, measured, **kw)


def fig01(card: Scorecard, r: dict):
    """p3-fig01: the vector-code dimensions (Sec. 2.2)."""
    record(
        card,
        STATEMENTS,
        "P3-code-dim",
        " / ".join(map(str, r["dims"])),
        passed=code_dims_ok(r["dims"], r["channels"], r["arch"]),
    )
    return card.table()


def fig02(card: Scorecard, r: dict):
    """p3-fig02: unfolding a synthetic seam cluster and the most seam-wrapping real class."""
    syn = r["synthetic"]
    record(
        card,
        STATEMENTS,
        "P3-unfold-synthetic",
        f"centre {syn['center'].tolist()} (expected {syn['expected'].tolist()}); spread "
        f"{syn['spread_unfolded']:.2f} vs folded {syn['spread_folded']:.2f}",
        passed=seam_unfolds(
            syn["center"], syn["expected"], syn["spread_unfolded"], syn["spread_folded"]
        ),
    )
    t = r["table"][r["table"]["wrapped BMUs"] > 0]
    unfolded, naive = t["D (unfolded)"].tolist(), t["D (no unfolding)"].tolist()
    passed = unfolding_shrinks(unfolded, naive)
    record(
        card,
        STATEMENTS,
        "P3-unfold-real",
        f"class {r['cls']}: D unfolded {fmt(t['D (unfolded)'])} vs without "
        f"{fmt(t['D (no unfolding)'])} in {', '.join(t['layer'])}",
        passed=passed,  # None (no evidence) where the class wraps in no layer
        evidence=None
        if passed is None
        else certainty.single_example(smallest_gap(naive, unfolded), _positive, threshold=0.0),
    )  # one class shown
    return card.table()


def fig03(card: Scorecard, r: dict):
    """p3-fig03: the final SOM loss is highest in CL4 (Fig. 3); evidence over the updates of the last
    epoch (each layer's SOM a stratum)."""
    for arch, f in r["final"].items():
        losses = r["last_epoch"][arch]
        ev = stratified_evidence(
            [len(v) for v in losses],
            lambda idx, losses=losses: last_minus_rest(
                [mean_at(v, i) for v, i in zip(losses, idx)]
            ),
            _non_negative,
            0.0,
        )
        _record(
            card,
            "P3-loss-{arch}",
            {"arch": arch},
            fmt(f, 4),
            note=f"CL1 < CL4: {f[0] < f[-1]}",
            evidence=ev,
        )
    return card.table()


def density_inhomogeneity(card: Scorecard, r: dict):
    """p3-fig04 (one layer) and p3-figS1 (all layers): more units never BMU than uniform placement
    of as many BMUs gives, in every layer shown (:func:`all_above`); evidence over the SOM units
    (each layer's SOM a stratum)."""
    t = r["table"]
    for arch in r["archs"]:
        s = t[t["model"] == LABELS[arch]]
        dens = [r["density"][(arch, li)] for li in r["layers"]]
        never = [(d["counts"] == 0).float().reshape(-1) for d in dens]
        uniform = [d["never_uniform"] for d in dens]
        ev = stratified_evidence(
            [len(v) for v in never],
            lambda idx, never=never, uniform=uniform: smallest_gap(
                [mean_at(v, i) for v, i in zip(never, idx)], uniform
            ),
            _positive,
            0.0,
        )
        _record(
            card,
            "P3-density-{arch}" + ("" if len(r["layers"]) == 1 else "-all"),
            {"arch": arch},
            "never BMU "
            + fmt(s["units never BMU"], 2)
            + " vs uniform "
            + fmt(s["uniform expectation"], 2),
            evidence=ev,
        )
    return card.table()


def class_clustering(card: Scorecard, r: dict):
    """p3-fig05 (ResNet-18) and p3-figS2 (ResNet-50): same-class BMUs cluster, i.e. the mean D_class
    with true labels is strictly below the shuffled-label control in every CL (:func:`all_above`);
    evidence over the classes (one stratum: the same classes in every CL) and the pseudo-classes of
    each CL's shuffle (a stratum each)."""
    t, arch = r["table"], r["arch"]
    for split in ("tr", "val"):
        true, shuffled = r["per_class"][f"D_class {split}"], r["per_class"][f"shuffled {split}"]
        ev = stratified_evidence(
            [common_size([len(v) for v in true])] + [len(v) for v in shuffled],
            lambda idx, true=true, shuffled=shuffled: smallest_gap(
                [mean_at(v, i) for v, i in zip(shuffled, idx[1:])],
                [mean_at(v, idx[0]) for v in true],
            ),
            _positive,
            0.0,
        )
        _record(
            card,
            "P3-cluster-{arch}-{split}",
            {"arch": arch, "split": split},
            "true "
            + fmt(t[f"D_class {split}"], 2)
            + " vs shuffled "
            + fmt(t[f"shuffled {split}"], 2),
            evidence=ev,
        )
    return card.table()


def fig06(card: Scorecard, r: dict):
    """p3-fig06: median D_class shrinks and median pairwise weight CD grows with depth (trend rule);
    evidence over the classes (the same in every CL) and over the SOM units (each CL a stratum)."""
    for arch, res in r["res"].items():
        for split in ("tr", "val"):
            med = _medians(res[split])
            rho = trend(med, "down")[1]
            ev = _trend_evidence(
                [common_size([len(v) for v in res[split]])],
                lambda idx, d=res[split]: [[median_at(v, idx[0]) for v in d]],
                ["down"],
            )
            _record(
                card,
                "P3-dclass-{arch}-{split}",
                {"arch": arch, "split": split},
                fmt(med, 2) + f" (ρ = {rho:.2f})",
                evidence=ev,
            )
        med = _medians(res["wcd"])
        rho = trend(med, "up")[1]
        _record(
            card,
            "P3-wcd-{arch}",
            {"arch": arch},
            fmt(med, 3) + f" (ρ = {rho:.2f})",
            evidence=_layer_pairs_trend(res["wcd"], "median", "up"),
        )
    return card.table()


def fig07(card: Scorecard, r: dict):
    """p3-fig07: mean class-centre CD grows with depth for every CNN at every SOM size (trend rule);
    the size dependence is reported, not evaluated (the paper gives no measure). Evidence: the
    smallest trend score of the models, over the classes (each model a stratum)."""
    for size in r["sizes"]:
        means = {arch: _means(r["res"][(size, arch)]) for arch in r["archs"]}
        verdicts = [trend(v, "up")[0] for v in means.values()]
        sizes, profiles = _class_pairs([r["res"][(size, arch)] for arch in r["archs"]])
        _record(
            card,
            "P3-ccd-size{size}",
            {"size": size},
            "; ".join(f"{LABELS[a]} {fmt(v, 2)}" for a, v in means.items()),
            note=f"{sum(verdicts)}/{len(verdicts)} models pass",
            evidence=_trend_evidence(sizes, profiles, ["up"] * len(sizes)),
        )
    ratios = {a: size_ratio(r["res"], r["sizes"], a) for a in r["archs"]}
    _record(
        card,
        "P3-ccd-size-dependence",
        {"sizes": ", ".join(map(str, r["sizes"]))},
        "max/min of the mean centre CD over sizes, CL1…CL4: "
        + "; ".join(f"{LABELS[a]} {fmt(v, 2)}" for a, v in ratios.items()),
        passed=None,
        note=NOT_SIGNIFICANT,
    )
    return card.table()


def fig08(card: Scorecard, r: dict):
    """p3-fig08: on every data set, mean D_class shrinks and mean centre CD grows (trend rule, both);
    evidence: the smaller trend score of the two, over the classes of D_class and those of the
    centre CDs (a stratum each, both the same in every CL)."""
    for ds in r["datasets"]:
        dclass = r["res"][ds]["dclass"]
        d, c = _means(dclass), _means(r["res"][ds]["ccd"])
        rho_d, rho_c = trend(d, "down")[1], trend(c, "up")[1]
        (n_ccd,), ccd = _class_pairs([r["res"][ds]["ccd"]])
        ev = _trend_evidence(
            [common_size([len(v) for v in dclass]), n_ccd],
            lambda idx, dclass=dclass, ccd=ccd: [
                [mean_at(v, idx[0]) for v in dclass],
                ccd(idx[1:])[0],
            ],
            ["down", "up"],
        )
        _record(
            card,
            "P3-fig8-{ds}",
            {"ds": ds},
            f"D_class {fmt(d, 2)} (ρ {rho_d:.2f}); centre CD {fmt(c, 3)} (ρ {rho_c:.2f})",
            note="quick: offline analog data set",
            evidence=ev,
        )
    return card.table()


def fig09(card: Scorecard, r: dict):
    """p3-fig09: the ViT's mean pairwise weight CD grows with depth (trend rule); evidence over the
    SOM units (each block a stratum)."""
    mean = r["table"]["mean weight CD"].tolist()
    rho = trend(mean, "up")[1]
    record(
        card,
        STATEMENTS,
        "P3-vit-wcd",
        fmt(mean, 3) + f" (ρ = {rho:.2f})",
        evidence=_layer_pairs_trend(r["wcd"], "mean", "up"),
    )
    return card.table()


def fig10(card: Scorecard, r: dict):
    """p3-fig10: the ViT's mean class-centre CD grows with depth at every SOM size (trend rule);
    evidence over the classes (the same in every block)."""
    vit = r["archs"][0]
    for size in r["sizes"]:
        mean = _means(r["res"][(size, vit)])
        rho = trend(mean, "up")[1]
        sizes, profiles = _class_pairs([r["res"][(size, vit)]])
        _record(
            card,
            "P3-vit-ccd-size{size}",
            {"size": size},
            fmt(mean, 3) + f" (ρ = {rho:.2f})",
            evidence=_trend_evidence(sizes, profiles, ["up"]),
        )
    ratio = size_ratio(r["res"], r["sizes"], vit)
    _record(
        card,
        "P3-vit-ccd-size-dependence",
        {"sizes": ", ".join(map(str, r["sizes"]))},
        "max/min of the mean centre CD over sizes, per block: " + fmt(ratio, 2),
        passed=None,
        note=NOT_SIGNIFICANT,
    )
    return card.table()


def _eps(eps: float) -> str:
    """ε as the statements write it: ε × 255, rounded (``4`` for 4/255)."""
    return f"{eps * 255:.0f}"


def pgd_vs_noise_codes(card: Scorecard, r: dict, cfg: Config):
    """p3-fig11 (ResNets) and p3-fig12 (ViT), per model and ε (paper's, ε*): :func:`attack_rows`;
    and the ε = 0 control (:func:`zero_floor`). The paper's values quoted come from
    :data:`.statements.PAPER_ATTACK` of ``cfg.notebook_id``."""
    paper = PAPER_ATTACK[cfg.notebook_id]
    for arch in r["eps"]:
        for which in ("paper", "rule"):
            by_rule = (
                which == "rule" and r["rule"][arch]["found"]
            )  # ε* makes PGD collapse on these images
            attack_rows(
                card,
                "{arch}-{which}",
                {"arch": arch, "which": which, "eps": _eps(r["eps"][arch][which]), **paper},
                r["correct"][(arch, which)],
                r["disp"][(arch, which, "pgd")],
                r["disp"][(arch, which, "noise")],
                by_rule,
                cfg.collapse_acc,
            )
    control_rows(card, r)
    for arch, floor in r["floor"].items():
        worst = zero_floor([float(v.float().max()) for v in floor])[1]
        moved = torch.stack([v.float().amax(dim=1) for v in floor]).amax(
            dim=0
        )  # per image, any layer
        _record(
            card,
            "P3-disp-floor-{arch}",
            {"arch": arch},
            f"largest displacement at ε = 0: {worst:.2f}",
            evidence=certainty.evidence((moved == 0).double().numpy(), _all, threshold=1.0),
        )
    return card.table()


def attack_rows(
    card: Scorecard,
    family: str,
    fields: dict[str, str],
    correct: dict[str, torch.Tensor],
    pgd: Sequence[torch.Tensor],
    noise: Sequence[torch.Tensor],
    by_rule: bool,
    collapse_acc: float,
) -> None:
    """The three attack claims of one model and ε, ``P3-pgd-acc-``, ``P3-disp-`` and
    ``P3-disp-grow-`` + ``family`` (``"{arch}-{which}"``; the real network: ``"lite"``), their
    statements filled from ``fields``: accuracy (:func:`collapse_verdict`), median displacement PGD
    > noise in every layer (:func:`all_above`) and mean PGD displacement growing with depth (trend
    rule). ``correct``: per image, clean / PGD / noise correctness (the real network: agreement with
    the clean top-1). Evidence over the attacked images (one stratum: the same images clean, under
    PGD and noise, in every layer)."""
    acc = {k: float(v.float().mean()) for k, v in correct.items()}
    _record(
        card,
        f"P3-pgd-acc-{family}",
        fields,
        f"clean {acc['clean']:.1%}, PGD {acc['pgd']:.1%}, noise {acc['noise']:.1%}",
        note="PGD half holds by the choice of ε*: only the noise half is tested" if by_rule else "",
        evidence=_collapse_evidence(correct, by_rule, collapse_acc),
    )
    pgd, noise = [v.float() for v in pgd], [v.float() for v in noise]
    med_p, med_n = _medians(pgd), _medians(noise)
    mean_p, mean_n = _means(pgd), _means(noise)
    n_images = [common_size([len(v) for v in pgd + noise])]
    _record(
        card,
        f"P3-disp-{family}",
        fields,
        f"median PGD {fmt(med_p, 2)} vs noise {fmt(med_n, 2)}",
        note=f"means PGD {fmt(mean_p, 2)} vs noise {fmt(mean_n, 2)}",
        evidence=_medians_above(pgd, noise),
    )
    rho = trend(mean_p, "up")[1]
    _record(
        card,
        f"P3-disp-grow-{family}",
        fields,
        fmt(mean_p, 2) + f" (ρ = {rho:.2f})",
        evidence=_trend_evidence(n_images, lambda idx: [[mean_at(v, idx[0]) for v in pgd]], ["up"]),
    )


def _grow_evaluable(
    card: Scorecard,
    key: str,
    fields: dict[str, str],
    pgd: Sequence[torch.Tensor],
    random_pair: float,
) -> None:
    """The displacement-growth trend with the saturation flag (statement ``key`` filled from
    ``fields``): not evaluated when saturated."""
    pgd = [v.float() for v in pgd]
    means = _means(pgd)
    if saturated(means, random_pair):
        _record(
            card,
            key,
            fields,
            fmt(means, 2),
            passed=None,
            note=f"{CONTROL_NOTE}; not evaluable: a layer's mean displacement reaches {SATURATION:g} × the "
            f"random-pair torus distance {random_pair:.2f} (BMUs land anywhere)",
        )
        return
    rho = trend(means, "up")[1]
    n_images = [common_size([len(v) for v in pgd])]
    _record(
        card,
        key,
        fields,
        fmt(means, 2) + f" (ρ = {rho:.2f}; saturation at {SATURATION * random_pair:.2f})",
        note=CONTROL_NOTE,
        evidence=_trend_evidence(n_images, lambda idx: [[mean_at(v, idx[0]) for v in pgd]], ["up"]),
    )


def control_rows(card: Scorecard, r: dict) -> None:
    """The controls of Figs 11-12 (:func:`inputspace.p3.attack.pgd_vs_noise`'s ``centered``,
    ``floor1``, ``random_pair``, ``mid``; added 2026-12-07 after the numbers were known): mean-free
    noise of equal ℓ2 against PGD and against U(0, ε) in CL1 (the offset on black backgrounds), the
    floor at ε = 1/255, the saturation flag on every growth row, and growth at the mid-accuracy ε."""
    for arch in r["eps"]:
        pair = r["random_pair"][arch]
        for which in ("paper", "rule"):
            tag = {"arch": arch, "which": which, "eps": _eps(r["eps"][arch][which])}
            pgd, noise, centered = (
                [v.float() for v in r["disp"][(arch, which, k)]]
                for k in ("pgd", "noise", "centered")
            )
            n_images = [common_size([len(v) for v in pgd + centered])]
            _record(
                card,
                "P3-disp-centered-{arch}-{which}",
                tag,
                f"median PGD {fmt(_medians(pgd), 2)} vs centered noise {fmt(_medians(centered), 2)}",
                note=CONTROL_NOTE,
                evidence=_medians_above(pgd, centered),
            )
            _record(
                card,
                "P3-noise-offset-{arch}-{which}",
                tag,
                f"CL1 median: U(0, ε) {float(noise[0].median()):.2f} vs U(−ε, ε) {float(centered[0].median()):.2f}",
                note=CONTROL_NOTE,
                evidence=stratified_evidence(
                    n_images,
                    lambda idx, a=noise[0], c=centered[0]: (
                        median_at(a, idx[0]) - median_at(c, idx[0])
                    ),
                    _positive,
                    0.0,
                ),
            )
            _grow_evaluable(card, "P3-disp-grow-{arch}-{which}-eval", tag, pgd, pair)
        floor, star = (
            [v.float() for v in r["floor1"][arch]["pgd"]],
            [v.float() for v in r["disp"][(arch, "rule", "pgd")]],
        )
        _record(
            card,
            "P3-floor1-{arch}",
            {"arch": arch},
            f"median ε* {fmt(_medians(star), 2)} vs 1/255 {fmt(_medians(floor), 2)}",
            note=CONTROL_NOTE,
            evidence=_medians_above(star, floor),
        )
        mid = r["mid"][arch]
        if mid["eps"] is None:
            _record(
                card,
                "P3-disp-grow-{arch}-mid#unprobed",
                {"arch": arch},
                "no probed ε",
                passed=None,
                note=f"{CONTROL_NOTE}; PGD accuracy at the probed ε: "
                + ", ".join(f"{e * 255:.0f}/255 {a:.0%}" for e, a in mid["probes"].items()),
            )
        else:
            _grow_evaluable(
                card,
                "P3-disp-grow-{arch}-mid",
                {"arch": arch, "eps": _eps(mid["eps"]), "acc": f"{mid['probes'][mid['eps']]:.0%}"},
                mid["disp"],
                pair,
            )


def real_network(card: Scorecard, r: dict, cfg: Config):
    """p3-fig11's real-network section (:func:`inputspace.p3.pretrained.pgd_vs_noise`): the attack
    claims of :func:`attack_rows` on EfficientNet-Lite0 at the paper's ε, "correct" read as "keeps
    the clean top-1" (no labels), the codes' relative displacement in place of BMUs."""
    attack_rows(
        card,
        "lite",
        {"eps": _eps(r["eps"])},
        r["agree"],
        r["disp"]["pgd"],
        r["disp"]["noise"],
        False,
        cfg.collapse_acc,
    )
    return card.table()


def _collapse_evidence(
    correct: dict[str, torch.Tensor], by_rule: bool, collapse_acc: float
) -> Evidence | None:
    """Evidence of :func:`collapse_verdict` over the attacked images: the noise drop ``|clean -
    noise|`` against its 0.02 when ε* settles the PGD half (``by_rule``), else the verdict itself
    (1 passes, 0 fails) recomputed on each resample, as its two halves have a strict and a
    non-strict bar."""

    def acc(idx: list[np.ndarray]) -> dict[str, float]:
        return {k: fraction_at(v, idx[0]) for k, v in correct.items()}

    def noise_drop(a: dict[str, float]) -> float:  # as collapse_verdict computes it
        return abs(round(a["clean"] - a["noise"], 6))

    n = [common_size([len(v) for v in correct.values()])]
    if by_rule:
        return stratified_evidence(
            n, lambda idx: noise_drop(acc(idx)), _noise_drop_ok, NOISE_DROP_MAX
        )
    return stratified_evidence(
        n,
        lambda idx: float(collapse_verdict(**acc(idx), by_rule=False, collapse_acc=collapse_acc)),
        _all,
        1.0,
    )


def figS3(card: Scorecard, r: dict, cfg: Config):
    """p3-figS3: misclassified SOM-val inputs lie farther from their label's centre in every CL
    (:func:`all_above`); not evaluated when a model makes no error. Evidence over the misclassified
    and over the correct items (classes or inputs, ``cfg.aggregate``; a stratum each, the same items
    in every CL)."""
    t = r["table"]
    for arch in cfg.archs:
        s = t[t["model"] == LABELS[arch]]
        n_bad = int(s["n incorrect"].iloc[0])
        bad = [lc["distance"][~lc["correct"]] for lc in r["res"][arch]]
        good = [lc["distance"][lc["correct"]] for lc in r["res"][arch]]
        ev = (
            None
            if not n_bad
            else stratified_evidence(
                [common_size([len(v) for v in bad]), common_size([len(v) for v in good])],
                lambda idx, bad=bad, good=good: smallest_gap(
                    [mean_at(v, idx[0]) for v in bad], [mean_at(v, idx[1]) for v in good]
                ),
                _positive,
                0.0,
            )
        )
        _record(
            card,
            "P3-labelcenter-{arch}",
            {"arch": arch, "aggregate": cfg.aggregate},
            f"InCorr {fmt(s['mean ED incorrect'], 2)} vs Corr {fmt(s['mean ED correct'], 2)} "
            f"(InCorr: {n_bad} {cfg.aggregate}{'es' if cfg.aggregate == 'class' else 's'})",
            # None (no evidence) without an error
            passed=all_above(s["mean ED incorrect"].tolist(), s["mean ED correct"].tolist())
            if n_bad
            else None,
            evidence=ev,
        )
    return card.table()


def figS4(card: Scorecard, r: dict):
    """p3-figS4: code diversity condensed then expanded for every model, and PGD amplified with depth
    beyond noise at ε* (:func:`condensed_then_expanded`, :func:`pgd_amplified`). Evidence: the
    fraction of models whose diversity profile passes, over the SOM units (each layer of each model a
    stratum); the smallest gap of :func:`pgd_amplified`'s two halves over the models, over the
    attacked images (each model a stratum)."""
    shape = [condensed_then_expanded(v) for v in r["diversity"].values()]
    layers = [PairDistances(v) for cds in r["diversity_cd"].values() for v in cds]
    bounds = np.cumsum([0] + [len(cds) for cds in r["diversity_cd"].values()])

    def passing(idx: list[np.ndarray]) -> float:
        means = [p.mean(i) for p, i in zip(layers, idx)]
        return float(
            np.mean([condensed_then_expanded(means[a:b]) for a, b in zip(bounds[:-1], bounds[1:])])
        )

    record(
        card,
        STATEMENTS,
        "P3-telescope",
        "; ".join(f"{k} {fmt(v, 3)}" for k, v in r["diversity"].items()),
        note=f"{sum(shape)}/{len(shape)} models",
        evidence=stratified_evidence([p.k for p in layers], passing, _all, 1.0),
    )
    amp = [pgd_amplified(v, r["noise_disp"][k]) for k, v in r["pgd_disp"].items()]
    items = r["disp_items"]

    def amplification(idx: list[np.ndarray]) -> float:
        gaps = []
        for k, i in zip(items["pgd"], idx):
            p = [mean_at(v, i) for v in items["pgd"][k]]
            n = [mean_at(v, i) for v in items["noise"][k]]
            gaps.append(smallest_gap([p[-1], p[-1]], [p[0], n[-1]]))
        return min(gaps, default=math.inf)

    record(
        card,
        STATEMENTS,
        "P3-telescope-pgd",
        "; ".join(
            f"{k} PGD {fmt(v, 2)}, noise {fmt(r['noise_disp'][k], 2)}"
            for k, v in r["pgd_disp"].items()
        ),
        passed=all(amp),  # no evidence without an attacked model
        evidence=stratified_evidence(
            [
                common_size([len(v) for v in items["pgd"][k] + items["noise"][k]])
                for k in items["pgd"]
            ],
            amplification,
            _positive,
            0.0,
        )
        if items["pgd"]
        else None,
    )
    return card.table()


def tab01(card: Scorecard, r: dict, cfg: Config):
    """p3-tab01: the SOM parameters used are Table 1's (:func:`table1_matches`); the epochs are
    evaluated in the paper profile only (:func:`epochs_verdict`)."""
    c = r["checks"]
    record(
        card,
        STATEMENTS,
        "P3-table1",
        f"σ0 {c['sigma']}, α0 {c['alpha']}, {c['sched']}, periodic "
        f"{c['periodic']}, {c['metric']}, batch {c['batch']}",
        passed=table1_matches(c, r["e_minus_5"]),
    )
    record(
        card,
        STATEMENTS,
        "P3-table1-epochs",
        c["epochs"],
        passed=epochs_verdict(c["epochs"], cfg.profile),
        note=""
        if cfg.profile == "paper"
        else "not evaluated: the quick/smoke profiles deviate by design (see the note above)",
    )
    return card.table()


def tab02(card: Scorecard, r: dict):
    """p3-tab02: the PGD parameters used are Table 2's (:func:`table2_matches`) and every cached
    perturbation stays within ε + 1e-7 and in [0, 1] (all runs)."""
    p, chk = r["params"], r["checks"]
    record(
        card,
        STATEMENTS,
        "P3-table2",
        f"ε {p['eps'] * 255:.1f}/255, step {p['eps_iter']:.2e}, iters {p['nb_iter']}",
        passed=table2_matches(p),
        note="50 iterations in quick/paper; the smoke profile uses 3",
    )
    record(
        card,
        STATEMENTS,
        "P3-linf",
        f"{int(chk['bound ok'].sum())}/{len(chk)} runs within ε, {int(chk['in [0,1]'].sum())}/{len(chk)} in [0,1]",
        passed=runs_within_bounds(chk["bound ok"].tolist(), chk["in [0,1]"].tolist()),
    )
    return card.table()
