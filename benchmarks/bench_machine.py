"""Machine speed against the anchors of issue 2, so that runtime budgets can be compared across
machines (the 60-minute ``make figures`` budget was set on a machine with these speeds).

Training throughput (images/s; timm, CPU, ``torch.get_num_threads()`` threads, SGD step with
cross-entropy on random data) of

* stock timm ``resnet18`` at 32×32, batch 64: anchor 830 img/s;
* stock timm ``resnet18`` at 224×224, batch 16: anchor 23 img/s;
* timm ``vit_tiny`` with patch 4 at 32×32 (12 blocks), batch 64: anchor 68 img/s;
* the quick ResNet-18 (:func:`inputspace.models.build_net`: no stem max-pool, layer4 at 2×2),
  batch 64: the network ``make figures`` actually trains (no anchor; compare machines with it);

and, with ``--pair``, the quick ResNet-18 in two processes side by side, one thread each, against
one process with all threads: whether running notebooks in parallel would pay on this machine.

It also prints the **subnormal penalty**: a (128, 1600) x (1600, 512) float32 matrix product whose
left operand is subnormal (1e-40) against the same product on normal numbers. Some CPUs handle
subnormal operands in microcode; P3's SOM neighbourhoods were full of them until they were
flushed (``inputspace.methods.som.neighbourhood``), and its SOM notebooks then ran 7-22x slower on
a 2-core Intel Xeon than on a 2-core AMD EPYC. ``benchmarks/bench_som.py`` times the SOM itself
with and without the flush.
Ratios below 1 mean slower than the anchor machine. Random weights: nothing is downloaded.
Run: ``python benchmarks/bench_machine.py [--pair]`` (about a minute on a slow 2-core machine).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import time

import timm
import torch
import torch.nn.functional as F

from inputspace.models import build_net

ANCHORS = {"resnet18 32x32 b64": 830.0, "resnet18 224x224 b16": 23.0, "vit_tiny p4 32x32 b64": 68.0}


def train_throughput(net: torch.nn.Module, size: int, batch: int, steps: int) -> float:
    """Median images/s of ``steps`` SGD steps (after one warm-up step) on random inputs."""
    g = torch.Generator().manual_seed(0)
    x = torch.rand(batch, 3, size, size, generator=g)
    y = torch.randint(0, 10, (batch,), generator=g)
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    net.train()
    times = []
    for _ in range(steps + 1):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(net(x), y).backward()
        opt.step()
        times.append(time.perf_counter() - t0)
    return batch / statistics.median(times[1:])


def subnormal_penalty(repeats: int = 20) -> float:
    """Time of a matrix product with a subnormal left operand / the same product on normal numbers."""
    g = torch.Generator().manual_seed(0)
    a, b = torch.rand(128, 1600, generator=g), torch.rand(1600, 512, generator=g)
    sub = torch.full_like(a, 1e-40)
    assert 0 < sub[0, 0].item() < torch.finfo(torch.float32).tiny  # really subnormal

    def best(x: torch.Tensor) -> float:
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            torch.mm(x, b)
            times.append(time.perf_counter() - t0)
        return min(times)

    best(a)  # warm-up
    return best(sub) / best(a)


def _networks() -> dict[str, tuple[torch.nn.Module, int, int]]:
    torch.manual_seed(0)
    return {
        "resnet18 32x32 b64": (timm.create_model("resnet18", num_classes=10), 32, 64),
        "resnet18 224x224 b16": (timm.create_model("resnet18", num_classes=10), 224, 16),
        "vit_tiny p4 32x32 b64": (
            timm.create_model("vit_tiny_patch16_224", num_classes=10, img_size=32, patch_size=4),
            32,
            64,
        ),
        "quick resnet18 32x32 b64": (build_net("resnet18", 10, 32), 32, 64),
    }


def _one_thread_worker(steps: int, queue) -> None:
    torch.set_num_threads(1)
    queue.put(train_throughput(build_net("resnet18", 10, 32), 32, 64, steps))


def pair_throughput(steps: int) -> float:
    """Summed images/s of two one-thread processes training the quick ResNet-18 side by side."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_one_thread_worker, args=(steps, queue)) for _ in range(2)]
    for p in procs:
        p.start()
    total = sum(queue.get() for _ in procs)
    for p in procs:
        p.join()
    return total


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=3, help="timed steps per network (median)")
    ap.add_argument("--pair", action="store_true", help="also time two one-thread processes")
    args = ap.parse_args(argv)
    print(
        f"training throughput, {torch.get_num_threads()} threads (img/s; anchor = issue 2's machine)"
    )
    out = {}
    for name, (net, size, batch) in _networks().items():
        out[name] = train_throughput(net, size, batch, args.steps)
        anchor = ANCHORS.get(name)
        ratio = f"{out[name] / anchor:5.2f}x anchor ({anchor:.0f})" if anchor else "(no anchor)"
        print(f"  {name:<26} {out[name]:8.1f}   {ratio}", flush=True)
    out["subnormal penalty"] = subnormal_penalty()
    print(
        f"  subnormal penalty: a matrix product with subnormal operands takes "
        f"{out['subnormal penalty']:.1f}x the time of the same product on normal numbers"
    )
    if args.pair:
        out["pair"] = pair_throughput(args.steps)
        print(
            f"  two 1-thread processes, quick resnet18: {out['pair']:.1f} img/s in all = "
            f"{out['pair'] / out['quick resnet18 32x32 b64']:.2f}x one process"
        )
    return out


if __name__ == "__main__":
    main()
