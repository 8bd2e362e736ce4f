"""Blind spots (P2's LST outputs) seen through P1's lens: the straight segment from the source.

The LST outputs come from P2's cached derangement runs (:func:`inputspace.p2.lst.derangement_runs`,
the official full evaluation of Tables 1-2): every pool source traversed towards the targets of
``n_runs`` random derangements, by the normal and by the AT row. Nothing of LST is recomputed.

P1's lens (Vrabel et al., Sec. 3; :mod:`inputspace.methods.connectivity`): the cross-entropy of
the source class along the straight segment source → x (``path_points`` points, endpoints
included) in P1's coordinates (:func:`inputspace.p1.space.opt_space`: normalized, no pixel box, as
the companion), its barrier gap ``max L − max(L(source), L(x))`` (Fig 6) against
δ = :data:`~inputspace.methods.connectivity.DELTA` = 0.001, and one bypass round
(:func:`~inputspace.methods.connectivity.connect` with ``max_rounds=1``, companion variant,
``path_bypass_iters`` Adam steps) where the gap is at least δ.

Three kinds of x per source (px-01): its LST outputs, other real held-out images of its class
(``real_partners`` per source, the first ones of the class, the source itself left out) and a PGD
adversarial that keeps the class (:func:`inputspace.methods.attacks.pgd_linf_kept`: p1-detection's
PGD, random start and steps of ε/4, at P2's ε ``pgd_eps``, stopped at its last iterate still
classified as the source; a source whose first iterate already changes class has no such point
and drops out). The bypass round is run for the normal model's LST segments only (the subject of
X1.1-X1.5).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import torch

from ..cache import cached
from ..config import Config
from ..methods import connectivity as conn
from ..methods.attacks import pgd_linf_kept
from ..p1.space import OptSpace, class_images, opt_space
from ..p2.lst import derangement_runs
from ..p2.roles import pool, predicted, role_model

COMPARED: tuple[str, ...] = ("normal", "at")
"""P2's two rows every px notebook compares: ResNet normal vs adversarially trained."""


@dataclass
class BlindSpots:
    """The LST outputs of one P2 row chosen by ``lst_outputs`` (all tensors on the CPU, ``N`` items).

    ``row`` is the item's index in the derangement runs (run r, source s: ``r·len(pool) + s``), the
    same pair under both rows; ``covered`` the fraction of the source → target RMS-ℓ2 distance LST
    covered (``1 − final / start``, P2's ``covered_l2`` per path); ``traversed`` / ``kept`` count
    the traversed outputs and those still classified as their source."""

    role: str
    x: torch.Tensor
    source: torch.Tensor
    target: torch.Tensor
    y_src: torch.Tensor
    y_tgt: torch.Tensor
    src: torch.Tensor
    row: torch.Tensor
    covered: torch.Tensor
    traversed: int
    kept: int

    def __len__(self) -> int:
        return len(self.row)


def lst_outputs(
    cfg: Config, role: str, runs: Callable[[Config, str], dict | None] | None = None
) -> BlindSpots | None:
    """The items of a row (``None`` when its model is not available, e.g. the paper profile without
    ``at_checkpoint``): the traversed outputs of ``runs`` (the derangements; the real network: its
    grid) that keep argmax = source class (``lst_outputs="kept"``, as P2's ``kept_cells``) or all of
    them. Traversed: every output LST computed (P2 traverses a misclassified source only where
    ``traverse_misclassified``, the smoke profile's 1-epoch models)."""
    run = (runs or derangement_runs)(cfg, role)
    if run is None:
        return None
    pl = pool(cfg)
    traversed = ~torch.isnan(run["p_src"])
    kept = (predicted(cfg, role, run["x"]) == pl.y[run["src"]]) & traversed
    chosen = kept if cfg.lst_outputs == "kept" else traversed
    rows = chosen.nonzero().flatten()
    src, tgt = run["src"][rows], run["tgt"][rows]
    covered = 1 - run["log_rms_l2"][-1, rows] / run["start_rms_l2"][rows]
    return BlindSpots(
        role,
        run["x"][rows],
        pl.x[src],
        pl.x[tgt],
        pl.y[src],
        pl.y[tgt],
        src,
        rows,
        covered,
        int(traversed.sum()),
        int(kept.sum()),
    )


def device_of(sp: OptSpace) -> torch.device:
    """The device of a space's model (its first parameter or buffer)."""
    return next(itertools.chain(sp.pixel_model.parameters(), sp.pixel_model.buffers())).device


def space_of(cfg: Config, role: str) -> OptSpace:
    """A P2 row's model in P1's coordinates (``space``, ``clamp``: the companion's normalized space)."""
    return opt_space(role_model(cfg, role).model, cfg.space, cfg.clamp)


def segment_gaps(
    sp: OptSpace, start: torch.Tensor, end: torch.Tensor, y: torch.Tensor, n_points: int
) -> dict[str, torch.Tensor]:
    """Source-class CE along the straight segments start → end (pixels; evaluated in ``sp``'s
    coordinates) and their barrier gaps: ``{"gap" (S,), "losses" (S, n_points)}``."""
    if len(start) == 0:
        return {"gap": torch.zeros(0), "losses": torch.zeros(0, n_points)}
    dev = device_of(sp)
    _, losses = conn.path_losses(
        sp.model, sp.encode(start.to(dev)), sp.encode(end.to(dev)), y.to(dev), n_points
    )
    return {"gap": conn.barriers(losses).gap, "losses": losses}


def real_partners(
    cfg: Config, sources: torch.Tensor, classes: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per source, the first ``real_partners`` held-out images of its class other than itself
    (:func:`inputspace.p1.space.class_images`); returns ``(partners, owner)``: the images and the
    index of their source."""
    out, owner = [], []
    for i, (x, c) in enumerate(zip(sources, classes.tolist())):
        cand = class_images(cfg, c, cfg.real_partners + 1).cpu()
        others = [p for p in cand if not torch.equal(p, x)][: cfg.real_partners]
        out += others
        owner += [i] * len(others)
    return torch.stack(out), torch.tensor(owner, dtype=torch.long)


def kept_pgd(
    cfg: Config, sp: OptSpace, x: torch.Tensor, y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """The class-keeping PGD of every source (module doc): ``(points, steps)``, ``steps`` −1 where
    none keeps the class."""
    dev = device_of(sp)
    g = torch.Generator().manual_seed(cfg.seed)
    pts, steps = pgd_linf_kept(
        sp.pixel_model,
        x.to(dev),
        y.to(dev),
        eps=cfg.pgd_eps,
        iters=cfg.pgd_iters,
        step_size=cfg.pgd_eps / 4,
        generator=g,
    )
    return pts.cpu(), steps.cpu()


def bypass_round(cfg: Config, sp: OptSpace, bs: BlindSpots) -> dict[str, torch.Tensor]:
    """One bypass round on every LST segment whose gap is at least δ: per item whether it was
    bypassed, whether both sub-segments then have a gap below δ (``connected``; also True for a
    segment that had no barrier) and the two sub-segments' gaps (NaN where not bypassed)."""
    if len(bs) == 0:
        none = torch.zeros(0, dtype=torch.bool)
        return {
            "bypassed": none,
            "connected": none,
            "sub_gaps": torch.zeros(0, 2),
            "primary_gap": torch.zeros(0),
        }
    dev = device_of(sp)
    res = conn.connect(
        sp.model,
        sp.encode(bs.source.to(dev)),
        sp.encode(bs.x.to(dev)),
        bs.y_src.to(dev),
        n_points=cfg.path_points,
        max_rounds=1,
        method="companion",
        iterations=cfg.path_bypass_iters,
        bounds=sp.bounds,
    )
    bypassed = torch.tensor([not bool(r.rounds[0].ok[0]) for r in res], dtype=torch.bool)  # gap ≥ δ
    nan = torch.full((2,), float("nan"))
    return {
        "bypassed": bypassed,
        "connected": torch.tensor([r.connected for r in res], dtype=torch.bool),
        "sub_gaps": torch.stack(
            [r.rounds[1].barrier.gap if b else nan for r, b in zip(res, bypassed.tolist())]
        ),
        "primary_gap": torch.stack([r.rounds[0].barrier.gap[0] for r in res]),
    }


def _segments(cfg: Config, role: str) -> dict | None:
    bs = lst_outputs(cfg, role)
    if bs is None:
        return None
    sp, pl = space_of(cfg, role), pool(cfg)
    sources = torch.unique(bs.src)
    x_src, y_src = pl.x[sources], pl.y[sources]
    out: dict = {
        "role": role,
        "counts": {
            "traversed": bs.traversed,
            "kept": bs.kept,
            "items": len(bs),
            "sources": len(sources),
        },
        "lst": {
            **segment_gaps(sp, bs.source, bs.x, bs.y_src, cfg.path_points),
            "src": bs.src,
            "y_tgt": bs.y_tgt,
            "row": bs.row,
        },
    }
    if len(sources):
        partners, owner = real_partners(cfg, x_src, y_src)
        pts, steps = kept_pgd(cfg, sp, x_src, y_src)
    else:
        partners, owner = x_src, torch.zeros(0, dtype=torch.long)
        pts, steps = x_src, torch.zeros(0, dtype=torch.long)
    moved = steps > 0
    out["real"] = {
        **segment_gaps(sp, x_src[owner], partners, y_src[owner], cfg.path_points),
        "src": sources[owner],
    }
    out["pgd"] = {
        **segment_gaps(sp, x_src[moved], pts[moved], y_src[moved], cfg.path_points),
        "src": sources[moved],
        "steps": steps,
    }
    if role == "normal":
        out["bypass"] = bypass_round(cfg, sp, bs)
    return out


def segment_study(cfg: Config, role: str) -> dict | None:
    """px-01 for one row (cached): the gaps of the source → LST output, source → real image and
    source → kept-PGD segments (``{"lst" | "real" | "pgd": {"gap", "losses", "src", …}}``), the
    item counts and, for the normal row, the bypass round (``"bypass"``); ``None`` without a model."""
    return cached(cfg, f"px.segments.{role}", lambda: _segments(cfg, role), role=role)


def segment_studies(cfg: Config) -> dict[str, dict]:
    """:func:`segment_study` of both compared rows, ``{role: study}``, without a row whose model is
    not available (the paper profile without ``at_checkpoint``)."""
    out = {role: segment_study(cfg, role) for role in COMPARED}
    return {role: s for role, s in out.items() if s is not None}
