"""What each P3 claim says and what the paper reports: :data:`STATEMENTS`, by claim id, in the
paper's figure order (Figs 1-12, Supp. Figs 1-4, Tables 1-2), looked up by the recorders of
:mod:`inputspace.p3.claims` (:func:`inputspace.claims.record`) so that they hold only measurement.

**Families.** Most P3 claims come one per model, split, SOM size, data set or ε, and their text
names it. Such a family has one entry whose key is the template of its claim ids and whose text (and
paper value) carries the same named placeholders, filled by :func:`statement` (``str.format``) with
the values the recorder passes:

``{arch}``      the model's key (``resnet18``, ``vit_tiny``, ...) in the id; ``{model}`` its label
                (:data:`inputspace.p3.knobs.LABELS`) in the text;
``{split}``     ``tr`` / ``val``;  ``{size}`` a SOM's side;  ``{sizes}`` all sides, ``"10, 20"``;
``{ds}``        a data set;  ``{aggregate}`` ``class`` / ``input`` (p3-figS3's ``cfg.aggregate``);
``{which}``     ``paper`` / ``rule`` (the paper's ε or ε*);  ``{eps}`` that ε × 255, rounded;
``{acc}``       the PGD accuracy at the mid-accuracy ε, ``"56%"``;
``{paper_acc}``, ``{figure}``  the paper's accuracies and figure of the attack notebook
                (:data:`PAPER_ATTACK`: p3-fig11 and p3-fig12 record the same ids).

A key without placeholders is the claim id itself. Text after ``#`` in a key names a second
statement recorded under the same id: ``P3-disp-grow-{arch}-mid#unprobed``, the row when no probed
ε gives a PGD accuracy between 10 and 90 %. The real-network rows of p3-fig11 (``P3-*-lite``; the
scorecard adds ``-real``) have entries of their own. Every entry is the text recorded so far,
character for character (a test checks them against ``figures/claims.json``).
"""

from __future__ import annotations

from ..claims import Statement

_FIG11_ACCURACIES = "ResNet-18 77.8 → 3.6 %, ResNet-50 93.0 → 6.6 %; noise unchanged"

PAPER_ATTACK: dict[str, dict[str, str]] = {
    "p3-fig11": {"paper_acc": _FIG11_ACCURACIES, "figure": "Fig. 11"},
    "p3-fig12": {
        "paper_acc": "ViT: equivalent to the ResNets (Fig. 12; no accuracies given); noise unchanged",
        "figure": "Fig. 12",
    },
}
"""Per notebook: the paper's accuracies under PGD and noise (Sec. 3.4) and the figure quoted."""

_DENSITY = Statement(
    "{model}: BMUs spread inhomogeneously (more units never BMU than uniform placement gives)",
    "some units rarely BMUs (Fig. 4 / Supp. Fig. 1)",
)
_CLUSTER = Statement(
    "{model}: same-class BMUs cluster (SOM-{split}: D_class true < shuffled labels, every CL)",
    "clusters (Fig. 5)",
)
_GROWS = "small in CL1, larger in CL4"

STATEMENTS: dict[str, Statement] = {
    # Fig. 1, Sec. 2.2
    "P3-code-dim": Statement(
        "vector code = 4 × channels per CL (ResNet-18: 256, 512, 1024, 2048)",
        "256 / 512 / 1024 / 2048",
    ),
    # Fig. 2B
    "P3-unfold-synthetic": Statement(
        "a cluster across the seam unfolds into a compact cluster with the right centre", "Fig. 2B"
    ),
    "P3-unfold-real": Statement(
        "unfolding shrinks the spread of a seam-wrapping class (layers where it wraps)",
        "Fig. 2B (qualitative)",
    ),
    # Fig. 3
    "P3-loss-{arch}": Statement(
        "{model}: SOM loss is highest in CL4 at the end of training", "CL4 highest (Fig. 3)"
    ),
    # Fig. 4
    "P3-density-{arch}": _DENSITY,
    # Fig. 5
    "P3-cluster-{arch}-{split}": _CLUSTER,
    # Fig. 6
    "P3-dclass-{arch}-{split}": Statement(
        "{model}: D_class shrinks with depth (SOM-{split}, median)",
        "shorter in deep layers (Fig. 6A/B)",
    ),
    "P3-wcd-{arch}": Statement(
        "{model}: pairwise weight CD grows with depth (median)",
        "CL1 ≈ CL2 small, CL3/CL4 larger (Fig. 6C/D)",
    ),
    # Fig. 7, Sec. 2.3
    "P3-ccd-size{size}": Statement(
        "{size}×{size} SOM: class-centre CD grows with depth for every CNN",
        "grows with depth, any size (Fig. 7)",
    ),
    "P3-ccd-size-dependence": Statement(
        "No significant dependency on SOM size ({sizes})", "no significant dependency (Sec. 2.3)"
    ),
    # Fig. 8
    "P3-fig8-{ds}": Statement(
        "ResNet-50 on {ds}: D_class shrinks and class-centre CD grows with depth",
        "same trend as ImageNet (Fig. 8)",
    ),
    # Fig. 9
    "P3-vit-wcd": Statement(
        "ViT: pairwise SOM-weight CD grows with depth (mean per block)",
        "consistent with CNNs (Fig. 9)",
    ),
    # Fig. 10
    "P3-vit-ccd-size{size}": Statement(
        "ViT, {size}×{size} SOM: class-centre CD grows with depth", "consistent with CNNs (Fig. 10)"
    ),
    "P3-vit-ccd-size-dependence": Statement(
        "ViT: no significant dependency on SOM size ({sizes})",
        "no significant dependency (Sec. 2.3)",
    ),
    # Figs 11 (ResNets) and 12 (ViT), Sec. 3.4
    "P3-pgd-acc-{arch}-{which}": Statement(
        "{model}, ε = {eps}/255 ({which}): PGD collapses accuracy, noise does not", "{paper_acc}"
    ),
    "P3-disp-{arch}-{which}": Statement(
        "{model}, ε = {eps}/255 ({which}): BMU displacement PGD > noise in every layer (median)",
        "PGD moves BMUs in all layers, noise does not ({figure})",
    ),
    "P3-disp-grow-{arch}-{which}": Statement(
        "{model}, ε = {eps}/255 ({which}): PGD BMU displacement grows from first to last layer "
        "(mean)",
        _GROWS,
    ),
    # Figs 11-12: the controls (fidelity audit)
    "P3-disp-centered-{arch}-{which}": Statement(
        "{model}, ε = {eps}/255 ({which}): BMU displacement PGD > mean-free noise of equal ℓ2 "
        "(U(−ε, ε)) in every layer (median)",
        "PGD moves BMUs in all layers, noise does not",
    ),
    "P3-noise-offset-{arch}-{which}": Statement(
        "{model}, ε = {eps}/255 ({which}): U(0, ε) moves CL1 BMUs more than mean-free noise of "
        "equal ℓ2 (median): its mean offset of ε/2 is what moves them",
        "mechanism (ours)",
    ),
    "P3-disp-grow-{arch}-{which}-eval": Statement(
        "{model}, ε = {eps}/255 ({which}): PGD BMU displacement grows from first to last layer "
        "(mean), where not saturated",
        _GROWS,
    ),
    "P3-floor1-{arch}": Statement(
        "{model}: PGD at ε* moves BMUs more than PGD at ε = 1/255 in every layer (median): the "
        "displacements measure the attack, not the rank order's fragility",
        "control (ours)",
    ),
    "P3-disp-grow-{arch}-mid": Statement(
        "{model}, ε = {eps}/255 (PGD accuracy {acc}): PGD BMU displacement grows from first to "
        "last layer (mean), where not saturated",
        _GROWS,
    ),
    "P3-disp-grow-{arch}-mid#unprobed": Statement(
        "{model}: at an ε with PGD accuracy between 10 and 90 %, PGD BMU displacement grows from "
        "first to last layer (mean)",
        _GROWS,
    ),
    "P3-disp-floor-{arch}": Statement(
        "{model}: control, ε = 0 moves no BMU in any layer",
        "control (ours): the displacements above are not float noise",
    ),
    # Fig. 11 on the real network (EfficientNet-Lite0): the codes' displacement
    "P3-pgd-acc-lite": Statement(
        "EfficientNet-Lite0, ε = {eps}/255 (paper): PGD collapses accuracy, noise does not",
        _FIG11_ACCURACIES,
    ),
    "P3-disp-lite": Statement(
        "EfficientNet-Lite0, ε = {eps}/255 (paper): code displacement PGD > noise in every layer "
        "(median)",
        "PGD moves the codes in all layers, noise does not (Fig. 11)",
    ),
    "P3-disp-grow-lite": Statement(
        "EfficientNet-Lite0, ε = {eps}/255 (paper): PGD code displacement grows from first to "
        "last layer (mean)",
        _GROWS,
    ),
    # Supp. Figs 1 (all layers of Fig. 4) and 2 (Fig. 5 for ResNet-50)
    "P3-density-{arch}-all": _DENSITY,
    # Supp. Fig. 3
    "P3-labelcenter-{arch}": Statement(
        "{model}: misclassified SOM-val inputs lie farther from their label centre, every CL "
        "(mean over {aggregate} means)",
        "ED bigger on average for InCorr (Supp. Fig. 3)",
    ),
    # Supp. Fig. 4
    "P3-telescope": Statement(
        "code diversity is smallest in shallow layers and grows to the last layer, every model",
        "condensed → expanded (Supp. Fig. 4)",
    ),
    "P3-telescope-pgd": Statement(
        "at ε*, PGD moves the last layer's codes more than the first layer's, and more than noise "
        "does in the last layer",
        "small in CL1, large in CL4 (Figs 11, S4)",
    ),
    # Table 1
    "P3-table1": Statement(
        "SOM parameters used = Table 1 except the epochs (σ0 10, α0 0.1, exp decay, torus, "
        "cosine; batch 10 / 50)",
        "Table 1",
    ),
    "P3-table1-epochs": Statement("SOM training epochs = Table 1's 5", "5"),
    # Table 2
    "P3-table2": Statement(
        "PGD parameters used = Table 2 (ε 4/255, step ε·2/100, random init, untargeted, clip "
        "[0,1])",
        "Table 2",
    ),
    "P3-linf": Statement(
        "every cached perturbation satisfies ‖δ‖∞ ≤ ε + 1e-7 and stays in [0, 1]",
        "by construction",
    ),
}
"""The P3 claims' statements and paper values by claim id or id template (module docstring)."""


def statement(key: str, **fields: str) -> tuple[str, Statement]:
    """The claim id and the statement of entry ``key`` with its placeholders filled from
    ``fields`` (a field a text does not name is ignored; one it names but not given raises
    ``KeyError``)."""
    st = STATEMENTS[key]
    return key.split("#")[0].format(**fields), Statement(
        st.text.format(**fields), st.paper.format(**fields)
    )
