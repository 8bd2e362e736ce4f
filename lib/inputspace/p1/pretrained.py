"""P1 on the real network: modes of a class, barriers on the paths between them, their bypass,
adversarial modes and the barrier detector (``docs/real-network.md``; P1's algorithms are
:mod:`inputspace.methods.connectivity`, :mod:`~inputspace.methods.inputopt`,
:mod:`~inputspace.methods.attacks` and :mod:`~inputspace.methods.detection`).

No training images exist offline, so a class's *modes* are the pool photo of the class and P1's
synthetic modes of it: feature visualization towards the class (the companion's FVO: Adam lr 0.05
from 0.01 · noise, stop at CE < 5e-3 as App F.1, the first of each pair with Sec 4.3's TV weight
2.5e-7, the second without). Paths and optimizations live in the notebook's P1 coordinates
(knob ``space``: the companion's normalized coordinates by default). Results have the layout of the
digits results (:func:`inputspace.p1.barriers.bypass_demo`, :func:`inputspace.p1.adversarial.
attack_demo`, :func:`~inputspace.p1.adversarial.detection_study`), so P1's tables, plots and claims
read them unchanged.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..cache import cached
from ..config import Config
from ..methods import connectivity as conn
from ..methods import detection
from ..methods.attacks import input_optimization_attack, pgd_linf
from ..methods.inputopt import FVO_TV_A, feature_visualization
from ..real import pool as real_pool
from .adversarial import early_stopped_attack
from .barriers import bypass_variant
from .space import OptSpace, opt_space

FVO_STOP = 5e-3
"""App F.1's FVO stop (CE < 5e-3)."""
ADV_SOURCES = 5
"""K′ sources: the first candidates outside the pool (the addendum of docs/real-network.md)."""
STEREO = ("motorcycle_left", "motorcycle_right")


def space(cfg: Config) -> OptSpace:
    """The real network in P1's coordinates (knobs ``space``, ``clamp``)."""
    return opt_space(real_pool.model(cfg), cfg.space, cfg.clamp)


def _key(cfg: Config) -> dict:
    return {"arch": cfg.real_arch, "space": cfg.space, "clamp": cfg.clamp, "seed": cfg.seed}


def synthetic_modes(cfg: Config, cls: int) -> dict:
    """``real_modes`` synthetic modes of class ``cls`` (cached, shared): ``z`` (P1 coordinates),
    ``ce`` and ``iterations`` (FVO, module doc; at most ``real_fvo_iters`` iterations)."""

    def compute() -> dict:
        sp, k = space(cfg), cfg.real_modes
        size = real_pool.model(cfg).input_size
        g = torch.Generator().manual_seed(cfg.seed * 100_003 + cls)
        tv = torch.tensor([FVO_TV_A if i % 2 == 0 else 0.0 for i in range(k)])
        y = torch.full((k,), cls, dtype=torch.long, device=cfg.device)
        res = feature_visualization(
            sp.model,
            y,
            shape=(3, size, size),
            generator=g,
            iterations=cfg.real_fvo_iters,
            stop=FVO_STOP,
            tv_weight=tv.to(cfg.device),
            bounds=sp.bounds,
        )
        return {"z": res.x.cpu(), "ce": res.ce.cpu(), "iterations": res.iterations.cpu()}

    return cached(
        cfg,
        "real.fvo",
        compute,
        shared=True,
        cls=cls,
        k=cfg.real_modes,
        iters=cfg.real_fvo_iters,
        stop=FVO_STOP,
        **_key(cfg),
    )


def references(cfg: Config, classes) -> tuple[torch.Tensor, torch.Tensor]:
    """The synthetic modes of ``classes`` (sorted, unique) and their labels (P1 coordinates, on the device)."""
    cs = sorted({int(c) for c in classes})
    z = [synthetic_modes(cfg, c)["z"] for c in cs]
    labels = torch.tensor([c for c, r in zip(cs, z) for _ in range(len(r))])
    return torch.cat(z).to(cfg.device), labels.to(cfg.device)


def _pool(cfg: Config) -> tuple[torch.Tensor, torch.Tensor, list[str]]:
    """The pool photos (pixels), their labels and names."""
    cand, idx = real_pool.candidates(cfg), real_pool.pool_index(cfg)
    return cand["x"][idx], cand["top_index"][idx, 0], [cand["names"][i] for i in idx]


def same_class_pairs(cfg: Config) -> dict:
    """The same-class pairs (pixels ``a``, ``c``, labels ``y``, ``kind``, ``names``): each pool photo
    with each of its class's synthetic modes, then the motorcycle stereo pair when both views have
    the same accepted top-1 class (a row of its own)."""
    sp = space(cfg)
    x, y, names = _pool(cfg)
    a, c, ys, kinds, pair_names = [], [], [], [], []
    for i in range(len(x)):
        modes = sp.decode(synthetic_modes(cfg, int(y[i]))["z"].to(cfg.device)).cpu()
        for m in range(len(modes)):
            a.append(x[i]), c.append(modes[m]), ys.append(int(y[i]))
            kinds.append("photo-synthetic"), pair_names.append(f"{names[i]} ↔ synthetic {m}")
    cand = real_pool.candidates(cfg)
    left, right = (cand["names"].index(n) for n in STEREO)
    top = cand["top_index"][:, 0]
    if bool(cand["accepted"][left] and cand["accepted"][right]) and int(top[left]) == int(
        top[right]
    ):
        a.append(cand["x"][left]), c.append(cand["x"][right]), ys.append(int(top[left]))
        kinds.append("stereo pair"), pair_names.append(" ↔ ".join(STEREO))
    return {
        "a": torch.stack(a),
        "c": torch.stack(c),
        "y": torch.tensor(ys),
        "kind": kinds,
        "names": pair_names,
    }


def _path_rows(cfg: Config, pairs: dict, n_points: int) -> dict:
    """Loss curves and barriers of the pairs' straight paths (P1 coordinates)."""
    sp = space(cfg)
    a, c = sp.encode(pairs["a"].to(cfg.device)), sp.encode(pairs["c"].to(cfg.device))
    alphas, losses = conn.path_losses(sp.model, a, c, pairs["y"].to(cfg.device), n_points)
    bar = conn.barriers(losses)
    return {
        "alphas": alphas,
        "losses": losses,
        "gap": bar.gap,
        "height": bar.height,
        "alpha": bar.alpha,
        "L_A": losses[:, 0],
        "L_C": losses[:, -1],
    }


def same_class(cfg: Config) -> dict:
    """The same-class pairs and their straight paths at ``n_points`` points (cached, shared by
    p1-fig01 and p1-fig02): :func:`same_class_pairs` plus the loss curves and barriers."""

    def compute() -> dict:
        pairs = same_class_pairs(cfg)
        return {
            **{k: pairs[k] for k in ("y", "kind", "names")},
            **_path_rows(cfg, pairs, cfg.n_points),
        }

    return cached(
        cfg,
        "real.same_class",
        compute,
        shared=True,
        n_points=cfg.n_points,
        k=cfg.real_modes,
        fvo_iters=cfg.real_fvo_iters,
        **_key(cfg),
    )


def bypass_demo(cfg: Config) -> dict:
    """Figs 1-2 on the real network (cached, shared): the same-class pair with the largest barrier
    gap, its barrier B and both bypass variants, in the layout of
    :func:`inputspace.p1.barriers.bypass_demo` (``scan``: every same-class pair's gap)."""

    def compute() -> dict:
        sp, pairs, paths = space(cfg), same_class_pairs(cfg), same_class(cfg)
        best = int(paths["gap"].argmax())
        a, c = (
            sp.encode(pairs["a"][[best]].to(cfg.device)),
            sp.encode(pairs["c"][[best]].to(cfg.device)),
        )
        y = pairs["y"][[best]].to(cfg.device)
        primary, alphas = paths["losses"][[best]], paths["alphas"]
        index = int(primary[0].argmax())
        b = conn.path_points(a, c, alphas[[index]])[:, 0]
        rows = [
            {"class": int(cls), "pair": [name], "gap": float(g)}
            for cls, name, g in zip(pairs["y"], pairs["names"], paths["gap"])
        ]
        out = {
            "class": int(y[0]),
            "pair": [pairs["names"][best]],
            "scan": {"rows": rows, "best": rows[best]},
            "mode_ce": [float(primary[0, 0]), float(primary[0, -1])],
            "alphas": alphas,
            "primary": primary[0],
            "alpha_b": float(alphas[index]),
            "height": float(primary[0, index]),
            "gap": float(paths["gap"][best]),
            "A": pairs["a"][best],
            "B": sp.decode(b)[0].cpu(),
            "C": pairs["c"][best],
            "variants": {},
        }
        for variant in ("companion", "exact"):
            out["variants"][variant] = bypass_variant(
                cfg, sp, a, c, b, y, variant, float(primary[0, 0]), float(primary[0, -1])
            )
        return out

    return cached(
        cfg,
        "real.bypass_demo",
        compute,
        shared=True,
        n_points=cfg.n_points,
        bypass_iters=cfg.bypass_iters,
        k=cfg.real_modes,
        fvo_iters=cfg.real_fvo_iters,
        **_key(cfg),
    )


# --- adversarial modes (Figs 4 and 6) -------------------------------------------------------------


def attack_demo(cfg: Config) -> dict:
    """Fig 4 on the real network (cached): A = the first pool photo, K = the second, K′ = the attack
    from K towards A's class (``attack_iters``, TV ``attack_tv``, no early stop), in the layout of
    :func:`inputspace.p1.adversarial.attack_demo`."""

    def compute() -> dict:
        sp = space(cfg)
        x, y, _ = _pool(cfg)
        a, k = sp.encode(x[[0]].to(cfg.device)), sp.encode(x[[1]].to(cfg.device))
        target = y[[0]].to(cfg.device)
        res = input_optimization_attack(
            sp.model,
            k,
            target,
            iterations=cfg.attack_iters,
            tv_weight=cfg.attack_tv,
            bounds=sp.bounds,
        )
        with torch.no_grad():
            probs = F.softmax(sp.model(torch.cat([a, k, res.x])), 1).cpu()
            ce_a = float(F.cross_entropy(sp.model(a), target))
        pix = sp.decode(torch.cat([a, k, res.x])).cpu()
        return {
            "A": pix[0],
            "K": pix[1],
            "K_adv": pix[2],
            "pattern": pix[2] - pix[1],
            "A_z": a[0].cpu(),
            "K_adv_z": res.x[0].cpu(),
            "probs": probs,
            "ce_A": ce_a,
            "ce_K_adv": float(res.ce[0]),
            "history": res.history[:, 0],
            "target": int(y[0]),
            "source": int(y[1]),
        }

    return cached(
        cfg,
        "real.attack_demo",
        compute,
        attack_iters=cfg.attack_iters,
        attack_tv=cfg.attack_tv,
        **_key(cfg),
    )


def adversarial_modes(cfg: Config) -> dict:
    """K′ of the real network (cached, shared by p1-fig04 and p1-detection): from each of the first
    :data:`ADV_SOURCES` candidates outside the pool towards each pool photo's class, Fig 6's attack
    (TV 1e-8, ``real_attack_iters`` iterations, early stop at CE(A) of the class's pool photo A).
    Returns pixels ``k_adv``, ``source`` / ``target`` names, ``y`` (target classes), ``ce``,
    ``ce_A`` and ``success`` (K′ predicted as its target)."""

    def compute() -> dict:
        sp, cand = space(cfg), real_pool.candidates(cfg)
        x, y, names = _pool(cfg)
        outside = (~cand["in_pool"]).nonzero()[:, 0][:ADV_SOURCES]
        with torch.no_grad():
            ce_a = F.cross_entropy(
                sp.pixel_model(x.to(cfg.device)), y.to(cfg.device), reduction="none"
            ).cpu()
        src = cand["x"][outside].repeat(len(x), 1, 1, 1)
        tgt = y.repeat_interleave(len(outside))
        stop = ce_a.repeat_interleave(len(outside))
        adv = sp.decode(
            early_stopped_attack(
                sp,
                sp.encode(src.to(cfg.device)),
                tgt.to(cfg.device),
                stop.to(cfg.device),
                cfg.real_attack_iters,
            )
        ).cpu()
        with torch.no_grad():
            logits = sp.pixel_model(adv.to(cfg.device)).cpu()
        return {
            "k_adv": adv,
            "y": tgt,
            "ce": F.cross_entropy(logits, tgt, reduction="none"),
            "ce_A": stop,
            "success": logits.argmax(1) == tgt,
            "a_index": torch.arange(len(x)).repeat_interleave(len(outside)),
            "source": [cand["names"][int(i)] for i in outside] * len(x),
            "target": [n for n in names for _ in range(len(outside))],
        }

    return cached(
        cfg,
        "real.adversarial_modes",
        compute,
        shared=True,
        iters=cfg.real_attack_iters,
        sources=ADV_SOURCES,
        **_key(cfg),
    )


def adversarial_paths(cfg: Config) -> dict:
    """Straight paths A → K′ (A: the pool photo of K′'s target class) and, at the same resolution
    (``real_adv_points``), the same-class paths, for P1.7-4d (cached): ``adversarial`` and
    ``same_class`` path rows, each K′'s ``success``, ``ce`` and ``ce_A``."""
    n_points = cfg.real_adv_points

    def compute() -> dict:
        adv, (x, _, _) = adversarial_modes(cfg), _pool(cfg)
        pairs = {"a": x[adv["a_index"]], "c": adv["k_adv"], "y": adv["y"]}
        return {
            "adversarial": _path_rows(cfg, pairs, n_points),
            "same_class": _path_rows(cfg, same_class_pairs(cfg), n_points),
            **{k: adv[k] for k in ("success", "ce", "ce_A", "source", "target")},
        }

    return cached(cfg, "real.adversarial_paths", compute, n_points=n_points)


# --- the barrier detector ------------------------------------------------------------------------


def detection_study(cfg: Config) -> dict:
    """p1-detection on the real network (cached): clean = every candidate photo; adversarials =
    their successful PGD (ε ``pgd_eps``, ``pgd_iters`` steps of ε/4, untargeted against the clean
    top-1) and the successful K′ of :func:`adversarial_modes`; score = the barrier gap towards the
    synthetic modes of the predicted class (``detect_points`` points, reduced by ``reduce``) and
    1 − max softmax; in the layout of :func:`inputspace.p1.adversarial.detection_study`."""

    def compute() -> dict:
        sp, cand = space(cfg), real_pool.candidates(cfg)
        clean = cand["x"].to(cfg.device)
        top = cand["top_index"][:, 0].to(cfg.device)
        g = torch.Generator().manual_seed(cfg.seed)
        pgd = pgd_linf(
            sp.pixel_model,
            clean,
            top,
            eps=cfg.pgd_eps,
            iters=cfg.pgd_iters,
            step_size=cfg.pgd_eps / 4,
            generator=g,
        )
        pgd_ok = detection.predict(sp.pixel_model, pgd) != top
        adv = adversarial_modes(cfg)
        inputs = {
            "clean": clean,
            "pgd": pgd[pgd_ok],
            "inputopt": adv["k_adv"][adv["success"]].to(cfg.device),
        }
        scores = {name: detector_scores(cfg, sp, x) for name, x in inputs.items()}
        rocs = {
            f"{d}:{a}": detection.roc(scores["clean"][d], scores[a][d])
            for d in ("barrier", "softmax")
            for a in ("pgd", "inputopt")
            if len(scores[a][d])
        }
        return {
            "scores": scores,
            "roc": rocs,
            "counts": {k: len(v) for k, v in inputs.items()},
            "rates": {
                "clean_kept": 1.0,
                "pgd_success": float(pgd_ok.float().mean()),
                "inputopt_success": float(adv["success"].float().mean()),
            },
        }

    return cached(
        cfg,
        "real.detection",
        compute,
        shared=True,
        pgd_eps=cfg.pgd_eps,
        pgd_iters=cfg.pgd_iters,
        detect_points=cfg.detect_points,
        reduce=cfg.reduce,
        k=cfg.real_modes,
        fvo_iters=cfg.real_fvo_iters,
        attack_iters=cfg.real_attack_iters,
        **_key(cfg),
    )


def detector_scores(cfg: Config, sp: OptSpace, x: torch.Tensor) -> dict[str, torch.Tensor]:
    """The barrier and max-softmax scores of inputs ``x`` (pixels): the barrier towards the synthetic
    modes of each input's predicted class (:func:`references`), and 1 − max softmax."""
    z = sp.encode(x)
    if not len(z):
        return {"barrier": torch.empty(0), "softmax": torch.empty(0)}
    refs, labels = references(cfg, detection.predict(sp.model, z).tolist())
    return {
        "barrier": detection.barrier_scores(
            sp.model, z, refs, labels, n_points=cfg.detect_points, reduce=cfg.reduce
        ),
        "softmax": detection.max_softmax_scores(sp.pixel_model, x),
    }


def p1_label(cfg: Config) -> str:
    """The scorecard's label of P1's real-network rows: the network and the images its modes, K′
    and detector inputs come from."""
    cand, idx = real_pool.candidates(cfg), real_pool.pool_index(cfg)
    outside = (~cand["in_pool"]).nonzero()[:, 0][:ADV_SOURCES]
    return (
        f"{real_pool.network_name(cfg.real_arch)}; modes: pool photos {', '.join(cand['names'][i] for i in idx)} and "
        f"{cfg.real_modes} synthetic modes of each class, the motorcycle stereo pair; K′ from "
        f"{', '.join(cand['names'][i] for i in outside)}; detector inputs: all {len(cand['names'])} candidate photos"
    )
