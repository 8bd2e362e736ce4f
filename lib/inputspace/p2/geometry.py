"""Geometry of the level sets found by LST: star-like segments and triangular convex hulls.

Star-likeness (README: "linear interpolants from the source to LST outputs retain high
confidence"): the source-class confidence on the straight segments source → LST output.
Triangular hulls (official ``visualize_nplane`` and ``eval_utils.get_avg_conf_for_img_set``,
Table 2): the confidence on the lattice of the triangle (source, LST₁, LST₂). The evaluations
themselves are :mod:`inputspace.methods.lst_eval`.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from ..cache import cached
from ..config import Config
from ..methods import lst_eval
from .knobs import TRIANGLE_PAIRS
from .lst import CONTROL_ROLES, controls, derangement_runs, grid_runs, summarised_rows
from .roles import per_row, pool, role_model


def table2_stats(cfg: Config, role: str) -> torch.Tensor | None:
    """Per-source Table 2 statistics ``(S_valid, 8)`` (:data:`lst_eval.TABLE2_COLUMNS`)."""

    def compute():
        run, rm = derangement_runs(cfg, role), role_model(cfg, role)
        if run is None:
            return None
        pl, n, rr = pool(cfg), len(cfg.pool_classes), cfg.n_runs
        ok = summarised_rows(run).view(rr, n).all(0)
        outputs = run["x"].view(rr, n, *pl.x.shape[1:]).transpose(0, 1)
        return lst_eval.table2_rows(
            rm.model,
            pl.x[ok].to(cfg.device),
            pl.y[ok],
            outputs[ok].to(cfg.device),
            n=cfg.lattice_n,
            exact=cfg.exact_lattice,
        )

    return cached(cfg, f"p2.table2.{role}", compute, role=role)


def table2_means(stats: dict[str, torch.Tensor]) -> dict[str, dict[str, float]]:
    """Per row, the mean over sources of each :data:`lst_eval.TABLE2_COLUMNS` statistic."""
    return {m: dict(zip(lst_eval.TABLE2_COLUMNS, s.mean(0).tolist())) for m, s in stats.items()}


def star_segments(
    cfg: Config, role: str = "normal", runs: Callable[[Config, str], dict | None] = derangement_runs
) -> dict | None:
    """Source-class confidence on the straight segments source → LST output (star-likeness) and,
    as a contrast, source → target image, for every pair of ``runs`` (the derangements; the real
    network: its grid, :func:`~inputspace.p2.lst.grid_runs`)."""

    def compute():
        run, rm = runs(cfg, role), role_model(cfg, role)
        if run is None:
            return None
        pl, r = pool(cfg), summarised_rows(run)
        src, tgt = run["src"][r], run["tgt"][r]
        xs, y = pl.x[src].to(cfg.device), pl.y[src].to(cfg.device)
        return {
            "lst": lst_eval.segment_confidences(
                rm.model, xs, run["x"][r].to(cfg.device), y, n_points=cfg.n_points
            ),
            "direct": lst_eval.segment_confidences(
                rm.model, xs, pl.x[tgt].to(cfg.device), y, n_points=cfg.n_points
            ),
            "p0": run["p0"][r],
            "src": src,
            "tgt": tgt,
        }

    return cached(cfg, f"p2.star.{role}", compute, role=role, runs=runs.__name__)


def matched_triangles(cfg: Config) -> list[dict] | None:
    """The normal row's example triangles at the AT row's coverage (a control of P2.6-4ex, added
    2026-12-07 after the numbers were known): per target pair of :func:`example_triangles`, the
    normal model's logged LST iterates whose fraction of the source → target RMS-ℓ2 distance covered
    is nearest the AT model's output's on the same path, and the triangle (source, those iterates).
    The AT model's outputs cover less of the way (46 % vs 76 % on the quick digits), and a smaller
    triangle sits nearer its source, so the comparison at equal coverage separates size from
    robustness. ``None`` without both models."""
    normal, at, rm = grid_runs(cfg, "normal"), grid_runs(cfg, "at"), role_model(cfg, "normal")
    if normal is None or at is None:
        return None
    pl, w = pool(cfg), lst_eval.lattice(cfg.lattice_n, exact=cfg.exact_lattice)
    index = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(normal["src"], normal["tgt"]))}
    out = []
    for t1, t2 in (p for p in TRIANGLE_PAIRS if max(p) < cfg.grid_n):
        steps, covered, vertices = [], [], []
        for t in (t1, t2):
            k = index[0, t]
            target = float(1 - at["log_rms_l2"][-1, k] / at["start_rms_l2"][k])
            curve = 1 - normal["log_rms_l2"][:, k] / normal["start_rms_l2"][k]
            i = int((curve - target).abs().argmin())
            steps.append(normal["steps"][i]), covered.append((target, float(curve[i])))
            vertices.append(normal["log_images"][i, k])
        probs = lst_eval.triangle_confidences(
            rm.model, pl.x[0], vertices[0], vertices[1], int(pl.y[0]), w
        )
        out.append(
            {
                "pair": (t1, t2),
                "steps": steps,
                "covered": covered,
                "stats": lst_eval.triangle_stats(probs, w),
            }
        )
    return out


def grid_star_segments(cfg: Config, role: str = "normal") -> dict | None:
    """:func:`star_segments` over the grid's pairs (the real network, which has no derangement runs)."""
    return star_segments(cfg, role, grid_runs)


def example_triangles(cfg: Config, role: str) -> list[dict] | None:
    """The official triangle figure: source = pool image 0, LST outputs towards the targets of
    :data:`~inputspace.p2.knobs.TRIANGLE_PAIRS` (those inside the grid), confidence on the lattice."""
    run, rm = grid_runs(cfg, role), role_model(cfg, role)
    if run is None:
        return None
    pl, n = pool(cfg), cfg.grid_n
    index = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(run["src"], run["tgt"]))}
    w = lst_eval.lattice(cfg.lattice_n, exact=cfg.exact_lattice)
    out = []
    for t1, t2 in (p for p in TRIANGLE_PAIRS if max(p) < n):
        xs, x1, x2 = pl.x[0], run["x"][index[0, t1]], run["x"][index[0, t2]]
        probs = lst_eval.triangle_confidences(rm.model, xs, x1, x2, int(pl.y[0]), w)
        out.append(
            {
                "pair": (t1, t2),
                "images": torch.stack([xs, x1, x2]),
                "weights": w,
                "probs": probs,
                "vertices": lst_eval.isometric_vertices(xs, x1, x2),
                "stats": lst_eval.triangle_stats(probs, w),
            }
        )
    return out


def table2_by_row(cfg: Config, roles: tuple[str, ...] | None = None) -> dict[str, torch.Tensor]:
    """:func:`table2_stats` of every available row (Table 2; ``roles``: only those rows)."""
    return per_row(cfg, table2_stats, *(() if roles is None else (roles,)))


def control_stars(cfg: Config) -> dict[str, tuple[str, Config, dict]]:
    """:func:`star_segments` of the normal and AT rows under each LST control
    (:func:`~inputspace.p2.lst.controls`): ``{key: (what, control configuration, {row: star})}``."""
    return {
        key: (what, ccfg, per_row(ccfg, star_segments, CONTROL_ROLES))
        for key, (what, ccfg) in controls(cfg).items()
    }


def control_table2(cfg: Config) -> dict[str, tuple[str, Config, dict]]:
    """Table 2's per-source statistics of the normal and AT rows under each LST control:
    ``{key: (what, control configuration, {row: statistics})}``."""
    return {
        key: (what, ccfg, table2_by_row(ccfg, CONTROL_ROLES))
        for key, (what, ccfg) in controls(cfg).items()
    }
