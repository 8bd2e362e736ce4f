"""Algorithms the cross-study notebooks (px-01 … px-04) add, generic like the rest of ``methods``.

* :func:`pgd_linf_kept` -- :func:`~inputspace.methods.attacks.pgd_linf` stopped at its last iterate
  that keeps the class (a PGD adversarial that stays in the source's class, px-01);
* :func:`bmu_center_distances` -- the torus distance (P3 Fig. 2A) from units of an already trained
  SOM to the centre of a given class, for inputs the SOM never saw (px-02, px-04).

They live in a module of their own, not appended to ``attacks`` and ``torus``: every cached result
of P1-P3 is keyed by the source code of the modules that computed it (:mod:`inputspace.sources`),
so a new function in those modules would invalidate every cached LST run, SOM and attack.
"""
from __future__ import annotations

import torch
from torch import nn

from .attacks import pgd_linf
from .torus import torus_distance, unit_locations


def pgd_linf_kept(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, eps: float, iters: int,
                  step_size: float, rand_init: bool = True, clip: tuple[float, float] = (0.0, 1.0),
                  generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """:func:`pgd_linf` stopped, per input, at its last iterate the model still classifies as ``y``.

    A PGD adversarial that keeps the class (the cross-study notebook px-01: the straight segment
    source → such a point against source → LST output). The iterates are exactly
    :func:`pgd_linf`'s (same random start from ``generator``, signed steps of ``step_size``,
    projection onto the ``eps``-ball around ``x`` and the ``clip`` box): each step is one
    :func:`pgd_linf` step of radius ``step_size`` from the current iterate, projected back onto
    the ball (the box and the ball are per-pixel intervals, so clamping to one then the other is
    the projection onto both). An input stops at the first iterate classified otherwise.

    Args:
        model, x, y, eps, iters, step_size, rand_init, clip, generator: as :func:`pgd_linf`
            (``y``: the class to keep).

    Returns:
        ``(x_kept, steps)``: the last iterate still classified as ``y`` and ``(B,)`` how many
        steps it took (0: the start; ``iters``: PGD never changed the class); ``-1`` and ``x``
        itself where even the start is classified otherwise.
    """
    x = x.detach()
    # pgd_linf without steps: its checks and its random start (the same draw from ``generator``)
    cur = pgd_linf(model, x, y, eps=eps, iters=0, step_size=step_size, rand_init=rand_init, clip=clip,
                   generator=generator)
    if iters < 0:
        raise ValueError(f"eps, iters and step_size must be non-negative (got {eps}, {iters}, {step_size})")
    with torch.no_grad():
        alive = model(cur).argmax(1) == y
    kept = torch.where(alive.view(-1, *[1] * (x.dim() - 1)), cur, x)
    steps = torch.where(alive, 0, -1)
    for t in range(1, iters + 1):
        rows = alive.nonzero().flatten()
        if len(rows) == 0:
            break
        nxt = pgd_linf(model, cur[rows], y[rows], eps=step_size, iters=1, step_size=step_size,
                       rand_init=False, clip=clip)
        nxt = torch.minimum(torch.maximum(nxt, x[rows] - eps), x[rows] + eps)
        with torch.no_grad():
            ok = model(nxt).argmax(1) == y[rows]
        cur[rows] = nxt
        kept[rows[ok]] = nxt[ok]
        steps[rows[ok]] = t
        alive[rows[~ok]] = False
    return kept, steps


def bmu_center_distances(units: torch.Tensor, classes: torch.Tensor, centers: torch.Tensor,
                     m: int, n: int) -> torch.Tensor:
    """Torus distance (Fig. 2A, :func:`torus_distance`) from units of an already trained SOM to
    the centre of a given class, for any inputs (e.g. the BMUs of LST outputs or adversarials).

    Args:
        units: ``(N, k)`` unit indices (the top-k BMUs of N inputs).
        classes: ``(N,)`` the class whose centre each input is measured to.
        centers: ``(C, 2)`` class centres, e.g. ``class_centers(...)["center"]`` (they may lie
            outside the central grid; the torus distance wraps them).

    Returns:
        ``(N, k)`` distances; NaN for a class without SOM-tr inputs (NaN centre).
    """
    loc = unit_locations(m, n, device=units.device)[units]
    return torus_distance(loc, centers.to(loc.device)[classes].unsqueeze(-2), m, n)
