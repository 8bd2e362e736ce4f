"""What a verdict is, for the reader: each claim's readable name, its kind and, when it fails, why.

The claims code records rows under their historical ids (``P2.6-2b``, numbered after a document
readers do not have; kept in ``claims.json`` as ``claim_id`` for continuity). The scorecard shows
each row under a readable **name** (``P2-closer-linf``; :data:`NAMES`), one name per item set: the
same check on the grid's paths and on Table 1's paths gets two names. Variants keep their suffix
(``-real`` for the pretrained network's rows, ``-ctl-<control>``, ``-rel`` for the loss-relative δ).

**Kinds** (:data:`ROW_KINDS`, the first matching pattern of the historical id): ``paper`` a claim the
paper makes; ``construction`` a check that holds by construction or echoes the configuration;
``ours`` a stricter check or a comparison the paper does not make; ``control`` a control added by
the fidelity audit (2026-12-07, after the numbers were known); ``corrected`` a corrected reading
of a rule that tested something else; ``hypothesis`` a cross-study prediction stated before its run.
The headline totals count ``paper`` rows only.

**Why a claim fails** (:data:`REASONS`, by name, written after the run and checked against it: a
failing row without a reason, or a reason for a row that does not fail, fails a test): one of
:data:`CAUSES`, with the numbers or the mechanism in a clause.
"""

from __future__ import annotations

import re

KIND_LABELS: dict[str, str] = {
    "paper": "paper claim",
    "construction": "holds by construction",
    "ours": "stricter check of ours",
    "control": "control (added)",
    "corrected": "corrected reading (added)",
    "hypothesis": "hypothesis",
}
ROW_KINDS: tuple[tuple[str, str], ...] = (
    (
        r"-ctl-|-matched(-|$)|^P3-disp-centered-|^P3-noise-offset-|^P3-floor1-|-eval(-|$)|-mid(-|$)",
        "control",
    ),
    (r"-rel(-|$)|^P1\.7-3b-exact|^X1\.2r$|^X1\.3f$|^X4\.1f$|^X4\.6f$", "corrected"),
    (r"^XR?\d", "hypothesis"),
    (
        r"^P2\.6-1(-|$)|^P2\.6-7(-|$)|^P2\.1-2(-|$)|^P3-table1|^P3-table2$|^P3-linf$|^P3-code-dim$|^P3-pgd-acc-.*-rule$",
        "construction",
    ),
    (r"^DET-.*-b$|^P2\.6-2c(-|$)|^P1\.7-5s$|^P2\.6-6b$|^P3-disp-floor-|^PERC-", "ours"),
)
"""(pattern of the historical id, kind); first match wins, else ``paper``."""

CAUSES: tuple[str, ...] = (
    "scale/data",
    "model",
    "departure (fixed)",
    "rule tests something else",
    "not understood",
    "prediction refuted",
)
"""The causes a failure is put down to: the fidelity audit's categories, and for a cross-study
hypothesis (a prediction written before its run) ``prediction refuted``, a finding rather than a defect."""

NAMES: dict[tuple[str, str], str] = {
    ("p1-detection", "DET-pgd-a"): "P1-detects-pgd",
    ("p1-detection", "DET-pgd-b"): "P1-detects-pgd-vs-softmax",
    ("p1-detection", "DET-inputopt-a"): "P1-detects-kprime",
    ("p1-detection", "DET-inputopt-b"): "P1-detects-kprime-vs-softmax",
    ("p1-fig01", "P1.7-1a"): "P1-barrier-exists",
    ("p1-fig01", "P1.7-3a"): "P1-bypass-near-B",
    ("p1-fig01", "P1.7-3b"): "P1-bypass-in-hyperplane",
    ("p1-fig01", "P1.7-3b-exact"): "P1-bypass-in-hyperplane-exact",
    ("p1-fig01", "P1.9-1"): "P1-bypass-low-loss",
    ("p1-fig01", "P1.9-1b"): "P1-barrier-interior",
    ("p1-fig01", "P1.7-1b"): "P1-barriers-typical-synthetic",
    ("p1-fig01", "P1.7-1a-stereo"): "P1-barrier-stereo-pair",
    ("p1-fig02", "P1.7-2"): "P1-one-bypass-connects",
    ("p1-fig02", "P1.7-2b"): "P1-secondary-far-below",
    ("p1-fig03", "P1.9-3"): "P1-class-constant-on-bypass",
    ("p1-fig04", "P1.9-4a"): "P1-kprime-predicted-as-target",
    ("p1-fig04", "P1.9-4b"): "P1-kprime-reaches-mode-loss-demo",
    ("p1-fig04", "P1.7-4d"): "P1-adversarial-gap-higher-photos",
    ("p1-fig05", "P1.9-5a"): "P1-adversarial-primary-barrier",
    ("p1-fig05", "P1.9-5b"): "P1-adversarial-secondary-barriers",
    ("p1-fig05", "P1.7-4a"): "P1-adversarial-more-rounds",
    ("p1-fig05", "P1.7-4b"): "P1-adversarial-higher-primary",
    ("p1-fig05", "P1.7-4e"): "P1-adversarial-secondary-more-often",
    ("p1-fig06", "P1.7-4c"): "P1-adversarial-max-higher",
    ("p1-fig06", "P1.7-4d"): "P1-adversarial-gap-higher",
    ("p1-fig06", "P1.7-1b"): "P1-barriers-typical",
    ("p1-fig06", "P1.9-4b"): "P1-kprime-reaches-mode-loss",
    ("p1-fig07", "P1.9-7a"): "P1-untrained-fvo-converges",
    ("p1-fig07", "P1.7-5"): "P1-untrained-connected",
    ("p1-fig07", "P1.7-5s"): "P1-untrained-connected-per-segment",
    ("p1-fig07", "P1.9-7b"): "P1-untrained-maxima-fall",
    ("p1-fig10", "P1.9-10a"): "P1-early-training-barriers",
    ("p1-fig10", "P1.9-10b"): "P1-early-training-trend",
    ("p1-lipschitz", "P1.7-6"): "P1-lipschitz-bound",
    ("p1-percolation", "PERC-2D"): "P1-percolation-2d",
    ("p1-percolation", "PERC-3D"): "P1-percolation-3d",
    ("p1-percolation", "PERC-dim"): "P1-percolation-threshold-falls",
    ("p1-percolation", "P1.7-7a"): "P1-connection-grows-with-d",
    ("p1-percolation", "P1.7-7b"): "P1-connection-grows-with-d-resnet",
    ("p2-example", "P2.6-1"): "P2-levelset-preserved-grid",
    ("p2-example", "P2.6-2a"): "P2-closer-l2-grid",
    ("p2-example", "P2.6-2b"): "P2-closer-linf-grid",
    ("p2-example", "P2.6-2c"): "P2-monotone-grid",
    ("p2-example", "P2.6-7"): "P2-target-low-grid",
    ("p2-example", "P2.6-5"): "P2-confidence-raised",
    ("p2-grid", "P2.1-2"): "P2-keeps-source-class",
    ("p2-triangles", "P2.6-4ex"): "P2-at-triangles-larger-examples",
    ("p2-triangles", "P2.6-4ex-matched"): "P2-at-triangles-larger-matched",
    ("p2-triangles", "P2.6-4n"): "P2-triangle-low-inside-examples",
    ("p2-widths", "P2.6-6"): "P2-path-width-decays",
    ("p2-widths", "P2.6-6b"): "P2-at-paths-wider",
    ("p2-tab01", "P2.6-1"): "P2-levelset-preserved",
    ("p2-tab01", "P2.6-2a"): "P2-closer-l2",
    ("p2-tab01", "P2.6-2b"): "P2-closer-linf",
    ("p2-tab01", "P2.6-2c"): "P2-monotone",
    ("p2-tab01", "P2.6-7"): "P2-target-low",
    ("p2-tab01", "P2-T1-LPIPS"): "P2-lpips",
    ("p2-tab02", "P2.6-4"): "P2-at-triangles-larger",
    ("p2-tab02", "P2.6-4n"): "P2-triangle-low-inside",
    ("p2-tab02", "P2.6-3h"): "P2-star-like-triangle-edges",
}
"""(notebook, historical base id) -> readable name. Ids not listed (P3's, the cross-study's X
hypotheses, already descriptive) are their own name."""
STAR_ROWS = (
    ("ResNet-18 (Normal)", "normal"),
    ("ResNet-50 (Normal)", "normal"),
    ("ResNet-18 (FGSM-AT)", "at"),
    ("ResNet-50 (AT)", "at"),
    ("ViT-tiny", "vit"),
    ("DeiT-S (Normal)", "vit"),
    ("DeiT-S (AT)", "vit-at"),
    ("EfficientNet-Lite", "pretrained"),
)
"""P2's star-likeness rows carry their model in the id (``P2.6-3 ResNet-18 (Normal) ≈ …``): its role."""

_SCALE, _MODEL, _DEPARTURE, _RULE, _UNKNOWN, _REFUTED = CAUSES
REASONS: dict[str, tuple[str, str]] = {
    # P1 --------------------------------------------------------------------------------------
    "P1-detects-pgd-vs-softmax": (
        _RULE,
        "a baseline P1 never mentions (a stricter check of ours): on digits models "
        "whose clean inputs sit at confidence ≈ 1, max-softmax alone separates attacks well",
    ),
    "P1-detects-kprime-vs-softmax": (
        _RULE,
        "a baseline P1 never mentions (a stricter check of ours): K′ stops at the "
        "mode's loss but not at its confidence, which max-softmax sees",
    ),
    "P1-detects-pgd-real": (
        _SCALE,
        "12 photos against 12 attacks: a one-sided test at this count has little power",
    ),
    "P1-bypass-near-B": (
        _SCALE,
        "B′ moves by a tenth of B's range or more: on 32 px digits with a few dark strokes, "
        "a bypass that removes the barrier needs a visible change (the caption's 1–5 % is for 224 px)",
    ),
    "P1-bypass-in-hyperplane": (
        _DEPARTURE,
        "judged on the companion code's variant, whose Adam step leaves the "
        "hyperplane; P1-bypass-in-hyperplane-exact judges the caption's constraint",
    ),
    "P1-barriers-typical": (
        _SCALE,
        "most within-class digit pairs have no barrier at all (gap exactly 0): both "
        "modes and the path between sit at loss ≈ 0 on a 98 % accurate model",
    ),
    "P1-barriers-typical-rel": (
        _SCALE,
        "the gaps are exactly 0, so no δ, absolute or loss-relative, finds a barrier",
    ),
    "P1-kprime-reaches-mode-loss": (
        _SCALE,
        "the digits modes sit at a lower loss than K′ reaches within the attack's iterations",
    ),
    "P1-untrained-fvo-converges": (
        _UNKNOWN,
        "at Sec 4.3's stop, mode A (the one with the total-variation term) ends "
        "its 8,192 iterations just above the stop loss; mode C reaches it",
    ),
    "P1-bypass-near-B-real": (
        _UNKNOWN,
        "on Lite0 B′ also moves by more than the caption's 1–5 % of the image's range "
        "(a photo and a synthetic mode, one pair)",
    ),
    "P1-one-bypass-connects-real": (
        _UNKNOWN,
        "on Lite0 one bypass round lowers the barrier between the photo and its "
        "synthetic mode to a fraction of its height, not below δ",
    ),
    "P1-secondary-far-below-real": (
        _UNKNOWN,
        "the secondary barrier on Lite0 is above a tenth of the primary one "
        "(one pair: a photo and a synthetic mode, not two photos as in the paper)",
    ),
    # P2 --------------------------------------------------------------------------------------
    "P2-monotone-grid": (
        _RULE,
        "no claim of P2: without the adversarial term the distance cannot increase, so the "
        "rule measures the adversarial term, which takes over on the 32 px CNNs",
    ),
    "P2-monotone-grid-real": (
        _RULE,
        "no claim of P2: ℓ∞ is a max over pixels, which the adversarial term's sign "
        "steps move up and down on some paths",
    ),
    "P2-monotone": (
        _RULE,
        "no claim of P2: it measures the adversarial term (see P2-monotone-grid)",
    ),
    "P2-monotone-ctl-noadv": (
        _RULE,
        "without the adversarial term RMS-ℓ2 falls monotonically on every path, as it "
        "must; ℓ∞, a max over pixels, need not",
    ),
    "P2-monotone-ctl-mean196": (
        _RULE,
        "with the earlier code's weak adversarial term RMS-ℓ2 is nearly always "
        "monotone; ℓ∞, a max over pixels, need not be",
    ),
    "P2-star-like-normal-ctl-noadv": (
        _MODEL,
        "without the adversarial term the outputs stop at the confidence threshold, "
        "so straight segments dip below p0 − δ: on the normal CNN the default's "
        "star-likeness rests on the adversarial term raising the outputs' confidence",
    ),
    "P2-star-like-normal-ctl-mean196": (
        _MODEL,
        "the earlier code's adversarial term is too weak to raise the outputs' "
        "confidence on the normal CNN: as without the term",
    ),
    "P2-star-like-pretrained-real": (
        _UNKNOWN,
        "some segments from the two source photos dip below p0 − δ midway: "
        "ten segments in all, from two sources",
    ),
    "P2-closer-linf-ctl-noadv": (
        _SCALE,
        "as in the default row: one AT-model path leaves a stroke pixel as far from "
        "the target as at the start, with or without the adversarial term",
    ),
    "P2-closer-linf-ctl-mean196": (
        _SCALE,
        "as without the adversarial term: the ℓ∞ failures do not come from it",
    ),
    "P2-triangle-low-inside-ctl-noadv": (
        _SCALE,
        "without the adversarial term the normal triangles are less confident "
        "but still above the 0.5 bar: the digits models stay sure over most of a hull",
    ),
    "P2-triangle-low-inside-ctl-mean196": (
        _SCALE,
        "as without the adversarial term: still above the 0.5 bar",
    ),
    "P2-star-like-triangle-edges-ctl-noadv": (
        _MODEL,
        "without the adversarial term the normal model's outputs sit at "
        "the threshold, so many source edges dip below p_src − δ",
    ),
    "P2-star-like-triangle-edges-ctl-mean196": (
        _MODEL,
        "as without the adversarial term (the earlier strength is too weak on these models)",
    ),
    "P2-at-triangles-larger-examples": (
        _RULE,
        "at the LST threshold both models keep the whole triangle (a tie "
        "at 1): on digits the confidence saturates, and the rule needs a strict "
        "difference",
    ),
    "P2-at-triangles-larger-matched": (
        _SCALE,
        "at matched coverage both models keep the whole triangle (a tie at 1): "
        "the digits models are near-certain over every hull",
    ),
    "P2-star-like-vit": (
        _MODEL,
        "the 6-block ViT-tiny trained on digits is less confident than the CNNs, so more "
        "segments dip below p0 − δ",
    ),
    "P2-closer-linf": (
        _SCALE,
        "ℓ∞ is one pixel: between binary digits a path that keeps the source class can leave "
        "a stroke pixel as far from the target as at the start; the controls without the adversarial "
        "term fail the same way, so the term is not the cause (the ViT's paths all pass)",
    ),
    "P2-triangle-low-inside": (
        _SCALE,
        "the digits models keep the source class nearly everywhere in the hull: "
        "their confidence saturates near 1",
    ),
    "P2-star-like-triangle-edges": (
        _MODEL,
        "the ViT-tiny's edges dip below p0 − δ for many sources (its confidence "
        "is lower and less flat than the CNNs')",
    ),
    # P3 --------------------------------------------------------------------------------------
    "P3-pgd-acc-resnet18-paper": (
        _SCALE,
        "at the paper's ε = 4/255 PGD barely moves a digits model: binary strokes "
        "on black need a larger ε (ε* of the rule rows)",
    ),
    "P3-pgd-acc-resnet50-paper": (
        _SCALE,
        "at ε = 4/255 PGD barely moves a digits model (see the ResNet-18 row)",
    ),
    "P3-pgd-acc-vit_tiny-paper": (_SCALE, "at ε = 4/255 PGD leaves a third of the digits correct"),
    "P3-disp-resnet18-paper": (
        _RULE,
        "U(0, ε)'s mean offset of ε/2 on black backgrounds moves CL1's codes more than "
        "PGD; against mean-free noise of equal ℓ2 PGD moves them more in every layer "
        "(P3-disp-centered-resnet18-paper)",
    ),
    "P3-disp-resnet50-paper": (
        _RULE,
        "U(0, ε)'s mean offset on black backgrounds moves CL1's codes more than PGD; "
        "against mean-free noise PGD moves them more in every layer",
    ),
    "P3-disp-grow-resnet18-paper": (
        _SCALE,
        "the displacements at ε = 4/255 are a unit or two everywhere: no trend to read",
    ),
    "P3-disp-grow-resnet50-paper": (
        _SCALE,
        "the displacements at ε = 4/255 are a unit or two everywhere: no trend to read",
    ),
    "P3-disp-resnet18-rule": (
        _RULE,
        "U(0, ε) adds a mean offset of ε/2 to the black backgrounds, which moves CL1's "
        "codes more than PGD: the mean-free control P3-disp-centered-* decides it",
    ),
    "P3-disp-resnet50-rule": (
        _RULE,
        "U(0, ε)'s mean offset on black backgrounds moves CL1's codes more than PGD: "
        "the mean-free control decides it",
    ),
    "P3-disp-grow-vit_tiny-paper": (
        _RULE,
        "last > first holds, but ρ ≥ 0.8 over 6 blocks is a steep bar",
    ),
    "P3-disp-grow-vit_tiny-rule": (
        _RULE,
        "saturated: every block sits near the random-pair torus distance, so no "
        "trend is detectable (the -eval row flags it)",
    ),
    "P3-disp-grow-resnet18-paper-eval": (
        _SCALE,
        "not saturated, and still no growth: PGD at ε = 4/255 barely moves a digits model",
    ),
    "P3-disp-grow-resnet50-paper-eval": (
        _SCALE,
        "not saturated, and still no growth: PGD at ε = 4/255 barely moves a digits model",
    ),
    "P3-disp-grow-vit_tiny-paper-eval": (
        _RULE,
        "not saturated: last > first holds, but ρ ≥ 0.8 over 6 blocks is a steep bar",
    ),
    "P3-disp-grow-resnet50-mid": (
        _UNKNOWN,
        "at the ε where PGD is about half effective the codes move more after CL1 "
        "but not further with depth",
    ),
    "P3-disp-grow-vit_tiny-mid": (
        _RULE,
        "the last block moves more than the first, but the middle blocks do not rise "
        "steadily enough for ρ ≥ 0.8",
    ),
    "P3-noise-offset-vit_tiny-paper": (
        _MODEL,
        "a tie: the ViT's first block moves the same under either noise, so the "
        "offset that moves the CNNs' CL1 does not act here",
    ),
    "P3-noise-offset-vit_tiny-rule": (
        _MODEL,
        "a tie: the ViT's first block moves the same under either noise",
    ),
    "P3-pgd-acc-lite-real": (
        _SCALE,
        "PGD flips every photo, as the paper says; noise flips one photo of twelve, "
        "which alone is more than the noise half's allowance at this count",
    ),
    # cross-study -----------------------------------------------------------------------------
    "X1.2": (
        _RULE,
        "P1's δ is an absolute cross-entropy, LST outputs may sit well below the source's confidence: "
        "X1.2r reads it loss-relative",
    ),
    "X1.3": (
        _RULE,
        "compares medians of gaps that are mostly exactly 0: a tie at 0 (X1.3f compares fractions)",
    ),
    "X4.1": (
        _RULE,
        "compares medians of gaps that are mostly exactly 0: a tie at 0 (X4.1f compares fractions)",
    ),
    "X4.6": (_RULE, "the conjunction includes X4.1, which ties at 0 (X4.6f uses X4.1f)"),
    "X1.2r": (
        _REFUTED,
        "read loss-relative, fewer segments pass: the LST outputs' own losses are tiny on digits",
    ),
    "X1.3f": (
        _REFUTED,
        "LST segments have a barrier more often than segments to real images of the source class",
    ),
    "XR1.1-real": (_REFUTED, "on Lite0 most source photo → LST output segments have a barrier"),
    "XR1.2-real": (_REFUTED, "on Lite0 most segments have a barrier under the loss-relative δ too"),
    "XR1.3-real": (_REFUTED, "one bypass round connects none of the segments with a barrier"),
    "XR3.3-real": (
        _REFUTED,
        "the barrier separates LST outputs from clean photos better than PGD adversarials",
    ),
    "X4.5": (
        _REFUTED,
        "D_class in CL4 is slightly higher for the AT model, the opposite of the prediction",
    ),
}
"""Name of a failing row -> (cause from :data:`CAUSES`, the clause that says why, with numbers).
Written after the quick run of 2026-12-07 and checked against it (tests/test_verdicts.py)."""


def kind_of(claim_id: str) -> str:
    """The kind of a row from its historical id (:data:`ROW_KINDS`; ``paper`` when no pattern matches)."""
    return next((kind for pattern, kind in ROW_KINDS if re.search(pattern, claim_id)), "paper")


def _star_name(claim_id: str) -> str | None:
    m = re.match(r"^P2\.6-3 (.+?)(-real|-ctl-\w+)?$", claim_id)
    if not m:
        return None
    role = next((r for prefix, r in STAR_ROWS if m.group(1).startswith(prefix)), "model")
    return f"P2-star-like-{role}{m.group(2) or ''}"


def name_of(notebook_id: str, claim_id: str) -> str:
    """The readable name of a row: :data:`NAMES` of its base id plus the id's variant suffix
    (``-real``, ``-ctl-noadv``, ``-rel``, …); an id not listed is its own name."""
    star = _star_name(claim_id)
    if star:
        return star
    bases = [
        base
        for (nid, base) in NAMES
        if nid == notebook_id and (claim_id == base or claim_id.startswith(base + "-"))
    ]
    if not bases:
        return claim_id
    base = max(bases, key=len)
    return NAMES[notebook_id, base] + claim_id[len(base) :]


def reason_of(name: str) -> tuple[str, str] | None:
    """Why a failing row fails (:data:`REASONS`), or None when no reason is written."""
    return REASONS.get(name)
