"""How long the notebooks take: this run's times, the remembered ones, the expected one.

Each run writes its wall time per notebook to ``build/<profile>/timings.json`` (:func:`write_timings`)
and merges its successful times into ``timings.json`` beside the profile's scorecard
(:func:`remember_timings`; quick: the committed ``figures/``). A notebook's expected time
(:func:`expected_seconds`), shown as it starts and the base of its cell time-out, is its last
successful time there, else in the paper profile the cost table's estimate.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from .. import paths, provenance
from ..cache import atomic_write_bytes
from ..catalogue import notebook_id, select


def reference_timings_path(profile: str) -> Path:
    """``timings.json`` beside the profile's scorecard (quick: the committed ``figures/``): the
    last successful time of every notebook, the expected times of the next run, also on a fresh
    clone."""
    return paths.figures_dir(profile) / "timings.json"


def machine_text() -> str:
    """``<cores>-core <CPU model>``, or the GPU a run used: where a reference time was measured."""
    text = f"{os.cpu_count()}-core {provenance.cpu_model()}"
    if os.environ.get("CUDA_VISIBLE_DEVICES"):
        text += f", GPU {os.environ['CUDA_VISIBLE_DEVICES']}"
    return text


def remember_timings(profile: str, runs: dict[str, dict]) -> Path:
    """Merge this run's successful times into :func:`reference_timings_path` (a skipped or failed
    notebook keeps its earlier time); each entry says when and on what it was measured."""
    out = reference_timings_path(profile)
    known = json.loads(out.read_text()).get("notebooks", {}) if out.exists() else {}
    stamp = time.strftime("%Y-%m-%d")
    for nid, r in runs.items():
        if r["status"] == "ok":
            known[nid] = {
                "seconds": r["seconds"],
                "date": stamp,
                "machine": machine_text(),
                "threads": r.get("threads") or os.environ.get("OMP_NUM_THREADS"),
            }
    order = {notebook_id(p): i for i, p in enumerate(select(None))}
    known = dict(sorted(known.items(), key=lambda kv: order.get(kv[0], len(order))))
    atomic_write_bytes(
        out, (json.dumps({"profile": profile, "notebooks": known}, indent=1) + "\n").encode()
    )
    return out


def expected_seconds(nid: str, profile: str) -> tuple[float | None, str]:
    """The expected time of a notebook and where it comes from: its last successful run
    (:func:`remember_timings`), else in the paper profile the cost table's estimate
    (``figures/paper-cost.json``, divided by ``GPU_SPEEDUP`` when that table was measured on a CPU
    and this run has a GPU); ``(None, "")`` when neither knows it."""
    ref = reference_timings_path(profile)
    if ref.exists():
        entry = json.loads(ref.read_text()).get("notebooks", {}).get(nid)
        if entry:
            return float(entry["seconds"]), f"last run {entry['date']} on {entry['machine']}"
    if profile == "paper":
        from .workflow.plan import cost_estimate, read_cost

        est, cpu = cost_estimate(read_cost(paths.FIGURES_ROOT / "paper-cost.json"), nid)
        if est is not None:
            import torch

            speedup = (
                float(os.environ.get("GPU_SPEEDUP", 100))
                if cpu and torch.cuda.is_available()
                else 1.0
            )
            return est / speedup, "paper-cost.json" + (
                f" / {speedup:g} for the GPU" if speedup != 1 else ""
            )
    return None, ""


def write_timings(profile: str, seconds: dict[str, dict]) -> Path:
    """Record this run's wall time per notebook in ``build/<profile>/timings.json`` (the README's
    runtimes come from it; p0's time includes training any missing model)."""
    out = paths.build_dir(profile) / "timings.json"
    total = round(sum(v["seconds"] for v in seconds.values()), 1)
    atomic_write_bytes(
        out, json.dumps({"total_seconds": total, "notebooks": seconds}, indent=1).encode()
    )
    return out
