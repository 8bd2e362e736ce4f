"""Input optimization (P1): the shared Adam loop and feature visualization by optimization (FVO).

Every P1 procedure that moves an *input* -- the barrier bypass (companion ``utils.bypass_barrier``), the free
optimization of untrained models (``sec4_3``), FVO synthetic modes (``utils.feature_visualization``) and the
targeted input-optimization attack (``sec4_2.create_adversarial``) -- is "Adam on ``CE(f(x), y) +
penalties``" with a different
penalty, gradient projection and stop rule. :func:`optimize_inputs` runs that loop for a batch of
independent inputs at once:

* the objective is the *sum* over rows of per-row losses, so every row receives exactly the
  gradient it would receive alone (the models are in eval mode: no batch interaction);
* Adam is applied row-wise with torch's exact update (coupled L2 ``weight_decay``, bias
  correction, ``eps=1e-8``), so a batched run equals P independent ``torch.optim.Adam`` runs;
* a row that meets its stop rule leaves the batch (later iterations cost less).

Stop rule. The companion code evaluates ``CE`` after each step (FVO) or before it (optimize /
attack) and breaks. Here ``CE(x_t)`` is computed once per iteration in the forward pass that also
gives the gradient; a row stops at the first ``t >= min_iters`` with ``CE(x_t) < stop`` and
returns ``x_t`` itself, so the returned input provably meets the threshold (for FVO this is the
companion's post-step check without its extra forward pass; ``x_0`` is also a candidate).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ..progress import bar

log = logging.getLogger(__name__)

RowFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
"""``fn(tensor_of_active_rows, row_indices) -> tensor`` (penalty, gradient or update map)."""

FVO_LR, FVO_WD, FVO_NOISE = 0.05, 1e-7, 0.01
FVO_ITERS, FVO_STOP, FVO_TV_A = 8192, 5e-4, 2.5e-7  # Sec 4.3 (App F.1: 4096 iterations, 5e-3)


@dataclass
class InputOptResult:
    """Outcome of :func:`optimize_inputs` for a batch of P inputs.

    Attributes:
        x: ``(P, ...)`` optimized inputs (the best iterate when ``keep_best``).
        ce: ``(P,)`` cross-entropy of ``x``.
        iterations: ``(P,)`` Adam steps taken by each row.
        history: ``(T, P)`` ``CE(x_t)`` before step ``t`` (NaN once a row stopped).
    """

    x: torch.Tensor
    ce: torch.Tensor
    iterations: torch.Tensor
    history: torch.Tensor


def total_variation(z: torch.Tensor) -> torch.Tensor:
    """Anisotropic TV-L1 of every row of ``z`` ``(P, C, H, W)`` -> ``(P,)``.

    The companion's ``_high_freq_penalty``: ``sum |z[.., :, 1:] - z[.., :, :-1]| +
    sum |z[.., 1:, :] - z[.., :-1, :]|`` over channels and pixels (here per row, not per batch).
    """
    dx = (z[..., :, 1:] - z[..., :, :-1]).abs().flatten(1).sum(1)
    dy = (z[..., 1:, :] - z[..., :-1, :]).abs().flatten(1).sum(1)
    return dx + dy


def deviation_penalty(anchor: torch.Tensor, mse_weight: float, tv_weight: float) -> RowFn:
    """``mse_weight * mean((x - K)^2) + tv_weight * TV(x - K)`` per row: the bypass's and the
    attack's "stay close to the anchor K, no high-frequency change" term (companion
    ``utils.bypass_barrier``, ``sec4_2.create_adversarial``)."""

    def penalty(x: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
        d = x - anchor[rows]
        return mse_weight * d.flatten(1).pow(2).mean(1) + tv_weight * total_variation(d)

    return penalty


def _per_row(value: float | torch.Tensor, n: int, device: torch.device) -> torch.Tensor:
    return torch.as_tensor(value, dtype=torch.float32, device=device).expand(n).clone()


def _adam_update(
    g: torch.Tensor,
    m: torch.Tensor,
    v: torch.Tensor,
    t: int,
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> torch.Tensor:
    """torch.optim.Adam's step (in place on the moments ``m``, ``v``); returns the update."""
    b1, b2 = betas
    m.mul_(b1).add_(g, alpha=1 - b1)
    v.mul_(b2).addcmul_(g, g, value=1 - b2)
    denom = (v.sqrt() / (1 - b2**t) ** 0.5).add_(eps)
    return -(lr / (1 - b1**t)) * m / denom


def optimize_inputs(
    model: nn.Module,
    x0: torch.Tensor,
    y: torch.Tensor,
    *,
    lr: float,
    iterations: int,
    weight_decay: float = 0.0,
    penalty: RowFn | None = None,
    stop: float | torch.Tensor | None = None,
    min_iters: int = 0,
    keep_best: bool = False,
    grad_map: RowFn | None = None,
    update_map: RowFn | None = None,
    bounds: tuple[torch.Tensor, torch.Tensor] | None = None,
    progress: bool = False,
    desc: str = "optimize inputs",
) -> InputOptResult:
    """Adam on ``CE(model(x), y) + penalty(x)`` for every row of ``x0`` independently.

    Args:
        model: eval-mode classifier on the space ``x0`` lives in; parameters are not modified.
        x0, y: ``(P, ...)`` start inputs and ``(P,)`` target classes.
        lr, iterations, weight_decay: Adam settings (``weight_decay`` as torch: L2 on the grad).
        penalty: per-row extra loss ``(P_active,)`` (MSE/TV terms); its gradient is included.
        stop: per-row or scalar threshold: a row stops at the first ``t >= min_iters`` with
            ``CE(x_t) < stop`` (module doc); ``None`` = run all iterations.
        keep_best: return the lowest-CE iterate seen instead of the last (FVO).
        grad_map: applied to the gradient before Adam (the bypass's projection off AC).
        update_map: applied to Adam's update before it is added (the exact bypass variant).
        bounds: ``(lo, hi)`` broadcastable to ``x0``: clamp after every step (``None`` = no box,
            as the companion code).
        progress: show a tqdm bar.

    Returns:
        :class:`InputOptResult`.
    """
    x = x0.detach().clone()
    p, device = x.shape[0], x.device
    m, v = torch.zeros_like(x), torch.zeros_like(x)
    stop_t = None if stop is None else _per_row(stop, p, device)
    best, best_ce = x.clone(), torch.full((p,), float("inf"), device=device)
    its = torch.zeros(p, dtype=torch.long, device=device)
    history = torch.full((iterations, p), float("nan"))
    active = torch.arange(p, device=device)
    for t in bar(range(1, iterations + 1), desc=desc, disable=not progress, leave=False):
        ce, g = _ce_and_grad(model, x[active], y[active], penalty, active)
        history[t - 1, active.cpu()] = ce.cpu()
        if keep_best:
            _keep_best(best, best_ce, x, ce, active)
        if stop_t is not None and t > min_iters:
            hit = ce < stop_t[active]
            best_ce[active[hit]], best[active[hit]] = ce[hit], x[active[hit]]
            active = active[~hit]
            g = g[~hit]
            if len(active) == 0:
                break
        if grad_map is not None:
            g = grad_map(g, active)
        if weight_decay:
            g = g + weight_decay * x[active]
        mi, vi = m[active], v[active]
        step = _adam_update(g, mi, vi, t, lr)
        m[active], v[active] = mi, vi
        if update_map is not None:
            step = update_map(step, active)
        x[active] = _clamp(x[active] + step, bounds)
        its[active] += 1
    return _finish(model, x, y, best, best_ce, active, its, history, keep_best, stop_t is not None)


def _ce_and_grad(
    model: nn.Module, xa: torch.Tensor, ya: torch.Tensor, penalty: RowFn | None, rows: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    xa = xa.detach().requires_grad_(True)
    ce = F.cross_entropy(model(xa), ya, reduction="none")
    total = ce if penalty is None else ce + penalty(xa, rows)
    (g,) = torch.autograd.grad(total.sum(), xa)
    return ce.detach(), g


def _keep_best(
    best: torch.Tensor,
    best_ce: torch.Tensor,
    x: torch.Tensor,
    ce: torch.Tensor,
    active: torch.Tensor,
) -> None:
    better = ce < best_ce[active]
    rows = active[better]
    best_ce[rows], best[rows] = ce[better], x[rows]


def _clamp(x: torch.Tensor, bounds: tuple[torch.Tensor, torch.Tensor] | None) -> torch.Tensor:
    if bounds is None:
        return x
    return torch.maximum(torch.minimum(x, bounds[1]), bounds[0])


@torch.no_grad()
def _finish(
    model, x, y, best, best_ce, active, its, history, keep_best, has_stop
) -> InputOptResult:
    """Evaluate the last iterate of the rows still active and assemble the result."""
    if len(active):
        ce = F.cross_entropy(model(x[active]), y[active], reduction="none")
        if keep_best:
            _keep_best(best, best_ce, x, ce, active)
        else:
            best[active], best_ce[active] = x[active], ce
    if not keep_best and not has_stop:
        best = x
    return InputOptResult(best, best_ce, its.cpu(), history)


def feature_visualization(
    model: nn.Module,
    targets: torch.Tensor,
    *,
    shape: tuple[int, ...],
    generator: torch.Generator,
    lr: float = FVO_LR,
    iterations: int = FVO_ITERS,
    stop: float = FVO_STOP,
    tv_weight: float | torch.Tensor = 0.0,
    noise: float = FVO_NOISE,
    weight_decay: float = FVO_WD,
    bounds: tuple[torch.Tensor, torch.Tensor] | None = None,
    progress: bool = False,
) -> InputOptResult:
    """Synthetic modes by feature visualization (FVO; companion
    ``feature_visualization``): Adam from ``noise * randn`` on ``CE + tv_weight * TV(x)``.

    Args:
        model: eval-mode classifier on the optimization space.
        targets: ``(P,)`` classes, one synthetic input per row.
        shape: one input's shape, e.g. ``(3, 32, 32)``.
        generator: CPU generator of the start noise (rows drawn in order, as the companion's
            sequential A-then-C generation from one seed).
        tv_weight: scalar or ``(P,)`` (Sec 4.3: 2.5e-7 for input A, 0 for input C).
        iterations, stop: Sec 4.3: 8192 and 5e-4; App F.1: 4096 and 5e-3.
        lr, noise, weight_decay: 0.05, 0.01, 1e-7 (companion).

    Returns:
        :class:`InputOptResult` holding the best iterate of every row.
    """
    device = targets.device
    x0 = torch.cat(
        [noise * torch.randn((1, *shape), generator=generator) for _ in range(len(targets))]
    )
    tv = _per_row(tv_weight, len(targets), device)
    penalty = None if not bool((tv > 0).any()) else (lambda x, rows: tv[rows] * total_variation(x))
    return optimize_inputs(
        model,
        x0.to(device),
        targets,
        lr=lr,
        iterations=iterations,
        weight_decay=weight_decay,
        penalty=penalty,
        stop=stop,
        keep_best=True,
        bounds=bounds,
        progress=progress,
        desc="FVO",
    )
