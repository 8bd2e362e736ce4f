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
    "paper": "paper claim", "construction": "holds by construction", "ours": "stricter check of ours",
    "control": "control (added)", "corrected": "corrected reading (added)", "hypothesis": "hypothesis",
}
ROW_KINDS: tuple[tuple[str, str], ...] = (
    (r"-ctl-|-matched(-|$)|^P3-disp-centered-|^P3-noise-offset-|^P3-floor1-|-eval(-|$)|-mid(-|$)", "control"),
    (r"-rel(-|$)|^P1\.7-3b-exact|^X1\.2r$|^X1\.3f$|^X4\.1f$|^X4\.6f$", "corrected"),
    (r"^XR?\d", "hypothesis"),
    (r"^P2\.6-1(-|$)|^P2\.6-7(-|$)|^P2\.1-2(-|$)|^P3-table1|^P3-table2$|^P3-linf$|^P3-code-dim$|^P3-pgd-acc-.*-rule$",
     "construction"),
    (r"^DET-.*-b$|^P2\.6-2c(-|$)|^P1\.7-5s$|^P2\.6-6b$|^P3-disp-floor-|^PERC-", "ours"),
)
"""(pattern of the historical id, kind); first match wins, else ``paper``."""

CAUSES: tuple[str, ...] = ("scale/data", "model", "departure (fixed)", "rule tests something else", "not understood")
"""The causes a failure is put down to (the fidelity audit's categories)."""

NAMES: dict[tuple[str, str], str] = {
    ("p1-detection", "DET-pgd-a"): "P1-detects-pgd", ("p1-detection", "DET-pgd-b"): "P1-detects-pgd-vs-softmax",
    ("p1-detection", "DET-inputopt-a"): "P1-detects-kprime",
    ("p1-detection", "DET-inputopt-b"): "P1-detects-kprime-vs-softmax",
    ("p1-fig01", "P1.7-1a"): "P1-barrier-exists", ("p1-fig01", "P1.7-3a"): "P1-bypass-near-B",
    ("p1-fig01", "P1.7-3b"): "P1-bypass-in-hyperplane", ("p1-fig01", "P1.7-3b-exact"): "P1-bypass-in-hyperplane-exact",
    ("p1-fig01", "P1.9-1"): "P1-bypass-low-loss", ("p1-fig01", "P1.9-1b"): "P1-barrier-interior",
    ("p1-fig01", "P1.7-1b"): "P1-barriers-typical-synthetic", ("p1-fig01", "P1.7-1a-stereo"): "P1-barrier-stereo-pair",
    ("p1-fig02", "P1.7-2"): "P1-one-bypass-connects", ("p1-fig02", "P1.7-2b"): "P1-secondary-far-below",
    ("p1-fig03", "P1.9-3"): "P1-class-constant-on-bypass",
    ("p1-fig04", "P1.9-4a"): "P1-kprime-predicted-as-target", ("p1-fig04", "P1.9-4b"): "P1-kprime-reaches-mode-loss-demo",
    ("p1-fig04", "P1.7-4d"): "P1-adversarial-gap-higher-photos",
    ("p1-fig05", "P1.9-5a"): "P1-adversarial-primary-barrier", ("p1-fig05", "P1.9-5b"): "P1-adversarial-secondary-barriers",
    ("p1-fig05", "P1.7-4a"): "P1-adversarial-more-rounds", ("p1-fig05", "P1.7-4b"): "P1-adversarial-higher-primary",
    ("p1-fig05", "P1.7-4e"): "P1-adversarial-secondary-more-often",
    ("p1-fig06", "P1.7-4c"): "P1-adversarial-max-higher", ("p1-fig06", "P1.7-4d"): "P1-adversarial-gap-higher",
    ("p1-fig06", "P1.7-1b"): "P1-barriers-typical", ("p1-fig06", "P1.9-4b"): "P1-kprime-reaches-mode-loss",
    ("p1-fig07", "P1.9-7a"): "P1-untrained-fvo-converges", ("p1-fig07", "P1.7-5"): "P1-untrained-connected",
    ("p1-fig07", "P1.7-5s"): "P1-untrained-connected-per-segment", ("p1-fig07", "P1.9-7b"): "P1-untrained-maxima-fall",
    ("p1-fig10", "P1.9-10a"): "P1-early-training-barriers", ("p1-fig10", "P1.9-10b"): "P1-early-training-trend",
    ("p1-lipschitz", "P1.7-6"): "P1-lipschitz-bound",
    ("p1-percolation", "PERC-2D"): "P1-percolation-2d", ("p1-percolation", "PERC-3D"): "P1-percolation-3d",
    ("p1-percolation", "PERC-dim"): "P1-percolation-threshold-falls",
    ("p1-percolation", "P1.7-7a"): "P1-connection-grows-with-d",
    ("p1-percolation", "P1.7-7b"): "P1-connection-grows-with-d-resnet",
    ("p2-fig01", "P2.6-1"): "P2-levelset-preserved-grid", ("p2-fig01", "P2.6-2a"): "P2-closer-l2-grid",
    ("p2-fig01", "P2.6-2b"): "P2-closer-linf-grid", ("p2-fig01", "P2.6-2c"): "P2-monotone-grid",
    ("p2-fig01", "P2.6-7"): "P2-target-low-grid", ("p2-fig01", "P2.6-5"): "P2-confidence-raised",
    ("p2-fig02", "P2.1-2"): "P2-keeps-source-class",
    ("p2-fig04", "P2.6-4ex"): "P2-at-triangles-larger-examples", ("p2-fig04", "P2.6-4ex-matched"):
        "P2-at-triangles-larger-matched", ("p2-fig04", "P2.6-4n"): "P2-triangle-low-inside-examples",
    ("p2-fig05", "P2.6-6"): "P2-path-width-decays", ("p2-fig05", "P2.6-6b"): "P2-at-paths-wider",
    ("p2-tab01", "P2.6-1"): "P2-levelset-preserved", ("p2-tab01", "P2.6-2a"): "P2-closer-l2",
    ("p2-tab01", "P2.6-2b"): "P2-closer-linf", ("p2-tab01", "P2.6-2c"): "P2-monotone",
    ("p2-tab01", "P2.6-7"): "P2-target-low", ("p2-tab01", "P2-T1-LPIPS"): "P2-lpips",
    ("p2-tab02", "P2.6-4"): "P2-at-triangles-larger", ("p2-tab02", "P2.6-4n"): "P2-triangle-low-inside",
    ("p2-tab02", "P2.6-3h"): "P2-star-like-triangle-edges",
}
"""(notebook, historical base id) -> readable name. Ids not listed (P3's, the cross-study's X
hypotheses, already descriptive) are their own name."""
STAR_ROWS = (("ResNet-18 (Normal)", "normal"), ("ResNet-50 (Normal)", "normal"), ("ResNet-18 (FGSM-AT)", "at"),
             ("ResNet-50 (AT)", "at"), ("ViT-tiny", "vit"), ("DeiT-S (Normal)", "vit"), ("DeiT-S (AT)", "vit-at"),
             ("EfficientNet-Lite", "pretrained"))
"""P2's star-likeness rows carry their model in the id (``P2.6-3 ResNet-18 (Normal) ≈ …``): its role."""

REASONS: dict[str, tuple[str, str]] = {}
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
    bases = [base for (nid, base) in NAMES if nid == notebook_id and (claim_id == base or claim_id.startswith(base + "-"))]
    if not bases:
        return claim_id
    base = max(bases, key=len)
    return NAMES[notebook_id, base] + claim_id[len(base):]


def reason_of(name: str) -> tuple[str, str] | None:
    """Why a failing row fails (:data:`REASONS`), or None when no reason is written."""
    return REASONS.get(name)
