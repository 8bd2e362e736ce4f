"""P1's claim statements: what each scorecard row says and what the paper reports, by claim id.

The recorders of :mod:`inputspace.p1.claims` hold only measurement; they look a row's statement
and paper value up here by its historical claim id (:func:`inputspace.claims.record`), so the
scorecard's words are read and reviewed in one place, in the paper's figure order (Figs 1-7, 10,
Lemma C.1, Conjecture 5.1, detection). The texts are verbatim those of the scorecard
(``figures/claims.json``; a test keeps them identical).

Three tables, because a few claim ids are recorded with different words in different places:

* :data:`STATEMENTS`: every claim as its notebook records it on the digits models; a real-network
  section's row (claim id ``…-real``) has the same words unless :data:`STATEMENTS_REAL` has its id.
* :data:`STATEMENTS_REAL`: the real network's rows whose pairs are not the digits' ones (the photo
  ↔ synthetic-mode pairs and the stereo pair of ``p1.claims.same_class``, the same-class pairs of
  ``p1.claims.adversarial_modes``).
* :data:`STATEMENTS_NOT_EVALUATED`: the words of a row recorded as not evaluated where they differ
  from the evaluated row's (P1.9-4b on p1-fig04's demo, which has no early stop; the stereo pair
  when its two views do not share a class).

Run values: a statement or paper value that shows a value of the run (a knob, a literature value
read from the result) is a template, a ``str.format`` field named after the value and carrying its
display format, e.g. ``CE < stop ({fvo_stop:g})``; the recorder fills it in
(``p1.claims._filled``). Only P1.9-7a (``fvo_stop``) and PERC-2D/3D (``literature``) have one.

This module holds data only: it imports nothing that computes.
"""

from __future__ import annotations

from ..claims import Statement

_ABOVE_WITHIN = "adversarial > within (values not available)"
_TYPICAL = "barriers between modes (Fig 1)"
_DETECTION = "'potential for adversarial detection' (no numbers)"
_BASELINE = Statement("… and better than the max-softmax baseline", "not stated")

STATEMENTS: dict[str, Statement] = {
    # --- Fig 1 (p1-fig01) ----------------------------------------------------------------------
    "P1.7-1a": Statement(
        "A loss barrier exists on the linear path between two modes of a class (Fig 1)",
        "qualitative (jackfruit example)",
    ),
    "P1.7-3a": Statement(
        "B′ is nearly indistinguishable from B: max|B′ − B| is 1–5 % of max|B| (pixels)", "1–5 %"
    ),
    "P1.7-3b": Statement(
        "B′ stays in the hyperplane orthogonal to AC: |cos(B′ − B, C − A)| < 0.1",
        "≈ 0 (constrained)",
    ),
    "P1.7-3b-exact": Statement(
        "B′ stays in the hyperplane orthogonal to AC, as Fig 1's caption constrains it (exact "
        "variant: the update is projected too): |cos(B′ − B, C − A)| < 0.1",
        "≈ 0 (constrained)",
    ),
    "P1.9-1": Statement(
        "The bypass removes the barrier: CE(B′) < 0.1 · CE(B)", "B′ minimizes the loss"
    ),
    "P1.9-1b": Statement(
        "The barrier lies strictly inside the path and the endpoints are low-loss modes: "
        "0 < α_B < 1, CE(A), CE(C) < 0.1 · CE(B)",
        "Fig 1 (barrier inside the path, low-loss modes)",
    ),
    # --- Fig 2 (p1-fig02) ----------------------------------------------------------------------
    "P1.7-2": Statement(
        "One bypass suffices for a trained model: no barrier on A → B′ → C above "
        "max(L_A, L_C) + δ, δ = 0.001 (Fig 2)",
        "secondary barriers < δ, disregarded",
    ),
    "P1.7-2b": Statement(
        "The secondary barrier is far below the primary one (< 10 %)", "qualitative (Fig 2)"
    ),
    # --- Fig 3 (p1-fig03) ----------------------------------------------------------------------
    "P1.9-3": Statement(
        "The predicted class stays constant along A → B′ → C (Fig 3)",
        "images along both paths keep the class",
    ),
    # --- Fig 4 (p1-fig04; P1.9-4b evaluated on p1-fig06's early-stopped attacks) ----------------
    "P1.9-4a": Statement(
        "The network predicts K′ as A's class (Fig 4)", "K′ predicted as golf ball"
    ),
    "P1.9-4b": Statement(
        "With early stopping at CE(A), every adversarial K′ reaches CE(K′) ≤ CE(A)",
        "Fig 4 (K′ 'as good a mode as A')",
    ),
    # --- Fig 5 (p1-fig05) ----------------------------------------------------------------------
    "P1.9-5a": Statement(
        "A primary barrier separates the real mode A from the adversarial K′ (Fig 5 left)",
        "barrier present",
    ),
    "P1.9-5b": Statement(
        "After one bypass, secondary barriers (lower) emerge on A → B′ → K′ (Fig 5 right)",
        "secondary barriers emerge",
    ),
    "P1.7-4a": Statement(
        "Real ↔ adversarial paths need more bypass rounds than real ↔ real", "more complex (Fig 5)"
    ),
    "P1.7-4b": Statement(
        "Real ↔ adversarial primary barriers are higher (median) than real ↔ real", "higher"
    ),
    "P1.7-4e": Statement(
        "After one bypass, secondary barriers remain more often for real ↔ adversarial than "
        "real ↔ real pairs",
        "more often (Fig 5)",
    ),
    # --- Fig 6 (p1-fig06) ----------------------------------------------------------------------
    "P1.7-4c": Statement(
        "Adversarial pairs have a higher median barrier max than within-class pairs (Fig 6)",
        _ABOVE_WITHIN,
    ),
    "P1.7-4d": Statement(
        "Adversarial pairs have a higher median barrier gap than within-class pairs (Fig 6)",
        _ABOVE_WITHIN,
    ),
    "P1.7-1b": Statement(
        "Barriers are typical: most within-class pairs have a linear-path barrier (gap > δ)",
        _TYPICAL,
    ),
    "P1.7-1b-rel": Statement(
        "Barriers are typical: most within-class pairs have a linear-path barrier "
        "(gap > δ · max(L_A, L_C))",
        _TYPICAL,
    ),
    # --- Fig 7 (p1-fig07) ----------------------------------------------------------------------
    "P1.9-7a": Statement(
        "FVO modes of the untrained network reach the stop loss", "CE < stop ({fvo_stop:g})"
    ),
    "P1.7-5": Statement(
        "Untrained networks are connected after ≤ 2 rounds of bypass: the path's max loss exceeds "
        "the modes' by < δ and is ≪ (< 0.1 ×) the primary barrier",
        "connected (Sec 4.3)",
    ),
    "P1.7-5s": Statement(
        "Stricter, ours: every segment's own gap (max − max of its two ends) < δ after ≤ 2 rounds",
        "not stated",
    ),
    "P1.9-7b": Statement(
        "The maximum loss decreases primary → secondary → tertiary", "decreasing (Fig 7 y-limits)"
    ),
    # --- Fig 10 (p1-fig10) ---------------------------------------------------------------------
    "P1.9-10a": Statement(
        "Barriers exist between FVO modes at every checkpoint whose endpoints are modes "
        "(mean gap > δ)",
        "App F.1 (values not available)",
    ),
    "P1.9-10b": Statement(
        "Trend of the barrier during the first training steps", "not available (App F.1)"
    ),
    # --- Lemma C.1 (p1-lipschitz) --------------------------------------------------------------
    "P1.7-6": Statement(
        "At initialization, a finite M bounds ‖f(x+Δx) − f(x)‖ ≤ M‖Δx‖ with probability "
        "p = 0.99 (Lemma C.1)",
        "exists (Lemma C.1; no numbers)",
    ),
    # --- Conjecture 5.1 (p1-percolation) -------------------------------------------------------
    "PERC-2D": Statement(
        "The simulation reproduces the 2-D site-percolation threshold within ±0.02",
        "{literature:.4f} (literature)",
    ),
    "PERC-3D": Statement(
        "The simulation reproduces the 3-D site-percolation threshold within ±0.02",
        "{literature:.4f} (literature)",
    ),
    "PERC-dim": Statement(
        "The spanning threshold decreases with dimension (toward 1/(2d))",
        "p_c: 0.593, 0.312, 0.197, 0.141, 0.109",
    ),
    "P1.7-7a": Statement(
        "At a fixed open fraction, two random open sites are more often connected in higher d "
        "(i.i.d.)",
        "Conjecture 5.1 (geometric effect)",
    ),
    "P1.7-7b": Statement(
        "The same on the low-loss set of an untrained ResNet-18 on random input-space slices",
        "Conjecture 5.1 (present in untrained models)",
    ),
    # --- detection (p1-detection) --------------------------------------------------------------
    "DET-pgd-a": Statement(
        "The barrier score separates clean inputs from PGD (ε = 16/255) adversarials better than "
        "chance (AUC > 0.5, one-sided Mann-Whitney p < 0.05)",
        _DETECTION,
    ),
    "DET-pgd-b": _BASELINE,
    "DET-pgd": Statement(
        "Barrier score detects PGD (ε = 16/255) adversarials", "potential (abstract)"
    ),
    "DET-inputopt-a": Statement(
        "The barrier score separates clean inputs from input-optimization adversarials better "
        "than chance (AUC > 0.5, one-sided Mann-Whitney p < 0.05)",
        _DETECTION,
    ),
    "DET-inputopt-b": _BASELINE,
    "DET-inputopt": Statement(
        "Barrier score detects input-optimization adversarials", "potential (abstract)"
    ),
}
"""Every P1 claim by claim id, as its notebook records it on the digits models (figure order)."""

STATEMENTS_REAL: dict[str, Statement] = {
    # --- Fig 1 (p1-fig01's real-network section) -----------------------------------------------
    "P1.7-1a-stereo": Statement(
        "A loss barrier exists on the linear path between the two views of the motorcycle "
        "stereo pair (one class) (gap > δ)",
        "qualitative (Fig 1)",
    ),
    "P1.7-1a-stereo-rel": Statement(
        "A loss barrier exists on the linear path between the two views of the motorcycle "
        "stereo pair (one class) (gap > δ · max(L_A, L_C))",
        "qualitative (Fig 1)",
    ),
    "P1.7-1b": Statement(
        "Barriers are typical: most photo ↔ synthetic-mode pairs of a class have a linear-path "
        "barrier (gap > δ)",
        _TYPICAL,
    ),
    "P1.7-1b-rel": Statement(
        "Barriers are typical: most photo ↔ synthetic-mode pairs of a class have a linear-path "
        "barrier (gap > δ · max(L_A, L_C))",
        _TYPICAL,
    ),
    # --- Fig 4 (p1-fig04's real-network section) -----------------------------------------------
    "P1.7-4d": Statement(
        "Adversarial pairs have a higher median barrier gap than same-class pairs (Fig 6)",
        _ABOVE_WITHIN,
    ),
}
"""The real network's rows whose words differ from :data:`STATEMENTS` (their pairs differ)."""

STATEMENTS_NOT_EVALUATED: dict[str, Statement] = {
    "P1.7-1a-stereo": Statement(
        "A loss barrier exists on the linear path between the two views of the motorcycle "
        "stereo pair",
        "qualitative (Fig 1)",
    ),
    "P1.9-4b": Statement(
        "K′ minimizes the target loss as well as the real mode A: CE(K′) ≤ CE(A)",
        "K′ 'minimizes the loss' like A",
    ),
}
"""Rows recorded as not evaluated whose words differ from the evaluated row's."""
