"""Evaluation of LST outputs (P2): distances to the target (Table 1), confidence
on straight segments (star-likeness), path widths, triangular convex hulls (Table 2, hull
figure), and the random derangements that pair sources with targets.

Table 2 probes the triangle ``(x_s, x_1, x_2)`` at ``(1 − a − b) x_s + a x_1 + b x_2`` for
``a, b ∈ {0, 0.1, …, 1}`` with ``a + b ≤ 1``: 66 points. The official code tests
``1 - t1 - t2 < 0`` in floating point and so silently loses (0.8, 0.2) and (0.9, 0.1), probing 64
points; :func:`lattice` builds the exact 66-point lattice (``exact=False`` gives the official 64).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from pathlib import Path

import torch
from torch import nn

LPIPS_UNAVAILABLE = "not computed (no LPIPS weights offline)"
DELTAS: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3)
TABLE2_COLUMNS: tuple[str, ...] = (
    "p_src",
    "triangle_mean",
    "frac_0.0",
    "frac_0.1",
    "frac_0.2",
    "frac_0.3",
    "edge_mean",
    "edge_min",
)


# ----------------------------------------------------------------------------- distances
def rms_l2(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """ℓ2 distance per image divided by √(C·H·W) (Table 1's "ℓ2": ``print_tables.py`` divides
    by √(224·224·3)), i.e. the root-mean-square per-pixel difference."""
    d = (x - y.expand_as(x)).flatten(1)
    return d.norm(dim=1) / math.sqrt(d.shape[1])


def linf(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """ℓ∞ distance per image."""
    return (x - y.expand_as(x)).flatten(1).abs().amax(dim=1)


def ssim(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """SSIM per image exactly as the official code: torchmetrics, ``data_range=1``, Gaussian
    11×11 window (σ 1.5), ``reduction='none'``."""
    from torchmetrics.functional.image import structural_similarity_index_measure

    return structural_similarity_index_measure(x, y.expand_as(x), data_range=1.0, reduction="none")


def lpips_weights_file() -> Path:
    """Where torchvision looks for the AlexNet backbone that ``lpips.LPIPS(net='alex')`` loads."""
    from torchvision.models import AlexNet_Weights

    return Path(torch.hub.get_dir()) / "checkpoints" / Path(AlexNet_Weights.IMAGENET1K_V1.url).name


def lpips_available() -> bool:
    """True when the LPIPS AlexNet backbone weights are on disk (nothing is downloaded)."""
    return lpips_weights_file().is_file()


def lpips_distance(x: torch.Tensor, y: torch.Tensor, *, batch_size: int = 64) -> torch.Tensor:
    """LPIPS (AlexNet, inputs mapped to [−1, 1]) per image, as the official code.

    Raises:
        FileNotFoundError: the backbone weights are not on disk (this project never downloads
            them at run time; put ``alexnet-owt-7be5be79.pth`` into ``$TORCH_HOME/hub/checkpoints``).
    """
    if not lpips_available():
        raise FileNotFoundError(
            f"LPIPS needs the AlexNet weights at {lpips_weights_file()}; "
            "copy them there (no download at run time)"
        )
    import lpips

    metric = lpips.LPIPS(net="alex", verbose=False).to(x.device).eval()
    y = y.expand_as(x)
    with torch.no_grad():
        out = [
            metric(2 * x[i : i + batch_size] - 1, 2 * y[i : i + batch_size] - 1).flatten()
            for i in range(0, len(x), batch_size)
        ]
    return torch.cat(out)


def table1_distances(x: torch.Tensor, target: torch.Tensor) -> dict[str, torch.Tensor | str]:
    """Table 1's four distances between LST outputs and targets, per image (LPIPS: a tensor when
    its backbone is available, else the string :data:`LPIPS_UNAVAILABLE`; never a substitute)."""
    out: dict[str, torch.Tensor | str] = {
        "rms_l2": rms_l2(x, target),
        "linf": linf(x, target),
        "ssim": ssim(x, target),
    }
    out["lpips"] = lpips_distance(x, target).cpu() if lpips_available() else LPIPS_UNAVAILABLE
    return out


# ----------------------------------------------------------------------------- model probes
@torch.no_grad()
def class_confidence(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor | int, *, batch_size: int = 256
) -> torch.Tensor:
    """Softmax probability of class ``y`` (one class or one per image) for many images."""
    device = next(itertools.chain(model.parameters(), model.buffers()), torch.empty(0)).device
    y = torch.as_tensor(y).expand(len(x)) if torch.as_tensor(y).ndim == 0 else torch.as_tensor(y)
    out = []
    for i in range(0, len(x), batch_size):
        p = model(x[i : i + batch_size].to(device)).softmax(-1)
        out.append(p.gather(1, y[i : i + batch_size, None].to(device))[:, 0].cpu())
    return torch.cat(out) if out else torch.empty(0)


def segment_confidences(
    model: nn.Module, x_a: torch.Tensor, x_b: torch.Tensor, y: torch.Tensor, *, n_points: int = 11
) -> torch.Tensor:
    """Source-class confidence on the straight segments ``(1 − t) x_a + t x_b`` (star-likeness:
    README "linear interpolants from the source to LST outputs retain high confidence").

    Returns ``(B, n_points)`` for ``t = 0, 1/(n_points − 1), …, 1``.
    """
    t = torch.linspace(0, 1, n_points).view(1, -1, 1, 1, 1)
    pts = (1 - t) * x_a[:, None] + t * x_b[:, None]
    labels = y[:, None].expand(-1, n_points).reshape(-1)
    return class_confidence(model, pts.flatten(0, 1), labels).view(len(x_a), n_points)


def measure_widths(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    direction: torch.Tensor,
    radii: Sequence[float],
    *,
    n_dirs: int = 256,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Path width (official ``measure_width``): source-class confidence at ``clamp(x + r·u)``
    for ``n_dirs`` random unit directions ``u`` orthogonal to the direction of travel.

    Args:
        x, y: iterates ``(B, C, H, W)`` and their source classes.
        direction: the current direction of travel ``v⊥`` (its component is removed from each
            Gaussian draw; a zero direction leaves the draws unconstrained).
        radii: ℓ2 distances in [0, 1]-pixel units (paper: 0.5, 1, 1.5, 2).

    Returns:
        ``(B, len(radii) + 1, 2)``: 5 % and 95 % quantiles; row 0 is the on-path confidence.
        Unlike the official code, samples whose confidence is below ``pthresh`` are measured
        too (the official code writes zeros for them, comparing a probability with a drop).
    """
    out = torch.empty(len(x), len(radii) + 1, 2)
    q = torch.tensor([0.05, 0.95])
    out[:, 0] = class_confidence(model, x, y)[:, None]
    for b in range(len(x)):
        u = torch.randn((n_dirs, *x.shape[1:]), generator=generator).to(
            x.device, x.dtype
        )  # float32 draws: same directions in any dtype
        d = direction[b : b + 1].flatten(1)
        d = d / d.norm() if d.norm() > 0 else torch.zeros_like(d)
        u = u.flatten(1) - (u.flatten(1) @ d.T) * d
        u = (u / u.norm(dim=1, keepdim=True)).view(n_dirs, *x.shape[1:])
        for k, r in enumerate(radii, start=1):
            conf = class_confidence(model, (x[b : b + 1] + r * u).clamp(0, 1), y[b])
            out[b, k] = torch.quantile(conf, q)
    return out


# ----------------------------------------------------------------------------- triangles
def lattice(n: int = 10, *, exact: bool = True) -> torch.Tensor:
    """Barycentric weights ``(a, b)`` of the triangle probe points, ``a, b ∈ {0, 1/n, …, 1}``,
    ``a + b ≤ 1``, in the official loop order (a outer, b inner).

    ``exact=True``: integer test ``i + j ≤ n`` ((n+1)(n+2)/2 = 66 points for n = 10).
    ``exact=False``: the official ``1 - a - b < 0`` float test on ``arange(n+1)/n`` (64 points).
    """
    ts = [k / n for k in range(n + 1)]
    keep = [
        (i, j)
        for i in range(n + 1)
        for j in range(n + 1)
        if (i + j <= n if exact else not 1 - ts[i] - ts[j] < 0)
    ]
    return torch.tensor([(ts[i], ts[j]) for i, j in keep], dtype=torch.float64)


def triangle_points(
    x_s: torch.Tensor, x_1: torch.Tensor, x_2: torch.Tensor, weights: torch.Tensor
) -> torch.Tensor:
    """Probe images ``(1 − a − b) x_s + a x_1 + b x_2`` for every row ``(a, b)`` of ``weights``."""
    w = weights.to(x_s.dtype)
    a, b = w[:, 0].view(-1, 1, 1, 1), w[:, 1].view(-1, 1, 1, 1)
    return (1 - a - b) * x_s + a * x_1 + b * x_2


def triangle_stats(
    probs: torch.Tensor, weights: torch.Tensor, deltas: tuple[float, ...] = DELTAS
) -> dict[str, float]:
    """Table 2's statistics of one triangle (official ``get_avg_conf``).

    Args:
        probs: source-class confidence at each lattice point (rows of ``weights``).

    Returns:
        ``p_src`` (source vertex), ``triangle_mean``, ``frac_<δ>`` (fraction of points with
        confidence > p_src − δ), ``edge_mean`` (the two source edges, 11 + 11 points, the source
        counted on both) and ``edge_min`` (min over both edges of confidence − p_src).
    """
    probs = probs.double()
    on_1, on_2 = weights[:, 1] == 0, weights[:, 0] == 0
    p_src = probs[on_1 & on_2]
    if len(p_src) != 1:
        raise ValueError("the lattice must contain the source vertex (a, b) = (0, 0) exactly once")
    p_src = float(p_src[0])
    edges = torch.cat([probs[on_1], probs[on_2]])
    out = {"p_src": p_src, "triangle_mean": float(probs.mean())}
    out.update({f"frac_{d:.1f}": float((probs > p_src - d).double().mean()) for d in deltas})
    out.update(edge_mean=float(edges.mean()), edge_min=float((edges - p_src).min()))
    return out


def triangle_confidences(
    model: nn.Module,
    x_s: torch.Tensor,
    x_1: torch.Tensor,
    x_2: torch.Tensor,
    y: int,
    weights: torch.Tensor,
) -> torch.Tensor:
    """Source-class confidence at the lattice points of one triangle."""
    return class_confidence(model, triangle_points(x_s, x_1, x_2, weights), y)


def table2_rows(
    model: nn.Module,
    sources: torch.Tensor,
    y: torch.Tensor,
    outputs: torch.Tensor,
    *,
    n: int = 10,
    exact: bool = True,
) -> torch.Tensor:
    """Per-source Table 2 statistics (official ``get_avg_conf_for_img_set``, all run pairs).

    Args:
        sources: clean sources ``(S, C, H, W)``; ``y``: their classes.
        outputs: LST outputs ``(S, R, C, H, W)`` of ``R`` runs (targets from derangements).

    Returns:
        ``(S, 8)`` in :data:`TABLE2_COLUMNS` order: mean over the C(R, 2) triangles, except
        ``edge_min`` (minimum).
    """
    weights = lattice(n, exact=exact)
    rows = []
    for s in range(len(sources)):
        stats = [
            triangle_stats(
                triangle_confidences(
                    model, sources[s], outputs[s, r1], outputs[s, r2], int(y[s]), weights
                ),
                weights,
            )
            for r1, r2 in itertools.combinations(range(outputs.shape[1]), 2)
        ]
        t = torch.tensor([[st[c] for c in TABLE2_COLUMNS] for st in stats], dtype=torch.float64)
        rows.append(torch.cat([t[:, :-1].mean(0), t[:, -1:].min(0).values]))
    return torch.stack(rows)


def isometric_vertices(x_s: torch.Tensor, x_1: torch.Tensor, x_2: torch.Tensor) -> torch.Tensor:
    """2-D vertices that preserve the triangle's shape (official ``visualize_nplane``): source at
    (0, 0), ``x_1`` at (1, 0), ``x_2`` at m(cos θ, sin θ), m = ‖x_2 − x_s‖/‖x_1 − x_s‖."""
    d1, d2 = (x_1 - x_s).flatten().double(), (x_2 - x_s).flatten().double()
    cos = float(torch.dot(d1, d2) / (d1.norm() * d2.norm()).clamp_min(1e-300))
    m = float(d2.norm() / d1.norm().clamp_min(1e-300))
    sin = math.sqrt(max(0.0, 1 - cos**2))
    return torch.tensor([[0.0, 0.0], [1.0, 0.0], [m * cos, m * sin]], dtype=torch.float64)


# ----------------------------------------------------------------------------- pairing
def derangement(n: int, generator: torch.Generator) -> torch.Tensor:
    """A uniformly random permutation without fixed points (rejection sampling; ~e tries).

    ``perm[k]`` is the target of source ``k`` in one full-eval run (official ``run_lst``).
    """
    if n < 2:
        raise ValueError(f"a derangement needs at least 2 items, got {n}")
    while True:
        perm = torch.randperm(n, generator=generator)
        if bool((perm != torch.arange(n)).all()):
            return perm
