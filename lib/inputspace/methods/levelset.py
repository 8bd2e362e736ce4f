"""Level Set Traversal (LST) of Balasubramanian et al. (NeurIPS 2023), Algorithm 1.

LST moves a batch of source images ``x_src`` towards target images ``x_tgt`` while keeping the
source-class confidence within ``pthresh`` of its clean value: every iteration projects the
remaining difference ``x_tgt - x`` onto the orthogonal complement of the input gradient of the
(summed) cross-entropy of the source class, adds ``step_size`` times that projection, subtracts
an accumulated adversarial term ``Δadv`` (raw gradient, clamped to ``±adv_eps``; it pushes the
confidence *up*), clamps to [0, 1] and accepts the step per sample only while
``p0 - p_new < pthresh`` (``p0``: clean-source confidence).

Implementation notes (behaviour identical to the official ``batch_level_set_traversal``):

* The official loop runs, per iteration, a forward+backward at ``x`` and a forward at
  ``x_new``. :func:`traverse` runs the acceptance pass *with* the backward instead and keeps,
  per sample, the gradient of whichever point survives the acceptance test, so the next
  iteration needs no pass at ``x``: one forward+backward per iteration instead of one
  forward+backward plus one forward. The gradient of a sample does not depend on the rest of
  the batch (eval mode, summed loss), so this is the same computation; :func:`reference_traverse`
  is the plain port used to check it (tests) and to time it (``benchmarks/bench_levelset.py``).
* Sources the model misclassifies are skipped as in the official code but *reported*:
  ``LSTResult.valid`` is False for them and their rows hold the unchanged source and NaN logs.
* ``<J, J> = 0`` would divide by zero in the official code (the sample then becomes NaN, is
  rejected forever and stays at its noisy start). Here a zero gradient projects nothing away.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ..progress import bar
from . import checks, lst_eval

log = logging.getLogger(__name__)

NOISE_RANGE = 4 / 255
"""Width of the uniform initial noise: ``x_src + NOISE_RANGE * (U[0,1) - 0.5)`` (±2/255)."""


@dataclass
class LSTResult:
    """Outputs of :func:`traverse` (all tensors on the CPU; ``B`` = batch size, ``L`` = logs).

    Attributes:
        x: final LST outputs ``(B, C, H, W)`` (the clean source for invalid rows).
        valid: ``(B,)`` False where the model misclassifies the clean source (not traversed).
        p0: clean-source confidence of the source class ``(B,)``.
        p_src, p_tgt: source- / target-class confidence of the output (``p_tgt`` needs ``y_tgt``).
        accepted: number of accepted steps per sample.
        steps: the logged iterations (every ``log_every``, plus ``iters`` for the output).
        log_p_src, log_p_tgt: confidences at the logged steps ``(L, B)`` (None without logging).
        log_rms_l2, log_linf: RMS-ℓ2 (ℓ2/√(CHW)) and ℓ∞ distance to the target ``(L, B)``.
        log_images: iterates ``(L, B, C, H, W)`` when ``log_images`` was requested.
        log_widths: path widths ``(L, B, R + 1, 2)`` (5 %/95 % quantiles; row 0 = radius 0).
    """

    x: torch.Tensor
    valid: torch.Tensor
    p0: torch.Tensor
    p_src: torch.Tensor
    p_tgt: torch.Tensor | None
    accepted: torch.Tensor
    steps: list[int]
    log_p_src: torch.Tensor | None
    log_p_tgt: torch.Tensor | None
    log_rms_l2: torch.Tensor | None
    log_linf: torch.Tensor | None
    log_images: torch.Tensor | None = None
    log_widths: torch.Tensor | None = None

    def to_dict(self) -> dict:
        """Plain dict (tensors, lists, None) for :mod:`inputspace.cache`."""
        return asdict(self)


def project_orthogonal(v: torch.Tensor, grad: torch.Tensor) -> torch.Tensor:
    """Component of each row of ``v`` orthogonal to the same row of ``grad`` (Algorithm 1, the
    orthogonal projection step).

    ``v - <J, v>/<J, J> · J``, computed with the unit gradient for numerical stability; a row
    whose gradient is exactly zero is returned unchanged (nothing to project away).
    """
    v, g = v.flatten(1), grad.flatten(1)
    norm = g.norm(dim=1, keepdim=True)
    unit = torch.where(norm > 0, g / norm.clamp_min(torch.finfo(g.dtype).tiny), torch.zeros_like(g))
    return (v - (unit * v).sum(1, keepdim=True) * unit).view_as(grad)


def initial_point(
    x_src: torch.Tensor, noise: torch.Tensor | None = None, generator: torch.Generator | None = None
) -> torch.Tensor:
    """``clamp(x_src + (4/255)(U − 0.5), 0, 1)``: the noisy start (±2/255, official l.201).

    ``noise`` is the U[0, 1) draw (default: drawn on the CPU from ``generator``), so a batch and
    its single-sample slices can start from identical points.
    """
    if noise is None:
        noise = torch.rand(x_src.shape, generator=generator, dtype=x_src.dtype)
    if noise.shape != x_src.shape:
        raise ValueError(f"noise has shape {tuple(noise.shape)}, expected {tuple(x_src.shape)}")
    return (x_src + NOISE_RANGE * (noise.to(x_src.device) - 0.5)).clamp(0, 1)


def _probs(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return model(x).softmax(-1)


def _grad_probs(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Input gradient of the summed cross-entropy (per sample: independent of the batch) and
    the softmax at ``x`` from the same forward pass."""
    x = x.detach().requires_grad_(True)
    with torch.enable_grad():
        logits = model(x)
        (grad,) = torch.autograd.grad(F.cross_entropy(logits, y, reduction="sum"), x)
    return grad, logits.detach().softmax(-1)


def _adv_update(
    delta: torch.Tensor | None, grad: torch.Tensor, adv_eps: float, scale: float = 1.0
) -> torch.Tensor:
    """Accumulated raw-gradient term: ``clamp(Δadv + (ε/2) s J, −ε, ε)`` (official l.217–221), ``s``
    the gradient's scale (:func:`traverse`'s ``adv_scale``: 1 in the official code since 76b1cfa)."""
    step = (adv_eps / 2) * scale * grad
    return (step if delta is None else delta + step).clamp(-adv_eps, adv_eps)


def _candidate(
    x: torch.Tensor, v_perp: torch.Tensor, delta: torch.Tensor, step_size: float, adv_pert: bool
) -> torch.Tensor:
    return (x + step_size * v_perp - (delta if adv_pert else 0)).clamp(0, 1)


def _check(
    model: nn.Module,
    x_src: torch.Tensor,
    y_src: torch.Tensor,
    x_tgt: torch.Tensor,
    y_tgt: torch.Tensor | None,
) -> torch.Tensor:
    """The user-facing checks (:mod:`inputspace.methods.checks`); returns ``x_tgt`` broadcast."""
    checks.require_eval(model, "LST")
    checks.require_images(x_src, "x_src", "LST")
    checks.require_labels(y_src, len(x_src), "y_src", "LST")
    if x_tgt.shape != x_src.shape and x_tgt.shape != x_src.shape[1:] and x_tgt.shape[0] != 1:
        raise ValueError(
            f"LST: x_tgt {tuple(x_tgt.shape)} must match x_src {tuple(x_src.shape)} or be one image"
        )
    checks.require_range(x_tgt, "x_tgt", "LST")
    if y_tgt is not None:
        checks.require_labels(y_tgt, len(x_src), "y_tgt", "LST")
    return x_tgt.expand_as(x_src)


def reference_traverse(
    model: nn.Module,
    x_src: torch.Tensor,
    y_src: torch.Tensor,
    x_tgt: torch.Tensor,
    *,
    step_size: float = 0.01,
    iters: int = 400,
    pthresh: float = 0.2,
    adv_eps: float = 0.002,
    adv_pert: bool = True,
    adv_scale: float = 1.0,
    noise: torch.Tensor | None = None,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Plain port of the official loop (two passes per iteration, no logging, no filtering of
    misclassified sources): the yardstick for :func:`traverse` in tests and benchmarks."""
    x_tgt = _check(model, x_src, y_src, x_tgt, None)
    p0 = _probs(model, x_src.clamp(0, 1)).gather(1, y_src[:, None])[:, 0]
    x, delta = initial_point(x_src, noise, generator), None
    for _ in range(iters):
        grad, _ = _grad_probs(model, x, y_src)
        v_perp = project_orthogonal(x_tgt - x, grad)
        delta = _adv_update(delta, grad, adv_eps, adv_scale)
        x_new = _candidate(x, v_perp, delta, step_size, adv_pert)
        p_new = _probs(model, x_new).gather(1, y_src[:, None])[:, 0]
        accept = (p0 - p_new < pthresh).view(-1, 1, 1, 1)
        x = torch.where(accept, x_new, x)
    return x


@dataclass
class _Log:
    """Per-step records of one traversal (internal)."""

    steps: list
    p_src: list
    p_tgt: list
    rms_l2: list
    linf: list
    images: list
    widths: list

    def add(
        self,
        step: int,
        x: torch.Tensor,
        probs: torch.Tensor,
        y: torch.Tensor,
        y_tgt: torch.Tensor | None,
        x_tgt: torch.Tensor,
        images: bool,
    ) -> None:
        self.steps.append(step)
        self.p_src.append(probs.gather(1, y[:, None])[:, 0].cpu())
        if y_tgt is not None:
            self.p_tgt.append(probs.gather(1, y_tgt[:, None])[:, 0].cpu())
        diff = (x - x_tgt).flatten(1)
        self.rms_l2.append((diff.norm(dim=1) / diff.shape[1] ** 0.5).cpu())
        self.linf.append(diff.abs().amax(dim=1).cpu())
        if images:
            self.images.append(x.detach().cpu())

    def stacked(self, name: str) -> torch.Tensor | None:
        items = getattr(self, name)
        return torch.stack(items) if items else None


@dataclass(frozen=True)
class _Settings:
    step_size: float
    iters: int
    pthresh: float
    adv_eps: float
    adv_scale: float
    adv_pert: bool
    log_every: int
    log_images: bool
    width_radii: tuple[float, ...]
    width_dirs: int


def _log_step(
    rec: _Log,
    s: _Settings,
    model: nn.Module,
    step: int,
    state: tuple,
    y: torch.Tensor,
    y_tgt: torch.Tensor | None,
    x_tgt: torch.Tensor,
    generator: torch.Generator | None,
) -> None:
    x, probs, grad = state
    rec.add(step, x, probs, y, y_tgt, x_tgt, s.log_images)
    if s.width_radii:
        v_perp = project_orthogonal(x_tgt - x, grad)
        rec.widths.append(
            lst_eval.measure_widths(
                model, x, y, v_perp, s.width_radii, n_dirs=s.width_dirs, generator=generator
            )
        )
    log.debug(
        "LST step %d: mean source confidence %.4f, mean RMS-l2 to target %.4f",
        step,
        float(rec.p_src[-1].mean()),
        float(rec.rms_l2[-1].mean()),
    )


def _run(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    x_tgt: torch.Tensor,
    p0: torch.Tensor,
    y_tgt: torch.Tensor | None,
    s: _Settings,
    generator: torch.Generator | None,
    progress: bool,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, _Log]:
    """The LST loop on correctly classified sources; returns (x, probs, accepted, log)."""
    rec = _Log([], [], [], [], [], [], [])
    accepted = torch.zeros(len(x), dtype=torch.long)
    grad, probs = _grad_probs(model, x, y)
    delta = None
    for i in bar(range(s.iters), desc="LST", disable=not progress, leave=False):
        if s.log_every and i % s.log_every == 0:
            _log_step(rec, s, model, i, (x, probs, grad), y, y_tgt, x_tgt, generator)
        v_perp = project_orthogonal(x_tgt - x, grad)
        delta = _adv_update(delta, grad, s.adv_eps, s.adv_scale)
        x_new = _candidate(x, v_perp, delta, s.step_size, s.adv_pert)
        if i + 1 < s.iters or (s.log_every and s.width_radii):
            grad_new, p_new = _grad_probs(model, x_new, y)
        else:  # the last candidate's gradient would never be used (no width measured at step T)
            grad_new, p_new = grad, _probs(model, x_new)
        accept = p0 - p_new.gather(1, y[:, None])[:, 0] < s.pthresh
        accepted += accept.long().cpu()
        x = torch.where(accept.view(-1, 1, 1, 1), x_new, x)
        grad = torch.where(accept.view(-1, 1, 1, 1), grad_new, grad)
        probs = torch.where(accept[:, None], p_new, probs)
    if s.log_every:
        _log_step(rec, s, model, s.iters, (x, probs, grad), y, y_tgt, x_tgt, generator)
    return x, probs, accepted, rec


def _scatter(
    values: torch.Tensor | None, valid: torch.Tensor, fill: torch.Tensor | float, dim: int = 0
) -> torch.Tensor | None:
    """Put rows computed for the valid sources back into a full-batch tensor along ``dim``."""
    if values is None:
        return None
    shape = list(values.shape)
    shape[dim] = len(valid)
    out = fill.clone() if torch.is_tensor(fill) else torch.full(shape, fill, dtype=values.dtype)
    index = [slice(None)] * dim + [valid.cpu()]
    out[tuple(index)] = values.cpu()
    return out


def traverse(
    model: nn.Module,
    x_src: torch.Tensor,
    y_src: torch.Tensor,
    x_tgt: torch.Tensor,
    *,
    step_size: float = 0.01,
    iters: int = 400,
    pthresh: float = 0.2,
    adv_eps: float = 0.002,
    adv_pert: bool = True,
    adv_scale: float = 1.0,
    log_every: int | None = None,
    y_tgt: torch.Tensor | None = None,
    log_images: bool = False,
    width_radii: Sequence[float] = (),
    width_dirs: int = 256,
    noise: torch.Tensor | None = None,
    generator: torch.Generator | None = None,
    skip_misclassified: bool = True,
    progress: bool = False,
) -> LSTResult:
    """Batched Level Set Traversal (Algorithm 1; defaults = the paper's full-eval run).

    Args:
        model: eval-mode classifier on [0, 1] pixels (normalization inside), on ``x_src.device``.
        x_src, y_src: sources ``(B, C, H, W)`` and their classes.
        x_tgt: targets ``(B, C, H, W)`` or one image broadcast to the batch.
        step_size: η, fraction of the remaining projected difference per step (paper 0.01).
        iters: T (paper 400). pthresh: δ, allowed drop of the source confidence (paper 0.2).
        adv_eps: ε of the accumulated adversarial term (paper 0.002); used when ``adv_pert``.
        adv_scale: factor on the gradient the adversarial term accumulates. 1: the official code
            since its "Fixed version" (commit 76b1cfa, 2023-10-30), whose cross-entropy is summed
            over the batch (per-sample gradients); 1/196: the code before it, whose mean over the
            README's batch of 196 made the term 196× weaker.
        log_every: record confidences and distances every this many iterations (and at
            ``iters``); ``None``/0 records nothing. ``log_images``: also the iterates.
        y_tgt: target classes, to log the target-class confidence.
        width_radii, width_dirs: measure path widths at every logged step
            (:func:`inputspace.methods.lst_eval.measure_widths`).
        noise: the U[0, 1) draw for the initial noise (default: from ``generator``).
        generator: CPU generator for the initial noise and the width directions.
        skip_misclassified: official behaviour (True): misclassified sources are not traversed;
            False traverses them too (smoke profile's 1-epoch models). Either way they are
            flagged ``valid=False`` (and logged at INFO level).

    Returns:
        :class:`LSTResult`.
    """
    x_tgt = _check(model, x_src, y_src, x_tgt, y_tgt)
    s = _Settings(
        step_size,
        iters,
        pthresh,
        adv_eps,
        adv_scale,
        adv_pert,
        int(log_every or 0),
        log_images,
        tuple(width_radii),
        width_dirs,
    )
    p_clean = _probs(model, x_src.clamp(0, 1))
    valid = p_clean.argmax(1) == y_src
    if not bool(valid.all()):
        # info, not a warning: the count is part of the result (``valid``; the P2 tables show the
        # correct pool sources and the pairs summarised), and a warning would reach only the
        # notebook that happened to compute the cached run first
        log.info(
            "LST: %d of %d sources are misclassified by the model; flagged valid=False%s",
            int((~valid).sum()),
            len(valid),
            " and not traversed" if skip_misclassified else " (traversed anyway)",
        )
    p0_all = p_clean.gather(1, y_src[:, None])[:, 0]
    start = initial_point(x_src, noise, generator)
    v = valid if skip_misclassified else torch.ones_like(valid)
    yt = y_tgt[v] if y_tgt is not None else None
    x, probs, accepted, rec = _run(
        model, start[v], y_src[v], x_tgt[v], p0_all[v], yt, s, generator, progress
    )
    vc, nan = v.cpu(), float("nan")
    return LSTResult(
        x=_scatter(x, vc, x_src.detach().cpu()),
        valid=valid.cpu(),
        p0=p0_all.cpu(),
        p_src=_scatter(probs.gather(1, y_src[v][:, None])[:, 0], vc, nan),
        p_tgt=_scatter(probs.gather(1, yt[:, None])[:, 0], vc, nan) if yt is not None else None,
        accepted=_scatter(accepted, vc, torch.zeros(len(v), dtype=torch.long)),
        steps=rec.steps,
        **{
            f"log_{k}": _scatter(rec.stacked(k), vc, nan, 1)
            for k in ("p_src", "p_tgt", "rms_l2", "linf", "images", "widths")
        },
    )
