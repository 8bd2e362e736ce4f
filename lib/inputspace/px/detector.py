"""Does P1's barrier detector see blind spots? (px-03)

p1-detection's protocol (:mod:`inputspace.methods.detection`, :mod:`inputspace.p1.adversarial`)
applied to P2's normal row: score(x) = the median over the class's ``n_refs`` reference modes
(lowest-loss training images among the first ``mode_pool·n_refs``, :func:`inputspace.p1.space.modes`)
of the barrier gap on the straight path x → reference, with the cross-entropy of x's *predicted*
class (``detect_points`` points, P1's normalized coordinates); baseline 1 − max softmax. Inputs,
as p1-detection: ``n_clean`` class-balanced held-out images (those classified correctly,
``clean_filter``; :func:`inputspace.p1.adversarial.clean_classes`), PGD adversarials of them (ℓ∞,
``pgd_eps`` = 16/255, ``pgd_iters`` steps of ε/4, random start from the seed, the successful ones
kept), input-optimization adversarials K' of them towards a random other class (Fig 6's attack,
``detect_attack_iters`` iterations, early-stopped at the target's lowest reference CE, the successful
ones kept), all three by p1-detection's own code (:func:`inputspace.p1.adversarial.detection_inputs`),
and, new here, the LST outputs of :func:`~inputspace.px.blindspots.lst_outputs`. Scores by
:func:`inputspace.p1.adversarial.detector_scores`; ROC AUC with the attacked set as positives
(:func:`inputspace.methods.detection.roc`).

The model is P2's normal row (quick: the same zoo ResNet-18 as p1-detection's, so the clean, PGD and
K' sets and their AUCs are p1-detection's; paper: ResNet-50 instead of P1's ResNet-18 stand-in).
"""

from __future__ import annotations

from ..cache import cached
from ..config import Config
from ..methods import detection
from ..p1.adversarial import References, detection_inputs, detector_scores
from .blindspots import lst_outputs, space_of

SETS: tuple[str, ...] = ("clean", "lst", "pgd", "inputopt")
DETECTORS: tuple[str, ...] = ("barrier", "softmax")
ATTACKED: tuple[str, ...] = ("lst", "pgd", "inputopt")
"""The sets scored against the clean inputs: LST outputs, PGD and input-optimization adversarials."""


def _detection(cfg: Config) -> dict:
    sp = space_of(cfg, "normal")
    refs = References(cfg, sp)
    inputs = detection_inputs(cfg, sp, refs)
    bs = lst_outputs(cfg, "normal")
    inputs["lst"] = bs.x.to(inputs["clean"].device)
    scores = {name: detector_scores(cfg, sp, refs, inputs[name]) for name in SETS}
    rocs = {
        f"{det}:{name}": detection.roc(scores["clean"][det], scores[name][det])
        for det in DETECTORS
        for name in ATTACKED
        if len(scores[name][det]) and len(scores["clean"][det])
    }
    return {
        "scores": scores,
        "roc": rocs,
        "counts": {name: len(inputs[name]) for name in SETS},
        "lst_traversed": bs.traversed,
        "lst_kept": bs.kept,
    }


def detection_scores(cfg: Config) -> dict:
    """px-03 (cached): barrier and max-softmax scores of the clean inputs, the LST outputs, the PGD
    and the input-optimization adversarials (``"scores"[set][detector]``, sets :data:`SETS`), the
    ROCs of each detector for clean vs each of :data:`ATTACKED` (``"roc"["barrier:lst"]`` …, absent
    where a set is empty) and the counts."""
    return cached(cfg, "px.detection", lambda: _detection(cfg))
