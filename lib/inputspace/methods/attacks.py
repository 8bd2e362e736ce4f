"""Input perturbations shared by the three studies.

* :func:`pgd_linf` -- untargeted (or targeted) L-infinity PGD with advertorch's
  ``LinfPGDAttack`` semantics as P3 Table 2 uses it (random init in the eps-ball, signed
  gradient steps, projection onto the eps-ball and the [0, 1] box, cross-entropy summed over
  the batch), also used for adversarial training of the quick "AT" model (P2).
* :func:`uniform_noise` -- P3's random-perturbation control, ``x + U(0, eps)`` per pixel;
  :func:`centered_noise` its mean-free twin of equal expected ℓ2, ``x + U(-eps, eps)``.

Models take inputs in [0, 1] (normalization lives inside the model wrapper).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from . import checks


def pgd_linf(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    eps: float,
    iters: int,
    step_size: float,
    rand_init: bool = True,
    targeted: bool = False,
    clip: tuple[float, float] = (0.0, 1.0),
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """L-infinity projected gradient descent (Madry et al.; advertorch ``LinfPGDAttack``).

    Args:
        model: eval-mode, maps a batch in [0, 1] to logits; its parameters are not modified.
        x, y: clean inputs ``(B, C, H, W)`` in ``clip`` and labels (targets when ``targeted``);
            a model in train mode or inputs of another shape or range raise ``ValueError``.
        eps: radius of the L-infinity ball (P3 Table 2: 4/255).
        iters: number of steps (Table 2: 50).
        step_size: step per iteration (Table 2: eps * 2/100).
        rand_init: start from a uniform point in the eps-ball (Table 2: True).
        targeted: minimise the loss of ``y`` instead of maximising it.
        clip: valid pixel range (Table 2: [0, 1]).
        generator: source of the random start (CPU generator; reproducible on any device).

    Returns:
        ``x_adv`` with ``||x_adv - x||_inf <= eps`` and ``clip[0] <= x_adv <= clip[1]``.
    """
    if eps < 0 or iters < 0 or step_size < 0:
        raise ValueError(
            f"eps, iters and step_size must be non-negative (got {eps}, {iters}, {step_size})"
        )
    checks.require_eval(model, "PGD")
    checks.require_images(x, "x", "PGD", box=clip)
    checks.require_labels(y, len(x), "y", "PGD")
    x = x.detach()
    lo, hi = clip
    if rand_init:
        u = torch.rand(x.shape, generator=generator, dtype=x.dtype).to(x.device)
        delta = (2 * u - 1) * eps
    else:
        delta = torch.zeros_like(x)
    delta = ((x + delta).clamp(lo, hi) - x).detach()
    sign = -1.0 if targeted else 1.0
    for _ in range(iters):
        delta.requires_grad_(True)
        loss = F.cross_entropy(model(x + delta), y, reduction="sum")
        (grad,) = torch.autograd.grad(loss, delta)
        with torch.no_grad():
            delta = delta + sign * step_size * grad.sign()
            delta = delta.clamp(-eps, eps)
            delta = (x + delta).clamp(lo, hi) - x
    return (x + delta).detach()


def pgd_linf_kept(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    eps: float,
    iters: int,
    step_size: float,
    rand_init: bool = True,
    clip: tuple[float, float] = (0.0, 1.0),
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
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
    cur = pgd_linf(
        model,
        x,
        y,
        eps=eps,
        iters=0,
        step_size=step_size,
        rand_init=rand_init,
        clip=clip,
        generator=generator,
    )
    if iters < 0:
        raise ValueError(
            f"eps, iters and step_size must be non-negative (got {eps}, {iters}, {step_size})"
        )
    with torch.no_grad():
        alive = model(cur).argmax(1) == y
    kept = torch.where(alive.view(-1, *[1] * (x.dim() - 1)), cur, x)
    steps = torch.where(alive, 0, -1)
    for t in range(1, iters + 1):
        rows = alive.nonzero().flatten()
        if len(rows) == 0:
            break
        nxt = pgd_linf(
            model,
            cur[rows],
            y[rows],
            eps=step_size,
            iters=1,
            step_size=step_size,
            rand_init=False,
            clip=clip,
        )
        nxt = torch.minimum(torch.maximum(nxt, x[rows] - eps), x[rows] + eps)
        with torch.no_grad():
            ok = model(nxt).argmax(1) == y[rows]
        cur[rows] = nxt
        kept[rows[ok]] = nxt[ok]
        steps[rows[ok]] = t
        alive[rows[~ok]] = False
    return kept, steps


def uniform_noise(
    x: torch.Tensor,
    eps: float,
    *,
    clip: tuple[float, float] | None = (0.0, 1.0),
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """P3's control: add one-sided uniform noise ``U(0, eps)`` to every pixel.

    The paper says "between 0 and 4/255" and does not say whether it clipped; by default the
    result is clipped to [0, 1] (pass ``clip=None`` for the unclipped variant).
    """
    u = torch.rand(x.shape, generator=generator, dtype=x.dtype).to(x.device)
    out = x + eps * u
    return out.clamp(*clip) if clip is not None else out


def centered_noise(
    x: torch.Tensor,
    eps: float,
    *,
    clip: tuple[float, float] | None = (0.0, 1.0),
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """A mean-free control of :func:`uniform_noise` with the same expected ℓ2 norm: ``U(-eps, eps)``
    per pixel (E[u²] = eps²/3 for both), clipped to [0, 1] by default. ``U(0, eps)`` adds a mean
    offset of ``eps / 2`` to every pixel, which on black backgrounds is all it does."""
    u = torch.rand(x.shape, generator=generator, dtype=x.dtype).to(x.device)
    out = x + eps * (2 * u - 1)
    return out.clamp(*clip) if clip is not None else out


# --- P1: targeted attack by input optimization (Vrabel et al., Figs 4-6) -------------------


def input_optimization_attack(
    model: nn.Module,
    source: torch.Tensor,
    target: torch.Tensor,
    *,
    lr: float = 0.005,
    iterations: int = 1024,
    mse_weight: float = 0.1,
    tv_weight: float = 1e-7,
    early_stop: float | torch.Tensor | None = None,
    min_iters: int = 32,
    bounds: tuple[torch.Tensor, torch.Tensor] | None = None,
    progress: bool = False,
):
    """P1's adversarial example K' from a source K of another class
    (companion ``sec4_2.create_adversarial``): Adam from ``K`` on
    ``CE(f(x), target) + mse_weight * mean((x - K)^2) + tv_weight * TV(x - K)``.

    Unbounded (penalized, not an eps-ball) and, like the companion, in the space the model is
    given (normalized coordinates via :class:`inputspace.methods.connectivity.NormalizedInput`); pass
    ``bounds`` to clamp to valid images.

    Args:
        model: eval-mode classifier; source: ``(P, ...)`` images K; target: ``(P,)`` classes.
        lr, iterations, mse_weight, tv_weight: Fig 4: 0.005, 1024, 0.1, 1e-7; Fig 6: 512
            iterations and ``tv_weight=1e-8``.
        early_stop: scalar or ``(P,)``; Fig 6 stops once ``CE(K') < CE(A)`` (K' is as good a
            mode as the real A), checked after ``min_iters`` (32) steps; the returned K' is the
            iterate that met it (see :mod:`inputspace.methods.inputopt`).

    Returns:
        :class:`inputspace.methods.inputopt.InputOptResult` (``x`` = K', ``ce`` = CE(K', target)).
    """
    from .inputopt import deviation_penalty, optimize_inputs

    anchor = source.detach()
    penalty = deviation_penalty(anchor, mse_weight, tv_weight)
    return optimize_inputs(
        model,
        anchor,
        target,
        lr=lr,
        iterations=iterations,
        penalty=penalty,
        stop=early_stop,
        min_iters=min_iters,
        bounds=bounds,
        progress=progress,
        desc="input-optimization attack",
    )
