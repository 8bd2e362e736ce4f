"""What each P2 claim says and what the paper (its README) reports, by historical claim id.

The recorders of :mod:`inputspace.p2.claims` hold only measurement and look a claim's statement
and paper value up here (:func:`inputspace.claims.record`). The texts are the scorecard's,
character for character (a test checks them against ``figures/claims.json``); in the paper's order:
the README figures (p2-example, p2-grid, p2-star, p2-triangles, p2-widths), then Tables 1 and 2.

Three tables, because an id is historical and some ids are worded twice:

- :data:`STATEMENTS`: the figure notebooks' claims. p2-example's path claims are on the grid's
  paths; the star-likeness claim ``P2.6-3`` is recorded once per model, as ``P2.6-3 <model>`` (the
  id carries the run's model label, the words do not: its recorder passes the id itself).
- :data:`TABLE_STATEMENTS`: p2-tab01 and p2-tab02, whose path claims (``P2.6-1`` … ``P2.6-7``, on
  every model's derangement paths, pooled) and ``P2.6-4n`` (the normal model's pool sources) reuse
  the ids of the figures' claims in other words.
- :data:`NOT_EVALUATED`: the shorter wording of a row that cannot be evaluated in a run
  (``P2.6-4ex-matched`` without an AT model).

No statement depends on a run value (no template). Variants (``-real``, ``-ctl-<control>``) share
their base claim's statement; ``P2.6-4ex-matched`` is a claim of its own, with its own words.
:data:`BY_NOTEBOOK` gives each notebook's table.
"""

from __future__ import annotations

from ..claims import Statement

STATEMENTS: dict[str, Statement] = {
    # p2-example: the README's LST path, on the grid's paths
    "P2.6-1": Statement(
        "Level-set preservation: the source-class confidence stays above p0 − δ at every logged step",
        "by construction of the mask; README goose path 0.997 → 1.0",
    ),
    "P2.6-2a": Statement(
        "The LST output approaches the target: closer in RMS-ℓ2 than the source, on every path",
        "qualitative: outputs look like the targets",
    ),
    "P2.6-2b": Statement(
        "The LST output approaches the target: closer in ℓ∞ than the source, on every path",
        "README: outputs nearly indistinguishable from the targets (ℓ∞ shrinks)",
    ),
    "P2.6-2c": Statement(
        "RMS-ℓ2 and ℓ∞ to the target decrease monotonically over the logged steps, on every path",
        "acceptance check of the LST paths (no paper value)",
    ),
    "P2.6-7": Statement(
        "The target-class confidence stays low (below 0.5 at every logged step)",
        "qualitative (README)",
    ),
    "P2.6-5": Statement(
        "With the adversarial term the source confidence rises along the path",
        "README goose path: 0.997 → 1.0",
    ),
    # p2-grid: the README's LST image grid
    "P2.1-2": Statement(
        "Every LST output keeps the source class (argmax = source) although it looks like the target",
        "README: high confidence for the source class",
    ),
    # p2-star: recorded per model as "P2.6-3 <model>"
    "P2.6-3": Statement(
        "Star-likeness: straight segments source → LST output stay above p0 − δ",
        "README: linear interpolants retain high confidence (no numbers)",
    ),
    # p2-triangles: the README's triangular hulls
    "P2.6-4ex": Statement(
        "On the example triangles, the AT model keeps a larger fraction of the triangle above p_src − δ "
        "(δ = 0.2) than the normal model",
        "README figure: normal high only near the source edges, AT high over most of the triangle",
    ),
    "P2.6-4ex-matched": Statement(
        "At matched coverage (the normal model's LST iterates covering as much of the "
        "source → target distance as the AT model's outputs), the AT model keeps a larger fraction of the "
        "triangle above p_src − δ (δ = 0.2) than the normal model",
        "README figure: normal high only near the source edges, AT high over most of the triangle",
    ),
    "P2.6-4n": Statement(
        "The triangle (source, two LST outputs) has low source confidence away from the source "
        "edges (mean confidence over the triangle < 0.5)",
        "README figure: normal high only near the source edges",
    ),
    # p2-widths: the README's path widths
    "P2.6-6": Statement(
        "Path width: the 5 % confidence quantile stays above p0 − δ at the smallest radius and decays "
        "with r (normal model)",
        "no numbers found (width plots)",
    ),
    "P2.6-6b": Statement(
        "[INFERRED] AT paths are wider: smaller confidence drop from the path to the largest radius",
        "inferred from the README's AT claim",
    ),
}
"""The README figures' claims (p2-example, p2-grid, p2-star, p2-triangles, p2-widths)."""

TABLE_STATEMENTS: dict[str, Statement] = {
    # p2-tab01: Table 1, the path claims on every model's derangement paths, pooled
    "P2.6-1": Statement(
        "Level-set preservation on every full-eval path (confidence above p0 − δ at every logged step)",
        "by construction",
    ),
    "P2.6-2a": Statement(
        "LST outputs are closer to their targets than the sources in RMS-ℓ2, on every path",
        "Table 1 values NOT FOUND",
    ),
    "P2.6-2b": Statement(
        "LST outputs are closer to their targets than the sources in ℓ∞, on every path",
        "Table 1 values NOT FOUND",
    ),
    "P2.6-2c": Statement(
        "RMS-ℓ2 and ℓ∞ to the target decrease monotonically over the logged steps, on every path",
        "acceptance check of the LST paths (no paper value)",
    ),
    "P2.6-7": Statement(
        "The target-class confidence stays below 0.5 on every path",
        "qualitative",
    ),
    "P2-T1-LPIPS": Statement("LPIPS column", "values NOT FOUND"),
    # p2-tab02: Table 2, the triangle statistics over the pool sources
    "P2.6-4": Statement(
        "AT keeps a larger fraction of the triangle above p_src − δ than the normal model (δ = 0.2)",
        "values NOT FOUND; README: AT high over a significant fraction",
    ),
    "P2.6-4n": Statement(
        "For the normal model the triangle has low source confidence away from the source edges "
        "(mean confidence over the triangle < 0.5)",
        "README figure: normal high only near the source edges",
    ),
    "P2.6-3h": Statement(
        "Star-likeness per source: every source edge of all its triangles stays above p_src − δ (edge_min > −δ)",
        "README: linear interpolants retain high confidence",
    ),
}
"""The claims of p2-tab01 and p2-tab02 (Tables 1 and 2), some under the figures' ids in other words."""

NOT_EVALUATED: dict[str, Statement] = {
    "P2.6-4ex-matched": Statement(
        "At matched coverage, the AT model keeps a larger fraction of the triangle above "
        "p_src − δ than the normal model",
        "README figure",
    ),
}
"""The wording of a row recorded as not evaluated (``passed=None``): the run has no AT model."""

BY_NOTEBOOK: dict[str, dict[str, Statement]] = {
    "p2-example": STATEMENTS,
    "p2-grid": STATEMENTS,
    "p2-star": STATEMENTS,
    "p2-triangles": STATEMENTS,
    "p2-widths": STATEMENTS,
    "p2-tab01": TABLE_STATEMENTS,
    "p2-tab02": TABLE_STATEMENTS,
}
"""Each P2 notebook's statement table (by notebook id)."""
