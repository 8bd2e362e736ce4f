"""Does P1's barrier detector see blind spots? (px-03)

p1-detection's protocol (:mod:`inputspace.methods.detection`, :mod:`inputspace.p1.adversarial`)
applied to P2's normal row: score(x) = the median over the class's ``n_refs`` reference modes
(lowest-loss training images among the first ``mode_pool·n_refs``, :func:`inputspace.p1.space.modes`)
of the barrier gap on the straight path x → reference, with the cross-entropy of x's *predicted*
class (``detect_points`` points, P1's normalized coordinates); baseline 1 − max softmax. Inputs,
as p1-detection: ``n_clean`` class-balanced held-out images (those classified correctly,
``clean_filter``; :func:`inputspace.p1.adversarial.clean_classes`), PGD adversarials of them (ℓ∞,
``pgd_eps`` = 16/255, ``pgd_iters`` steps of ε/4, random start from the seed, the successful ones
kept), and, new here, the LST outputs of :func:`~inputspace.px.blindspots.lst_outputs`. ROC AUC
with the attacked set as positives (:func:`inputspace.methods.detection.roc`).

The model is P2's normal row (quick: the same zoo ResNet-18 as p1-detection's, so the clean and PGD
sets are p1-detection's; paper: ResNet-50 instead of P1's ResNet-18 stand-in). The input-optimization
adversarials of p1-detection are not recomputed here: p1-detection reports them.
"""
from __future__ import annotations

import torch

from ..config import Config
from ..methods import detection
from ..methods.attacks import pgd_linf
from ..notebook import cached
from ..p1.adversarial import clean_classes
from ..p1.space import OptSpace, class_images, modes, num_classes
from .blindspots import lst_outputs, space_of

SETS: tuple[str, ...] = ("clean", "lst", "pgd")
DETECTORS: tuple[str, ...] = ("barrier", "softmax")


def clean_and_pgd(cfg: Config, sp: OptSpace) -> dict[str, torch.Tensor]:
    """p1-detection's clean inputs and their successful PGD adversarials (module doc), with the
    clean inputs' labels: ``{"clean", "y", "pgd"}`` (pixels, on the model's device)."""
    classes, per = clean_classes(cfg.n_clean, num_classes(cfg))
    x = torch.cat([class_images(cfg, c, per) for c in classes])
    y = torch.tensor(classes, device=x.device).repeat_interleave(per)
    if cfg.clean_filter == "correct":
        keep = detection.predict(sp.pixel_model, x) == y
        x, y = x[keep], y[keep]
    if len(x) == 0:
        return {"clean": x, "y": y, "pgd": x}
    g = torch.Generator().manual_seed(cfg.seed)
    pgd = pgd_linf(sp.pixel_model, x, y, eps=cfg.pgd_eps, iters=cfg.pgd_iters, step_size=cfg.pgd_eps / 4, generator=g)
    return {"clean": x, "y": y, "pgd": pgd[detection.predict(sp.pixel_model, pgd) != y]}


def references(cfg: Config, sp: OptSpace, classes) -> tuple[torch.Tensor, torch.Tensor]:
    """The reference modes (training split) of ``classes`` in ``sp``'s coordinates and their labels."""
    cs = sorted({int(c) for c in classes})
    z = [modes(cfg, sp, c, cfg.n_refs, split="train")[0] for c in cs]
    return torch.cat(z), torch.tensor([c for c, r in zip(cs, z) for _ in range(len(r))], device=z[0].device)


def _scores(cfg: Config, sp: OptSpace, x: torch.Tensor) -> dict[str, torch.Tensor]:
    if len(x) == 0:
        return {d: torch.zeros(0) for d in DETECTORS}
    z = sp.encode(x)
    refs, labels = references(cfg, sp, detection.predict(sp.model, z).tolist())
    return {"barrier": detection.barrier_scores(sp.model, z, refs, labels, n_points=cfg.detect_points,
                                                reduce=cfg.reduce),
            "softmax": detection.max_softmax_scores(sp.pixel_model, x)}


def _detection(cfg: Config) -> dict:
    sp = space_of(cfg, "normal")
    inputs = clean_and_pgd(cfg, sp)
    bs = lst_outputs(cfg, "normal")
    inputs["lst"] = bs.x.to(inputs["clean"].device)
    scores = {name: _scores(cfg, sp, inputs[name]) for name in SETS}
    rocs = {f"{det}:{name}": detection.roc(scores["clean"][det], scores[name][det])
            for det in DETECTORS for name in ("lst", "pgd") if len(scores[name][det]) and len(scores["clean"][det])}
    return {"scores": scores, "roc": rocs, "counts": {name: len(inputs[name]) for name in SETS},
            "lst_traversed": bs.traversed, "lst_kept": bs.kept}


def detection_scores(cfg: Config) -> dict:
    """px-03 (cached): barrier and max-softmax scores of the clean inputs, the LST outputs and the
    PGD adversarials (``"scores"[set][detector]``), the ROCs of each detector for clean vs LST and
    clean vs PGD (``"roc"["barrier:lst"]`` …, absent where a set is empty) and the counts."""
    return cached(cfg, "px.detection", lambda: _detection(cfg))
