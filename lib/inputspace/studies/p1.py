"""P1 — Vrabel, Shem-Ur, Oz & Krueger, "Input Space Mode Connectivity in Deep Neural Networks"
(ICLR 2025, arXiv 2409.05800): knobs and orchestration of the notebooks p1-fig01 … p1-detection.

The paper's full text is not available; algorithms follow the first author's companion code
(``JVrabel/input_space_mode_connectivity``) as transcribed in checklist §P1.3. Quick profile:
the zoo ResNet-18 trained on scikit-learn digits stands for GoogLeNet on ImageNet; a "mode" is
one of the lowest-loss held-out images of a class (companion ``prepare_imagenet_tensors``: the
first ``3k`` images of the class sorted by CE, ``k`` kept). As in the companion, paths and
optimizations live in *normalized* input coordinates without a pixel box (``space`` and
``clamp`` select the alternatives); images are shown in pixels.

Shared cached computations: :func:`bypass_demo` (figs 1-3), :func:`attack_demo` (figs 4, 5).
The untrained-network studies (figs 7, 10, Lipschitz, percolation) are in
:mod:`inputspace.studies.p1_untrained`, the plots in :mod:`inputspace.studies.p1_plots`.
"""
from __future__ import annotations

import functools

import numpy as np
import torch
import torch.nn.functional as F

from .. import connectivity as conn
from .. import data, zoo
from ..attacks import input_optimization_attack
from ..config import Config, Knob
from ..notebook import cached
from .p1_common import OptSpace, _k, opt_space
from .p1_theory import KNOBS as THEORY_KNOBS
from .p1_untrained import KNOBS as UNTRAINED_KNOBS


TRAINED = {
    "arch": _k("resnet18", "resnet18", "resnet18", "classifier (paper: torchvision GoogLeNet, not in "
               "timm: timm resnet18 pretrained stands in)"),
    "space": Knob("normalized", ("normalized", "pixel"), "coordinates of paths and optimization "
                  "(companion: normalized)"),
    "clamp": Knob(False, (True, False), "clamp optimized inputs to valid [0, 1] images (companion: no)"),
    "imagenet_root": Knob("", help="paper: ILSVRC2012 folder (default $INPUTSPACE_IMAGENET)"),
}
DEMO = {
    "class_id": _k(-1, -1, 955, "class of A and C; -1 = the class and mode pair with the largest "
                   "primary barrier gap among every class's modes (paper: 955 jackfruit)"),
    "pair": Knob((0, 1), help="which two modes (ranks by CE) when class_id >= 0 (paper: sel 0, 1)"),
    "n_modes": Knob(3, help="k lowest-loss modes kept of the first 3k images of a class (paper 3)"),
    "scan_points": _k(11, 100, 100, "path points of the scan that picks the class when class_id = -1"),
    "n_points": _k(50, 1000, 1000, "N, points on the primary path (paper 1000); N/2 per secondary"),
    "bypass_iters": _k(8, 1024, 1024, "Adam iterations of the bypass (paper 1024)"),
}
ATTACK = {
    "target_class": _k(0, 0, 574, "class of A and of the attack (paper: 574 golf ball)"),
    "source_class": _k(7, 7, 763, "class of the source K (paper: 763 revolver)"),
    "attack_iters": _k(8, 1024, 1024, "Adam iterations of the Fig 4 attack (paper 1024)"),
    "attack_tv": Knob(1e-7, help="TV weight of the Fig 4 attack (paper 1e-7)"),
}
PATHS = {
    "n_pairs": _k(2, 5, 10, "real-real and real-adversarial comparison pairs (one class each)"),
    "path_points": _k(21, 250, 250, "points per segment (paper 250)"),
    "path_bypass_iters": _k(4, 256, 1024, "bypass iterations per round (paper 1024; quick: CPU budget)"),
    "max_rounds": _k(2, 3, 3, "depth limit of the repeated bypass"),
    "stat_attack_iters": _k(8, 512, 512, "attack iterations, early stop at CE(A) (paper 512)"),
    "n_modes": Knob(3, help="k lowest-loss modes kept of the first 3k images of a class (paper 3)"),
}
STATS = {
    "n_classes": _k(3, 10, 1000, "classes (paper: all 1000 ImageNet classes)"),
    "pairs_per_class": _k(2, 3, 7, "pairs per class (paper 7)"),
    "drop_per_class": _k(0, 1, 2, "pairs with the largest |L1 - L2| dropped per class (paper 2)"),
    "path_points": _k(21, 100, 250, "points per path (paper 250)"),
    "stat_attack_iters": _k(8, 512, 512, "attack iterations, early stop at CE(A) (paper 512)"),
}
DETECT = {
    "n_clean": _k(10, 30, 500, "clean held-out inputs, class-balanced"),
    "n_refs": _k(2, 3, 3, "reference modes per class (lowest-loss training images)"),
    "detect_points": _k(11, 32, 50, "points per path of the barrier score"),
    "reduce": Knob("median", ("median", "min", "mean"), "combination of the per-reference gaps"),
    "pgd_eps": Knob(16 / 255, help="L-inf radius of the PGD adversarials (pixels)"),
    "pgd_iters": _k(5, 20, 20, "PGD iterations (step eps/4)"),
    "detect_attack_iters": _k(8, 256, 512, "iterations of the input-optimization adversarials"),
}
_COMMON = {**TRAINED}
KNOBS: dict[str, dict[str, Knob]] = {
    "p1-fig01": {**_COMMON, **DEMO},
    "p1-fig02": {**_COMMON, **DEMO},
    "p1-fig03": {**_COMMON, **DEMO, "n_columns": Knob(7, help="images per strip (B/B' in the middle)"),
                 "explorer_iters": _k(4, 128, 256, "iterations of the explorer's synthetic and "
                                      "adversarial inputs")},
    "p1-fig04": {**_COMMON, **ATTACK},
    "p1-fig05": {**_COMMON, **ATTACK, **PATHS},
    "p1-fig06": {**_COMMON, **STATS},
    "p1-detection": {**_COMMON, **DETECT},
    **UNTRAINED_KNOBS,
    **THEORY_KNOBS,
}


def trained_space(cfg: Config) -> OptSpace:
    """The notebook's trained classifier (zoo quick/smoke model, paper: pretrained ImageNet)."""
    if cfg.profile == "paper":
        wrapper = zoo.load_model(cfg.arch, "imagenet", "paper", device=cfg.device)
    else:
        wrapper = zoo.load_model(cfg.arch, "digits", cfg.profile, device=cfg.device)
    return opt_space(wrapper, cfg.space, cfg.clamp)


@functools.lru_cache(maxsize=2)
def _digits(split: str) -> data.Split:
    return data.digits(split)


def class_images(cfg: Config, cls: int, n: int, split: str = "heldout") -> torch.Tensor:
    """The first ``n`` images (pixels) of class ``cls`` in data order (paper: ImageNet val/train)."""
    if cfg.profile == "paper":
        ds = data.imagenet("val" if split == "heldout" else "train", cfg.imagenet_root or None)
        idx = np.flatnonzero(np.asarray(ds.targets) == cls)[:n]
        x = data.to_split(ds, idx, "imagenet").x
    else:
        s = _digits(split)
        x = s.x[s.y == cls][:n]
    if len(x) < n:
        raise ValueError(f"class {cls} has {len(x)} images in the {split} split, {n} needed")
    return x.to(cfg.device)


def num_classes(cfg: Config) -> int:
    return 1000 if cfg.profile == "paper" else 10


def modes(cfg: Config, sp: OptSpace, cls: int, k: int, split: str = "heldout") -> tuple[torch.Tensor, torch.Tensor]:
    """The ``k`` modes of a class in optimization coordinates, and their CE (ascending)."""
    pool = sp.encode(class_images(cfg, cls, 3 * k, split))
    y = torch.full((len(pool),), cls, device=pool.device)
    idx, ce = conn.select_modes(sp.model, pool, y, cls, k)
    return pool[idx.to(pool.device)], ce


def _labels(cls: int, n: int, device) -> torch.Tensor:
    return torch.full((n,), cls, dtype=torch.long, device=device)


# --- Figures 1-3: barrier between two modes and its bypass ---------------------------------

def scan_pairs(cfg: Config, sp: OptSpace) -> dict:
    """Primary barrier gap of every mode pair of every class (coarse path): picks Fig 1's pair."""
    pairs = [(i, j) for i in range(cfg.n_modes) for j in range(i + 1, cfg.n_modes)]
    rows = []
    for c in range(num_classes(cfg)):
        z, _ = modes(cfg, sp, c, cfg.n_modes)
        a, b = z[[i for i, _ in pairs]], z[[j for _, j in pairs]]
        _, losses = conn.path_losses(sp.model, a, b, _labels(c, len(pairs), a.device), cfg.scan_points)
        rows += [{"class": c, "pair": list(p), "gap": float(g)} for p, g in zip(pairs, conn.barriers(losses).gap)]
    return {"rows": rows, "best": max(rows, key=lambda r: r["gap"])}


def bypass_demo(cfg: Config) -> dict:
    """Figs 1-3 (cached, shared by the three notebooks): primary path, both bypass variants."""
    keys = ("arch", "space", "clamp", "class_id", "pair", "n_modes", "scan_points", "n_points", "bypass_iters")
    return cached(cfg, "p1.bypass_demo", lambda: _bypass_demo(cfg), shared=True, seed=cfg.seed,
                  **{k: getattr(cfg, k) for k in keys})


def _bypass_demo(cfg: Config) -> dict:
    sp = trained_space(cfg)
    scan = scan_pairs(cfg, sp) if cfg.class_id < 0 else None
    cls, pair = (scan["best"]["class"], tuple(scan["best"]["pair"])) if scan else (cfg.class_id, tuple(cfg.pair))
    z, mode_ce = modes(cfg, sp, cls, max(cfg.n_modes, max(pair) + 1))
    a, c = z[[pair[0]]], z[[pair[1]]]
    y = _labels(cls, 1, a.device)
    alphas, primary = conn.path_losses(sp.model, a, c, y, cfg.n_points)
    bar = conn.barriers(primary)
    b = conn.path_points(a, c, alphas[bar.index])[:, 0]
    out = {"class": cls, "pair": list(pair), "scan": scan, "mode_ce": mode_ce.tolist(),
           "alphas": alphas, "primary": primary[0], "alpha_b": float(bar.alpha[0]),
           "height": float(bar.height[0]), "gap": float(bar.gap[0]),
           "A": sp.decode(a)[0].cpu(), "B": sp.decode(b)[0].cpu(), "C": sp.decode(c)[0].cpu(), "variants": {}}
    for variant in ("companion", "exact"):
        out["variants"][variant] = _bypass_variant(cfg, sp, a, c, b, y, variant, float(primary[0, 0]),
                                                   float(primary[0, -1]))
    return out


def _bypass_variant(cfg, sp, a, c, b, y, variant, la, lc) -> dict:
    res = conn.bypass(sp.model, a, c, b, y, variant=variant, iterations=cfg.bypass_iters, bounds=sp.bounds)
    bp = res.b_prime
    _, sec = conn.path_losses(sp.model, torch.cat([a, bp]), torch.cat([bp, c]), torch.cat([y, y]),
                              max(cfg.n_points // 2, 2))
    b_pix, bp_pix = sp.decode(b), sp.decode(bp)
    return {"b_prime": bp_pix[0].cpu(), "ce": float(res.ce[0]), "cosine": float(res.cosine[0]),
            "history": res.history[:, 0], "secondary": sec,
            "secondary_excess": float(sec.max()) - max(la, lc),
            "secondary_gaps": conn.barriers(sec).gap.tolist(),
            "rel_linf": float((bp_pix - b_pix).abs().max() / b_pix.abs().max())}


def path_strips(cfg: Config, demo: dict, variant: str = "companion", n_check: int = 200) -> dict:
    """Fig 3: images on A -> B' -> C and on A -> C at the same alphas (B/B' in the middle column),
    and the predicted class along a dense sampling of both paths."""
    sp = trained_space(cfg)
    a_b = demo["alpha_b"]
    half = cfg.n_columns // 2
    cols = torch.cat([torch.linspace(0, a_b, half + 1), torch.linspace(a_b, 1, cfg.n_columns - half)[1:]])
    nodes = torch.stack([demo["A"], demo["variants"][variant]["b_prime"], demo["C"]])
    dense = torch.linspace(0, 1, n_check)
    out = {"alphas": cols, "middle": half}
    for name, pts in (("bypass", lambda al: _polyline(nodes, [0.0, a_b, 1.0], al)),
                      ("linear", lambda al: _polyline(nodes[[0, 2]], [0.0, 1.0], al))):
        out[name] = pts(cols)
        with torch.no_grad():
            probs = F.softmax(sp.model(sp.encode(pts(dense).to(cfg.device))), 1).cpu()
        out[name + "_pred"] = probs.argmax(1)
        out[name + "_p"] = probs[:, demo["class"]]
    out["dense"] = dense
    return out


def _polyline(nodes: torch.Tensor, knots: list[float], alphas: torch.Tensor) -> torch.Tensor:
    """Points at ``alphas`` on the piecewise-linear path through ``nodes`` placed at ``knots``
    (linear in pixels = linear in normalized coordinates: the normalization is affine)."""
    out = []
    for al in alphas.tolist():
        k = min(max(i for i in range(len(knots) - 1) if knots[i] <= al), len(knots) - 2)
        t = (al - knots[k]) / max(knots[k + 1] - knots[k], 1e-12)
        out.append((1 - t) * nodes[k] + t * nodes[k + 1])
    return torch.stack(out)


# --- Figure 4: the targeted input-optimization attack ---------------------------------------

def attack_demo(cfg: Config) -> dict:
    """Fig 4 (cached, shared with Fig 5): A = 2nd mode of the target class, K = 2nd mode of the
    source class (companion ``class_*_sel_1``), K' = the attack from K, no early stop."""
    keys = ("arch", "space", "clamp", "target_class", "source_class", "attack_iters", "attack_tv")
    return cached(cfg, "p1.attack_demo", lambda: _attack_demo(cfg), shared=True, seed=cfg.seed,
                  **{k: getattr(cfg, k) for k in keys})


def _attack_demo(cfg: Config) -> dict:
    sp = trained_space(cfg)
    a, ce_a = modes(cfg, sp, cfg.target_class, 3)
    k, _ = modes(cfg, sp, cfg.source_class, 3)
    a, k = a[[1]], k[[1]]
    y = _labels(cfg.target_class, 1, a.device)
    res = input_optimization_attack(sp.model, k, y, iterations=cfg.attack_iters, tv_weight=cfg.attack_tv,
                                    bounds=sp.bounds)
    with torch.no_grad():
        probs = F.softmax(sp.model(torch.cat([a, k, res.x])), 1).cpu()
    pix = sp.decode(torch.cat([a, k, res.x])).cpu()
    return {"A": pix[0], "K": pix[1], "K_adv": pix[2], "pattern": pix[2] - pix[1],
            "A_z": a[0].cpu(), "K_adv_z": res.x[0].cpu(), "probs": probs,
            "ce_A": float(ce_a[1]), "ce_K_adv": float(res.ce[0]), "history": res.history[:, 0],
            "target": cfg.target_class, "source": cfg.source_class}
