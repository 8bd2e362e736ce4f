"""Figures 1-3: the loss barrier on the linear path between two modes of a class, and its
bypass through a point B′ in the hyperplane orthogonal to the path (companion
``JVrabel/input_space_mode_connectivity``; algorithms in :mod:`inputspace.methods.connectivity`).

Shared cached computation: :func:`bypass_demo` (p1-fig01, p1-fig02, p1-fig03); the barrier
explorer's candidate inputs: :func:`explorer_inputs` (p1-fig03).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..cache import cached
from ..config import Config
from ..methods import connectivity as conn
from ..methods.attacks import input_optimization_attack
from ..methods.inputopt import feature_visualization
from .space import OptSpace, class_images, class_labels, modes, num_classes, trained_space


def scan_pairs(cfg: Config, sp: OptSpace) -> dict:
    """Primary barrier gap of every mode pair of every class (coarse path): picks Fig 1's pair."""
    pairs = [(i, j) for i in range(cfg.n_modes) for j in range(i + 1, cfg.n_modes)]
    rows = []
    for c in range(num_classes(cfg)):
        z, _ = modes(cfg, sp, c, cfg.n_modes)
        a, b = z[[i for i, _ in pairs]], z[[j for _, j in pairs]]
        _, losses = conn.path_losses(
            sp.model, a, b, class_labels(c, len(pairs), a.device), cfg.scan_points
        )
        rows += [
            {"class": c, "pair": list(p), "gap": float(g)}
            for p, g in zip(pairs, conn.barriers(losses).gap)
        ]
    return {"rows": rows, "best": max(rows, key=lambda r: r["gap"])}


def bypass_demo(cfg: Config) -> dict:
    """Figs 1-3 (cached, shared by the three notebooks): primary path, both bypass variants."""
    keys = (
        "arch",
        "space",
        "clamp",
        "checkpoint",
        "imagenet_root",
        "class_id",
        "pair",
        "n_modes",
        "mode_pool",
        "scan_points",
        "n_points",
        "bypass_iters",
    )
    return cached(
        cfg,
        "p1.bypass_demo",
        lambda: _bypass_demo(cfg),
        shared=True,
        seed=cfg.seed,
        **{k: getattr(cfg, k) for k in keys},
    )


def _bypass_demo(cfg: Config) -> dict:
    sp = trained_space(cfg)
    scan = scan_pairs(cfg, sp) if cfg.class_id < 0 else None
    cls, pair = (
        (scan["best"]["class"], tuple(scan["best"]["pair"]))
        if scan
        else (cfg.class_id, tuple(cfg.pair))
    )
    z, mode_ce = modes(cfg, sp, cls, max(cfg.n_modes, max(pair) + 1))
    a, c = z[[pair[0]]], z[[pair[1]]]
    y = class_labels(cls, 1, a.device)
    alphas, primary = conn.path_losses(sp.model, a, c, y, cfg.n_points)
    bar = conn.barriers(primary)
    b = conn.path_points(a, c, alphas[bar.index])[:, 0]
    out = {
        "class": cls,
        "pair": list(pair),
        "scan": scan,
        "mode_ce": mode_ce.tolist(),
        "alphas": alphas,
        "primary": primary[0],
        "alpha_b": float(bar.alpha[0]),
        "height": float(bar.height[0]),
        "gap": float(bar.gap[0]),
        "A": sp.decode(a)[0].cpu(),
        "B": sp.decode(b)[0].cpu(),
        "C": sp.decode(c)[0].cpu(),
        "variants": {},
    }
    for variant in ("companion", "exact"):
        out["variants"][variant] = bypass_variant(
            cfg, sp, a, c, b, y, variant, float(primary[0, 0]), float(primary[0, -1])
        )
    return out


def bypass_variant(
    cfg: Config,
    sp: OptSpace,
    a: torch.Tensor,
    c: torch.Tensor,
    b: torch.Tensor,
    y: torch.Tensor,
    variant: str,
    la: float,
    lc: float,
) -> dict:
    """One bypass variant on the pair (A, C) with barrier point B (``bypass_iters`` Adam steps): B′,
    CE(B′), cos(B′ − B, C − A), the secondary paths A → B′ → C (``n_points // 2`` points each, their
    excess over max(L_A, L_C) = ``max(la, lc)`` and interior gaps) and max|B′ − B| / max|B| in pixels."""
    res = conn.bypass(
        sp.model, a, c, b, y, variant=variant, iterations=cfg.bypass_iters, bounds=sp.bounds
    )
    bp = res.b_prime
    _, sec = conn.path_losses(
        sp.model,
        torch.cat([a, bp]),
        torch.cat([bp, c]),
        torch.cat([y, y]),
        max(cfg.n_points // 2, 2),
    )
    b_pix, bp_pix = sp.decode(b), sp.decode(bp)
    return {
        "b_prime": bp_pix[0].cpu(),
        "ce": float(res.ce[0]),
        "cosine": float(res.cosine[0]),
        "history": res.history[:, 0],
        "secondary": sec,
        "secondary_excess": float(sec.max()) - max(la, lc),
        "secondary_gaps": conn.barriers(sec).gap.tolist(),
        "rel_linf": float((bp_pix - b_pix).abs().max() / b_pix.abs().max()),
    }


def path_strips(cfg: Config, demo: dict, variant: str = "companion", chunk: int = 256) -> dict:
    """Fig 3: images on A -> B' -> C and on A -> C at the same alphas (B/B' in the middle column),
    and the predicted class along a dense sampling of both paths (``check_points`` points each,
    evaluated ``chunk`` images at a time)."""
    sp = trained_space(cfg)
    a_b = demo["alpha_b"]
    half = cfg.n_columns // 2
    cols = torch.cat(
        [torch.linspace(0, a_b, half + 1), torch.linspace(a_b, 1, cfg.n_columns - half)[1:]]
    )
    nodes = torch.stack([demo["A"], demo["variants"][variant]["b_prime"], demo["C"]])
    dense = torch.linspace(0, 1, cfg.check_points)
    out = {"alphas": cols, "middle": half}
    for name, pts in (
        ("bypass", lambda al: polyline(nodes, [0.0, a_b, 1.0], al)),
        ("linear", lambda al: polyline(nodes[[0, 2]], [0.0, 1.0], al)),
    ):
        out[name] = pts(cols)
        with torch.no_grad():
            probs = torch.cat(
                [
                    F.softmax(sp.model(sp.encode(pts(al).to(cfg.device))), 1).cpu()
                    for al in dense.split(chunk)
                ]
            )
        out[name + "_pred"] = probs.argmax(1)
        out[name + "_p"] = probs[:, demo["class"]]
    out["dense"] = dense
    return out


def polyline(nodes: torch.Tensor, knots: list[float], alphas: torch.Tensor) -> torch.Tensor:
    """Points at ``alphas`` on the piecewise-linear path through ``nodes`` placed at ``knots``
    (linear in pixels = linear in normalized coordinates: the normalization is affine)."""
    out = []
    for al in alphas.tolist():
        k = min(max(i for i in range(len(knots) - 1) if knots[i] <= al), len(knots) - 2)
        t = (al - knots[k]) / max(knots[k + 1] - knots[k], 1e-12)
        out.append((1 - t) * nodes[k] + t * nodes[k + 1])
    return torch.stack(out)


# --- p1-fig03's barrier explorer: its candidate inputs ------------------------------------------


def explorer_inputs(cfg: Config, cls: int) -> dict[str, torch.Tensor]:
    """Candidate inputs (pixels, cached): two real modes of ``cls``, one of two other classes,
    a synthetic FVO mode of ``cls`` and an adversarial K' (attack from another class to ``cls``)."""
    return cached(cfg, "p1.explorer_inputs", lambda: _explorer_inputs(cfg, cls), cls=cls)


def _explorer_inputs(cfg: Config, cls: int) -> dict[str, torch.Tensor]:
    sp = trained_space(cfg)
    z, _ = modes(cfg, sp, cls, cfg.n_modes)
    others = [(cls + 1) % num_classes(cfg), (cls + 2) % num_classes(cfg)]
    out = {f"real: class {cls} mode {i}": sp.decode(z[i : i + 1])[0].cpu() for i in range(2)}
    for o in others:
        out[f"real: class {o} mode 0"] = sp.decode(modes(cfg, sp, o, cfg.n_modes)[0][:1])[0].cpu()
    y = torch.tensor([cls], device=z.device)
    g = torch.Generator().manual_seed(cfg.seed)
    fvo = feature_visualization(
        sp.model, y, shape=tuple(z.shape[1:]), generator=g, iterations=cfg.explorer_iters
    )
    out[f"synthetic: FVO class {cls}"] = sp.decode(fvo.x[:1])[0].cpu()
    src = sp.encode(class_images(cfg, others[0], 1))
    adv = input_optimization_attack(sp.model, src, y, iterations=cfg.explorer_iters, tv_weight=1e-8)
    out[f"adversarial: {others[0]} → {cls}"] = sp.decode(adv.x[:1])[0].cpu()
    return out
