"""Two theory items of the paper made empirical: Lemma C.1 (Lipschitz continuity at
initialization) and Conjecture 5.1 (geometric input-space connectivity, percolation).

Neither statement is available in full (the paper's text could not be read beyond its abstract
and the captions of Figs 1-5); the tests here are ours and say so in their notebooks.
"""

from __future__ import annotations

import functools

import numpy as np
import torch
from torch import nn

from .. import data
from ..cache import cached
from ..config import Config
from ..methods import percolation
from .space import opt_space
from .untrained import untrained_model

# --- Lemma C.1 ---------------------------------------------------------------------------------


def mlp(in_dim: int, width: int, depth: int, out_dim: int) -> nn.Sequential:
    """ReLU MLP with ``depth`` hidden layers, PyTorch's default initialization."""
    layers: list[nn.Module] = [nn.Flatten()]
    dims = [in_dim] + [width] * depth
    for a, b in zip(dims[:-1], dims[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(dims[-1], out_dim)).eval().requires_grad_(False)


def spectral_bound(net: nn.Sequential) -> float:
    """Global Lipschitz bound of a ReLU MLP: the product of its layers' spectral norms."""
    return float(
        np.prod(
            [
                torch.linalg.matrix_norm(m.weight, ord=2).item()
                for m in net
                if isinstance(m, nn.Linear)
            ]
        )
    )


@torch.no_grad()
def lipschitz_ratios(
    model: nn.Module, x: torch.Tensor, eps: float, g: torch.Generator
) -> torch.Tensor:
    """``||f(x + dx) - f(x)||_2 / ||dx||_2`` (logits) for random directions of norm ``eps``."""
    d = torch.randn(x.shape, generator=g).to(x.device)
    d = eps * d / d.flatten(1).norm(dim=1).view(-1, *[1] * (x.dim() - 1))
    return ((model(x + d) - model(x)).flatten(1).norm(dim=1) / eps).cpu()


def _quantiles(r: torch.Tensor) -> dict:
    q = torch.quantile(r.double(), torch.tensor([0.5, 0.9, 0.99, 0.999], dtype=torch.float64))
    half = len(r) // 2
    return {
        "q50": float(q[0]),
        "q90": float(q[1]),
        "q99": float(q[2]),
        "q999": float(q[3]),
        "max": float(r.max()),
        "q99_half1": float(torch.quantile(r[:half].double(), 0.99)),
        "q99_half2": float(torch.quantile(r[half:].double(), 0.99)),
    }


def lipschitz_study(cfg: Config) -> dict:
    """Empirical Lipschitz ratios at initialization (cached): MLPs of several widths/depths and
    the untrained ResNet-18, over held-out images x (:func:`heldout_images`) and random
    perturbations of norm eps."""
    return cached(cfg, "p1.lipschitz", lambda: _lipschitz_study(cfg))


@functools.lru_cache(maxsize=2)
def heldout_images(profile: str) -> torch.Tensor:
    """The held-out inputs x of both studies (pixels, 32x32 like the untrained networks' inputs):
    the held-out digits (quick, smoke); CIFAR-10's test set (paper profile: local files,
    ``$INPUTSPACE_CIFAR``, as Fig 10's training data)."""
    ds = data.study_data(profile, "cifar10", "heldout")
    return (
        ds.x
        if isinstance(ds, data.Split)
        else data.to_split(ds, list(range(len(ds))), "cifar10-test").x
    )


def _sample_x(cfg: Config, n: int, g: torch.Generator) -> torch.Tensor:
    held = heldout_images(cfg.profile)
    return held[torch.randint(len(held), (n,), generator=g)].to(cfg.device)


def _lipschitz_study(cfg: Config) -> dict:
    g = torch.Generator().manual_seed(cfg.seed)
    rows = []
    for width in cfg.widths:
        for depth in cfg.depths:
            torch.manual_seed(cfg.seed)
            net = mlp(3 * 32 * 32, width, depth, 10).to(cfg.device)
            bound = spectral_bound(net)
            for eps in cfg.eps:
                r = lipschitz_ratios(net, _sample_x(cfg, cfg.n_samples, g), eps, g)
                rows.append(
                    {
                        "model": "MLP",
                        "width": width,
                        "depth": depth,
                        "eps": eps,
                        "bound": bound,
                        **_quantiles(r),
                    }
                )
    cnn = untrained_model("resnet18", 10, 32, cfg.seed, cfg.zero_init_last, cfg.device)
    for eps in cfg.eps:
        r = lipschitz_ratios(cnn, _sample_x(cfg, cfg.cnn_samples, g), eps, g)
        rows.append(
            {
                "model": "ResNet-18",
                "width": 64,
                "depth": 18,
                "eps": eps,
                "bound": float("nan"),
                **_quantiles(r),
            }
        )
    return {"rows": rows}


# --- Conjecture 5.1 ----------------------------------------------------------------------------


def percolation_study(cfg: Config) -> dict:
    """Thresholds, i.i.d. connection probability vs d, and the same on untrained-network slices."""
    return cached(cfg, "p1.percolation", lambda: _percolation_study(cfg))


def _validation(cfg: Config, rng: np.random.Generator) -> tuple[list[dict], list[list[float]]]:
    """Per dimension: the spanning thresholds' summary row and the per-trial thresholds."""
    rows, trials = [], []
    for d, side in zip(cfg.dims, cfg.validation_sides):
        s = percolation.threshold_samples(d, side, cfg.trials, rng)
        rows.append(
            {
                "d": d,
                "side": side,
                "median": float(np.median(s)),
                "q25": float(np.quantile(s, 0.25)),
                "q75": float(np.quantile(s, 0.75)),
                "literature": percolation.LITERATURE_PC.get(d, float("nan")),
            }
        )
        trials.append(s.tolist())
    return rows, trials


def _iid(
    cfg: Config, rng: np.random.Generator, dims, sites: int
) -> tuple[list[dict], list[list[float]]]:
    """Per dimension: the i.i.d. connection probability's summary row and its per-lattice values."""
    rows, trials = [], []
    for d in dims:
        side = percolation.side_for(d, sites)
        c = percolation.iid_connection(d, side, cfg.open_fraction, cfg.trials, rng)
        rows.append({"d": d, "side": side, "mean": float(c.mean()), "std": float(c.std())})
        trials.append(c.tolist())
    return rows, trials


@torch.no_grad()
def _slices(cfg: Config, g: torch.Generator) -> list[dict]:
    sp = opt_space(untrained_model("resnet18", 10, 32, cfg.seed, cfg.zero_init_last, cfg.device))
    held = sp.encode(heldout_images(cfg.profile)[:200].to(cfg.device))
    radius = cfg.radius_scale * float(torch.pdist(held.flatten(1)).median())
    rows = []
    for d in cfg.slice_dims:
        side = percolation.side_for(d, cfg.slice_sites)
        for s in range(cfg.n_slices):
            center = held[int(torch.randint(len(held), (1,), generator=g))]
            y = int(sp.model(center[None]).argmax())
            losses = percolation.slice_losses(sp.model, center, y, d, side, radius, g)
            mask = percolation.low_loss_mask(losses, cfg.open_fraction)
            rows.append(
                {
                    "d": d,
                    "side": side,
                    "slice": s,
                    "radius": radius,
                    "connection": percolation.connection_probability(mask),
                }
            )
    return rows


def _percolation_study(cfg: Config) -> dict:
    """The three steps' rows, and under ``per_trial`` the per-field values behind each row (the
    items of the claims' bootstrap intervals, :func:`inputspace.p1.claims.percolation`), in row
    order."""
    rng = np.random.default_rng(cfg.seed)
    g = torch.Generator().manual_seed(cfg.seed)
    (validation, thresholds), (iid, iid_trials) = (
        _validation(cfg, rng),
        _iid(cfg, rng, cfg.dims, cfg.lattice_sites),
    )
    iid_slices, slice_trials = _iid(cfg, rng, cfg.slice_dims, cfg.slice_sites)
    return {
        "validation": validation,
        "iid": iid,
        "iid_slices": iid_slices,
        "slices": _slices(cfg, g),
        "per_trial": {"validation": thresholds, "iid": iid_trials, "iid_slices": slice_trials},
    }
