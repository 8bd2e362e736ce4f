"""The cross-study hypotheses as code: their rules and one recording function per notebook.

The hypotheses were stated before any cross-study number was computed (:data:`HYPOTHESES`, the
text every notebook's first cell shows verbatim; a test keeps the two identical), except those of
:data:`ADDED_AFTER_THE_RUN`: written after their notebook's first run, before their own numbers,
and marked so in the scorecard (:data:`PAPER_VALUE_ADDED`). Each becomes one
scorecard row (claim id = the hypothesis id, paper value = :data:`PAPER_VALUE`); its rule is a
small function below with its threshold in its docstring, and a statistic over items records its
evidence (:mod:`inputspace.certainty`: the 95 % bootstrap interval and a certainty label under the
rule; fewer than :data:`~inputspace.certainty.MIN_ITEMS` items are labelled "too few items", never
dropped). A hypothesis that cannot be evaluated in a run (no item, no AT model, no segment with a
barrier) is recorded with ``passed=None`` and a note saying why.

δ = :data:`~inputspace.methods.connectivity.DELTA` = 0.001 wherever a hypothesis says δ (the
hypotheses' own definition, also for X4.3's "p_src − δ"; P2's own δ = ``pthresh`` is shown beside it).

Statistics (choices of the implementation, documented in the notebooks' method paragraphs): medians
where the hypothesis says median (X1.1, X1.3, X1.4, X4.1) and for P3's displacement and D_class (as
P3's Fig 6 table and Fig 11 rule, X4.4, X4.5); means for P2's covered distance and triangle
fraction (as P2's Tables 1-2, X4.2, X4.3); fractions of items for "at least 90 %", "more than half"
and "at least half". Two statistics on the same items (the two models on one pair, source, image
or class; one LST output in two layers) are resampled together (:func:`inputspace.certainty.
paired_evidence`); independent groups as strata (:func:`inputspace.certainty.stratified_evidence`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch

from .. import certainty
from ..certainty import Evidence, stratified_evidence
from ..claims import Scorecard
from ..methods.connectivity import DELTA
from .statements import (
    ADDED_AFTER_THE_RUN,
    CORRECTED,
    HYPOTHESES,
    HYPOTHESES_REAL,
    PAPER_VALUE,
    PAPER_VALUE_ADDED,
    PAPER_VALUE_CORRECTED,
)

NEARLY_ALL = 0.9
"""X1.2, X1.6: "at least 90 %"."""
HALF = 0.5
"""X1.5 "at least half"; X2.1, X2.2, X2.4, X2.5 "more than half"."""
SOFTMAX_AUC_MAX = 0.6
"""X3.1: max-softmax separates clean from LST outputs with a ROC AUC of at most 0.6."""
BARRIER_AUC_MIN = 0.7
"""X3.2: P1's barrier score separates them with a ROC AUC of at least 0.7."""

VERDICT = {True: "PASS", False: "FAIL", None: "N/A"}


def hypothesis_line(cid: str) -> str:
    """The hypothesis as its notebook's first cell lists it: ``X1.1: For the normal model, …``,
    ``X4.1 (P1): The median …``."""
    text = HYPOTHESES[cid]
    return f"{cid} {text}" if text.startswith("(") else f"{cid}: {text}"


# ----------------------------------------------------------------------------------------- rules
def below_delta(gap: float) -> bool:
    """A gap below δ: ``gap < DELTA`` (0.001, strict)."""
    return gap < DELTA


def nearly_all(fraction: float) -> bool:
    """At least 90 % of the items: ``fraction ≥`` :data:`NEARLY_ALL`."""
    return fraction >= NEARLY_ALL


def at_least_half(fraction: float) -> bool:
    """At least half of the items: ``fraction ≥ 0.5``."""
    return fraction >= HALF


def more_than_half(fraction: float) -> bool:
    """More than half of the items: ``fraction > 0.5`` (exactly half fails)."""
    return fraction > HALF


def softmax_blind(auc: float) -> bool:
    """The baseline does not see them: ROC AUC ``≤`` :data:`SOFTMAX_AUC_MAX` (0.6)."""
    return auc <= SOFTMAX_AUC_MAX


def barrier_sees(auc: float) -> bool:
    """The barrier detector sees them: ROC AUC ``≥`` :data:`BARRIER_AUC_MIN` (0.7)."""
    return auc >= BARRIER_AUC_MIN


def positive(difference: float) -> bool:
    """A comparison written as a difference holds: ``difference > 0`` (a tie fails). "A larger than
    B" is ``positive(A − B)``; "lower for AT" is ``positive(normal − AT)``."""
    return difference > 0


def all_hold(verdicts: Sequence[bool | None]) -> bool | None:
    """Every verdict holds; ``None`` (not evaluated) when any of them was not evaluated."""
    return None if any(v is None for v in verdicts) else all(verdicts)


# ------------------------------------------------------------------------------------- helpers
def _np(t) -> np.ndarray:
    return np.asarray(torch.as_tensor(t, dtype=torch.float64).cpu())


def _indexed(
    n: int,
    statistic: Callable[[np.ndarray], float],
    rule: Callable[[float], bool],
    threshold: float,
) -> Evidence:
    """Evidence of a statistic computed from several per-item columns: the bootstrap resamples item
    indices and ``statistic(indices)`` recomputes the verdict's number (on ``arange(n)``: exactly it)."""
    return certainty.evidence(
        np.arange(n), rule, lambda i: statistic(np.asarray(i, dtype=int)), threshold=threshold
    )


def _record(
    card: Scorecard,
    cid: str,
    measured: str,
    passed: bool | None,
    note: str = "",
    evidence: Evidence | None = None,
) -> None:
    paper = (
        PAPER_VALUE_CORRECTED
        if cid in CORRECTED
        else PAPER_VALUE_ADDED
        if cid in ADDED_AFTER_THE_RUN
        else PAPER_VALUE
    )
    card.record(
        cid,
        {**HYPOTHESES, **HYPOTHESES_REAL, **CORRECTED}[cid],
        paper,
        measured,
        passed,
        note=note,
        evidence=evidence,
    )


def _not_evaluated(card: Scorecard, cid: str, why: str) -> None:
    _record(card, cid, "not evaluated", None, note=why)


def _gap_median(
    card: Scorecard, cid: str, gaps: torch.Tensor, what: str, note: str = ""
) -> bool | None:
    """A "median gap below δ" hypothesis on ``gaps``; returns the verdict."""
    g = _np(gaps)
    if len(g) == 0:
        _not_evaluated(card, cid, f"no {what}")
        return None
    ev = certainty.evidence(g, below_delta, np.median, threshold=DELTA)
    _record(
        card,
        cid,
        f"median gap {ev.statistic:.3g} over {len(g)} {what} (δ = {DELTA:g}); max {g.max():.3g}",
        ev.passes,
        note=note,
        evidence=ev,
    )
    return ev.passes


def _gap_fraction(card: Scorecard, cid: str, gaps: torch.Tensor | None, what: str) -> bool | None:
    """An "at least 90 % of the segments have a gap below δ" hypothesis; returns the verdict."""
    if gaps is None or len(gaps) == 0:
        _not_evaluated(
            card,
            cid,
            f"no {what}"
            if gaps is not None
            else "no AT model in this run (paper: give at_checkpoint)",
        )
        return None
    below = (_np(gaps) < DELTA).astype(float)
    ev = certainty.evidence(below, nearly_all, threshold=NEARLY_ALL)
    _record(
        card,
        cid,
        f"{ev.statistic:.1%} of {len(below)} {what} have a gap below δ = {DELTA:g}",
        ev.passes,
        evidence=ev,
    )
    return ev.passes


# ------------------------------------------------------------------------------------- px-01
def px01(card: Scorecard, seg: dict):
    """px-01 on ``{role: segment_study}`` (:func:`inputspace.px.blindspots.segment_study`; the AT row
    absent without its model). Items: the LST segments (X1.1, X1.2, X1.6), the real and the LST
    segments as two strata (X1.3), the sources' class-keeping PGD segments (X1.4), the bypassed
    segments (X1.5)."""
    normal, at = seg["normal"], seg.get("at")
    lst, real, pgd = normal["lst"]["gap"], normal["real"]["gap"], normal["pgd"]["gap"]
    _gap_median(card, "X1.1", lst, "LST segments")
    _gap_fraction(card, "X1.2", lst, "LST segments")
    if len(lst) and len(real):
        r, s = _np(real), _np(lst)
        ev = stratified_evidence(
            [len(r), len(s)],
            lambda idx: float(np.median(r[idx[0]]) - np.median(s[idx[1]])),
            positive,
            0.0,
        )
        _record(
            card,
            "X1.3",
            f"median gap source → real {np.median(r):.3g} ({len(r)} segments) vs → LST output "
            f"{np.median(s):.3g} ({len(s)})",
            ev.passes,
            note="95 % CI: of the difference real − LST, the two sets resampled separately",
            evidence=ev,
        )
    else:
        _not_evaluated(card, "X1.3", "no LST or no real segment")
    steps = normal["pgd"]["steps"]
    _gap_median(
        card,
        "X1.4",
        pgd,
        "PGD segments",
        note=f"{int((steps > 0).sum())} of {len(steps)} sources keep their class for at least one PGD step",
    )
    _bypass_claim(card, "X1.5", normal["bypass"], "normal model, companion bypass, one round")
    _gap_fraction(
        card, "X1.6", None if at is None else at["lst"]["gap"], "LST segments of the AT model"
    )
    _relative_fraction(card, "X1.2r", normal["lst"])
    if len(lst) and len(real):
        r, s = (_np(g) >= DELTA for g in (real, lst))
        ev = stratified_evidence(
            [len(r), len(s)], lambda idx: float(r[idx[0]].mean() - s[idx[1]].mean()), positive, 0.0
        )
        _record(
            card,
            "X1.3f",
            f"with a gap ≥ δ: {r.mean():.0%} of {len(r)} real segments vs {s.mean():.0%} of {len(s)} "
            "LST segments",
            ev.passes,
            note="95 % CI: of the difference real − LST, the two sets resampled separately",
            evidence=ev,
        )
    else:
        _not_evaluated(card, "X1.3f", "no LST or no real segment")
    return card.table()


def _relative_fraction(card: Scorecard, cid: str, segments: dict) -> bool | None:
    """An "at least 90 % of the segments have a gap below δ · max(L_start, L_end)" reading."""
    gaps = segments["gap"]
    if not len(gaps):
        _not_evaluated(card, cid, "no LST segments")
        return None
    bars = DELTA * torch.maximum(segments["losses"][:, 0], segments["losses"][:, -1])
    below = (_np(gaps) < _np(bars)).astype(float)
    ev = certainty.evidence(below, nearly_all, threshold=NEARLY_ALL)
    _record(
        card,
        cid,
        f"{ev.statistic:.1%} of {len(below)} LST segments have a gap below δ · max(L_source, "
        f"L_output) ({float(bars.min()):.2g}…{float(bars.max()):.2g})",
        ev.passes,
        evidence=ev,
    )
    return ev.passes


def _bypass_claim(card: Scorecard, cid: str, byp: dict, note: str) -> None:
    """An "one bypass round connects at least half of the segments with a gap ≥ δ" hypothesis."""
    done = byp["bypassed"]
    if not bool(done.any()):
        _not_evaluated(
            card, cid, f"no source → LST output segment with a gap of at least δ (of {len(done)})"
        )
        return
    ok = byp["connected"][done].double().numpy()
    ev = certainty.evidence(ok, at_least_half, threshold=HALF)
    _record(
        card,
        cid,
        f"both sub-segments below δ on {ev.statistic:.0%} of the {len(ok)} segments with a gap "
        f"≥ δ; largest sub-segment gap {float(byp['sub_gaps'][done].max()):.3g}",
        ev.passes,
        note=note,
        evidence=ev,
    )


def px01_real(card: Scorecard, seg: dict):
    """px-01's real-network section on :func:`inputspace.px.pretrained.segments`: the source photo → LST
    output segments with δ (XR1.1) and the loss-relative δ · max(L_source, L_output) (XR1.2), and one
    bypass round where the gap is at least δ (XR1.3). Items: the segments (the bypassed ones)."""
    _gap_fraction(card, "XR1.1", seg["lst"]["gap"], "LST segments")
    _relative_fraction(card, "XR1.2", seg["lst"])
    _bypass_claim(card, "XR1.3", seg["bypass"], "companion bypass, one round")
    return card.table()


# ------------------------------------------------------------------------------------- px-02
def _judged(*distances: torch.Tensor) -> torch.Tensor:
    """Items whose distances are all finite (a class without SOM-tr inputs has no centre)."""
    ok = torch.ones(len(distances[0]), dtype=torch.bool)
    for d in distances:
        ok &= torch.isfinite(d)
    return ok


def px02(card: Scorecard, lay: dict):
    """px-02 on :func:`inputspace.px.layers.blindspot_layers`: per LST output (X2.1-X2.3),
    class-changing PGD adversarial (X2.4) or successful K' (X2.5) whether its BMU is closer to one
    centre than to the other (strictly) in the first (CL1) and last (CL4) layer. Items: those
    outputs / adversarials; X2.3-X2.5 resample an item's two layers together."""
    lst = lay.get("lst")
    if lst is None:
        for cid in ("X2.1", "X2.2", "X2.3"):
            _not_evaluated(card, cid, "no LST output among the items")
    else:
        ok = _judged(lst["d_src"][0], lst["d_tgt"][0], lst["d_src"][-1], lst["d_tgt"][-1])
        note = (
            ""
            if bool(ok.all())
            else f"{int((~ok).sum())} outputs without a SOM-tr centre of their classes left out"
        )
        first, last = lay["layers"][0], lay["layers"][-1]
        tgt1 = _np(lst["d_tgt"][0][ok] < lst["d_src"][0][ok])
        src1 = _np(lst["d_src"][0][ok] < lst["d_tgt"][0][ok])
        src4 = _np(lst["d_src"][-1][ok] < lst["d_tgt"][-1][ok])
        if len(src4) == 0:
            for cid in ("X2.1", "X2.2", "X2.3"):
                _not_evaluated(
                    card, cid, "no LST output with SOM-tr centres of its source and target classes"
                )
        else:
            ev = certainty.evidence(tgt1, more_than_half, threshold=HALF)
            _record(
                card,
                "X2.1",
                f"{first}: {ev.statistic:.0%} of {len(tgt1)} LST outputs closer to the target-class "
                f"centre ({src1.mean():.0%} closer to the source's)",
                ev.passes,
                note=note,
                evidence=ev,
            )
            ev = certainty.evidence(src4, more_than_half, threshold=HALF)
            _record(
                card,
                "X2.2",
                f"{last}: {ev.statistic:.0%} of {len(src4)} LST outputs closer to the source-class "
                "centre",
                ev.passes,
                note=note,
                evidence=ev,
            )
            ev = certainty.paired_evidence(
                src4, src1, lambda a, b: float(a.mean() - b.mean()), positive, threshold=0.0
            )
            _record(
                card,
                "X2.3",
                f"closer to the source-class centre: {last} {src4.mean():.0%} vs {first} "
                f"{src1.mean():.0%} of {len(src4)}",
                ev.passes,
                note="95 % CI: of the difference of the fractions, an output's two layers resampled together",
                evidence=ev,
            )
    pgd = lay["pgd"]
    side = _changes_sides(pgd, "d_pred")
    if side is None:
        _not_evaluated(
            card,
            "X2.4",
            f"no class-changing PGD adversarial with SOM-tr centres of its classes "
            f"({pgd['attacked']} attacked at ε = {pgd['eps'] * 255:.0f}/255)",
        )
    else:
        _, pred4, true1, ev = side
        _record(
            card,
            "X2.4",
            f"{len(pred4)} of {pgd['attacked']} PGD adversarials (ε* = {pgd['eps'] * 255:.0f}/255) "
            f"change the class: {lay['layers'][-1]} {pred4.mean():.0%} closer to the predicted-class centre, "
            f"{lay['layers'][0]} {true1.mean():.0%} closer to the true-class centre",
            ev.passes,
            note=_TWO_LAYERS_NOTE,
            evidence=ev,
        )
    _inputopt_claim(card, lay)
    return card.table()


_TWO_LAYERS_NOTE = (
    "95 % CI: of the smaller of the two fractions, an adversarial's two layers resampled together"
)


def _changes_sides(
    part: dict, second: str
) -> tuple[torch.Tensor, np.ndarray, np.ndarray, Evidence] | None:
    """X2.4 / X2.5's rule on adversarials with true-class distances ``part["d_true"]`` and
    second-class distances ``part[second]`` per layer: the judged items (both centres in CL1 and
    CL4), per item closer to the second class in CL4 and closer to the true class in CL1, and the
    evidence that both fractions are more than half (their minimum); ``None`` without a judged item."""
    ok = _judged(part["d_true"][0], part[second][0], part["d_true"][-1], part[second][-1])
    if not bool(ok.any()):
        return None
    second4 = _np(part[second][-1][ok] < part["d_true"][-1][ok])
    true1 = _np(part["d_true"][0][ok] < part[second][0][ok])
    ev = _indexed(
        len(second4), lambda i: float(min(second4[i].mean(), true1[i].mean())), more_than_half, HALF
    )
    return ok, second4, true1, ev


def _inputopt_claim(card: Scorecard, lay: dict) -> None:
    """X2.5 on px-02's ``"inputopt"`` part, the rule of X2.4 with the target class as the second one."""
    k = lay.get("inputopt")
    if k is None:
        _not_evaluated(card, "X2.5", "no input-optimization adversarials in this run")
        return
    side = _changes_sides(k, "d_tgt")
    if side is None:
        _not_evaluated(
            card,
            "X2.5",
            f"no K' that reaches its target with SOM-tr centres of its classes "
            f"({len(k['y'])} of {k['attacked']} attacked reach it)",
        )
        return
    ok, tgt4, true1, ev = side
    note = (
        ""
        if bool(ok.all())
        else f"{int((~ok).sum())} K' without SOM-tr centres of their classes left out; "
    )
    _record(
        card,
        "X2.5",
        f"{len(k['y'])} of {k['attacked']} K' reach their target: {lay['layers'][-1]} {tgt4.mean():.0%} "
        f"closer to the target-class centre, {lay['layers'][0]} {true1.mean():.0%} closer to the true-class centre "
        f"({len(tgt4)} judged)",
        ev.passes,
        note=note + _TWO_LAYERS_NOTE,
        evidence=ev,
    )


# ------------------------------------------------------------------------------------- px-03
def px03(card: Scorecard, det: dict, ids: tuple[str, str, str] = ("X3.1", "X3.2", "X3.3")):
    """px-03 on :func:`inputspace.px.detector.detection_scores` (``ids``: the real network's
    XR3.1-XR3.3 on :func:`inputspace.px.pretrained.detection`). Items: the clean inputs and the LST
    outputs (and the PGD adversarials for the third), each set resampled separately (stratified); the
    AUC is :func:`inputspace.certainty.auc` (Mann-Whitney, ties ½: the ROC AUC of ``detection.roc``)."""
    s = {name: {d: _np(v) for d, v in sc.items()} for name, sc in det["scores"].items()}
    n = det["counts"]
    if not n["clean"] or not n["lst"]:
        for cid in ids:
            _not_evaluated(card, cid, f"{n['clean']} clean inputs, {n['lst']} LST outputs")
        return card.table()
    for cid, det_name, rule, bar in (
        (ids[0], "softmax", softmax_blind, SOFTMAX_AUC_MAX),
        (ids[1], "barrier", barrier_sees, BARRIER_AUC_MIN),
    ):
        ev = certainty.auc_evidence(s["lst"][det_name], s["clean"][det_name], rule, threshold=bar)
        _record(
            card,
            cid,
            f"AUC {ev.statistic:.3f} ({n['clean']} clean vs {n['lst']} LST outputs)",
            ev.passes,
            evidence=ev,
        )
    if not n["pgd"]:
        _not_evaluated(card, ids[2], "no successful PGD adversarial")
    else:
        clean, lst, pgd = (s[k]["barrier"] for k in ("clean", "lst", "pgd"))
        ev = stratified_evidence(
            [len(clean), len(lst), len(pgd)],
            lambda i: certainty.auc(pgd[i[2]], clean[i[0]]) - certainty.auc(lst[i[1]], clean[i[0]]),
            positive,
            0.0,
        )
        _record(
            card,
            ids[2],
            f"barrier AUC clean vs LST {certainty.auc(lst, clean):.3f}, clean vs PGD "
            f"{certainty.auc(pgd, clean):.3f} ({n['pgd']} PGD adversarials)",
            ev.passes,
            note="95 % CI: of AUC(PGD) − AUC(LST), the three sets resampled separately",
            evidence=ev,
        )
    return card.table()


# ------------------------------------------------------------------------------------- px-04
def _paired(
    card: Scorecard,
    cid: str,
    normal,
    at,
    statistic: Callable[[np.ndarray], float],
    what: str,
    lower_for_at: bool,
    note: str = "",
) -> bool | None:
    """A normal-vs-AT comparison of ``statistic`` on the same items (``normal[i]``, ``at[i]`` one item):
    "lower for AT" is ``positive(stat(normal) − stat(AT))``, "larger for AT" the reverse."""
    a, b = _np(normal), _np(at)
    if len(a) == 0:
        _not_evaluated(card, cid, f"no {what} under both models")
        return None
    sign = 1.0 if lower_for_at else -1.0
    ev = certainty.paired_evidence(
        a, b, lambda x, y: sign * (statistic(x) - statistic(y)), positive, threshold=0.0
    )
    _record(
        card,
        cid,
        f"normal {statistic(a):.4g} vs AT {statistic(b):.4g} over {len(a)} {what}",
        ev.passes,
        note=note,
        evidence=ev,
    )
    return ev.passes


def common_rows(rows_a: torch.Tensor, rows_b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Positions in ``rows_a`` and in ``rows_b`` of the rows both hold, in ``rows_a``'s order."""
    where_b = {int(r): i for i, r in enumerate(rows_b)}
    pairs = [(i, where_b[int(r)]) for i, r in enumerate(rows_a) if int(r) in where_b]
    ia = torch.tensor([p[0] for p in pairs], dtype=torch.long)
    ib = torch.tensor([p[1] for p in pairs], dtype=torch.long)
    return ia, ib


def excess_displacement(disp: dict[str, list[torch.Tensor]], layer: int = -1) -> torch.Tensor:
    """Per attacked image, the PGD-vs-noise BMU displacement in a layer: the mean over its rank-matched
    BMUs of the PGD displacement minus that of the noise control (X4.4's item value)."""
    return disp["pgd"][layer].float().mean(1) - disp["noise"][layer].float().mean(1)


def px04(card: Scorecard, r: dict):
    """px-04 on :func:`inputspace.px.lenses.three_lenses`. Items: the within-class pairs (X4.1), the
    LST pairs kept under both models (X4.2), the pool sources with every output kept under both
    (X4.3), P3's attacked images (X4.4) and the SOM-tr classes (X4.5), each under both models."""
    if "at" not in r["som"]:
        for cid in ("X4.1", "X4.2", "X4.3", "X4.4", "X4.5", "X4.6"):
            _not_evaluated(card, cid, "no AT model in this run (paper: give at_checkpoint)")
        return card.table()
    w = r["within"]
    v1 = _paired(
        card, "X4.1", w["normal"], w["at"], np.median, "within-class pairs", lower_for_at=True
    )
    ln, la = r["lst"]["normal"], r["lst"]["at"]
    i, j = common_rows(ln["row"], la["row"])
    _paired(
        card,
        "X4.2",
        ln["covered"][i],
        la["covered"][j],
        np.mean,
        "LST pairs (fraction of RMS-ℓ2 covered)",
        lower_for_at=True,
    )
    i, j = common_rows(ln["tri_sources"], la["tri_sources"])
    v3 = _paired(
        card,
        "X4.3",
        ln["tri_frac"][i],
        la["tri_frac"][j],
        np.mean,
        "sources (mean fraction of their triangles' points above p_src − δ)",
        lower_for_at=False,
        note=f"at P2's δ = pthresh: normal {float(ln['tri_frac_pthresh'][i].mean()):.3f} vs AT "
        f"{float(la['tri_frac_pthresh'][j].mean()):.3f}"
        if len(i)
        else "",
    )
    dn, da = r["som"]["normal"]["disp"], r["som"]["at"]["disp"]
    v4 = _paired(
        card,
        "X4.4",
        excess_displacement(dn),
        excess_displacement(da),
        np.median,
        f"attacked images (median PGD − noise displacement in {r['layers'][-1]}, ε = {r['eps'] * 255:.0f}/255)",
        lower_for_at=True,
        note=f"PGD alone: normal {float(dn['pgd'][-1].float().mean(1).median()):.3g} vs AT "
        f"{float(da['pgd'][-1].float().mean(1).median()):.3g}",
    )
    _paired(
        card,
        "X4.5",
        r["som"]["normal"]["d_class"][-1],
        r["som"]["at"]["d_class"][-1],
        np.median,
        f"classes (median D_class in {r['layers'][-1]}, SOM-tr)",
        lower_for_at=True,
    )
    verdicts = (v1, v3, v4)
    _record(
        card,
        "X4.6",
        " / ".join(f"{cid} {VERDICT[v]}" for cid, v in zip(("X4.1", "X4.3", "X4.4"), verdicts)),
        all_hold(verdicts),
        note="the conjunction of three recorded verdicts: no interval of its own",
    )
    v1f = _paired(
        card,
        "X4.1f",
        _np(w["normal"]) >= DELTA,
        _np(w["at"]) >= DELTA,
        np.mean,
        "within-class pairs (fraction with a gap ≥ δ)",
        lower_for_at=True,
    )
    fixed = (v1f, v3, v4)
    _record(
        card,
        "X4.6f",
        " / ".join(f"{cid} {VERDICT[v]}" for cid, v in zip(("X4.1f", "X4.3", "X4.4"), fixed)),
        all_hold(fixed),
        note="the conjunction of three recorded verdicts: no interval of its own",
    )
    return card.table()
