"""The cached Level Set Traversal runs of the P2 notebooks and their path summaries.

LST itself (Algorithm 1 of the paper, official ``batch_level_set_traversal``) is
:func:`inputspace.methods.levelset.traverse`. Three shared, cached computations feed the
notebooks: :func:`grid_runs` (every pool image of the first ``grid_n`` to every other, iterates
logged: figs 1, 2, 4 and the explorer), :func:`derangement_runs` (``n_runs`` random derangements
of the pool, official ``run_lst``: fig 3, Tables 1 and 2) and :func:`width_runs` (path widths,
official ``--get_widths``: fig 5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import torch

from ..cache import cached
from ..config import Config
from ..methods import levelset, lst_eval
from .knobs import LST_VERSION, PAPER_STRIP
from .roles import grid_sources, model_spec, per_row, pool, role_model


def lst_params(cfg: Config) -> dict:
    """The LST hyper-parameters of a notebook (keyword arguments of :func:`levelset.traverse`)."""
    if cfg.adv_grad_batch < 1:
        raise ValueError(
            f"adv_grad_batch must be a batch size ≥ 1 (1: the official code's sum; 196: its earlier "
            f"mean over 196), got {cfg.adv_grad_batch}"
        )
    return {
        "step_size": cfg.step_size,
        "iters": cfg.iters,
        "pthresh": cfg.pthresh,
        "adv_eps": cfg.adv_eps,
        "adv_pert": cfg.adv_pert,
        "adv_scale": 1 / cfg.adv_grad_batch,
        "skip_misclassified": not cfg.traverse_misclassified,
    }


CONTROLS: dict[str, tuple[str, dict]] = {
    "noadv": ("without the adversarial term", {"adv_pert": False}),
    "mean196": (
        "with the earlier code's adversarial term (CE mean over a batch of 196: 196× weaker)",
        {"adv_grad_batch": 196},
    ),
}
"""The fidelity controls of P2 (added 2026-12-07, after the numbers were known): the same LST
without its accumulated adversarial term, and with the strength the official code had before its
"Fixed version" (the paper's numbers most likely came from it, p2-00)."""
CONTROL_ROLES: tuple[str, ...] = ("normal", "at")


def controls(cfg: Config) -> dict[str, tuple[str, Config]]:
    """``{key: (what, configuration)}`` of :data:`CONTROLS` (none when ``lst_controls`` is off):
    the notebook's configuration with the control's LST knobs."""
    if not cfg.lst_controls:
        return {}
    return {
        key: (what, replace(cfg, values={**cfg.values, **change}))
        for key, (what, change) in CONTROLS.items()
    }


def _key(cfg: Config, role: str) -> dict:
    return {
        **model_spec(cfg, role),
        **lst_params(cfg),
        "lst_version": LST_VERSION,
        "pool": list(cfg.pool_classes),
        "pool_rule": cfg.pool_rule,
        "pool_roles": list(cfg.pool_roles),
        "pool_min_conf": list(cfg.pool_min_conf),
        "log_every": cfg.log_every,
    }


def _traverse_pairs(
    cfg: Config, role: str, src: torch.Tensor, tgt: torch.Tensor, *, seed_offset: int, **logging_
) -> dict | None:
    """LST from pool[src[k]] to pool[tgt[k]] for every k in one batch; a plain dict for the cache
    with the clean source→target distances (``start_rms_l2``, ``start_linf``) added."""
    rm = role_model(cfg, role)
    if rm.model is None:
        return None
    pl = pool(cfg)
    x_src, x_tgt = pl.x[src].to(cfg.device), pl.x[tgt].to(cfg.device)
    y_src, y_tgt = pl.y[src].to(cfg.device), pl.y[tgt].to(cfg.device)
    gen = torch.Generator().manual_seed(cfg.seed * 1000 + seed_offset)
    res = levelset.traverse(
        rm.model,
        x_src,
        y_src,
        x_tgt,
        y_tgt=y_tgt,
        generator=gen,
        progress=True,
        **lst_params(cfg),
        **logging_,
    ).to_dict()
    res.update(
        src=src,
        tgt=tgt,
        start_rms_l2=lst_eval.rms_l2(pl.x[src], pl.x[tgt]),
        start_linf=lst_eval.linf(pl.x[src], pl.x[tgt]),
    )
    return res


def grid_runs(cfg: Config, role: str = "normal") -> dict | None:
    """LST between every ordered pair of the first ``grid_n`` pool images (sources: the first
    :func:`~inputspace.p2.roles.grid_sources` of them), iterates logged every ``log_every`` steps
    (figs 1, 2, 4 and the explorer); ``None`` if the model is unavailable."""
    n, sources = cfg.grid_n, grid_sources(cfg)
    pairs = torch.tensor([(i, j) for i in range(sources) for j in range(n) if i != j])
    return cached(
        cfg,
        "p2.grid",
        lambda: _traverse_pairs(
            cfg,
            role,
            pairs[:, 0],
            pairs[:, 1],
            seed_offset=1,
            log_every=cfg.log_every,
            log_images=True,
        ),
        shared=True,
        grid_n=n,
        **({"grid_sources": sources} if sources != n else {}),
        **_key(cfg, role),
    )


def derangement_runs(cfg: Config, role: str) -> dict | None:
    """Official full eval: ``n_runs`` random derangements of the pool, every source traversed to
    its target in each run (fig 3, Tables 1 and 2). Adds Table 1's distances per pair."""

    def compute() -> dict | None:
        n = len(cfg.pool_classes)
        gen = torch.Generator().manual_seed(cfg.seed)
        perms = torch.stack([lst_eval.derangement(n, gen) for _ in range(cfg.n_runs)])
        res = _traverse_pairs(
            cfg,
            role,
            torch.arange(n).repeat(cfg.n_runs),
            perms.flatten(),
            seed_offset=2,
            log_every=cfg.log_every,
        )
        if res is not None:
            res["perms"] = perms
            res["distances"] = lst_eval.table1_distances(res["x"], pool(cfg).x[perms.flatten()])
        return res

    return cached(
        cfg, "p2.derangements", compute, shared=True, n_runs=cfg.n_runs, **_key(cfg, role)
    )


def width_runs(cfg: Config, role: str) -> dict | None:
    """LST on ``width_pairs`` with path widths measured every ``width_every`` steps (fig 5)."""
    pairs = torch.tensor(cfg.width_pairs)
    return cached(
        cfg,
        f"p2.widths.{role}",
        lambda: _traverse_pairs(
            cfg,
            role,
            pairs[:, 0],
            pairs[:, 1],
            seed_offset=3,
            log_every=cfg.width_every,
            width_radii=cfg.width_radii,
            width_dirs=cfg.width_dirs,
        ),
        role=role,
    )


# ----------------------------------------------------------------------------- reading a run
def summarised_rows(run: dict) -> torch.Tensor:
    """Rows to summarise: valid sources (all traversed rows if none is valid: smoke models)."""
    traversed = ~torch.isnan(run["p_src"])
    valid = run["valid"] & traversed
    return valid if bool(valid.any()) else traversed


def pair_index(run: dict, source: int, target: int) -> int:
    """Row of the (source, target) pair in a run's batch."""
    for k, (a, b) in enumerate(zip(run["src"].tolist(), run["tgt"].tolist())):
        if (a, b) == (source, target):
            return k
    raise ValueError(
        f"pair ({source}, {target}) is not in this run (source and target must differ "
        f"and lie inside the grid)"
    )


def strip_steps(iters: int) -> list[int]:
    """The README path figure's iterations (:data:`~inputspace.p2.knobs.PAPER_STRIP`, for T = 400)
    scaled to a run of ``iters`` iterations."""
    return [round(step * iters / 400) for step in PAPER_STRIP]


def strip_indices(steps: Sequence[int], wanted: Sequence[int]) -> list[int]:
    """Indices of the logged steps closest to the wanted iterations (duplicates removed)."""
    s = np.asarray(steps)
    return sorted({int(np.abs(s - w).argmin()) for w in wanted})


def path_summary(run: dict, pthresh: float) -> dict:
    """Numbers behind the path claims (level set kept, target approached, target-class
    confidence low, confidence raised by the adversarial term) over the summarised rows, and
    under ``"per_path"`` the per-path values they are fractions, maxima or means of (the items of
    the claims' bootstrap intervals, :mod:`inputspace.certainty`): 0/1 indicators ``preserved``,
    ``decreased_l2``, ``decreased_linf``, ``monotone`` (RMS-ℓ2 and ℓ∞ both), the target-class
    maximum over the logged steps ``p_tgt_max``, and the clean and output source-class
    confidences ``p0`` and ``p_final`` (the tensors ``p0_mean`` and ``p_final_mean`` average)."""
    r = summarised_rows(run)
    p0, ps, pt = run["p0"][r], run["log_p_src"][:, r], run["log_p_tgt"][:, r]
    l2, li = run["log_rms_l2"][:, r], run["log_linf"][:, r]
    s_l2, s_li = run["start_rms_l2"][r], run["start_linf"][r]
    margin = ps - (p0 - pthresh)
    preserved, p_final = (margin > 0).all(0), ps[-1]
    decreased_l2, decreased_linf = l2[-1] < s_l2, li[-1] < s_li
    monotone_l2, monotone_linf = (l2.diff(dim=0) <= 1e-6).all(0), (li.diff(dim=0) <= 1e-6).all(0)
    return {
        "pairs": len(r),
        "summarised": int(r.sum()),
        "valid": int(run["valid"].sum()),
        "preserved": float(preserved.double().mean()),
        "min_margin": float(margin.min()),
        "p0_mean": float(p0.mean()),
        "p_final_mean": float(p_final.mean()),
        "raised": float((p_final >= p0).double().mean()),
        "covered_l2": float((1 - l2[-1] / s_l2).mean()),
        "covered_linf": float((1 - li[-1] / s_li).mean()),
        "decreased_l2": float(decreased_l2.double().mean()),
        "decreased_linf": float(decreased_linf.double().mean()),
        "monotone_l2": float(monotone_l2.double().mean()),
        "monotone_linf": float(monotone_linf.double().mean()),
        "final_rms_l2": float(l2[-1].mean()),
        "start_rms_l2": float(s_l2.mean()),
        "p_tgt_final_mean": float(pt[-1].mean()),
        "p_tgt_max": float(pt.max()),
        "per_path": {
            "preserved": preserved,
            "decreased_l2": decreased_l2,
            "decreased_linf": decreased_linf,
            "monotone": monotone_l2 & monotone_linf,
            "p_tgt_max": pt.max(0).values,
            "p0": p0,
            "p_final": p_final,
        },
    }


def path_summaries(cfg: Config, roles: Sequence[str] | None = None) -> dict[str, dict]:
    """:func:`path_summary` of every available row's derangement runs (Table 1's paths; ``roles``:
    only those rows)."""
    runs = per_row(cfg, derangement_runs, *(() if roles is None else (roles,)))
    return {label: path_summary(run, cfg.pthresh) for label, run in runs.items()}


def control_summaries(cfg: Config) -> dict[str, tuple[str, dict[str, dict]]]:
    """:func:`path_summaries` of the normal and AT rows under each LST control (:func:`controls`):
    ``{key: (what, {row: summary})}``."""
    return {
        key: (what, path_summaries(ccfg, CONTROL_ROLES))
        for key, (what, ccfg) in controls(cfg).items()
    }


def width_summary(run: dict) -> torch.Tensor:
    """Mean over logged steps and pairs of the 5 % / 95 % width quantiles: ``(R + 1, 2)``."""
    w = run["log_widths"][:, summarised_rows(run)]
    return w.mean(dim=(0, 1))
