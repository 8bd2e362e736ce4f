"""Frozen-model speed-up (:func:`inputspace.models.speed_up`: BatchNorm folded, channels-last)
against the plain frozen wrapper, on the studies' inner operation: forward + gradient w.r.t. the
input of the quick CNNs at 32×32 (LST, PGD, P1 paths all do this thousands of times).

Random weights with non-trivial BatchNorm statistics; nothing is downloaded. Prints the median
time per call and the ratio plain / fast for batch 10 (P2's LST and P3's PGD batches) and 50, and
the largest logit difference (the two compute the same function up to float rounding).
Run: ``python benchmarks/bench_inference.py`` (about a minute on a slow 2-core machine).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time

import torch

from inputspace.models import QUICK_CNNS, ModelWrapper, build_net, speed_up, wrap


def input_grad_ms(model: ModelWrapper, batch: int, reps: int) -> float:
    """Median milliseconds of one forward + input-gradient pass (after one warm-up call)."""
    x = torch.rand(batch, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    times = []
    for _ in range(reps + 1):
        xx = x.clone().requires_grad_(True)
        t0 = time.perf_counter()
        model(xx).logsumexp(1).sum().backward()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times[1:])


def _trained_like(arch: str) -> ModelWrapper:
    torch.manual_seed(0)
    net = build_net(arch, 10, 32).train()
    with torch.no_grad():  # a few forward passes give BatchNorm non-trivial running statistics
        for _ in range(2):
            net(torch.rand(32, 3, 32, 32))
    return wrap(net, arch, 32)


def main(argv: list[str] | None = None) -> dict[tuple[str, int], float]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5, help="timed calls per setting (median)")
    args = ap.parse_args(argv)
    print(
        f"forward + input gradient, {torch.get_num_threads()} threads (ms per call; ratio = plain / fast)"
    )
    out = {}
    for arch in QUICK_CNNS:
        plain = _trained_like(arch)
        fast = speed_up(copy.deepcopy(plain))
        x = torch.rand(4, 3, 32, 32)
        diff = float((plain(x) - fast(x)).abs().max())
        for batch in (10, 50):
            tp, tf = input_grad_ms(plain, batch, args.reps), input_grad_ms(fast, batch, args.reps)
            out[(arch, batch)] = tp / tf
            print(
                f"  {arch:<12} batch {batch:>3}: plain {tp:7.1f}  fast {tf:7.1f}  {tp / tf:5.2f}x"
                f"   ({fast.folded} BN folded, max |Δlogit| {diff:.1e})",
                flush=True,
            )
    return out


if __name__ == "__main__":
    main()
