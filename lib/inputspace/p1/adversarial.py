"""Adversarial modes: the targeted input-optimization attack (Fig 4), path complexity
real ↔ adversarial (Fig 5), barrier statistics within-class vs adversarial (Fig 6) and the
barrier-based detector (p1-detection, our protocol for the abstract's "potential for
adversarial detection"). Attacks: companion ``create_adversarial``
(:func:`inputspace.methods.attacks.input_optimization_attack`).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ..cache import cached
from ..config import Config
from ..methods import connectivity as conn
from ..methods import detection
from ..methods.attacks import input_optimization_attack, pgd_linf
from .knobs import STAT_TV
from .space import OptSpace, class_images, class_labels, modes, num_classes, trained_space


def other_class(c: int, n: int, g: torch.Generator) -> int:
    """A random class different from ``c`` among ``n`` (companion: ``c'`` random != c), drawn
    uniformly from ``g``."""
    return (c + 1 + int(torch.randint(n - 1, (1,), generator=g))) % n


def early_stopped_attack(
    sp: OptSpace,
    source: torch.Tensor,
    target: torch.Tensor,
    stop: torch.Tensor,
    iters: int,
    chunk: int = 64,
) -> torch.Tensor:
    """Fig 6's attack (TV :data:`~inputspace.p1.knobs.STAT_TV`, early stop once the target CE is
    below ``stop``) in chunks of rows; returns K'."""
    out = [
        input_optimization_attack(
            sp.model,
            source[i : i + chunk],
            target[i : i + chunk],
            iterations=iters,
            tv_weight=STAT_TV,
            early_stop=stop[i : i + chunk],
            bounds=sp.bounds,
        ).x
        for i in range(0, len(source), chunk)
    ]
    return torch.cat(out)


@torch.no_grad()
def _ce(sp: OptSpace, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(sp.model(x), y, reduction="none")


# --- Figure 4: the targeted input-optimization attack ---------------------------------------


def attack_demo(cfg: Config) -> dict:
    """Fig 4 (cached, shared with Fig 5): A = 2nd mode of the target class, K = 2nd mode of the
    source class (companion ``class_*_sel_1``), K' = the attack from K, no early stop."""
    keys = (
        "arch",
        "space",
        "clamp",
        "checkpoint",
        "imagenet_root",
        "target_class",
        "source_class",
        "attack_iters",
        "attack_tv",
        "n_modes",
        "mode_pool",
    )
    return cached(
        cfg,
        "p1.attack_demo",
        lambda: _attack_demo(cfg),
        shared=True,
        seed=cfg.seed,
        **{k: getattr(cfg, k) for k in keys},
    )


def _attack_demo(cfg: Config) -> dict:
    sp = trained_space(cfg)
    a, ce_a = modes(cfg, sp, cfg.target_class, cfg.n_modes)
    k, _ = modes(cfg, sp, cfg.source_class, cfg.n_modes)
    a, k = a[[1]], k[[1]]
    y = class_labels(cfg.target_class, 1, a.device)
    res = input_optimization_attack(
        sp.model, k, y, iterations=cfg.attack_iters, tv_weight=cfg.attack_tv, bounds=sp.bounds
    )
    with torch.no_grad():
        probs = F.softmax(sp.model(torch.cat([a, k, res.x])), 1).cpu()
    pix = sp.decode(torch.cat([a, k, res.x])).cpu()
    return {
        "A": pix[0],
        "K": pix[1],
        "K_adv": pix[2],
        "pattern": pix[2] - pix[1],
        "A_z": a[0].cpu(),
        "K_adv_z": res.x[0].cpu(),
        "probs": probs,
        "ce_A": float(ce_a[1]),
        "ce_K_adv": float(res.ce[0]),
        "history": res.history[:, 0],
        "target": cfg.target_class,
        "source": cfg.source_class,
    }


# --- Figure 5: path complexity ------------------------------------------------------------


def adversarial_paths(cfg: Config) -> dict:
    """Fig 5 (cached): repeated bypass on the Fig 4 pair (A, K') and on ``n_pairs`` real<->real
    and real<->adversarial pairs (one class each)."""
    return cached(cfg, "p1.adversarial_paths", lambda: _adversarial_paths(cfg))


def _comparison_pairs(cfg: Config, sp: OptSpace) -> tuple[torch.Tensor, ...]:
    """Per pair i (class ``i mod n``): real<->real = modes 0 and 1 of the class; real<->adv =
    mode 0 and K' = attack from mode 0 of a random other class, early stop at CE(mode 0)."""
    g = torch.Generator().manual_seed(cfg.seed)
    a, c, src, ce_a, y = [], [], [], [], []
    for i in range(cfg.n_pairs):
        cls = i % num_classes(cfg)
        z, ce = modes(cfg, sp, cls, cfg.n_modes)
        other, _ = modes(cfg, sp, other_class(cls, num_classes(cfg), g), cfg.n_modes)
        a.append(z[0])
        c.append(z[1])
        src.append(other[0])
        ce_a.append(ce[0])
        y.append(cls)
    a, c, src = torch.stack(a), torch.stack(c), torch.stack(src)
    y = torch.tensor(y, device=a.device)
    k_adv = early_stopped_attack(sp, src, y, torch.stack(ce_a).to(a.device), cfg.stat_attack_iters)
    return torch.cat([a, a]), torch.cat([c, k_adv]), torch.cat([y, y])


def _adversarial_paths(cfg: Config) -> dict:
    sp = trained_space(cfg)
    demo = attack_demo(cfg)
    a, c, y = _comparison_pairs(cfg, sp)
    a = torch.cat([demo["A_z"][None].to(a.device), a])
    c = torch.cat([demo["K_adv_z"][None].to(a.device), c])
    y = torch.cat([torch.tensor([demo["target"]], device=a.device), y])
    kind = ["demo"] + ["real-real"] * cfg.n_pairs + ["real-adversarial"] * cfg.n_pairs
    res = conn.connect(
        sp.model,
        a,
        c,
        y,
        n_points=cfg.path_points,
        max_rounds=cfg.max_rounds,
        method="companion",
        iterations=cfg.path_bypass_iters,
        bounds=sp.bounds,
    )
    rows = [_summary(r, k, int(yy)) for r, k, yy in zip(res, kind, y)]
    first = res[0].rounds
    b_idx = int(first[0].barrier.index[0])
    b = conn.path_points(a[:1], c[:1], torch.tensor([b_idx / (cfg.path_points - 1)]))[:, 0]
    return {
        "rows": rows,
        "B": sp.decode(b)[0].cpu(),
        "A": demo["A"],
        "K_adv": demo["K_adv"],
        "curves": [rd.curves for rd in first],
        "nodes_alpha": [_node_alphas(rd) for rd in first],
        "ok": [rd.ok for rd in first],
        "delta": conn.DELTA,
    }


def _node_alphas(rd: conn.Round) -> torch.Tensor:
    """Cumulative path length of the vertices, normalized to [0, 1] (x axis of the plots)."""
    seg = (rd.nodes[1:] - rd.nodes[:-1]).flatten(1).norm(dim=1)
    cum = torch.cat([torch.zeros(1, device=seg.device), seg.cumsum(0)])
    return (cum / cum[-1]).cpu()


def _summary(res: conn.ConnectResult, kind: str, cls: int) -> dict:
    r0 = res.rounds[0]
    after1 = res.rounds[1] if len(res.rounds) > 1 else r0
    return {
        "kind": kind,
        "class": cls,
        "rounds_needed": -1 if res.rounds_needed is None else res.rounds_needed,
        "primary_height": float(r0.barrier.height[0]),
        "primary_gap": float(r0.barrier.gap[0]),
        "secondary_above_delta": int((~after1.ok).sum()),
        "secondary_max_gap": float(after1.barrier.gap.max()),
        "excess_per_round": [rd.path_excess for rd in res.rounds],
        "segments_per_round": [len(rd.ok) for rd in res.rounds],
    }


# --- Figure 6: barrier statistics -------------------------------------------------------------


def barrier_stats(cfg: Config) -> dict:
    """Fig 6 (cached): within-class and adversarial barriers, ``pairs_per_class`` per class."""
    return cached(cfg, "p1.barrier_stats", lambda: _barrier_stats(cfg))


def _stat_pairs(cfg: Config, sp: OptSpace) -> tuple[torch.Tensor, ...]:
    """Companion ``compute_*_barriers``: within ``(img_2p, img_2p+1)`` of class c; adversarial
    ``(img_2p, ADV(img_2p of a random class c' != c))``."""
    g = torch.Generator().manual_seed(cfg.seed)
    n, ppc = cfg.n_classes, cfg.pairs_per_class
    t1, t2, src, cls = [], [], [], []
    for c in range(n):
        x = sp.encode(class_images(cfg, c, 2 * ppc))
        t1.append(x[0::2])
        t2.append(x[1::2])
        src += [
            sp.encode(class_images(cfg, other_class(c, num_classes(cfg), g), 2 * ppc))[2 * p]
            for p in range(ppc)
        ]
        cls += [c] * ppc
    return torch.cat(t1), torch.cat(t2), torch.stack(src), torch.tensor(cls, device=t1[0].device)


def _barrier_stats(cfg: Config) -> dict:
    sp = trained_space(cfg)
    t1, t2, src, cls = _stat_pairs(cfg, sp)
    adv = early_stopped_attack(sp, src, cls, _ce(sp, t1, cls), cfg.stat_attack_iters)
    rows = []
    for kind, ends in (("within", t2), ("adversarial", adv)):
        _, losses = conn.path_losses(sp.model, t1, ends, cls, cfg.path_points)
        bar = conn.barriers(losses)
        rows += [
            {
                "kind": kind,
                "class": int(c),
                "pair": i % cfg.pairs_per_class,
                "L1": float(ls[0]),
                "L2": float(ls[-1]),
                "max": float(h),
                "gap": float(gp),
            }
            for i, (c, ls, h, gp) in enumerate(zip(cls, losses, bar.height, bar.gap))
        ]
    return {
        "rows": drop_largest_diff(rows, cfg.drop_per_class),
        "delta": conn.DELTA,
        "adv_success": float((detection.predict(sp.model, adv) == cls).float().mean()),
    }


def drop_largest_diff(rows: list[dict], drop: int) -> list[dict]:
    """Companion ``postprocess_barriers``: per class and kind, mark the ``drop`` pairs with the
    largest ``|L1 - L2|`` as not kept (rows stay, in order, with ``kept`` False)."""
    for r in rows:
        r["kept"] = True
    groups: dict = {}
    for r in rows:
        groups.setdefault((r["kind"], r["class"]), []).append(r)
    for grp in groups.values():
        for r in sorted(grp, key=lambda r: -abs(r["L1"] - r["L2"]))[:drop]:
            r["kept"] = False
    return rows


# --- p1-detection ----------------------------------------------------------------------------


def detection_study(cfg: Config) -> dict:
    """Barrier detector vs max-softmax on clean, PGD and input-optimization inputs (cached)."""
    return cached(cfg, "p1.detection", lambda: _detection_study(cfg))


class References:
    """The ``n_refs`` lowest-loss *training* images of a class (reference modes) and their CE,
    computed on first use per class: the detector needs those of the attacks' target classes
    and of the classes the scored inputs are predicted as, not all 1000 ImageNet classes'."""

    def __init__(self, cfg: Config, sp: OptSpace) -> None:
        self.cfg, self.sp, self.by_class = cfg, sp, {}

    def of(self, c: int) -> tuple[torch.Tensor, torch.Tensor]:
        if c not in self.by_class:
            self.by_class[c] = modes(self.cfg, self.sp, c, self.cfg.n_refs, split="train")
        return self.by_class[c]

    def min_ce(self, c: int) -> torch.Tensor:
        return self.of(c)[1].min()

    def stacked(self, classes) -> tuple[torch.Tensor, torch.Tensor]:
        """References of ``classes`` (sorted, unique) and their labels."""
        cs = sorted({int(c) for c in classes})
        z = [self.of(c)[0] for c in cs]
        return torch.cat(z), torch.tensor(
            [c for c, r in zip(cs, z) for _ in range(len(r))], device=z[0].device
        )


def clean_classes(n_clean: int, n_classes: int) -> tuple[list[int], int]:
    """Classes of the clean inputs and images per class: ``n_clean // n_classes`` of every class,
    or, with fewer inputs than classes (ImageNet: 500 of 1000), one of ``n_clean`` evenly spaced
    classes."""
    if n_clean >= n_classes:
        return list(range(n_classes)), n_clean // n_classes
    return [int(c) for c in np.linspace(0, n_classes, max(n_clean, 1), endpoint=False)], 1


def clean_inputs(cfg: Config, sp: OptSpace) -> tuple[torch.Tensor, torch.Tensor, float]:
    """p1-detection's clean inputs: ``n_clean`` class-balanced held-out images
    (:func:`clean_classes`), those ``sp`` classifies correctly (``clean_filter="correct"``) or
    all; returns ``(x, y, fraction kept)`` (pixels, on the model's device)."""
    classes, per = clean_classes(cfg.n_clean, num_classes(cfg))
    x = torch.cat([class_images(cfg, c, per) for c in classes])
    y = torch.tensor(classes, device=x.device).repeat_interleave(per)
    keep = detection.predict(sp.pixel_model, x) == y
    if cfg.clean_filter == "all":
        keep = torch.ones_like(keep)
    return x[keep], y[keep], float(keep.float().mean())


def inputopt_adversarials(
    cfg: Config, sp: OptSpace, refs: References, x: torch.Tensor, tgt: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """K' of p1-detection: Fig 6's targeted input-optimization attack from each clean input ``x``
    (pixels) towards class ``tgt[i]``, ``detect_attack_iters`` iterations, early-stopped once the
    target CE is below that of the target's lowest-loss reference mode; returns ``(K' in pixels,
    success)``, success = classified as the target."""
    stop = (
        torch.stack([refs.min_ce(int(t)) for t in tgt]).to(x.device)
        if len(tgt)
        else torch.zeros(0, device=x.device)
    )
    adv = sp.decode(early_stopped_attack(sp, sp.encode(x), tgt, stop, cfg.detect_attack_iters))
    return adv, detection.predict(sp.pixel_model, adv) == tgt


def random_targets(y: torch.Tensor, n_classes: int, g: torch.Generator) -> torch.Tensor:
    """Per label a random other class (:func:`other_class`, drawn in order from ``g``): the targets of K'."""
    return torch.tensor(
        [other_class(int(c), n_classes, g) for c in y], device=y.device, dtype=torch.long
    )


def detection_inputs(cfg: Config, sp: OptSpace, refs: References) -> dict:
    """p1-detection's scored inputs under ``sp``'s model: the clean inputs (:func:`clean_inputs`),
    their successful PGD adversarials (ℓ∞ ``pgd_eps``, ``pgd_iters`` steps of ε/4, random start
    from the seed) and their successful K' (:func:`inputopt_adversarials`) towards a random other
    class each (:func:`random_targets`, drawn from the same generator after the PGD start): the
    images ``"clean"``, ``"pgd"``, ``"inputopt"`` and the success ``"rates"``."""
    x, y, kept = clean_inputs(cfg, sp)
    g = torch.Generator().manual_seed(cfg.seed)
    pgd = pgd_linf(
        sp.pixel_model,
        x,
        y,
        eps=cfg.pgd_eps,
        iters=cfg.pgd_iters,
        step_size=cfg.pgd_eps / 4,
        generator=g,
    )
    adv, adv_ok = inputopt_adversarials(cfg, sp, refs, x, random_targets(y, num_classes(cfg), g))
    pgd_ok = detection.predict(sp.pixel_model, pgd) != y
    return {
        "clean": x,
        "pgd": pgd[pgd_ok],
        "inputopt": adv[adv_ok],
        "rates": {
            "clean_kept": kept,
            "pgd_success": float(pgd_ok.float().mean()),
            "inputopt_success": float(adv_ok.float().mean()),
        },
    }


def detector_scores(
    cfg: Config, sp: OptSpace, refs: References, x: torch.Tensor
) -> dict[str, torch.Tensor]:
    """p1-detection's two scores of inputs ``x`` (pixels): ``"barrier"``, the ``reduce`` (median)
    over the references of x's predicted class of the barrier gap on the straight path x → reference
    (``detect_points`` points, ``sp``'s coordinates, :func:`inputspace.methods.detection.barrier_scores`),
    and ``"softmax"``, 1 − max softmax."""
    z = sp.encode(x)
    ref_z, labels = refs.stacked(detection.predict(sp.model, z).tolist()) if len(z) else (z, z)
    return {
        "barrier": detection.barrier_scores(
            sp.model, z, ref_z, labels, n_points=cfg.detect_points, reduce=cfg.reduce
        ),
        "softmax": detection.max_softmax_scores(sp.pixel_model, x),
    }


def _detection_study(cfg: Config) -> dict:
    sp = trained_space(cfg)
    refs = References(cfg, sp)
    inputs = detection_inputs(cfg, sp, refs)
    scores = {
        name: detector_scores(cfg, sp, refs, inputs[name]) for name in ("clean", "pgd", "inputopt")
    }
    rocs = {
        f"{det}:{adv}": detection.roc(scores["clean"][det], scores[adv][det])
        for det in ("barrier", "softmax")
        for adv in ("pgd", "inputopt")
        if len(scores[adv][det]) and len(scores["clean"][det])
    }
    return {
        "scores": scores,
        "roc": rocs,
        "rates": inputs["rates"],
        "counts": {k: len(inputs[k]) for k in ("clean", "pgd", "inputopt")},
    }
