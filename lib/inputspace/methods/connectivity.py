"""Input-space mode connectivity (P1, Vrabel et al.): linear paths, barriers, bypasses.

Faithful to the companion code (``utils.py``):

* :func:`path_losses` -- ``N`` points ``(1 - a) A + a C``, ``a = linspace(0, 1, N)`` (endpoints
  included; N = 1000 / 250 / 200 in Secs 4.1 / 4.2 / 4.3) and the cross-entropy of the target
  class at each, batched over many segments at once;
* :func:`barriers` -- height ``max L`` and gap ``max L - max(L_0, L_{N-1})`` (Fig 6);
* :func:`bypass` -- the max-loss point B moved to B' by Adam (lr 0.005, 1024 iterations) on
  ``CE + 0.1 mean((x - B)^2) + 1e-8 TV(x - B)`` with the gradient projected off ``v = C - A``
  (``variant="companion"``). Adam rescales coordinates, so B' drifts slightly out of the
  hyperplane; ``variant="exact"`` also projects every Adam update, keeping
  ``<B' - B, v> = 0`` up to rounding. Both report ``cos(B' - B, C - A)``;
* :func:`optimize_free` -- Sec 4.3's unconstrained Adam (lr 0.05, wd 1e-7, stop at CE < 5e-4);
* :func:`connect` -- repeated bypass until every segment's gap is below ``delta = 0.001``.

Space. The companion optimizes in *normalized* coordinates ``z = (x - mean) / std`` without a
pixel box; project models take pixels in [0, 1]. :class:`NormalizedInput` exposes the normalized
space of a wrapper, so the companion's learning rates and penalty weights keep their meaning;
every function also takes ``bounds`` (e.g. :meth:`NormalizedInput.pixel_box`) to clamp to valid
images instead (not done by default, as in the companion).

Checks (:mod:`inputspace.methods.checks`): a model in train mode, endpoints of different shapes
and labels that are not one class per segment raise ``ValueError``. Values are *not* checked
against [0, 1]: the inputs live in whatever space the model is given (normalized coordinates
through :class:`NormalizedInput` by default in P1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from . import checks
from .inputopt import InputOptResult, deviation_penalty, optimize_inputs

DELTA = 1e-3
BYPASS_LR, BYPASS_ITERS, BYPASS_MSE, BYPASS_TV = 0.005, 1024, 0.1, 1e-8
FREE_LR, FREE_ITERS, FREE_WD, FREE_STOP = 0.05, 4096, 1e-7, 5e-4
Bounds = tuple[torch.Tensor, torch.Tensor] | None


class NormalizedInput(nn.Module):
    """A pixel-space :class:`~inputspace.models.ModelWrapper` seen in normalized coordinates.

    ``forward(z) = wrapper.net(z)`` with ``z = (x - mean) / std``: the space in which the
    companion code interpolates and optimizes.
    """

    def __init__(self, wrapper: nn.Module) -> None:
        super().__init__()
        self.wrapper = wrapper

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.wrapper.net(z)

    def from_pixels(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.wrapper.mean) / self.wrapper.std

    def to_pixels(self, z: torch.Tensor) -> torch.Tensor:
        return z * self.wrapper.std + self.wrapper.mean

    def pixel_box(self) -> tuple[torch.Tensor, torch.Tensor]:
        """``(lo, hi)`` of valid images ([0, 1] pixels) in normalized coordinates."""
        return self.from_pixels(torch.zeros_like(self.wrapper.mean)), self.from_pixels(
            torch.ones_like(self.wrapper.mean)
        )


def path_points(a: torch.Tensor, c: torch.Tensor, alphas: torch.Tensor) -> torch.Tensor:
    """Points ``(1 - alpha) A + alpha C``: ``(S, ...)`` endpoints, ``(n,)`` alphas -> ``(S, n, ...)``.

    ``alpha = 0`` and ``1`` reproduce ``A`` and ``C`` bit for bit.
    """
    shape = (1, -1) + (1,) * (a.dim() - 1)
    al = alphas.to(a.device, a.dtype).view(shape)
    return (1 - al) * a.unsqueeze(1) + al * c.unsqueeze(1)


@torch.no_grad()
def path_losses(
    model: nn.Module,
    a: torch.Tensor,
    c: torch.Tensor,
    y: torch.Tensor,
    n: int,
    batch_size: int = 256,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Cross-entropy of class ``y`` along ``S`` linear segments at once (companion
    ``utils.linear_interpolation``, ``compute_losses``).

    Args:
        model: eval-mode classifier on the space of ``a``/``c``.
        a, c: ``(S, ...)`` segment starts and ends; y: ``(S,)`` target classes.
        n: points per segment, endpoints included.
        batch_size: forward-pass batch (points of several segments share a batch).

    Returns:
        ``(alphas (n,), losses (S, n))`` (losses on the CPU).
    """
    checks.require_eval(model, "path_losses")
    checks.require_same_shape(a, "a", {"c": c}, "path_losses")
    checks.require_labels(y, len(a), "y", "path_losses")
    alphas = torch.linspace(0, 1, n)
    flat_seg = torch.arange(len(a)).repeat_interleave(n)
    flat_al = alphas.repeat(len(a))
    out = []
    for i in range(0, len(flat_seg), batch_size):
        s, al = (
            flat_seg[i : i + batch_size].to(a.device),
            flat_al[i : i + batch_size].to(a.device, a.dtype),
        )
        al = al.view((-1,) + (1,) * (a.dim() - 1))
        pts = (1 - al) * a[s] + al * c[s]
        out.append(F.cross_entropy(model(pts), y[s], reduction="none").cpu())
    return alphas, torch.cat(out).view(len(a), n)


@dataclass
class Barrier:
    """Barrier of each of ``S`` loss curves (Fig 6 definitions): all fields ``(S,)``."""

    height: torch.Tensor  # max L
    gap: torch.Tensor  # max L - max(L_0, L_{N-1})
    index: torch.Tensor  # argmax
    alpha: torch.Tensor  # alpha at the argmax


def barriers(losses: torch.Tensor, alphas: torch.Tensor | None = None) -> Barrier:
    """Height, gap and location of the max-loss point of every row of ``losses`` ``(S, n)``."""
    alphas = torch.linspace(0, 1, losses.shape[1]) if alphas is None else alphas
    height, index = losses.max(dim=1)
    gap = height - torch.maximum(losses[:, 0], losses[:, -1])
    return Barrier(height, gap, index, alphas[index])


@dataclass
class BypassResult:
    """B -> B' for P barriers (all ``(P, ...)`` / ``(P,)``)."""

    b_prime: torch.Tensor
    ce: torch.Tensor  # CE(B')
    cosine: torch.Tensor  # cos(B' - B, C - A): 0 = in the hyperplane
    history: torch.Tensor  # (T, P) CE during the optimization


def _projector(v: torch.Tensor):
    """Map removing from each row its component along the matching row of ``v``."""
    vf = v.flatten(1)
    vv = (vf * vf).sum(1).clamp_min(1e-30)

    def project(g: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
        gf = g.flatten(1)
        coef = (gf * vf[rows]).sum(1) / vv[rows]
        return (gf - coef[:, None] * vf[rows]).view_as(g)

    return project


def cosine(u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Row-wise cosine between ``(P, ...)`` tensors (0 where ``u`` is zero)."""
    u, v = u.flatten(1).double(), v.flatten(1).double()
    return ((u * v).sum(1) / (u.norm(dim=1) * v.norm(dim=1)).clamp_min(1e-300)).float()


def bypass(
    model: nn.Module,
    a: torch.Tensor,
    c: torch.Tensor,
    b: torch.Tensor,
    y: torch.Tensor,
    *,
    variant: str = "companion",
    lr: float = BYPASS_LR,
    iterations: int = BYPASS_ITERS,
    mse_weight: float = BYPASS_MSE,
    tv_weight: float = BYPASS_TV,
    bounds: Bounds = None,
    progress: bool = False,
) -> BypassResult:
    """Optimize barrier points B in the hyperplane orthogonal to AC (companion ``utils.bypass_barrier``, Figs 1-3).

    Args:
        model: eval-mode classifier on the space of the inputs.
        a, c, b: ``(P, ...)`` segment ends and their max-loss points; y: ``(P,)`` classes.
        variant: ``"companion"`` (gradient projected off AC, then Adam) or ``"exact"`` (the
            Adam update projected too: B' stays in the hyperplane).
        lr, iterations, mse_weight, tv_weight: companion defaults 0.005, 1024, 0.1, 1e-8.
        bounds: optional clamp box (module doc).

    Returns:
        :class:`BypassResult`.
    """
    if variant not in ("companion", "exact"):
        raise ValueError(f"unknown bypass variant {variant!r}; valid: 'companion', 'exact'")
    checks.require_eval(model, "bypass")
    checks.require_same_shape(a, "a", {"c": c, "b": b}, "bypass")
    checks.require_labels(y, len(a), "y", "bypass")
    anchor = b.detach()
    project = _projector(c - a)
    penalty = deviation_penalty(anchor, mse_weight, tv_weight)
    res = optimize_inputs(
        model,
        anchor,
        y,
        lr=lr,
        iterations=iterations,
        penalty=penalty,
        grad_map=project,
        update_map=project if variant == "exact" else None,
        bounds=bounds,
        progress=progress,
        desc=f"bypass ({variant})",
    )
    return BypassResult(res.x, res.ce, cosine(res.x - anchor, c - a), res.history)


def optimize_free(
    model: nn.Module,
    b: torch.Tensor,
    y: torch.Tensor,
    *,
    lr: float = FREE_LR,
    iterations: int = FREE_ITERS,
    weight_decay: float = FREE_WD,
    stop: float = FREE_STOP,
    bounds: Bounds = None,
    progress: bool = False,
) -> InputOptResult:
    """Sec 4.3's unconstrained barrier optimization (companion ``optimize_point``): Adam on CE
    only (no projection, no deviation penalty), stopping once ``CE < stop``."""
    checks.require_eval(model, "optimize_free")
    checks.require_labels(y, len(b), "y", "optimize_free")
    return optimize_inputs(
        model,
        b,
        y,
        lr=lr,
        iterations=iterations,
        weight_decay=weight_decay,
        stop=stop,
        bounds=bounds,
        progress=progress,
        desc="free optimization",
    )


@dataclass
class Round:
    """A piecewise-linear path after some bypass rounds (round 0 = the primary segment).

    Attributes:
        nodes: ``(K, ...)`` vertices A, ..., C.
        curves: ``(K - 1, n)`` losses along every segment.
        barrier: :class:`Barrier` of every segment (its gap is relative to its own ends).
        excess: ``(K - 1,)`` segment max minus ``max(L(A), L(C))`` of the pair's modes.
        ok: ``(K - 1,)`` segments counted as connected (score below ``delta``).
        new_ce: CE of the points created in this round (empty for round 0).
    """

    nodes: torch.Tensor
    curves: torch.Tensor
    barrier: Barrier
    excess: torch.Tensor
    ok: torch.Tensor
    new_ce: torch.Tensor = field(default_factory=lambda: torch.empty(0))

    @property
    def path_excess(self) -> float:
        """Max loss along the whole path minus the modes' level (the secondary barrier)."""
        return float(self.excess.max())


@dataclass
class ConnectResult:
    """Every round of :func:`connect` for one pair (A, C)."""

    rounds: list[Round]

    @property
    def connected(self) -> bool:
        return bool(self.rounds[-1].ok.all())

    @property
    def rounds_needed(self) -> int | None:
        """Bypass rounds after which every segment met ``delta`` (0 = primary already did)."""
        return next((r for r, rd in enumerate(self.rounds) if bool(rd.ok.all())), None)


CRITERIA = ("gap", "modes", "height")


def _segment_ok(excess: torch.Tensor, b: Barrier, delta: float, criterion: str) -> torch.Tensor:
    if criterion == "gap":
        return b.gap < delta
    if criterion == "modes":
        return excess < delta
    if criterion == "height":
        return b.height < delta
    raise ValueError(f"unknown criterion {criterion!r}; valid: {list(CRITERIA)}")


def _move(
    method: str,
    model: nn.Module,
    p: torch.Tensor,
    q: torch.Tensor,
    b: torch.Tensor,
    y: torch.Tensor,
    kwargs: dict,
) -> tuple[torch.Tensor, torch.Tensor]:
    if method == "free":
        res = optimize_free(model, b, y, **kwargs)
        return res.x, res.ce
    if method in ("companion", "exact"):
        res = bypass(model, p, q, b, y, variant=method, **kwargs)
        return res.b_prime, res.ce
    raise ValueError(f"unknown method {method!r}; valid: 'companion', 'exact', 'free'")


def connect(
    model: nn.Module,
    a: torch.Tensor,
    c: torch.Tensor,
    y: torch.Tensor,
    *,
    n_points: int,
    delta: float = DELTA,
    max_rounds: int = 3,
    min_rounds: int = 0,
    method: str = "companion",
    criterion: str = "gap",
    batch_size: int = 256,
    **opt_kwargs,
) -> list[ConnectResult]:
    """Bypass barriers recursively until every segment is below ``delta`` (companion ``sec4_3``, Figs 5, 7).

    Each round takes every segment whose score is ``>= delta`` (``criterion="gap"``: the
    segment's max minus its larger endpoint loss -- our operational reading of
    delta: an *interior* barrier, the only kind a further bypass can remove; ``"modes"``: the
    segment's max minus ``max(L(A), L(C))`` of the pair's modes, stricter, also failing when
    an intermediate point B' itself stays above the modes; ``"height"``: the absolute max), moves
    its max-loss point (``method``: ``"companion"``/``"exact"`` bypass,
    or ``"free"`` optimization as Sec 4.3) and splits it in two. All segments of all pairs of
    a round are optimized in one batch.

    Args:
        a, c, y: ``(P, ...)`` endpoints and ``(P,)`` classes of P independent pairs.
        n_points: points per segment (250 in Sec 4.2, 200 in Sec 4.3).
        max_rounds: depth limit.
        min_rounds: rounds in which *every* segment is split whatever its score (Sec 4.3's
            code does exactly 2 rounds: ``min_rounds = max_rounds = 2``); ``ok`` and
            :attr:`ConnectResult.rounds_needed` still report the criterion.
        opt_kwargs: forwarded to :func:`bypass` or :func:`optimize_free`.

    Returns:
        One :class:`ConnectResult` per pair (its rounds up to connection or the limit).
    """
    nodes = [[a[i], c[i]] for i in range(len(a))]
    curves = [[row] for row in path_losses(model, a, c, y, n_points, batch_size)[1]]
    out = [ConnectResult([]) for _ in range(len(a))]
    new_ce: list[list[torch.Tensor]] = [[] for _ in range(len(a))]
    for r in range(max_rounds + 1):
        todo = []
        for i, res in enumerate(out):
            cv = torch.stack(curves[i])
            bar = barriers(cv)
            excess = bar.height - max(float(cv[0, 0]), float(cv[-1, -1]))
            ok = _segment_ok(excess, bar, delta, criterion)
            res.rounds.append(
                Round(torch.stack(nodes[i]), cv, bar, excess, ok, torch.tensor(new_ce[i]))
            )
            todo += [
                (i, j, int(bar.index[j])) for j in range(len(ok)) if r < min_rounds or not ok[j]
            ]
        if not todo or r == max_rounds:
            break
        new_ce = [[] for _ in range(len(a))]
        _split_segments(
            model, nodes, curves, new_ce, todo, y, n_points, batch_size, method, opt_kwargs
        )
    return out


def _split_segments(
    model, nodes, curves, new_ce, todo, y, n_points, batch_size, method, kwargs
) -> None:
    """One round of :func:`connect`: move the max point of each listed segment, insert it."""
    p = torch.stack([nodes[i][j] for i, j, _ in todo])
    q = torch.stack([nodes[i][j + 1] for i, j, _ in todo])
    al = torch.tensor([k / (n_points - 1) for *_, k in todo], dtype=p.dtype, device=p.device)
    al = al.view((-1,) + (1,) * (p.dim() - 1))
    b = (1 - al) * p + al * q
    yy = torch.stack([y[i] for i, *_ in todo])
    b_new, ce = _move(method, model, p, q, b, yy, kwargs)
    _, cv = path_losses(
        model,
        torch.cat([p, b_new]),
        torch.cat([b_new, q]),
        torch.cat([yy, yy]),
        n_points,
        batch_size,
    )
    m = len(todo)
    for t in sorted(range(m), key=lambda t: -todo[t][1]):  # right to left keeps indices valid
        i, j, _ = todo[t]
        nodes[i].insert(j + 1, b_new[t])
        curves[i][j : j + 1] = [cv[t], cv[m + t]]
        new_ce[i].insert(0, float(ce[t]))


@torch.no_grad()
def select_modes(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, cls: int, k: int, pool_factor: int = 3
) -> tuple[torch.Tensor, torch.Tensor]:
    """Real modes of a class, as the companion's ``prepare_imagenet_tensors``: the first
    ``pool_factor * k`` images of ``cls`` (data order) sorted by CE, the ``k`` lowest kept.

    Returns:
        ``(indices into x, their CE)``, ascending CE.
    """
    idx = (y == cls).nonzero().flatten()[: pool_factor * k]
    if len(idx) < k:
        raise ValueError(f"class {cls} has only {len(idx)} images, {k} modes requested")
    ce = F.cross_entropy(model(x[idx]), y[idx], reduction="none").cpu()
    order = ce.argsort()[:k]
    return idx.cpu()[order], ce[order]
