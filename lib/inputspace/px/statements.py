"""The cross-study hypotheses verbatim, by id: the px statement table (:mod:`inputspace.px.claims`
records each hypothesis under its id with this text; the notebooks' first cells show the same
text, and a test keeps the two identical). Data only: it imports nothing."""

from __future__ import annotations

PAPER_VALUE = "hypothesis, stated before the run"
HYPOTHESES: dict[str, str] = {
    "X1.1": "For the normal model, the median gap along source → LST output is below δ.",
    "X1.2": "For the normal model, at least 90 % of the source → LST output segments have a gap below δ.",
    "X1.3": "For the normal model, the median gap along source → another real image of the source class is larger "
    "than the median gap along source → LST output.",
    "X1.4": "For the normal model, the median gap along source → a PGD adversarial that keeps the source class "
    "(the companion's PGD at P2's ε, stopped while the argmax is still the source) is below δ.",
    "X1.5": "Where source → LST output has a gap of at least δ, one bypass round (P1, connectivity.bypass) brings "
    "the gaps of both sub-segments below δ on at least half of those segments.",
    "X1.6": "For the AT model, at least 90 % of the source → LST output segments have a gap below δ.",
    "X2.1": "In CL1, more than half of the LST outputs have their BMU closer to the target-class centre than to "
    "the source-class centre.",
    "X2.2": "In CL4, more than half of the LST outputs have their BMU closer to the source-class centre than to "
    "the target-class centre.",
    "X2.3": "The fraction of LST outputs closer to the source-class centre is larger in CL4 than in CL1.",
    "X2.4": "PGD adversarials that change the class: in CL4 more than half have their BMU closer to the "
    "predicted-class centre than to the true-class centre, and in CL1 more than half are closer to the "
    "true-class centre.",
    "X2.5": "P1's input-optimization adversarials K' that reach their target class: in CL4 more than half have "
    "their BMU closer to the target-class centre than to the true-class centre, and in CL1 more than half "
    "are closer to the true-class centre.",
    "X3.1": "The max-softmax score separates clean inputs from LST outputs with a ROC AUC of at most 0.6.",
    "X3.2": "P1's barrier score separates clean inputs from LST outputs with a ROC AUC of at least 0.7.",
    "X3.3": "P1's barrier score separates clean inputs from LST outputs less well (lower AUC) than it separates "
    "clean inputs from PGD adversarials in the same protocol.",
    "X4.1": "(P1): The median within-class gap (pairs of real images of the same class) is lower for the AT model "
    "than for the normal model.",
    "X4.2": "(P2): The AT model's LST outputs cover less of the source → target RMS-ℓ2 distance than the normal "
    "model's (paired over the same pairs).",
    "X4.3": "(P2): The fraction of triangle points above p_src − δ is larger for the AT model than for the normal "
    "model.",
    "X4.4": "(P3): The PGD-vs-noise BMU displacement in CL4 is smaller for the AT model than for the normal model.",
    "X4.5": "(P3): D_class in CL4 is lower for the AT model than for the normal model.",
    "X4.6": "(all three): X4.1, X4.3 and X4.4 all hold (the three lenses agree that the AT model is the smoother "
    "one).",
}
"""The hypotheses verbatim, by id (px-01: X1.*, px-02: X2.*, px-03: X3.*, px-04: X4.*)."""
ADDED_AFTER_THE_RUN: dict[str, str] = {
    "X2.5": "2026-12-02, after px-02's first quick run (X2.1-X2.4 known, X2.4's PGD fractions among them), "
    "before any number of K' in px-02 was computed",
}
"""Hypotheses added after their notebook's first run (the issue's rule: a new question becomes a new row,
marked as such, never an edit of a stated one): id -> when it was written, and what was known then."""
HYPOTHESES_REAL: dict[str, str] = {
    "XR1.1": "On EfficientNet-Lite0, at least 90 % of the source photo → LST output segments have a gap below δ.",
    "XR1.2": "On EfficientNet-Lite0, at least 90 % of the source photo → LST output segments have a gap below the "
    "loss-relative δ · max(L_source, L_output).",
    "XR1.3": "On EfficientNet-Lite0, where a source photo → LST output segment has a gap of at least δ, one bypass "
    "round brings the gaps of both sub-segments below δ on at least half of those segments.",
    "XR3.1": "On EfficientNet-Lite0, max-softmax separates clean photos from their LST outputs with a ROC AUC of at "
    "most 0.6.",
    "XR3.2": "On EfficientNet-Lite0, P1's barrier score (references: synthetic modes of the predicted class) "
    "separates clean photos from LST outputs with a ROC AUC of at least 0.7.",
    "XR3.3": "On EfficientNet-Lite0, P1's barrier score separates clean photos from LST outputs less well (lower AUC) "
    "than from PGD adversarials of the same photos.",
}
"""The real-network hypotheses verbatim (px-01: XR1.*, px-03: XR3.*), stated on 2026-12-07 before any
real-network number existed (``docs/real-network.md``; a test keeps the two texts identical)."""
PAPER_VALUE_ADDED = "hypothesis, added after the run (stated before its own numbers were computed)"
CORRECTED: dict[str, str] = {
    "X1.2r": "For the normal model, at least 90 % of the source → LST output segments have a gap below the "
    "loss-relative δ · max(L_source, L_output).",
    "X1.3f": "For the normal model, the fraction of source → real-image segments with a gap of at least δ is larger "
    "than the fraction of source → LST output segments with one.",
    "X4.1f": "(P1): The fraction of within-class pairs with a gap of at least δ is lower for the AT model than for "
    "the normal model (the same pairs).",
    "X4.6f": "(all three): X4.1f, X4.3 and X4.4 all hold.",
}
"""Corrected readings of hypotheses whose rule tested something else (the fidelity audit, 2026-12-07,
written after the numbers were known; the hypotheses stay as written, with their verdicts): X1.3,
X4.1 and X4.6 compare medians of gaps that are mostly exactly 0, so they tie at 0 (the fraction of
segments with a barrier is compared instead); X1.2 puts P1's absolute δ = 0.001 against LST outputs
whose own loss can be 0.2 in probability below the source's (a loss-relative δ beside it)."""
PAPER_VALUE_CORRECTED = (
    "corrected reading, added 2026-12-07 after the numbers were known "
    "(the hypothesis stays as written)"
)
