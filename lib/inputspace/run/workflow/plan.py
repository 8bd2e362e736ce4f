"""What the workflow engine runs: the notebook dependency graph and the SLURM requests.

The Snakefile next to this module turns :func:`dependencies` into one job per notebook; the
SLURM profile (``slurm/config.yaml``) takes each job's GPU, memory and time request from
:func:`slurm_resources`, which reads ``figures/paper-cost.json`` (``make paper-cost``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ...catalogue import ZOO_NOTEBOOK

SHARED_CACHE_EDGES: dict[str, tuple[str, ...]] = {
    # P1: the bypass demo (``p1.barriers.bypass_demo``) and the attack demo
    # (``p1.adversarial.attack_demo``) are ``shared=True`` caches computed by the first notebook.
    "p1-fig01": ("p1-fig02", "p1-fig03"),
    "p1-fig04": ("p1-fig05",),
    # The real network (``inputspace.p1.pretrained``): p1-detection computes the synthetic modes of every
    # class it meets (those of the pool photos among them), the K′ of p1-fig04 and its detection scores,
    # which px-03 extends; p1-fig01 computes the same-class paths and bypass p1-fig02 reads.
    "p1-detection": ("p1-fig01", "p1-fig02", "p1-fig04", "px-03"),
    # P2: the source/target image pool (``p2.roles.pool``) feeds every LST notebook (and the real
    # network's LST grid, p2-example's, its real-network sections and px-01/px-03's); the
    # derangement LST runs (``p2.lst.derangement_runs``) of the normal, AT and ViT rows are first
    # computed by Fig 3 (its star segments) and read by Tables 1-2 and the cross-study notebooks;
    # Table 1 computes those of the rows Fig 3 does not show (paper: the ViT AT row) for Table 2.
    "p2-example": (
        "p2-grid",
        "p2-star",
        "p2-triangles",
        "p2-widths",
        "p2-tab01",
        "p2-tab02",
        "px-01",
        "px-02",
        "px-03",
        "px-04",
    ),
    "p2-star": ("p2-tab01", "p2-tab02", "px-01", "px-02", "px-03", "px-04"),
    "p2-tab01": ("p2-tab02",),
    # P3: the ResNet-18 codes and SOMs (``p3.maps.split_codes`` / ``layer_som``), those of the
    # other CNNs (ResNet-50, VGG19-BN, DenseNet-121: first computed by Fig 3), the ViT SOMs, and the
    # PGD / noise runs (``p3.attack.perturbed``) of Figs 11 (CNNs) and 12 (ViT).
    "p3-fig01": (
        "p3-fig02",
        "p3-fig03",
        "p3-fig04",
        "p3-fig05",
        "p3-fig06",
        "p3-fig07",
        "p3-fig11",
        "p3-figS1",
        "p3-figS3",
        "px-02",
        "px-04",
    ),
    "p3-fig03": (
        "p3-fig04",
        "p3-fig05",
        "p3-fig06",
        "p3-fig07",
        "p3-fig08",
        "p3-fig11",
        "p3-figS1",
        "p3-figS2",
        "p3-figS3",
        "p3-figS4",
    ),
    "p3-fig09": ("p3-fig10", "p3-fig12"),
    "p3-fig11": ("p3-tab02", "p3-figS4", "px-02", "px-04"),
    "p3-fig12": ("p3-figS4",),
    # Cross-study: P2's pool and derangement runs (p2-example / p2-star above) and the normal
    # ResNet-18's SOMs and PGD runs (p3-fig01 / p3-fig11).
}
"""Producer notebook -> notebooks that read the shared cache entries it computes first. An edge
missing here is still safe (``cache.entry_lock`` makes the second notebook wait for the first
one's entry), only slower: the waiting notebook holds a worker while it waits, or computes the
entry itself at 1/JOBS of the threads. ``python -m inputspace.run.workflow edges`` checks the table
against the reads a sequential run from empty caches logged (:func:`missing_edges`)."""


def dependencies(
    ids: Iterable[str], edges: Mapping[str, Iterable[str]] = SHARED_CACHE_EDGES
) -> dict[str, list[str]]:
    """Notebook id -> the selected ids it must wait for: the zoo (``p0-00``) before every other
    notebook, and each declared shared-cache producer before its consumers. Edges to notebooks
    outside ``ids`` (an ``ONLY=`` selection) are dropped: the cache locks still order them."""
    ids = list(ids)
    chosen = set(ids)
    deps: dict[str, list[str]] = {nid: [] for nid in ids}
    for nid in ids:
        if nid != ZOO_NOTEBOOK and ZOO_NOTEBOOK in chosen:
            deps[nid].append(ZOO_NOTEBOOK)
    for producer, consumers in edges.items():
        if producer not in chosen:
            continue
        for c in consumers:
            if c in chosen and producer not in deps[c]:
                deps[c].append(producer)
    _check_acyclic(deps)
    return deps


def _check_acyclic(deps: Mapping[str, list[str]]) -> None:
    state: dict[str, int] = {}

    def visit(n: str, trail: tuple[str, ...]) -> None:
        if state.get(n) == 2:
            return
        if state.get(n) == 1:
            raise ValueError(
                f"notebook dependency cycle {' -> '.join((*trail, n))}: fix SHARED_CACHE_EDGES"
            )
        state[n] = 1
        for d in deps.get(n, ()):
            visit(d, (*trail, n))
        state[n] = 2

    for n in deps:
        visit(n, ())


def ancestors(deps: Mapping[str, Iterable[str]], nid: str) -> set[str]:
    """Every notebook ``nid`` waits for, directly or through others."""
    seen: set[str] = set()
    todo = list(deps.get(nid, ()))
    while todo:
        d = todo.pop()
        if d not in seen:
            seen.add(d)
            todo.extend(deps.get(d, ()))
    return seen


def read_edges(log_lines: Iterable[str]) -> dict[tuple[str, str], set[str]]:
    """``(producer, consumer) -> entry keys`` from a shared cache folder's reads log
    (:data:`inputspace.cache.READS_LOG`: one JSON object per line; a torn or empty line is skipped)."""
    out: dict[tuple[str, str], set[str]] = {}
    for line in log_lines:
        try:
            r = json.loads(line)
            out.setdefault((r["producer"], r["consumer"]), set()).add(r["entry"])
        except (ValueError, KeyError, TypeError):
            continue
    return out


def missing_edges(
    observed: Mapping[tuple[str, str], set[str]],
    ids: Iterable[str],
    edges: Mapping[str, Iterable[str]] = SHARED_CACHE_EDGES,
) -> dict[tuple[str, str], set[str]]:
    """The observed reads (:func:`read_edges`) among ``ids`` whose producer is not ordered before the
    consumer by :func:`dependencies`: under ``JOBS > 1`` that consumer may start first and compute the
    entry itself (or wait for it while holding a worker). Valid for a log of a run from empty caches
    in the sequential order: there the producer is the first notebook that needs the entry."""
    ids = list(ids)
    deps, chosen = dependencies(ids, edges), set(ids)
    return {
        (p, c): keys
        for (p, c), keys in observed.items()
        if p in chosen and c in chosen and p not in ancestors(deps, c)
    }


def threads_per_job(cores: int, jobs: int) -> int:
    """CPU threads each of ``jobs`` concurrent notebooks gets on ``cores`` cores (at least one),
    so parallel notebooks do not oversubscribe the machine."""
    if jobs < 1:
        raise ValueError(f"JOBS must be >= 1, got {jobs}")
    return max(1, cores // jobs)


# --- SLURM requests from figures/paper-cost.json ---------------------------------------------


@dataclass(frozen=True)
class SlurmDefaults:
    """Requests for a notebook the cost table says nothing about, and how estimates become
    requests: ``runtime = max(min_runtime_min, estimate / gpu_speedup * margin)`` where
    ``gpu_speedup`` applies only when the table's times were measured on a CPU."""

    runtime_min: int = 120
    min_runtime_min: int = 30
    margin: float = 1.5
    gpu_speedup: float = 100.0
    cpus: int = 8
    mem_mb: int = 32000
    gpus: int = 1


COST_FORMAT = 1
"""Version of the layout of ``figures/paper-cost.json``, written by
:func:`inputspace.run.papercost.cost_json` and read here."""


def read_cost(path: Path | str | None) -> dict | None:
    """``figures/paper-cost.json`` (``make paper-cost``), or None when there is none.

    Raises:
        ValueError: the file is not a cost table of :data:`COST_FORMAT` (rerun ``make paper-cost``).
    """
    if path is None or not Path(path).is_file():
        return None
    data = json.loads(Path(path).read_text())
    if not isinstance(data, dict) or data.get("format") != COST_FORMAT or "notebooks" not in data:
        raise ValueError(
            f"{path}: not a paper-cost table of format {COST_FORMAT}: rerun `make paper-cost`"
        )
    return data


def cost_estimate(cost: Mapping | None, nid: str) -> tuple[float | None, bool]:
    """A notebook's paper-profile estimate in seconds from a cost table (:func:`read_cost`; None:
    no table or no estimate) and whether it was measured on a CPU (then a GPU runs it faster)."""
    if not cost:
        return None, False
    est = cost["notebooks"].get(nid, {}).get("paper_s")
    return (None if est is None else float(est)), cost.get("device_type") != "cuda"


def slurm_resources(
    ids: Iterable[str], cost: Mapping | None, defaults: SlurmDefaults = SlurmDefaults()
) -> dict[str, dict[str, int]]:
    """Per notebook id the Snakemake resources the SLURM executor turns into ``sbatch`` flags:
    ``runtime`` (minutes, ``-t``), ``mem_mb`` (``--mem``), ``cpus_per_task`` and ``gpu`` (GPUs),
    plus ``gpu_mem_mb`` (the cost table's measured peak GPU memory, 0 when not measured) for a
    cluster whose GPU kinds are chosen by a constraint. Reads each notebook's ``paper_s`` and
    ``peak_bytes`` of the cost table (:func:`read_cost`); a notebook without an estimate, or no
    table at all (``cost=None``), gets the defaults."""
    out = {}
    for nid in ids:
        est, cpu = cost_estimate(cost, nid)
        speedup = defaults.gpu_speedup if cpu else 1.0
        runtime = (
            defaults.runtime_min
            if est is None
            else max(defaults.min_runtime_min, math.ceil(est / speedup * defaults.margin / 60))
        )
        peak = (cost or {}).get("notebooks", {}).get(nid, {}).get("peak_bytes")
        gpu_mem = 0 if peak is None else math.ceil(peak / 2**20)
        out[nid] = {
            "runtime": runtime,
            "mem_mb": max(defaults.mem_mb, 2 * gpu_mem),
            "cpus_per_task": defaults.cpus,
            "gpu": defaults.gpus,
            "gpu_mem_mb": gpu_mem,
        }
    return out
