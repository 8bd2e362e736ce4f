"""Run the notebooks on Snakemake: ``make figures JOBS=N`` and ``make figures ENGINE=slurm``.

``python -m inputspace.run.workflow run --profile quick --jobs 4 [--only …] [--force]
[--engine local|slurm] [--dry-run]`` starts Snakemake on the package's ``Snakefile`` (one job per
notebook, :func:`inputspace.run.workflow.plan.dependencies` as its graph, an aggregating job last).

Why every notebook job is always scheduled: the executed notebooks are committed sources and
outputs at once, and Snakemake's default triggers compare file times (a fresh clone has
arbitrary ones) and its own metadata. Each invocation therefore asks for outputs under a new
``runs/<run-id>/`` folder that never exists beforehand, so Snakemake schedules every selected
notebook and neither its mtime nor its ``--rerun-triggers`` decide anything; the job itself
(``python -m inputspace.run run-one``) skips in a second when the notebook's content hash
(``sources.inputs_hash``) matches its last successful run -- exactly what ``run`` does.
An interrupted run resumes: restarted, its completed notebooks skip by content, and a killed
notebook never promoted anything (``build/`` -> ``notebooks/`` only after success).

Snakemake's state (``.snakemake/``) and the run records live in ``build/<profile>/workflow/``;
``--nolock``: a killed run must not lock the next one out (the records are per run, and the
cache entry locks and atomic writes guard what runs share).

``python -m inputspace.run.workflow edges --profile smoke`` checks the graph against a run: every read
of a shared cache entry by another notebook than the one that computed it (the cache's reads log)
must be ordered by :data:`~inputspace.run.workflow.plan.SHARED_CACHE_EDGES`; exit status 1 and one line
per missing edge otherwise. Meaningful after a sequential run from empty caches (``make clean``,
then ``make figures``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ... import paths
from ...catalogue import notebook_id, select
from ...config import PROFILES
from .plan import SHARED_CACHE_EDGES, missing_edges, read_edges, threads_per_job
from .slots import visible_devices

HERE = Path(__file__).resolve().parent
SNAKEFILE = HERE / "Snakefile"
SLURM_PROFILE = HERE / "slurm"
KEEP_RUNS = 5


def workdir(profile: str) -> Path:
    """Snakemake's working directory for one profile (its ``.snakemake/`` and the run records)."""
    return paths.build_dir(profile) / "workflow"


def snakemake_command(
    profile: str,
    jobs: int,
    *,
    run_id: str,
    ids: list[str],
    force: bool = False,
    engine: str = "local",
    cores: int | None = None,
    gpu_devices: list[str] | None = None,
    gpu_speedup: float = 100.0,
    dry_run: bool = False,
    started: float = 0.0,
    cost_table: Path | None = None,
) -> list[str]:
    """The ``snakemake`` command line of one run over the notebook ``ids``. Locally, ``jobs`` notebooks run at once with
    ``max(1, cores // jobs)`` threads each (Snakemake exports ``OMP_NUM_THREADS`` and
    ``MKL_NUM_THREADS`` = the rule's threads) and, when ``gpu_devices`` is non-empty, one GPU slot
    each (:mod:`inputspace.run.workflow.slots`); on SLURM, the profile in ``slurm/`` submits one job
    per notebook with the requests of :func:`inputspace.run.workflow.plan.slurm_resources` read from
    ``cost_table`` (default ``figures/paper-cost.json``)."""
    if engine not in ("local", "slurm"):
        raise SystemExit(f"ENGINE={engine!r}: use local or slurm")
    threads = threads_per_job(cores or os.cpu_count() or 1, jobs)
    if not ids:
        raise SystemExit("no notebook to run: check ONLY=")
    config = {
        "profile": profile,
        "run": run_id,
        "ids": ",".join(ids),
        "python": sys.executable,
        "engine": engine,
        "threads": threads,
        "gpu_speedup": gpu_speedup,
        "started": started,
        "cost_table": cost_table or paths.FIGURES_ROOT / "paper-cost.json",
    }
    if force:
        config["force"] = 1
    if engine == "local" and gpu_devices:
        config["gpu_slots"] = jobs
        config["gpu_devices"] = ",".join(gpu_devices)
    cmd = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(SNAKEFILE),
        "--directory",
        str(workdir(profile)),
        "--nolock",
        "--config",
        *(f"{k}={v}" for k, v in config.items()),
    ]
    if engine == "slurm":
        cmd += ["--workflow-profile", str(SLURM_PROFILE)]
    else:
        cmd += ["--cores", str(jobs * threads)]
    if dry_run:
        cmd += ["--dry-run"]  # prints every job with its resources
    elif engine == "local":
        # the notebooks' own [run ]/[ ok ]/[ .. ] lines and the end summary say what runs; Snakemake's
        # per-job rule, host, reason and progress records would add ~7 lines per notebook between them
        cmd += ["--quiet", "rules", "host", "reason", "progress"]
    return cmd


def prune_runs(profile: str, keep: int = KEEP_RUNS) -> None:
    """Remove the records of all but the newest ``keep`` runs (they are only read at a run's end)."""
    runs = workdir(profile) / "runs"
    if runs.is_dir():
        for old in sorted(runs.iterdir())[:-keep]:
            shutil.rmtree(old, ignore_errors=True)


def check_edges(profile: str, ids: list[str]) -> int:
    """``edges``: print the shared-cache reads of the last runs that the graph does not order (module
    doc); 0 when there is none, 1 otherwise or without a reads log."""
    from ...cache import READS_LOG

    log = paths.cache_dir("shared", profile) / READS_LOG
    if not log.exists():
        print(f"no reads log {log}: run the notebooks first (make figures PROFILE={profile})")
        return 1
    observed = read_edges(log.read_text().splitlines())
    missing = missing_edges(observed, ids, SHARED_CACHE_EDGES)
    for (producer, consumer), keys in sorted(missing.items()):
        shown = sorted(keys)[:3]
        more = f" and {len(keys) - len(shown)} more" if len(keys) > len(shown) else ""
        print(
            f"missing edge {producer} -> {consumer}: {consumer} reads {', '.join(shown)}{more}, computed by "
            f"{producer}; add the edge to inputspace.run.workflow.plan.SHARED_CACHE_EDGES (a stale log? make clean "
            f"and rerun from empty caches)"
        )
    print(
        f"{len(observed)} producer -> consumer pairs read, {len(missing)} not ordered by SHARED_CACHE_EDGES"
    )
    return 1 if missing else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m inputspace.run.workflow",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("command", choices=("run", "edges"))
    ap.add_argument("--profile", default="quick", choices=PROFILES)
    ap.add_argument("--jobs", type=int, default=1, help="notebooks at once (local engine)")
    ap.add_argument("--engine", default="local", choices=("local", "slurm"))
    ap.add_argument("--only", default=None, help="comma-separated notebook ids or id prefixes")
    ap.add_argument("--force", action="store_true", help="rerun even if inputs are unchanged")
    ap.add_argument(
        "--gpus",
        default=None,
        help="GPUs to hand out one per job (default: CUDA_VISIBLE_DEVICES or all torch "
        "sees; 'none': no GPU slots)",
    )
    ap.add_argument(
        "--gpu-speedup",
        type=float,
        default=100.0,
        help="SLURM: divide a CPU-measured paper-cost.json estimate by this factor",
    )
    ap.add_argument("--dry-run", action="store_true", help="print the plan, run nothing")
    args = ap.parse_args(argv)
    if args.jobs < 1:
        raise SystemExit(f"JOBS={args.jobs}: use JOBS=1 or more")
    if args.gpus == "none" or args.engine == "slurm":
        devices: list[str] = []
    elif args.gpus is not None:
        devices = [d for d in args.gpus.split(",") if d]
    else:
        devices = visible_devices() if args.jobs > 1 else []
    ids = [notebook_id(p) for p in select(args.only)]
    if args.command == "edges":
        return check_edges(args.profile, ids)
    run_id = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}"
    cmd = snakemake_command(
        args.profile,
        args.jobs,
        run_id=run_id,
        ids=ids,
        force=args.force,
        engine=args.engine,
        gpu_devices=devices,
        gpu_speedup=args.gpu_speedup,
        dry_run=args.dry_run,
        started=time.time(),
    )
    workdir(args.profile).mkdir(parents=True, exist_ok=True)
    prune_runs(args.profile)
    env = {
        **os.environ,
        "PYTHONWARNINGS": os.environ.get("PYTHONWARNINGS", "ignore::DeprecationWarning"),
    }
    return subprocess.call(cmd, env=env)
