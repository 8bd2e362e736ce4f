"""A batched torch self-organizing map with QuickSOM 1.0.0 semantics (P3 Sec. 2.3, Table 1).

The paper trained its SOMs with QuickSOM (Mallet et al. 2020). :func:`train_som` reproduces
``quicksom==1.0.0 som.SOM.fit`` as the paper configured it (Sec. 2.3, Table 1)::

    W ~ N(0, 1)  (m*n, dim)                          # np.random.randn init
    G[u, v] = squared torus distance of units u, v   # periodic=True (9 copies)
    total = N * epochs;  step = 0
    for each epoch, for each shuffled batch X (B codes):
        s   = exp(-5 * step / total)                 # sched='exp': 1 -> e^-5
        a_t = alpha * s;  sigma_t = sigma * s
        D   = 1 - cos(X, W)                          # Eq. 2, (B, m*n)
        u_b = argmin_k D[b, k];  loss = mean_b D[b, u_b]     # the "SOM loss" of Fig. 3
        h   = exp(-G[u_b, k] / (2 sigma_t^2 + 1e-5))          # Eq. 1 neighbourhood
        W  += mean_b a_t * h[b, k] * (X_b - W_k)              # batch-averaged Kohonen update
        step += batch_size                                    # (QuickSOM adds the nominal size)

The update is computed as one ``addmm`` (``W * (1 - a/B * sum_b h) + a/B * h^T X``) instead of
QuickSOM's ``(B, m*n, dim)`` tensor, and the cosine distance uses pre-normalized codes and the
weight norms, so one step costs two ``(B, m*n, dim)`` matrix products and one pass over ``W``.
Top-k BMUs (:func:`bmus`) are computed correctly in chunks (QuickSOM 1.0.0's
``inference_call(n_bmu>1)`` slices the wrong axis).
"""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass

import torch

from .torus import grid_sq_distances

log = logging.getLogger(__name__)

SCHEDULES = ("exp", "linear", "half")
METRICS = ("cosine", "euclidean")
_EPS = 1e-12
FLUSH = 1e-30
"""Neighbourhood values below this are set to 0 (:func:`neighbourhood`): no subnormal operands."""


@dataclass(frozen=True)
class SOMConfig:
    """SOM hyper-parameters; defaults = P3 Table 1 with QuickSOM's meaning of each name.

    Attributes:
        m, n: grid height and width (paper: 10, 20, 30, 40; main analyses 20).
        sigma, alpha: initial neighbourhood width and learning rate (Table 1: 10 and 0.1).
        sched: decay of both (Table 1 "exp": factor ``exp(-5 step/total)``).
        epochs: passes over the codes (Sec. 3.1: 5).
        batch_size: codes per update (Sec. 3.1: 10; 50 for DenseNet-121).
        periodic: toroidal grid (Sec. 2.3: yes).
        metric: ``"cosine"`` (Eq. 2, the paper) or ``"euclidean"`` (QuickSOM's default).
    """

    m: int = 20
    n: int = 20
    sigma: float = 10.0
    alpha: float = 0.1
    sched: str = "exp"
    epochs: int = 5
    batch_size: int = 10
    periodic: bool = True
    metric: str = "cosine"

    def __post_init__(self) -> None:
        if self.sched not in SCHEDULES:
            raise ValueError(f"sched must be one of {SCHEDULES}, got {self.sched!r}")
        if self.metric not in METRICS:
            raise ValueError(f"metric must be one of {METRICS}, got {self.metric!r}")
        if min(self.m, self.n, self.epochs, self.batch_size) < 1:
            raise ValueError("m, n, epochs and batch_size must be >= 1")

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class SOM:
    """A trained map: ``weights`` ``(m*n, dim)`` (unit ``k`` at grid ``(k // n, k % n)``),
    the per-step training ``loss`` and the number of codes seen before each step (``steps``)."""

    weights: torch.Tensor
    config: SOMConfig
    loss: torch.Tensor
    steps: torch.Tensor

    @property
    def m(self) -> int:
        return self.config.m

    @property
    def n(self) -> int:
        return self.config.n

    def to_dict(self) -> dict:
        """Plain tensors/numbers (for :mod:`inputspace.cache`)."""
        return {
            "weights": self.weights.cpu(),
            "config": self.config.as_dict(),
            "loss": self.loss.cpu(),
            "steps": self.steps.cpu(),
        }

    @classmethod
    def from_dict(cls, d: dict) -> SOM:
        return cls(d["weights"], SOMConfig(**d["config"]), d["loss"], d["steps"])


def schedule(step: float, total: float, sched: str = "exp") -> float:
    """QuickSOM's decay factor of alpha and sigma at ``step`` of ``total`` (1 at the start)."""
    if sched == "exp":
        return math.exp(-5.0 * step / total)
    if sched == "linear":
        return 1.0 - step / total
    if sched == "half":
        return 0.5 ** int(20 * step / total)
    raise ValueError(f"sched must be one of {SCHEDULES}, got {sched!r}")


def code_distances(x: torch.Tensor, w: torch.Tensor, metric: str = "cosine") -> torch.Tensor:
    """``(B, K)`` distances between codes ``x`` (B, dim) and weights ``w`` (K, dim).

    Cosine: Eq. 2, ``1 - x.w / (|x||w|)`` (a zero vector has distance 1 to everything).
    """
    if metric == "cosine":
        xn = x / x.norm(dim=1, keepdim=True).clamp_min(_EPS)
        return 1.0 - (xn @ w.T) / w.norm(dim=1).clamp_min(_EPS)
    if metric == "euclidean":
        return torch.cdist(x, w)
    raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")


def _check_codes(codes: torch.Tensor) -> None:
    if codes.ndim != 2 or len(codes) == 0:
        raise ValueError(f"codes must be a non-empty (N, dim) tensor, got {tuple(codes.shape)}")
    # amax/amin propagate NaN and show +-inf without an (N, dim) mask
    if not (torch.isfinite(codes.amax()) and torch.isfinite(codes.amin())):
        raise ValueError(
            "codes contain NaN/inf: check the vector codes (inputspace.methods.codes) first"
        )


def _factors(total: int, steps: torch.Tensor, sched: str) -> torch.Tensor:
    """Schedule factor of every update at its ``step`` (codes seen so far, QuickSOM's count)."""
    factors = [schedule(float(s), total, sched) for s in steps.tolist()]
    return torch.tensor(factors, dtype=torch.float32)


def _batches(
    n: int, epochs: int, batch_size: int, generator: torch.Generator | None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Row order of all epochs (a fresh shuffle each epoch, like QuickSOM's DataLoader), the
    start row of every batch in that order (plus the end) and QuickSOM's ``step`` per batch."""
    order = torch.cat([torch.randperm(n, generator=generator) for _ in range(epochs)])
    per_epoch = torch.arange(0, n, batch_size)
    starts = torch.cat([per_epoch + e * n for e in range(epochs)] + [torch.tensor([epochs * n])])
    steps = torch.arange(len(starts) - 1) * batch_size
    return order, starts, steps


def train_som(
    codes: torch.Tensor,
    config: SOMConfig = SOMConfig(),
    *,
    generator: torch.Generator | None = None,
    device: torch.device | str = "cpu",
    init: torch.Tensor | None = None,
    block_rows: int | None = None,
    algorithm: str = "blocked",
) -> SOM:
    """Train a SOM on ``codes`` (N, dim) with QuickSOM 1.0.0's algorithm (module docstring).

    Args:
        codes: finite float codes; moved to ``device``.
        config: hyper-parameters (defaults: P3 Table 1).
        generator: CPU generator for the N(0,1) initial weights and the per-epoch shuffles.
        device: where to train (a GPU when present; CPU works for 1e4-1e5 codes).
        init: optional initial weights ``(m*n, dim)`` (QuickSOM's ``centroids``).
        block_rows: codes per block of the ``blocked`` algorithm (:func:`_train_blocked`);
            default 64 for codes of dimension <= 1024, else 128 (fastest on the project's CPU).
        algorithm: ``"blocked"`` (fast, same updates up to float round-off) or ``"direct"``
            (one plain update per batch: the reference the tests compare against).

    Returns:
        The trained :class:`SOM` (weights on ``device``, loss per update).
    """
    _check_codes(codes)
    if algorithm not in ("blocked", "direct"):
        raise ValueError(f"algorithm must be 'blocked' or 'direct', got {algorithm!r}")
    device = torch.device(device)
    x = codes.detach().to(device=device, dtype=torch.float32)
    k = config.m * config.n
    w = torch.randn(k, x.shape[1], generator=generator) if init is None else init.float().clone()
    w = w.to(device)
    order, starts, steps = _batches(len(x), config.epochs, config.batch_size, generator)
    factors = _factors(len(x) * config.epochs, steps, config.sched).tolist()
    g = grid_sq_distances(config.m, config.n, periodic=config.periodic, device=device)
    order = order.to(device)
    if algorithm == "direct" or config.alpha >= 1.0:  # blocked needs 1 - alpha*h > 0
        w, loss = _train_direct(w, x, order, starts.tolist(), factors, g, config)
    else:
        rows = block_rows or (64 if x.shape[1] <= 1024 else 128)
        per_block = max(1, rows // config.batch_size)
        w, loss = _train_blocked(w, x, order, starts.tolist(), factors, g, config, per_block)
    log.info(
        "SOM %dx%d on %s codes: final loss %.4f",
        config.m,
        config.n,
        tuple(x.shape),
        float(loss[-1]),
    )
    return SOM(w, config, loss, steps.float())


def _train_direct(
    w: torch.Tensor,
    x: torch.Tensor,
    order: torch.Tensor,
    starts: list[int],
    factors: list[float],
    g: torch.Tensor,
    config: SOMConfig,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The plain loop: one :func:`_step` per batch (rows ``order[starts[t]:starts[t+1]]``)."""
    loss = torch.empty(len(factors), device=x.device)
    for t, f in enumerate(factors):
        xb = x.index_select(0, order[starts[t] : starts[t + 1]])
        w, loss[t] = _step(w, xb, f, g, config)
    return w, loss


def _step(
    w: torch.Tensor, xb: torch.Tensor, factor: float, g: torch.Tensor, config: SOMConfig
) -> tuple[torch.Tensor, torch.Tensor]:
    """One QuickSOM batch update (module docstring); returns ``(new weights, batch loss)``."""
    d = code_distances(xb, w, config.metric)
    best, bmu = d.min(1)
    h = neighbourhood(g, bmu, config.sigma * factor, config.alpha * factor / len(xb))
    return torch.addmm(w * (1.0 - h.sum(0))[:, None], h.T, xb), best.mean()


def _train_blocked(
    w: torch.Tensor,
    x_all: torch.Tensor,
    order: torch.Tensor,
    starts: list[int],
    factors: list[float],
    g: torch.Tensor,
    config: SOMConfig,
    per_block: int,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The same updates as :func:`_train_direct`, with the weights materialised once per block.

    Within a block starting at weights ``W0`` the weights after step ``t`` are
    ``W_t = diag(D_t) V_t`` with ``V_t = W0 + sum_{s<t} Ht_s^T X_s`` (``D_t`` the product of the
    per-unit factors ``1 - a/B sum_b h``, ``Ht_s = h_s a/B / D_{s+1}``). So the similarities of
    step ``t`` are ``X_t W0^T`` (one large product for the whole block) plus
    ``(X_t X_s^T) Ht_s`` over the block's earlier steps (small, ``rows x rows``), and ``|V_t|^2``
    follows by a rank-``B`` update -- no pass over the ``(m*n, dim)`` weights per step.
    """
    loss = torch.empty(len(factors), device=x_all.device)
    cosine = config.metric == "cosine"
    for b0 in range(0, len(factors), per_block):
        b1 = min(b0 + per_block, len(factors))
        r0 = starts[b0]
        x = x_all.index_select(0, order[r0 : starts[b1]])  # per block: no copy of all epochs
        xsq = x.square().sum(1)
        xnorm = xsq.sqrt() if cosine else torch.ones_like(xsq)  # euclidean: raw = x.V itself
        xq = x / xnorm.clamp_min(_EPS)[:, None]
        gq = (x @ x.T) / xnorm.clamp_min(_EPS)[:, None]
        p0 = xq @ w.T
        hbuf = torch.zeros(len(x), w.shape[0], device=w.device)
        vsq, dk = w.square().sum(1), torch.ones(w.shape[0], device=w.device)
        for t in range(b0, b1):
            a, b = starts[t] - r0, starts[t + 1] - r0
            raw = torch.addmm(p0[a:b], gq[a:b, :a], hbuf[:a]) if a else p0[a:b]
            if cosine:
                best, bmu = (raw * vsq.clamp_min(_EPS).rsqrt()).max(1)
            else:
                d2 = (xsq[a:b, None] - 2 * dk * raw + dk.square() * vsq).clamp_min_(0)
                best, bmu = d2.min(1)
                best = best.sqrt_()
            loss[t] = best.mean()
            h = neighbourhood(
                g, bmu, config.sigma * factors[t], config.alpha * factors[t] / (b - a)
            )
            dk = dk * (1.0 - h.sum(0))
            ht = h.div_(dk)
            # |V + ht^T X|^2 = |V|^2 + sum_b ht_b (2 x_b.V + sum_b' G_bb' ht_b')
            vsq = vsq + (ht * torch.addmm(raw, gq[a:b, a:b], ht, beta=2)).T @ xnorm[a:b]
            hbuf[a:b] = ht
        w = torch.addmm(w, hbuf.T, x).mul_(dk[:, None])
    return w, (1.0 - loss) if cosine else loss


def neighbourhood(
    g: torch.Tensor, bmu: torch.Tensor, sigma: float, scale: float = 1.0, flush: float = FLUSH
) -> torch.Tensor:
    """``scale`` times Eq. 1's ``exp(-G[u_b, k] / (2 sigma^2 + 1e-5))`` for the BMUs ``u_b``: ``(B, m*n)``.

    No value is subnormal: the exponent is clipped at -87 (``exp(-87)`` ~ 1.6e-38, the smallest
    normal float32 range) and every value below ``flush`` (:data:`FLUSH`) after scaling is exactly 0. Over
    P3's schedule (sigma 10 -> 0.07, ``scale = alpha_t / B`` down to ~7e-5) about half of the
    entries of a 20x20 to 40x40 map would otherwise be subnormal (all of them in the last steps),
    and they feed the SOM's matrix products; CPUs that handle subnormal operands in microcode
    (seen: a 2-core Intel Xeon) ran P3's SOM notebooks 7-22x slower than one that does not (a
    2-core AMD EPYC). A dropped value adds at most ``FLUSH * |x|`` to a weight, far below float32's
    resolution of any weight that is not itself ~1e-20, so the trained maps are unchanged.
    ``flush=0`` gives the unflushed formula (the reference of the tests and ``bench_som.py``).
    """
    h = g.index_select(0, bmu).div_(-(2.0 * sigma * sigma + 1e-5)).clamp_min_(-87.0).exp_()
    return h.masked_fill_(h < flush / scale, 0.0).mul_(scale)


def bmus(
    codes: torch.Tensor,
    som: SOM,
    k: int = 10,
    *,
    chunk: int = 4096,
    device: torch.device | str | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Top-``k`` best-matching units of every code, nearest first (P3: k = 10).

    Computed in chunks of ``chunk`` codes (memory ``chunk x m*n``), with ``torch.topk`` on the
    full distance row -- equal to ``argsort(D)[:, :k]`` (the fix of QuickSOM 1.0.0's bug).

    Returns:
        ``(indices (N, k) long, distances (N, k))`` on the CPU.
    """
    _check_codes(codes)
    device = torch.device(device) if device is not None else som.weights.device
    w = som.weights.to(device)
    k = min(k, len(w))
    idx, dist = [], []
    for start in range(0, len(codes), chunk):
        part = codes[start : start + chunk].to(device=device, dtype=torch.float32)
        d = code_distances(part, w, som.config.metric)
        v, i = torch.topk(d, k, dim=1, largest=False, sorted=True)
        idx.append(i.cpu())
        dist.append(v.cpu())
    return torch.cat(idx), torch.cat(dist)


def quantization_error(codes: torch.Tensor, som: SOM, *, chunk: int = 4096) -> float:
    """Mean distance of the codes to their BMU (the SOM loss evaluated after training)."""
    return float(bmus(codes, som, 1, chunk=chunk)[1].mean())


def pairwise_weight_distances(som: SOM, units: torch.Tensor | None = None) -> torch.Tensor:
    """Cosine distances between the weights of all unordered unit pairs (Figs 6C/D, 7, 9, 10).

    Args:
        units: optional subset of unit indices (e.g. class-centre units); default all units.

    Returns:
        ``(P,)`` distances of the ``P = u (u - 1) / 2`` pairs ``i < j``.
    """
    w = som.weights if units is None else som.weights[units]
    d = code_distances(w, w, "cosine")
    i, j = torch.triu_indices(len(w), len(w), offset=1, device=d.device)
    return d[i, j].clamp_min(0.0)
