"""P1 connectivity speed: path evaluation (points/s) and bypass (rows·iterations/s) against

* a straightforward per-point / per-row loop (path: one forward per point; bypass: the
  companion's ``bypass_barrier`` written plainly -- one input at a time with
  ``torch.optim.Adam``), target >= 1.0x;
* the model's raw throughput at the same batch (path: bare forward passes; bypass: bare
  forward+backward passes w.r.t. the input), target >= 0.8 (the bypass adds the MSE/TV penalty,
  the projection and the Adam update to each forward+backward).

Untrained quick-size model (timm ResNet-18 at 32x32 via ``inputspace.models.build_net``): no
weights needed. Run: ``OMP_NUM_THREADS=2 python benchmarks/bench_connectivity.py`` (< 1 min).
"""

from __future__ import annotations

import argparse
import statistics
import timeit

import torch
import torch.nn.functional as F

from inputspace.methods import connectivity as conn
from inputspace.methods.inputopt import total_variation
from inputspace.models import build_net, wrap


def _best_of(fn, repeats: int) -> float:
    """Median wall time of ``repeats`` calls after one warm-up call."""
    return statistics.median(timeit.repeat(fn, number=1, repeat=repeats + 1)[1:])


@torch.no_grad()
def _per_point_losses(model, a, c, y, n) -> torch.Tensor:
    """The straightforward loop: one forward per path point."""
    return torch.stack(
        [F.cross_entropy(model((1 - al) * a + al * c), y) for al in torch.linspace(0, 1, n)]
    )


def _plain_bypass(model, a, c, b, y, iters) -> torch.Tensor:
    """Companion ``bypass_barrier`` for one input (plain loop, torch.optim.Adam)."""
    v = (c - a).flatten()
    x = b.clone().requires_grad_(True)
    opt = torch.optim.Adam([x], lr=0.005)
    for _ in range(iters):
        opt.zero_grad()
        d = x - b
        total = (
            F.cross_entropy(model(x), y) + 0.1 * d.pow(2).mean() + 1e-8 * total_variation(d).sum()
        )
        total.backward()
        with torch.no_grad():
            g = x.grad.flatten()
            x.grad -= (g @ v / (v @ v)) * v.view_as(x.grad)
        opt.step()
    return x.detach()


def _bare_forward(model, x) -> None:
    with torch.no_grad():
        model(x)


def _bare_fwd_bwd(model, x, y) -> None:
    xg = x.detach().requires_grad_(True)
    torch.autograd.grad(F.cross_entropy(model(xg), y, reduction="sum"), xg)


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--segments", type=int, default=4)
    ap.add_argument("--points", type=int, default=250)
    ap.add_argument("--loop-points", type=int, default=100)
    ap.add_argument("--rows", type=int, default=16)
    ap.add_argument("--iters", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    torch.manual_seed(0)
    model = wrap(build_net("resnet18", 10, 32), "resnet18", 32)
    g = torch.Generator().manual_seed(0)
    a, c = (
        torch.rand(args.segments, 3, 32, 32, generator=g),
        torch.rand(args.segments, 3, 32, 32, generator=g),
    )
    y = torch.zeros(args.segments, dtype=torch.long)
    n_pts = args.segments * args.points
    t_path = _best_of(
        lambda: conn.path_losses(model, a, c, y, args.points, batch_size=256), args.repeats
    )
    t_loop = _best_of(
        lambda: _per_point_losses(model, a[:1], c[:1], y[:1], args.loop_points), args.repeats
    )
    t_fwd = (
        _best_of(lambda: _bare_forward(model, torch.rand(256, 3, 32, 32)), args.repeats)
        * n_pts
        / 256
    )
    path_rate, loop_rate = n_pts / t_path, args.loop_points / t_loop
    ra, rc = (
        torch.rand(args.rows, 3, 32, 32, generator=g),
        torch.rand(args.rows, 3, 32, 32, generator=g),
    )
    rb, ry = 0.5 * (ra + rc), torch.zeros(args.rows, dtype=torch.long)
    t_byp = _best_of(
        lambda: conn.bypass(model, ra, rc, rb, ry, iterations=args.iters), args.repeats
    )
    t_plain = _best_of(
        lambda: _plain_bypass(model, ra[:1], rc[:1], rb[:1], ry[:1], args.iters), args.repeats
    )
    t_fb = _best_of(lambda: _bare_fwd_bwd(model, rb, ry), args.repeats) * args.iters
    work = args.rows * args.iters
    out = {
        "path points/s": path_rate,
        "path vs per-point loop": path_rate / loop_rate,
        "path vs bare forward (batch 256)": t_fwd / t_path,
        "bypass rows·it/s": work / t_byp,
        "bypass vs plain loop (1 row)": (work / t_byp) / (args.iters / t_plain),
        "bypass vs bare fwd+bwd (same batch)": t_fb / t_byp,
    }
    print(
        f"threads {torch.get_num_threads()}; path: {args.segments}x{args.points} points; bypass: "
        f"{args.rows} rows x {args.iters} it"
    )
    for k, v in out.items():
        print(f"  {k:38s} {v:10.2f}")
    return out


if __name__ == "__main__":
    main()
