"""SOM speed: training throughput (codes/s) and final quantization error of ``inputspace.methods.som``
against MiniSom 2.3.6, QuickSOM 1.0.0 and somoclu 1.7.6 on the same data, printed as ratios.

Data: 10 000 synthetic non-negative "vector codes" (a 50-component Gaussian mixture passed
through a ReLU) of dimension 512 and 2048; a 20x20 map; one epoch; P3's parameters (sigma0 10,
alpha0 0.1, 'exp' decay, toroidal grid, cosine distance) wherever the library has them.

* ``inputspace.methods.som`` -- batch 10 (the paper's), 64 and 256;
* QuickSOM -- ``quicksom.som.SOM`` with a cosine metric, driven by the loop of its ``fit`` (the
  DataLoader left out, which only favours QuickSOM), batch 10, **same initial weights and order**
  as ours, so its quantization error must equal ours up to float round-off; the row
  "QuickSOM fit()" times the library as a user calls it (``fit``, DataLoader with 0 workers);
* MiniSom -- online (one code per update), cosine activation distance, the same exp decay of
  sigma and learning rate; its grid is not toroidal;
* somoclu -- the C++ batch SOM (toroid map, Euclidean, radius 10 -> 1, scale 0.1 -> 0.01), run
  for **2 epochs** (its cooling divides by ``epochs - 1``: one epoch gives a NaN codebook);
  throughput = 2 x codes / time.
  It cannot be installed into the project environment (its build tries CUDA and fails); build it
  in a throwaway venv (see ``--somoclu-python``) and the benchmark runs it in a subprocess; when
  that interpreter is missing the somoclu rows are skipped with the reason printed.

The quantization error (mean cosine distance of every code to its BMU) of every result is
computed with the same function. Every timing is the best of ``--repeats`` runs (the machine is
shared); the slow references (QuickSOM, MiniSom) are timed on the first ``--ref-codes`` (2 000)
codes of the epoch and their codes/s extrapolated to the epoch (their per-update cost does not
depend on the step), and run once more over the full epoch for their quantization error.
Targets at batch 10: >= 20x QuickSOM, >= 4x somoclu, quantization error within 1 % of
QuickSOM's.
Last, the subnormal flush: a 40x40 map trained for P3's 5 epochs on 2 000 codes (the late steps,
where nearly every neighbourhood value would be subnormal, weigh in), with the library's
neighbourhood and with the same formula unflushed; the weights must be bit-identical and the
ratio of times shows what the flush saves on this CPU (~1x where subnormal operands cost nothing
extra; see ``benchmarks/bench_machine.py``'s subnormal penalty).
Run: ``OMP_NUM_THREADS=1 python benchmarks/bench_som.py`` (about three minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from inputspace.methods.som import SOM, SOMConfig, quantization_error, schedule, train_som

ANCHORS = {
    512: {"MiniSom": 3046, "QuickSOM": 1972, "somoclu": 9570, "torch minibatch-64": 83530},
    2048: {"MiniSom": 756, "QuickSOM": 515, "somoclu": 2242, "torch minibatch-64": 23825},
}
"""codes/s measured earlier on this machine (issue 5)."""
SOMOCLU_SCRIPT = """
import sys, time, numpy as np, somoclu
x = np.load(sys.argv[1]); init = np.load(sys.argv[2])
s = somoclu.Somoclu(20, 20, maptype="toroid", compactsupport=False, initialcodebook=init.copy())
t = time.perf_counter()
s.train(x, epochs=2, radius0=10, radiusN=1, radiuscooling="exponential", scale0=0.1, scaleN=0.01)
dt = time.perf_counter() - t
np.save(sys.argv[3], s.codebook.reshape(-1, x.shape[1]))
print(dt)
"""


def make_codes(n: int, dim: int, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    centers = torch.rand(50, dim, generator=g) * 2
    labels = torch.randint(0, 50, (n,), generator=g)
    return torch.relu(centers[labels] + 0.5 * torch.randn(n, dim, generator=g))


def _qe(codes: torch.Tensor, weights: torch.Tensor) -> float:
    return quantization_error(
        codes, SOM(torch.as_tensor(weights).float(), SOMConfig(), torch.zeros(1), torch.zeros(1))
    )


def _cosine(a, b):
    """P3's metric for QuickSOM: Eq. 2 on (B, 1, dim) x (K, dim) -> (B, 1, K)."""
    return 1 - (a / a.norm(dim=-1, keepdim=True)) @ (b / b.norm(dim=-1, keepdim=True)).T


def run_ours(x, w0, batch: int, seed: int):
    cfg = SOMConfig(m=20, n=20, epochs=1, batch_size=batch)
    t = time.perf_counter()
    s = train_som(x, cfg, init=w0, generator=torch.Generator().manual_seed(seed))
    return time.perf_counter() - t, s.weights


def _quicksom(x, w0):
    """QuickSOM 1.0.0 configured as P3 (Table 1) with our initial weights."""
    from quicksom.som import SOM as QuickSOM

    kw = {"alpha": 0.1, "sigma": 10, "sched": "exp", "periodic": True, "metric": _cosine}
    return QuickSOM(20, 20, x.shape[1], centroids=w0.clone(), **kw)


def run_quicksom(x, w0, order, n_codes: int, batch: int = 10):
    q = _quicksom(x, w0)
    t = time.perf_counter()
    for step in range(0, n_codes, batch):
        q(x[order[step : step + batch]], learning_rate_op=q.scheduler(step, len(x)))
    return time.perf_counter() - t, q.centroids


def run_quicksom_fit(x, w0, n_codes: int, batch: int = 10):
    """QuickSOM as a user calls it: ``SOM.fit`` (DataLoader, num_workers=0, logging off)."""
    import contextlib
    import io

    q = _quicksom(x, w0)
    t = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        q.fit(
            x[:n_codes].numpy(),
            batch_size=batch,
            n_epoch=1,
            print_each=10**9,
            do_compute_all_dists=False,
            unfold=False,
            logfile=None,
            num_workers=0,
        )
    return time.perf_counter() - t, q.centroids


def run_minisom(x, w0, order, n_codes: int):
    from minisom import MiniSom

    decay = lambda v, t, max_iter: v * math.exp(-5 * t / max_iter)
    m = MiniSom(
        20,
        20,
        x.shape[1],
        sigma=10,
        learning_rate=0.1,
        activation_distance="cosine",
        decay_function=decay,
        random_seed=0,
    )
    m._sigma_decay_function = decay  # MiniSom accepts only named sigma decays
    m._weights = w0.numpy().reshape(20, 20, -1).astype(np.float64).copy()
    data = x.numpy().astype(np.float64)
    t = time.perf_counter()
    for i in range(n_codes):
        m.update(data[order[i]], m.winner(data[order[i]]), i, len(x))
    return time.perf_counter() - t, torch.as_tensor(m._weights.reshape(400, -1))


def run_somoclu(python: str, x, w0, threads: int):
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / f for f in ("x.npy", "init.npy", "out.npy")]
        np.save(paths[0], x.numpy().astype(np.float32))
        np.save(paths[1], w0.numpy().reshape(20, 20, -1).astype(np.float32))
        env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
        out = subprocess.run(
            [python, "-c", SOMOCLU_SCRIPT, *map(str, paths)],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
            check=False,
        )
        if out.returncode:
            raise RuntimeError(
                out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed"
            )
        return float(out.stdout.strip().splitlines()[-1]), torch.as_tensor(np.load(paths[2]))


def _somoclu_python(path: str) -> tuple[str | None, str]:
    if not Path(path).exists():
        return None, (
            f"{path} not found: build somoclu in a throwaway venv (python -m venv "
            "/tmp/somoclu-venv; pip install numpy setuptools; then, with nvcc off the PATH: "
            "pip install --no-build-isolation somoclu)"
        )
    ok = subprocess.run(
        [path, "-c", "import somoclu, somoclu.train as t; t.wrap_train"],
        capture_output=True,
        check=False,
    )
    return (
        (path, "")
        if ok.returncode == 0
        else (None, f"{path} cannot import somoclu's C++ extension")
    )


def flush_ratio(dim: int, repeats: int, n: int = 2_000) -> tuple[float, float, bool]:
    """``(seconds flushed, seconds unflushed, weights identical)`` for a 40x40 map, 5 epochs."""
    from inputspace.methods import som

    x = make_codes(n, dim, seed=3)
    cfg = SOMConfig(m=40, n=40, epochs=5)

    def run(fn):
        original, som.neighbourhood = som.neighbourhood, fn
        try:
            t = time.perf_counter()
            s = train_som(x, cfg, generator=torch.Generator().manual_seed(4))
            return time.perf_counter() - t, s.weights
        finally:
            som.neighbourhood = original

    flushed, w_f = _best(lambda: run(som.neighbourhood), repeats)
    unflushed, w_u = _best(lambda: run(functools.partial(som.neighbourhood, flush=0.0)), repeats)
    return flushed, unflushed, torch.equal(w_f, w_u)


def _best(fn, repeats: int):
    """``(best time, result of the best run)`` over ``repeats`` runs (the machine is shared)."""
    runs = [fn() for _ in range(repeats)]
    return min(runs, key=lambda r: r[0])


def bench_dim(dim: int, args, somoclu_py: str | None) -> list[dict]:
    x = make_codes(args.n, dim)
    w0 = torch.randn(400, dim, generator=torch.Generator().manual_seed(1))
    order = torch.randperm(args.n, generator=torch.Generator().manual_seed(2))
    rows = []
    for b in args.batches:
        dt, w = _best(lambda b=b: run_ours(x, w0, b, 2), args.repeats)
        rows.append(
            {
                "impl": f"inputspace.methods.som b{b}",
                "batch": b,
                "codes_s": args.n / dt,
                "qe": _qe(x, w),
            }
        )
    n_ref = min(args.ref_codes, args.n)
    for name, fn in (
        ("QuickSOM", lambda n: run_quicksom(x, w0, order, n)),
        ("MiniSom", lambda n: run_minisom(x, w0, order.tolist(), n)),
    ):
        dt, _ = _best(lambda fn=fn: fn(n_ref), args.repeats)
        qe = _qe(x, fn(args.n)[1]) if args.ref_qe else float("nan")
        rows.append(
            {
                "impl": name,
                "batch": 10 if name == "QuickSOM" else 1,
                "codes_s": n_ref / dt,
                "qe": qe,
            }
        )
    dt, _ = _best(lambda: run_quicksom_fit(x, w0, n_ref), args.repeats)
    rows.append({"impl": "QuickSOM fit()", "batch": 10, "codes_s": n_ref / dt, "qe": float("nan")})
    if somoclu_py:
        dt, w = _best(lambda: run_somoclu(somoclu_py, x, w0, args.threads), args.repeats)
        rows.append(
            {"impl": "somoclu", "batch": args.n, "codes_s": 2 * args.n / dt, "qe": _qe(x, w)}
        )
    return rows


def report(dim: int, rows: list[dict], skipped: str) -> None:
    by = {r["impl"]: r for r in rows}
    q, s, qf = by.get("QuickSOM"), by.get("somoclu"), by.get("QuickSOM fit()")
    print(f"\n== dim {dim}, {len(rows)} runs ==")
    head = (
        "implementation",
        "codes/s",
        "QE",
        "x QuickSOM",
        "x QS fit",
        "x somoclu",
        "QE vs QS",
        "anchor",
    )
    print("".join(f"{h:<22}" if i == 0 else f"{h:>11}" for i, h in enumerate(head)))
    for r in rows:
        anchor = ANCHORS.get(dim, {}).get(r["impl"], "")
        vq = f"{r['codes_s'] / q['codes_s']:.1f}" if q else "-"
        vs = f"{r['codes_s'] / s['codes_s']:.1f}" if s else "-"
        ok = q and math.isfinite(q["qe"]) and math.isfinite(r["qe"])
        dq = f"{100 * (r['qe'] / q['qe'] - 1):+.2f}%" if ok else "-"
        vf = f"{r['codes_s'] / qf['codes_s']:.1f}" if qf else "-"
        cells = (f"{r['codes_s']:.0f}", f"{r['qe']:.4f}", vq, vf, vs, dq, str(anchor))
        print(f"{r['impl']:<22}" + "".join(f"{c:>11}" for c in cells))
    if skipped:
        print(f"somoclu skipped: {skipped}")


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--dims", type=int, nargs="+", default=[512, 2048])
    ap.add_argument("--batches", type=int, nargs="+", default=[10, 64, 256])
    ap.add_argument(
        "--ref-codes", type=int, default=2_000, help="codes the slow references are timed on"
    )
    ap.add_argument(
        "--repeats", type=int, default=3, help="timings per implementation; the best counts"
    )
    ap.add_argument(
        "--no-ref-qe",
        dest="ref_qe",
        action="store_false",
        help="skip the full-epoch reference runs that give their quantization error",
    )
    ap.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", "1")))
    ap.add_argument(
        "--somoclu-python", default=os.environ.get("SOMOCLU_PYTHON", "/tmp/somoclu-venv/bin/python")
    )
    ap.add_argument("--json", default="", help="also write the rows to this JSON file")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    somoclu_py, skipped = _somoclu_python(args.somoclu_python)
    print(
        f"SOM benchmark: {args.n} codes, 20x20, 1 epoch, {args.threads} thread(s), "
        f"torch {torch.__version__}, device cpu (schedule factor {schedule(0, 1):.0f} -> {schedule(1, 1):.4f})"
    )
    results = {}
    for dim in args.dims:
        results[dim] = bench_dim(dim, args, somoclu_py)
        report(dim, results[dim], skipped)
    dim = args.dims[0]
    flushed, unflushed, same = flush_ratio(dim, args.repeats)
    print(
        f"\n== subnormal flush, 40x40, 5 epochs of 2000 codes, dim {dim} ==\n"
        f"flushed {flushed:.2f} s, unflushed {unflushed:.2f} s: the flush is {unflushed / flushed:.2f}x "
        f"faster here; weights {'bit-identical' if same else 'DIFFER'}"
    )
    results["flush"] = {"flushed_s": flushed, "unflushed_s": unflushed, "identical": same}
    if args.json:
        Path(args.json).write_text(json.dumps({str(k): v for k, v in results.items()}, indent=1))
    return results


if __name__ == "__main__":
    main()
