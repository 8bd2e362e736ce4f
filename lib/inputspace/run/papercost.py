"""``make paper-cost``: what the paper profile costs, from unit benchmarks at the papers' sizes.

Every paper-profile notebook declares its dominant unit of work and how many units the paper's
settings need (``inputspace.<paper>.cost.PAPER_WORK``: ``(unit, count(knob values))``) and how
one unit is timed (``cost.PAPER_BENCH``: a :class:`Bench`). This module times each unit directly
on the chosen device, the way the library runs it (random-weight timm networks at the papers'
architectures and input sizes, fp32, a batch of images, the input gradient where the work is an
attack, an LST step or a bypass iteration), and extrapolates linearly:

    estimate = units(paper) × seconds per unit (mean over the notebook's architectures)

On a CUDA device it also records the peak memory of one timed batch. A whole run takes a few
minutes on a CPU and well under a minute on a GPU, so it is the script to run on a GPU machine:

``python -m inputspace.run.papercost --device cuda``   (``make paper-cost DEVICE=cuda``)

It writes ``figures/paper-cost.md`` for readers and its twin ``figures/paper-cost.json`` (the same
numbers, unrounded) for programs: the workflow's SLURM requests and the runner's expected times
read the JSON, never the prose. Where ``make paper-check`` left the timings of a run at
work scale 1 and one at scale 2 (``build/paper-check/timings*.json``), the table adds each
notebook's slope between the two runs (:func:`inputspace.run.papercheck.slope_rows`) as a cross-check
measured through the notebook itself (caches shared between notebooks make it noisy).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .. import paths
from ..cache import atomic_write_bytes
from ..progress import duration
from ..provenance import cpu_model
from ..repro import resolve_device
from ..workmodel import CONVSTEM, Bench
from .papercheck import knob_values, paper_table, paper_work, slope_rows
from .workflow.plan import COST_FORMAT


@dataclass(frozen=True)
class Timing:
    """Seconds per unit and the peak device memory of one timed batch (CUDA only)."""

    seconds: float
    peak_bytes: int | None
    batch: int


def network(arch: str, classes: int, size: int) -> nn.Module:
    """A random-weight network at the real architecture, built as the library builds it for
    ``size`` px inputs (:func:`inputspace.models.build_net`; nothing downloaded)."""
    if arch == CONVSTEM:
        from ..models import vit_s_convstem

        return vit_s_convstem()
    from ..models import build_net

    return build_net(arch, classes, size)


def time_gmac(device: torch.device, reps: int = 5) -> Timing:
    """Seconds per 10⁹ multiply-accumulates of a dense fp32 matrix product (256×3072 by
    3072×1024, the shape of a wide MLP layer on a batch of flattened 32 px images)."""
    a = torch.rand(256, 3072, device=device)
    b = torch.rand(3072, 1024, device=device)
    a @ b
    _sync(device)
    t0 = time.perf_counter()
    for _ in range(reps):
        a @ b
    _sync(device)
    return Timing((time.perf_counter() - t0) / (reps * 256 * 3072 * 1024 / 1e9), None, 256)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_model(
    arch: str, size: int, grad: bool, classes: int, batch: int, device: torch.device, reps: int = 2
) -> Timing:
    """Seconds per image of a forward (``grad=False``) or forward + input-gradient pass, averaged
    over ``reps`` batches after one warm-up batch; on CUDA, the peak memory of a batch."""
    model = network(arch, classes, size).eval().to(device)
    x = torch.rand(batch, 3, size, size, device=device)
    y = torch.zeros(batch, dtype=torch.long, device=device)

    def step() -> None:
        if grad:
            xg = x.clone().requires_grad_(True)
            loss = nn.functional.cross_entropy(model(xg), y, reduction="sum")
            torch.autograd.grad(loss, xg)
        else:
            with torch.no_grad():
                model(x)

    step()
    _sync(device)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    t0 = time.perf_counter()
    for _ in range(reps):
        step()
    _sync(device)
    seconds = (time.perf_counter() - t0) / (reps * batch)
    peak = int(torch.cuda.max_memory_allocated(device)) if device.type == "cuda" else None
    return Timing(seconds, peak, batch)


def time_lattice(sites: int = 10**6, reps: int = 3, seed: int = 0) -> Timing:
    """Seconds per site of labelling the clusters of a random 3-d lattice (p = 0.5)."""
    from ..methods.percolation import label_clusters

    side = round(sites ** (1 / 3))
    mask = np.random.default_rng(seed).random((side, side, side)) < 0.5
    label_clusters(mask)
    t0 = time.perf_counter()
    for _ in range(reps):
        label_clusters(mask)
    return Timing((time.perf_counter() - t0) / (reps * side**3), None, 1)


class Bencher:
    """Times units once per (architecture, size, gradient, classes) on one device."""

    def __init__(self, device: torch.device, batch: int, reps: int = 2) -> None:
        self.device, self.batch, self.reps = device, batch, reps
        self._seen: dict[tuple, Timing | str] = {}

    def _once(self, key: tuple, fn) -> Timing | str:
        if key not in self._seen:
            try:
                self._seen[key] = fn()
            except torch.OutOfMemoryError:
                self._seen[key] = f"out of memory at batch {self.batch}"
            if self.device.type == "cuda":
                torch.cuda.empty_cache()
            print(f"[unit] {key}: {self._seen[key]}", flush=True)
        return self._seen[key]

    def unit(
        self, bench: Bench, values: Mapping[str, object]
    ) -> tuple[Timing | str, tuple[str, ...]]:
        """Seconds per unit of ``bench`` (mean over its architectures), or why there is none."""
        if bench.kind == "lattice":
            return self._once(("lattice",), time_lattice), ()
        if bench.kind == "gmac":
            return self._once(("gmac",), lambda: time_gmac(self.device)), ()
        archs = bench.archs(values)
        timings = [
            self._once(
                (a, bench.size, bench.grad, bench.classes),
                lambda a=a: time_model(
                    a, bench.size, bench.grad, bench.classes, self.batch, self.device, self.reps
                ),
            )
            for a in archs
        ]
        failed = [t for t in timings if isinstance(t, str)]
        if failed:
            return failed[0], archs
        peaks = [
            t.peak_bytes for t in timings if isinstance(t, Timing) and t.peak_bytes is not None
        ]
        mean = sum(t.seconds for t in timings if isinstance(t, Timing)) / len(timings)
        return Timing(mean, max(peaks) if peaks else None, self.batch), archs


def cost_rows(nids: Iterable[str], bencher: Bencher) -> list[dict]:
    """Per notebook: unit, paper count, seconds per unit on the bench device, estimate, peak."""
    rows = []
    for nid in nids:
        work, bench = paper_work(nid), paper_table(nid, "PAPER_BENCH").get(nid)
        row: dict = {"notebook": nid, "unit": work[0] if work else "—"}
        if work is None or bench is None:
            row["note"] = (
                "computes nothing worth timing at paper scale (reads caches or prints settings)"
            )
            rows.append(row)
            continue
        values = knob_values(nid, {})
        timing, archs = bencher.unit(bench, values)
        row.update(paper_units=float(work[1](values)), archs=archs, timed=describe(bench, archs))
        if isinstance(timing, str):
            row["note"] = timing
        else:
            row.update(
                s_per_unit=timing.seconds,
                paper_s=timing.seconds * row["paper_units"],
                peak_bytes=timing.peak_bytes,
                batch=timing.batch,
            )
        rows.append(row)
    return rows


def describe(bench: Bench, archs: tuple[str, ...]) -> str:
    """What was timed, in a few words (table column)."""
    if bench.kind == "lattice":
        return "scipy cluster labelling, 10⁶-site 3-d lattice"
    if bench.kind == "gmac":
        return "dense fp32 matrix product"
    what = "forward + input gradient" if bench.grad else "forward"
    return f"{what}, {bench.size} px: {', '.join(archs)}"


def device_name(device: torch.device) -> str:
    """The bench device in words (GPU model, or the CPU and its thread count)."""
    if device.type == "cuda":
        p = torch.cuda.get_device_properties(device)
        return f"{p.name} ({p.total_memory / 2**30:.0f} GiB)"
    n = torch.get_num_threads()
    return f"CPU {cpu_model()} ({n} torch thread{'s' if n != 1 else ''})"


def cost_markdown(
    rows: list[dict],
    device: torch.device,
    machine: str,
    slopes: Mapping[str, float] | None = None,
    date: str | None = None,
) -> str:
    """``figures/paper-cost.md``: the table, its total and how it was measured."""
    est = [r for r in rows if "paper_s" in r]
    total = sum(r["paper_s"] for r in est)
    gpu = device.type == "cuda"
    biggest = max(est, key=lambda r: r["paper_s"]) if est else None
    lines = [
        "# Paper profile: estimated cost",
        "",
        f"Measured by `make paper-cost` (`python -m inputspace.run.papercost`) on {machine}, device "
        f"**{device_name(device)}**{f', {date}' if date else ''}. Each notebook's dominant unit of work "
        "(`cost.PAPER_WORK`) was timed directly at the papers' sizes (random-weight networks at the "
        "real architectures, fp32, batches of "
        f"{est[0]['batch'] if est else '?'} images; `cost.PAPER_BENCH` says what is timed) and "
        "multiplied by the number of units the paper's settings need. Model loading, data decoding and "
        "small per-notebook work are left out, so these are lower bounds of the order of magnitude, "
        "not schedules. Each notebook is costed alone: where notebooks share a cached computation "
        "(P1's demos, P2's LST runs, P3's codes and SOMs), a notebook run after the one that computes it "
        "pays only for what is new, so the total counts shared work more than once.",
        "",
    ]
    if gpu:
        lines += [
            "Peak memory is that of one timed batch on the GPU (the weights, one batch of inputs and "
            "their activations); a notebook that holds more images on the device at once (see "
            "`cost.MEMORY`) needs correspondingly more.",
            "",
        ]
    else:
        lines += [
            "**These are CPU measurements**: no GPU was available to this run. A single data-centre GPU "
            "(A100/H100/H200 class) runs these batched 224 px convolution and attention passes roughly "
            "100–1000× faster than this CPU, so divide the times accordingly; peak GPU memory cannot be "
            "measured here. On a GPU machine the same script measures both: "
            "`make paper-cost DEVICE=cuda`.",
            "",
        ]
    lines.append(
        f"**Total ({'GPU' if gpu else 'CPU'}, extrapolated): {duration(total, coarse=True)}** over {len(est)} "
        "notebooks with an estimate."
    )
    if biggest is not None:
        worst, name = biggest["paper_s"], biggest["notebook"]
        on_gpu = worst if gpu else worst / 100
        where = "" if gpu else f"; at 100× on a GPU, {duration(on_gpu, coarse=True)}"
        verdict = (
            "No notebook needs more than one GPU-day, so none is split into class or source ranges: "
            "whole notebooks are the units to spread over GPUs."
            if on_gpu < 86400
            else "It needs more than a day on one GPU: split its work (class or source ranges)."
        )
        lines += [
            "",
            f"The largest single notebook is {name} ({duration(worst, coarse=True)}{where}). {verdict}",
        ]
    head = "| notebook | unit of work | timed | units (paper) | s / unit | paper estimate | peak memory |"
    sep = "|---|---|---|---|---|---|---|"
    if slopes:
        head += " check slope, s / unit (CPU) |"
        sep += "---|"
    lines += ["", head + " note |", sep + "---|"]
    for r in rows:
        cells = [
            r["notebook"],
            r["unit"],
            r.get("timed", ""),
            f"{r['paper_units']:.3g}" if "paper_units" in r else "",
        ]
        if "paper_s" in r:
            peak = f"{r['peak_bytes'] / 2**30:.1f} GiB" if r.get("peak_bytes") else "—"
            cells += [f"{r['s_per_unit']:.3g}", duration(r["paper_s"], coarse=True), peak]
        else:
            cells += ["", "", ""]
        if slopes:
            cells.append(f"{slopes[r['notebook']]:.3g}" if r["notebook"] in slopes else "")
        cells.append(r.get("note", ""))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


_JSON_FIELDS = (
    "unit",
    "timed",
    "archs",
    "paper_units",
    "s_per_unit",
    "paper_s",
    "peak_bytes",
    "batch",
    "note",
)


def cost_json(
    rows: list[dict],
    device: torch.device,
    machine: str,
    slopes: Mapping[str, float] | None = None,
    date: str | None = None,
) -> dict:
    """``figures/paper-cost.json``, the twin of :func:`cost_markdown` that programs read (the SLURM
    requests of :func:`inputspace.run.workflow.plan.slurm_resources`, the runner's expected times):
    how it was measured (``device_type`` ``"cpu"``: the times are CPU measurements) and per
    notebook the unit, what was timed, the paper count, seconds per unit, the estimate in seconds
    (``paper_s``) and the peak device memory in bytes (None: not measured); a notebook without an
    estimate has only its unit and a note."""
    est = [r for r in rows if "paper_s" in r]
    notebooks = {}
    for r in rows:
        entry = {k: (list(r[k]) if k == "archs" else r[k]) for k in _JSON_FIELDS if k in r}
        if slopes and r["notebook"] in slopes:
            entry["check_slope_s_per_unit"] = slopes[r["notebook"]]
        notebooks[r["notebook"]] = entry
    return {
        "format": COST_FORMAT,
        "device": device_name(device),
        "device_type": device.type,
        "machine": machine,
        "date": date,
        "total_s": sum(r["paper_s"] for r in est),
        "notebooks": notebooks,
    }


def check_slopes(out: Path) -> dict[str, float]:
    """Seconds per unit between the paper check's scale-1 and scale-2 runs, where both exist."""
    t1, t2 = out / "timings.json", out / "timings-x2.json"
    if not (t1.exists() and t2.exists()):
        return {}
    rows = slope_rows(json.loads(t1.read_text()), json.loads(t2.read_text()))
    return {r["notebook"]: r["s_per_unit"] for r in rows if "s_per_unit" in r}


def main(argv: list[str] | None = None) -> int:
    from ..catalogue import notebook_id, select

    ap = argparse.ArgumentParser(
        prog="python -m inputspace.run.papercost",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N (the device timed)")
    ap.add_argument(
        "--batch",
        type=int,
        default=None,
        help="images per timed batch (default: 8 on a CPU, 64 on a GPU)",
    )
    ap.add_argument(
        "--reps", type=int, default=2, help="timed batches per unit (after one warm-up)"
    )
    ap.add_argument(
        "--threads", type=int, default=None, help="CPU threads of torch (default: torch's choice)"
    )
    ap.add_argument("--only", default=None, help="comma-separated notebook ids or id prefixes")
    ap.add_argument(
        "--machine", default="this project's machine", help="named in the table's header"
    )
    ap.add_argument(
        "--out",
        default=str(paths.FIGURES_ROOT / "paper-cost.md"),
        help="the Markdown table; its JSON twin is written beside it (.json)",
    )
    args = ap.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
    print(f"device used: {device} ({device_name(device)})", flush=True)
    bencher = Bencher(device, args.batch or (64 if device.type == "cuda" else 8), args.reps)
    rows = cost_rows([notebook_id(p) for p in select(args.only)], bencher)
    slopes, date = check_slopes(paths.BUILD / "paper-check"), time.strftime("%Y-%m-%d")
    out = Path(args.out)
    atomic_write_bytes(out, cost_markdown(rows, device, args.machine, slopes, date).encode())
    twin = out.with_suffix(".json")
    data = cost_json(rows, device, args.machine, slopes, date)
    atomic_write_bytes(twin, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode())
    print(f"wrote {out} and {twin}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
