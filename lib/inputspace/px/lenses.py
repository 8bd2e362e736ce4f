"""Normal vs adversarially trained through the three lenses at once (px-04): the same items under
both of P2's rows.

* **P1** (Fig 6's within-class statistic): the barrier gap on the straight segment between two
  real held-out images of one class, ``pairs_per_class`` pairs (images 2p, 2p + 1, the companion's
  ``compute_within_barriers`` pairing) for every class of P2's pool, cross-entropy of that class in
  P1's coordinates (:func:`~inputspace.px.blindspots.segment_gaps`).
* **P2**: the fraction of the source → target RMS-ℓ2 distance each LST output covered
  (:class:`~inputspace.px.blindspots.BlindSpots`, pairs kept under both rows), and the triangles
  (source, LST₁, LST₂) of Table 2 (official ``get_avg_conf_for_img_set``: the C(n_runs, 2) pairs of
  a source's outputs, the lattice of :func:`inputspace.methods.lst_eval.lattice`): per source the
  mean over its triangles of the fraction of lattice points whose source-class confidence exceeds
  p_src − δ, at δ = :data:`~inputspace.methods.connectivity.DELTA` (the hypotheses' δ) and at P2's
  own δ = ``pthresh`` (shown beside it); sources whose every output is an item.
* **P3**: SOM loss, D_class and the class-centre cosine distance per layer (:mod:`inputspace.p3.geometry`)
  on each row's maps (:func:`~inputspace.px.layers.role_soms`), and the PGD / noise BMU
  displacement (:func:`~inputspace.px.layers.role_displacement`) on P3's attacked images at the
  normal row's ε* (:func:`~inputspace.px.layers.attack_eps`) for both rows.
"""

from __future__ import annotations

import itertools

import torch

from ..cache import cached
from ..config import Config
from ..methods import lst_eval
from ..methods.connectivity import DELTA
from ..p1.space import class_images
from ..p2.roles import pool, role_model
from ..p3.geometry import class_center_cd, d_class_split
from .blindspots import COMPARED, BlindSpots, lst_outputs, segment_gaps, space_of
from .layers import attack_eps, role_displacement, role_soms


def within_pairs(cfg: Config) -> dict[str, torch.Tensor]:
    """The within-class pairs of P2's pool classes (module doc): ``{"a", "b", "y"}`` (pixels, CPU)."""
    a, b, y = [], [], []
    for c in pool(cfg).y.tolist():
        x = class_images(cfg, c, 2 * cfg.pairs_per_class).cpu()
        a.append(x[0::2])
        b.append(x[1::2])
        y += [c] * cfg.pairs_per_class
    return {"a": torch.cat(a), "b": torch.cat(b), "y": torch.tensor(y, dtype=torch.long)}


def within_gaps(cfg: Config, role: str) -> torch.Tensor | None:
    """The within-class gaps of :func:`within_pairs` under a row's model (cached); ``None`` without it."""

    def compute() -> torch.Tensor | None:
        if role_model(cfg, role).model is None:
            return None
        p = within_pairs(cfg)
        return segment_gaps(space_of(cfg, role), p["a"], p["b"], p["y"], cfg.path_points)["gap"]

    return cached(cfg, f"px.within.{role}", compute, role=role)


def triangle_fractions(cfg: Config, bs: BlindSpots, deltas: tuple[float, ...]) -> dict:
    """Per source whose ``n_runs`` outputs are all items: the mean over its C(n_runs, 2) triangles of
    the fraction of lattice points above p_src − δ, for each δ: ``{"sources", "frac": {δ: (S,)}}``."""
    model = role_model(cfg, bs.role).model
    w = lst_eval.lattice(cfg.lattice_n, exact=cfg.exact_lattice)
    origin = int(((w[:, 0] == 0) & (w[:, 1] == 0)).nonzero())
    n_pool = len(cfg.pool_classes)
    sources, fracs = [], {d: [] for d in deltas}
    for s in range(n_pool):
        outs = [bs.x[(bs.row == r * n_pool + s).nonzero().flatten()] for r in range(cfg.n_runs)]
        if any(len(o) == 0 for o in outs):
            continue
        xs, ys = pool(cfg).x[s].to(cfg.device), int(pool(cfg).y[s])
        probs = torch.stack(
            [
                lst_eval.triangle_confidences(
                    model, xs, outs[i][0].to(cfg.device), outs[j][0].to(cfg.device), ys, w
                ).double()
                for i, j in itertools.combinations(range(cfg.n_runs), 2)
            ]
        )
        p_src = probs[:, origin : origin + 1]
        for d in deltas:
            fracs[d].append(float((probs > p_src - d).double().mean(1).mean()))
        sources.append(s)
    return {
        "sources": torch.tensor(sources, dtype=torch.long),
        "frac": {d: torch.tensor(v, dtype=torch.float64) for d, v in fracs.items()},
    }


def _lst_lens(cfg: Config, role: str) -> dict | None:
    bs = lst_outputs(cfg, role)
    if bs is None:
        return None
    tri = triangle_fractions(cfg, bs, (DELTA, cfg.pthresh))
    return {
        "row": bs.row,
        "covered": bs.covered,
        "tri_sources": tri["sources"],
        "tri_frac": tri["frac"][DELTA],
        "tri_frac_pthresh": tri["frac"][cfg.pthresh],
        "counts": {"traversed": bs.traversed, "kept": bs.kept, "items": len(bs)},
    }


def lst_lens(cfg: Config, role: str) -> dict | None:
    """P2's lens on a row (cached): per item the row index and the covered RMS-ℓ2 fraction, per
    source the triangle fractions above p_src − δ (δ = 0.001 and ``pthresh``); ``None`` without a model."""
    return cached(cfg, f"px.lst.{role}", lambda: _lst_lens(cfg, role), role=role)


def som_lens(cfg: Config, role: str, eps: float) -> dict | None:
    """P3's lens on a row: per layer the final SOM loss (mean over the last epoch's updates, as
    p3-fig03), D_class per class (SOM-tr), the class-centre cosine distances, and the PGD / noise
    displacements at ``eps``; ``None`` without a model."""
    if role_model(cfg, role).model is None:
        return None
    soms = role_soms(cfg, role)
    g = torch.Generator().manual_seed(cfg.seed * 101 + 4)
    return {
        "loss": [
            float(ls.som.loss[-len(ls.som.loss) // ls.som.config.epochs :].mean()) for ls in soms
        ],
        "d_class": [d_class_split(ls, "tr") for ls in soms],
        "centre_cd": [class_center_cd(ls, ls.num_classes, g) for ls in soms],
        "disp": role_displacement(cfg, role, soms, eps),
    }


def three_lenses(cfg: Config) -> dict:
    """px-04: ``{"within" | "lst" | "som": {role: …}}`` for the rows with a model, the attack ε and
    the layer names."""
    eps = attack_eps(cfg)
    out: dict = {"eps": eps, "within": {}, "lst": {}, "som": {}}
    for role in COMPARED:
        for key, value in (
            ("within", within_gaps(cfg, role)),
            ("lst", lst_lens(cfg, role)),
            ("som", som_lens(cfg, role, eps)),
        ):
            if value is not None:
                out[key][role] = value
    out["layers"] = [f"CL{i + 1}" for i in range(len(out["som"]["normal"]["loss"]))]
    return out
