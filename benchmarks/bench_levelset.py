"""LST speed: images·iterations per second of ``levelset.traverse`` against

* the reference loop (``levelset.reference_traverse``: the official batched loop written plainly,
  one forward+backward at x and one forward at the candidate per iteration), same model and
  batch; target ≥ 1.0×;
* the throughput bound of that loop: one forward+backward plus one forward per iteration,
  timed bare on the same model and batch; target ≥ 0.8.

``traverse`` reuses the acceptance pass's gradient (one forward+backward per iteration), so it
can exceed the bound. Untrained quick-size model (timm ResNet-18 at 32×32): no weights needed.
Run: ``OMP_NUM_THREADS=2 python benchmarks/bench_levelset.py`` (about half a minute).
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
import torch.nn.functional as F

from inputspace.methods import levelset
from inputspace.models import build_net, wrap


def _best_of(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _bound_iteration(model, x, y) -> None:
    xg = x.detach().requires_grad_(True)
    torch.autograd.grad(F.cross_entropy(model(xg), y, reduction="sum"), xg)
    with torch.no_grad():
        model(x)


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--arch", default="resnet18")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--iters", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    torch.manual_seed(0)
    model = wrap(build_net(args.arch, 10, 32), args.arch, 32)
    g = torch.Generator().manual_seed(0)
    x, tgt = (
        torch.rand(args.batch, 3, 32, 32, generator=g),
        torch.rand(args.batch, 3, 32, 32, generator=g),
    )
    with torch.no_grad():
        y = model(x).argmax(1)
    noise = torch.rand(x.shape, generator=g)
    kw = dict(iters=args.iters, noise=noise)
    work = args.batch * args.iters
    t_lst = _best_of(lambda: levelset.traverse(model, x, y, tgt, **kw), args.repeats)
    t_ref = _best_of(lambda: levelset.reference_traverse(model, x, y, tgt, **kw), args.repeats)
    t_bound = _best_of(
        lambda: [_bound_iteration(model, x, y) for _ in range(args.iters)], args.repeats
    )
    out = {"traverse": work / t_lst, "reference": work / t_ref, "bound": work / t_bound}
    print(
        f"LST on {args.arch} 32x32, batch {args.batch}, {args.iters} iterations, "
        f"{torch.get_num_threads()} threads (images*iterations/s)"
    )
    for name, v in out.items():
        print(f"  {name:<10} {v:8.1f}")
    print(f"  traverse / reference = {out['traverse'] / out['reference']:.2f}x  (target >= 1.0)")
    print(f"  traverse / bound     = {out['traverse'] / out['bound']:.2f}   (target >= 0.8)")
    return out


if __name__ == "__main__":
    main()
