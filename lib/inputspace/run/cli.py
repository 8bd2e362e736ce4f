"""Execute the notebooks (``make figures`` / ``make smoke`` / ``make test``).

``python -m inputspace.run run --profile quick [--only p2-triangles,p3] [--force]``
    executes each notebook with papermill into ``build/<profile>/``; in the quick profile a
    successful run is promoted into ``notebooks/`` (volatile papermill metadata stripped,
    execution counts kept) -- a failed run never overwrites the committed notebook. A notebook
    whose inputs (code cells, library sources, profile, data locations) did not change since
    its last successful run is skipped. The claims scorecard is rewritten at the end.
``python -m inputspace.run run-one p2-triangles --profile quick [--force] [--record R.json]``
    the same for one notebook (skip by content, execution into ``build/``, promotion only on
    success), plus its timing record; the job the workflow engine runs per notebook
    (:mod:`inputspace.run.workflow`, ``make figures JOBS=N`` / ``ENGINE=slurm``). ``aggregate``
    then writes the timings file, scorecard and README totals from the records.
``python -m inputspace.run prepare --profile smoke``
    writes parameterized copies into ``build/smoke/nb/`` for ``pytest --nbval-lax``.
``python -m inputspace.run scorecard --profile quick``
    rewrites ``figures/claims.{md,json}`` (and the README totals) from the recorded claims.
``python -m inputspace.run compare``
    writes ``figures/claims-seeds.md``: the quick verdicts under each model seed that has a run
    (``make figures MODEL_SEED=1`` runs into ``build/quick-seed1/``, never touching the committed
    notebooks, figures or scorecard).
``python -m inputspace.run stale [--only ids]``
    lists the committed notebooks whose outputs were produced by other sources than the current
    ones: the ``sources`` digest their provenance cell printed (:mod:`inputspace.provenance`) is
    not the digest of the code now (exit status 1 if any).
``python -m inputspace.run codemap``
    rewrites the figure map's "code" column (docs/figure-map.md): the paper-package and ``methods`` functions each
    notebook calls (:func:`inputspace.run.codemap.library_calls`; a test keeps the two in step).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ..catalogue import notebook_id, select
from ..config import PROFILES
from .codemap import update_readme_code
from .execute import kernel_env, run_and_record, run_one
from .prepare import prepare
from .readme import scorecard
from .seeds import compare
from .stale import stale
from .summary import aggregate, summarize


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m inputspace.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument(
        "command",
        choices=(
            "run",
            "run-one",
            "aggregate",
            "prepare",
            "scorecard",
            "list",
            "codemap",
            "compare",
            "stale",
        ),
    )
    ap.add_argument("notebook", nargs="?", help="run-one: the notebook id (e.g. p2-triangles)")
    ap.add_argument("--profile", default="quick", choices=PROFILES)
    ap.add_argument("--only", default=None, help="comma-separated notebook ids or id prefixes")
    ap.add_argument("--force", action="store_true", help="rerun even if inputs are unchanged")
    ap.add_argument(
        "--record", type=Path, default=None, help="run-one: write its timing record here"
    )
    ap.add_argument(
        "--gpu-slots", type=int, default=0, help="run-one: take one of N GPU slots first"
    )
    ap.add_argument(
        "--gpu-devices", default="", help="run-one: comma-separated GPUs the slots map to"
    )
    ap.add_argument(
        "--records", type=Path, default=None, help="aggregate: folder of <id>.json records"
    )
    ap.add_argument(
        "--started", type=float, default=None, help="aggregate: run start (epoch seconds)"
    )
    args = ap.parse_args(argv)
    kernel_env(args.profile)
    if args.command == "list":
        print("\n".join(f"{notebook_id(p):<16} {p.name}" for p in select(args.only)))
        return 0
    if args.command == "prepare":
        prepare(args.profile, args.only)
        return 0
    if args.command == "scorecard":
        scorecard(args.profile)
        return 0
    if args.command == "codemap":
        update_readme_code()
        return 0
    if args.command == "compare":
        compare()
        return 0
    if args.command == "stale":
        return 1 if stale(select(args.only)) else 0
    if args.command == "run-one":
        if not args.notebook:
            raise SystemExit(
                "run-one needs a notebook id, e.g. `run-one p2-triangles --profile quick`"
            )
        devices = [d for d in args.gpu_devices.split(",") if d]
        run_and_record(
            args.notebook, args.profile, args.force, args.record, args.gpu_slots, devices
        )
        return 0  # a failed notebook is reported by `aggregate`; its dependants still run (as in `run`)
    if args.command == "aggregate":
        if args.records is None:
            raise SystemExit("aggregate needs --records DIR (the workflow run's <id>.json records)")
        ids = [notebook_id(p) for p in select(args.only)]
        return aggregate(args.profile, args.records, ids, args.started or time.time())
    t0, runs = time.time(), {}
    for p in select(args.only):
        t = time.time()
        status = run_one(p, args.profile, args.force)
        runs[notebook_id(p)] = {"status": status, "seconds": round(time.time() - t, 1)}
    return summarize(args.profile, runs, t0)
