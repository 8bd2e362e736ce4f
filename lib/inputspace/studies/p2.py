"""P2 — Balasubramanian et al., "Exploring Geometry of Blind Spots in Vision Models" (NeurIPS
2023): knobs and orchestration of the notebooks p2-fig01 … p2-tab02 (checklist §P2).

Models ("roles"): ``normal`` / ``at`` / ``vit`` / ``vit-at`` are the paper's ResNet-50 (Normal),
ResNet-50 (AT, RobustBench Salman2020Do_R50), DeiT-S (Normal) and DeiT-S (AT, RobustBench
Singh2023Revisiting_ViT-S-ConvStem). Quick analogs: zoo ResNet-18 ``standard``, ResNet-18
``pgd-at`` (PGD-AT at ε = 32/255 on digits), ViT-tiny ``standard``; no adversarially trained ViT
exists in the quick zoo, so the ``vit-at`` row is reported as not available.

Pool (official ``get_targets``): per requested class the first image that every model of
``pool_roles`` classifies correctly with probability above its bar in ``pool_min_conf``
(official: 0.6 for all four; quick: 0.6 for both ResNet-18s);
the pool images are both sources and targets.
Three shared, cached computations feed the notebooks: :func:`grid_runs` (every pool image of
the first ``grid_n`` to every other, iterates logged: figs 1, 2, 4 and the explorer),
:func:`derangement_runs` (``n_runs`` random derangements of the pool: fig 3, tables 1 and 2)
and :func:`width_runs` (path widths: fig 5). Models and the pool live in
:mod:`~inputspace.studies.p2_models`, printed numbers in :mod:`~inputspace.studies.p2_numbers`,
figures and the explorer widget in :mod:`~inputspace.studies.p2_plots`.
"""
from __future__ import annotations

import torch

from .. import hulls, levelset
from ..config import Config, Knob
from ..notebook import cached
from .p2_models import RB_VIT_AT, ROLES, model_spec, pool, role_model, row_label

PAPER_STRIP = (0, 10, 20, 40, 60, 80, 120, 160, 200, 300, 400)
"""Iterations shown in the README path figure (goose → Scottish terrier), for T = 400."""
LST_VERSION = 1
"""Bump when :func:`levelset.traverse` changes behaviour: part of every cached run's key."""
TRIANGLE_PAIRS = ((1, 2), (2, 3), (3, 4), (1, 3), (1, 4), (2, 4))
"""Target pairs of the official ``visualize_nplane`` calls (source = pool image 0)."""


def _k(smoke, quick, paper, help: str = "", choices=None) -> Knob:
    return Knob({"smoke": smoke, "quick": quick, "paper": paper}, choices, help)


COMMON = {
    "iters": _k(10, 400, 400, "T, LST iterations (paper 400)"),
    "step_size": Knob(0.01, help="η, fraction of the projected difference per step (paper 0.01)"),
    "pthresh": Knob(0.2, help="δ, allowed drop of the source confidence (paper 0.2)"),
    "adv_eps": Knob(0.002, help="ε of the accumulated adversarial term (paper 0.002)"),
    "adv_pert": Knob(True, (True, False), "subtract the adversarial term (paper: on)"),
    "log_every": _k(5, 10, 10, "log confidences/distances (and grid images) every k iterations"),
    "pool_classes": _k((0, 1, 2, 3), tuple(range(10)), (99, 199, 299, 400, 499),
                       "classes of the source/target pool (paper: goose, Scottish terrier, ...)"),
    "pool_rule": _k("first", "strict", "strict", "strict: correct and p > bar for every pool model "
                    "(official); first: first image per class (smoke models are ~15 % accurate)",
                    ("strict", "first")),
    "pool_roles": _k(("normal", "at"), ("normal", "at"), ROLES, "models the pool rule asks "
                     "(official: all four)"),
    "pool_min_conf": _k((0.6, 0.6), (0.6, 0.6), (0.6, 0.6, 0.6, 0.6), "confidence bar per pool role "
                        "(official 0.6; 0.0 = correct only)"),
    "traverse_misclassified": _k(True, False, False, "also traverse misclassified sources "
                                 "(smoke only; official: dropped, here flagged)", (True, False)),
    "arch": _k("resnet18", "resnet18", "resnet50", "CNN of the normal and AT rows"),
    "vit_arch": _k("vit_tiny", "vit_tiny", "deit_small_patch16_224", "ViT of the ViT rows"),
    "at_checkpoint": Knob("", help="paper: local RobustBench Salman2020Do_R50 .pt file"),
    "vit_at_checkpoint_dir": Knob("", help=f"paper: RobustBench model_dir holding {RB_VIT_AT}"),
    "imagenet_root": Knob("", help="paper: ILSVRC2012 folder (default $INPUTSPACE_IMAGENET)"),
}
GRID = {"grid_n": _k(3, 5, 5, "pool images in the N×N grid (paper 5)")}
RUNS = {"n_runs": _k(2, 5, 5, "random derangements of the pool (paper 5)")}
LATTICE = {"lattice_n": Knob(10, help="triangle lattice resolution: a, b ∈ {0, 1/n, …, 1}"),
           "exact_lattice": Knob(True, (True, False), "66 exact points (False: official 64)")}
KNOBS: dict[str, dict[str, Knob]] = {
    "p2-fig01": {**COMMON, **GRID, "source": Knob(0, help="grid pool index of the source"),
                 "target": Knob(1, help="grid pool index of the target")},
    "p2-fig02": {**COMMON, **GRID},
    "p2-fig03": {**COMMON, **RUNS, "n_points": Knob(11, help="points on each straight segment")},
    "p2-fig04": {**COMMON, **GRID, **LATTICE},
    "p2-fig05": {**COMMON,
                 "width_pairs": _k(((0, 1), (2, 3)), ((0, 1), (2, 3), (4, 0)), ((0, 1), (2, 3), (4, 0)),
                                   "(source, target) pool indices (official pairs)"),
                 "width_radii": _k((0.5, 2.0), (0.5, 1.0, 2.0, 4.0, 8.0), (0.5, 1.0, 1.5, 2.0),
                                   "ℓ2 radii of the width probes ([0, 1] pixel units)"),
                 "width_dirs": _k(8, 256, 256, "random orthogonal directions per probe (paper 256)"),
                 "width_every": _k(5, 40, 20, "measure widths every k iterations (paper 20)")},
    "p2-tab01": {**COMMON, **RUNS},
    "p2-tab02": {**COMMON, **RUNS, **LATTICE},
}


# ----------------------------------------------------------------------------- LST runs
def lst_params(cfg: Config) -> dict:
    """The LST hyper-parameters of a notebook (keyword arguments of :func:`levelset.traverse`)."""
    return {"step_size": cfg.step_size, "iters": cfg.iters, "pthresh": cfg.pthresh,
            "adv_eps": cfg.adv_eps, "adv_pert": cfg.adv_pert,
            "skip_misclassified": not cfg.traverse_misclassified}


def _key(cfg: Config, role: str) -> dict:
    return {**model_spec(cfg, role), **lst_params(cfg), "lst_version": LST_VERSION,
            "pool": list(cfg.pool_classes),
            "pool_rule": cfg.pool_rule, "pool_roles": list(cfg.pool_roles),
            "pool_min_conf": list(cfg.pool_min_conf), "log_every": cfg.log_every}


def _traverse_pairs(cfg: Config, role: str, src: torch.Tensor, tgt: torch.Tensor, *,
                    seed_offset: int, **logging_) -> dict | None:
    """LST from pool[src[k]] to pool[tgt[k]] for every k in one batch; a plain dict for the cache
    with the clean source→target distances (``start_rms_l2``, ``start_linf``) added."""
    rm = role_model(cfg, role)
    if rm.model is None:
        return None
    pl = pool(cfg)
    x_src, x_tgt = pl.x[src].to(cfg.device), pl.x[tgt].to(cfg.device)
    y_src, y_tgt = pl.y[src].to(cfg.device), pl.y[tgt].to(cfg.device)
    gen = torch.Generator().manual_seed(cfg.seed * 1000 + seed_offset)
    res = levelset.traverse(rm.model, x_src, y_src, x_tgt, y_tgt=y_tgt, generator=gen,
                            progress=True, **lst_params(cfg), **logging_).to_dict()
    res.update(src=src, tgt=tgt, start_rms_l2=hulls.rms_l2(pl.x[src], pl.x[tgt]),
               start_linf=hulls.linf(pl.x[src], pl.x[tgt]))
    return res


def grid_runs(cfg: Config, role: str = "normal") -> dict | None:
    """LST between every ordered pair of the first ``grid_n`` pool images, iterates logged every
    ``log_every`` steps (figs 1, 2, 4 and the explorer); ``None`` if the model is unavailable."""
    n = cfg.grid_n
    pairs = torch.tensor([(i, j) for i in range(n) for j in range(n) if i != j])
    return cached(cfg, "p2.grid", lambda: _traverse_pairs(
        cfg, role, pairs[:, 0], pairs[:, 1], seed_offset=1, log_every=cfg.log_every, log_images=True),
        shared=True, grid_n=n, **_key(cfg, role))


def derangement_runs(cfg: Config, role: str) -> dict | None:
    """Official full eval: ``n_runs`` random derangements of the pool, every source traversed to
    its target in each run (fig 3, Tables 1 and 2). Adds Table 1's distances per pair."""
    def compute() -> dict | None:
        n = len(cfg.pool_classes)
        gen = torch.Generator().manual_seed(cfg.seed)
        perms = torch.stack([hulls.derangement(n, gen) for _ in range(cfg.n_runs)])
        res = _traverse_pairs(cfg, role, torch.arange(n).repeat(cfg.n_runs), perms.flatten(),
                              seed_offset=2, log_every=cfg.log_every)
        if res is not None:
            res["perms"] = perms
            res["distances"] = hulls.distances(res["x"], pool(cfg).x[perms.flatten()])
        return res
    return cached(cfg, "p2.derangements", compute, shared=True, n_runs=cfg.n_runs, **_key(cfg, role))


def width_runs(cfg: Config, role: str) -> dict | None:
    """LST on ``width_pairs`` with path widths measured every ``width_every`` steps (fig 5)."""
    pairs = torch.tensor(cfg.width_pairs)
    return cached(cfg, f"p2.widths.{role}", lambda: _traverse_pairs(
        cfg, role, pairs[:, 0], pairs[:, 1], seed_offset=3, log_every=cfg.width_every,
        width_radii=cfg.width_radii, width_dirs=cfg.width_dirs), role=role)


# ----------------------------------------------------------------------------- evaluations
def summarised_rows(run: dict) -> torch.Tensor:
    """Rows to summarise: valid sources (all traversed rows if none is valid: smoke models)."""
    traversed = ~torch.isnan(run["p_src"])
    valid = run["valid"] & traversed
    return valid if bool(valid.any()) else traversed


def table2_stats(cfg: Config, role: str) -> torch.Tensor | None:
    """Per-source Table 2 statistics ``(S_valid, 8)`` (:data:`hulls.TABLE2_COLUMNS`)."""
    def compute():
        run, rm = derangement_runs(cfg, role), role_model(cfg, role)
        if run is None:
            return None
        pl, n, rr = pool(cfg), len(cfg.pool_classes), cfg.n_runs
        ok = summarised_rows(run).view(rr, n).all(0)
        outputs = run["x"].view(rr, n, *pl.x.shape[1:]).transpose(0, 1)
        return hulls.table2_rows(rm.model, pl.x[ok].to(cfg.device), pl.y[ok],
                                 outputs[ok].to(cfg.device), n=cfg.lattice_n, exact=cfg.exact_lattice)
    return cached(cfg, f"p2.table2.{role}", compute, role=role)


def star_segments(cfg: Config, role: str = "normal") -> dict | None:
    """Source-class confidence on the straight segments source → LST output (star-likeness) and,
    as a contrast, source → target image, for every derangement pair."""
    def compute():
        run, rm = derangement_runs(cfg, role), role_model(cfg, role)
        if run is None:
            return None
        pl, r = pool(cfg), summarised_rows(run)
        src, tgt = run["src"][r], run["tgt"][r]
        xs, y = pl.x[src].to(cfg.device), pl.y[src].to(cfg.device)
        return {"lst": hulls.segment_confidences(rm.model, xs, run["x"][r].to(cfg.device), y,
                                                 n_points=cfg.n_points),
                "direct": hulls.segment_confidences(rm.model, xs, pl.x[tgt].to(cfg.device), y,
                                                    n_points=cfg.n_points),
                "p0": run["p0"][r], "src": src, "tgt": tgt}
    return cached(cfg, f"p2.star.{role}", compute, role=role)


def example_triangles(cfg: Config, role: str) -> list[dict] | None:
    """The official triangle figure: source = pool image 0, LST outputs towards the targets of
    :data:`TRIANGLE_PAIRS` (those inside the grid), confidence on the lattice."""
    run, rm = grid_runs(cfg, role), role_model(cfg, role)
    if run is None:
        return None
    pl, n = pool(cfg), cfg.grid_n
    index = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(run["src"], run["tgt"]))}
    w = hulls.lattice(cfg.lattice_n, exact=cfg.exact_lattice)
    out = []
    for t1, t2 in (p for p in TRIANGLE_PAIRS if max(p) < n):
        xs, x1, x2 = pl.x[0], run["x"][index[0, t1]], run["x"][index[0, t2]]
        probs = hulls.triangle_confidences(rm.model, xs, x1, x2, int(pl.y[0]), w)
        out.append({"pair": (t1, t2), "images": torch.stack([xs, x1, x2]), "weights": w,
                    "probs": probs, "vertices": hulls.isometric_vertices(xs, x1, x2),
                    "stats": hulls.triangle_stats(probs, w)})
    return out


def pair_index(run: dict, source: int, target: int) -> int:
    """Row of the (source, target) pair in a run's batch."""
    for k, (a, b) in enumerate(zip(run["src"].tolist(), run["tgt"].tolist())):
        if (a, b) == (source, target):
            return k
    raise ValueError(f"pair ({source}, {target}) is not in this run (source and target must differ "
                     f"and lie inside the grid)")


@torch.no_grad()
def predicted(cfg: Config, role: str, x: torch.Tensor) -> torch.Tensor:
    """Predicted classes of images under a row's model."""
    model = role_model(cfg, role).model
    return torch.cat([model(x[i:i + 256].to(cfg.device)).argmax(1).cpu() for i in range(0, len(x), 256)])
