"""Execute the notebooks (``make figures`` / ``make smoke`` / ``make test``).

``python -m inputspace.pipeline run --profile quick [--only p2-triangles,p3] [--force]``
    executes each notebook with papermill into ``build/<profile>/``; in the quick profile a
    successful run is promoted into ``notebooks/`` (volatile papermill metadata stripped,
    execution counts kept) -- a failed run never overwrites the committed notebook. A notebook
    whose inputs (code cells, library sources, profile, data locations) did not change since
    its last successful run is skipped. The claims scorecard is rewritten at the end.
``python -m inputspace.pipeline run-one p2-triangles --profile quick [--force] [--record R.json]``
    the same for one notebook (skip by content, execution into ``build/``, promotion only on
    success), plus its timing record; the job the workflow engine runs per notebook
    (:mod:`inputspace.workflow`, ``make figures JOBS=N`` / ``ENGINE=slurm``). ``aggregate``
    then writes the timings file, scorecard and README totals from the records.
``python -m inputspace.pipeline prepare --profile smoke``
    writes parameterized copies into ``build/smoke/nb/`` for ``pytest --nbval-lax``.
``python -m inputspace.pipeline scorecard --profile quick``
    rewrites ``figures/claims.{md,json}`` (and the README totals) from the recorded claims.
``python -m inputspace.pipeline compare``
    writes ``figures/claims-seeds.md``: the quick verdicts under each model seed that has a run
    (``make figures MODEL_SEED=1`` runs into ``build/quick-seed1/``, never touching the committed
    notebooks, figures or scorecard).
``python -m inputspace.pipeline stale [--only ids]``
    lists the committed notebooks whose outputs were produced by other sources than the current
    ones: the ``sources`` digest their provenance cell printed (:mod:`inputspace.provenance`) is
    not the digest of the code now (exit status 1 if any).
``python -m inputspace.pipeline codemap``
    rewrites the figure map's "code" column (docs/figure-map.md): the paper-package and ``methods`` functions each
    notebook calls (:func:`library_calls`; a test keeps the two in step).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from traitlets.config import Config

from . import claims, paths, progress, provenance
from .cache import atomic_write_bytes
from .catalogue import ZOO_NOTEBOOK, notebook_id, notebook_path, select
from .config import PROFILES
from .scorecard import at_a_glance, gallery, seeds_markdown, write_scorecard
from .sources import DATA_ENV, inputs_hash, notebook_code  # noqa: F401 - DATA_ENV: pipeline.DATA_ENV as before

README_START, README_END = "<!-- scorecard:start -->", "<!-- scorecard:end -->"
FIGMAP_START, FIGMAP_END = "<!-- figmap:start -->", "<!-- figmap:end -->"
_CODE_TARGET = re.compile(r"^inputspace\.(p\d|px|real|methods)\.")


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop papermill timings/paths and widget state; keep tags, outputs and execution counts.

    Widget views keep their output (JupyterLab shows the text fallback: the widget state is gone
    and the kernel too), but their random ``model_id`` becomes ``cell<i>-<j>`` so reruns do not churn."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        for j, out in enumerate(cell.get("outputs", [])):
            if WIDGET_VIEW in out.get("data", {}):
                out["data"][WIDGET_VIEW]["model_id"] = f"cell{i}-{j}"
    return nb


INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def _kernel_env(profile: str) -> None:
    """Environment the papermill kernels inherit. An ``MPLBACKEND`` from the caller's shell (e.g.
    ``Agg``) must not reach them: the executed notebooks would carry no figures (only figures/ would).
    Progress bars are text (:func:`inputspace.progress.headless`): nobody watches these kernels, and
    a widget bar would stay in the committed notebook as its first frame."""
    if profile != "paper":
        os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["MPLBACKEND"] = INLINE_BACKEND
    os.environ.setdefault(progress.STYLE_ENV, "text")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def kernel_config() -> Config:
    """Kernel-manager settings for papermill's kernels: ``transport_encryption="auto"`` makes
    jupyter_client (>= 8.10) provision CurveZMQ keys for a kernel whose kernelspec declares
    support (ipykernel's ``python3`` does), so the kernel talks over encrypted local TCP and
    ipykernel has no reason to warn "Kernel is running over TCP without encryption". A kernel
    without support still starts (unencrypted, and then it still warns)."""
    return Config({"KernelManager": {"transport_encryption": "auto"}})


def run_one(nb_path: Path, profile: str, force: bool) -> str:
    """Execute one notebook; returns ``"ok"``, ``"skipped"`` or ``"failed"``."""
    import papermill as pm

    nid = notebook_id(nb_path)
    stamp = paths.build_dir(profile) / "stamps" / f"{nid}.sha256"
    digest = inputs_hash(nb_path, profile)
    if not force and stamp.exists() and stamp.read_text() == digest:
        print(f"[skip] {nid}: inputs unchanged since its last successful {profile} run", flush=True)
        return "skipped"
    out = paths.build_dir(profile) / nb_path.name
    out.parent.mkdir(parents=True, exist_ok=True)
    params = {} if profile == "quick" else {"profile": profile}
    expected, source = expected_seconds(nid, profile)
    print(
        f"[run ] {nid} ({profile})"
        + (
            f", expected ~{progress.duration(expected)} ({source})"
            if expected
            else ", no earlier time on record"
        ),
        flush=True,
    )
    # the zoo's time depends on how many models are already trained (a minute or an hour): no limit
    timeout = cell_timeout(
        None if nid == ZOO_NOTEBOOK else expected,
        source.endswith(f" on {machine_text()}"),
        os.environ.get(CELL_TIMEOUT_ENV),
    )
    t0 = time.time()
    feed = paths.build_dir(profile) / "progress" / f"{nid}.jsonl"
    os.environ[progress.ENV] = str(feed)  # the kernel inherits it: its bars report to the watcher
    try:
        with progress.Watcher(nid, feed, expected):
            pm.execute_notebook(
                str(nb_path),
                str(out),
                parameters=params,
                kernel_name="python3",
                progress_bar=sys.stderr.isatty(),
                cwd=str(paths.NOTEBOOKS),
                config=kernel_config(),
                execution_timeout=timeout,
            )
    except Exception as exc:  # noqa: BLE001 - report and go on with the other notebooks
        print(
            f"[FAIL] {nid} after {time.time() - t0:.0f}s: {type(exc).__name__}: "
            f"{str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}\n       see {out}",
            flush=True,
        )
        return "failed"
    finally:
        os.environ.pop(progress.ENV, None)
    if (
        paths.run_name(profile) == "quick"
    ):  # another model seed never touches the committed notebooks
        nb = strip_volatile(nbformat.read(out, as_version=4))
        atomic_write_bytes(nb_path, (nbformat.writes(nb) + "\n").encode())
    atomic_write_bytes(stamp, inputs_hash(nb_path, profile).encode())
    print(f"[ ok ] {nid} in {time.time() - t0:.0f}s", flush=True)
    return "ok"


def library_calls(nb_path: Path) -> list[str]:
    """The paper-package and ``methods`` functions a notebook's code cells call, in order of
    first call, as ``p3.plots.fig11`` (what the figure map's "code" column lists)."""
    code = notebook_code(nb_path.read_text())
    tree = ast.parse(
        "\n".join(ln for ln in code.splitlines() if not ln.lstrip().startswith(("%", "!")))
    )
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("inputspace"):
            aliases.update({a.asname or a.name: f"{node.module}.{a.name}" for a in node.names})
        elif isinstance(node, ast.Import):
            aliases.update(
                {
                    a.asname: a.name
                    for a in node.names
                    if a.asname and a.name.startswith("inputspace")
                }
            )
    calls: list[tuple[tuple[int, int], str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in aliases:
            dotted = f"{aliases[f.value.id]}.{f.attr}"
        elif isinstance(f, ast.Name) and f.id in aliases:
            dotted = aliases[f.id]
        else:
            continue
        if _CODE_TARGET.match(dotted):
            calls.append(((node.lineno, node.col_offset), dotted.removeprefix("inputspace.")))
    return list(dict.fromkeys(name for _, name in sorted(calls)))


def code_column(nb_path: Path) -> str:
    """The figure map's "code" cell of one notebook."""
    calls = library_calls(nb_path)
    return ", ".join(f"`{c}`" for c in calls) if calls else "—"


def figmap_rows(text: str) -> list[list[str]]:
    """Cells of every row of the figure map (between the figmap markers of :data:`FIGMAP_FILE`)."""
    block = text.split(FIGMAP_START, 1)[1].split(FIGMAP_END, 1)[0]
    return [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in block.strip().splitlines()
    ]


FIGMAP_FILE: Path = paths.ROOT / "docs" / "figure-map.md"
"""The figure map (linked from the README): its table sits between the figmap markers."""
FIGMAP_LINK = re.compile(r"\((?:\.\./)?notebooks/([^)]+\.ipynb)\)")
"""A notebook link in a map row (relative to ``docs/``)."""


def update_readme_code() -> None:
    """Rewrite the "code" column of the figure map from the notebooks (``codemap`` command)."""
    text = FIGMAP_FILE.read_text()
    rows = figmap_rows(text)
    col = rows[0].index("code")
    for row in rows[2:]:
        link = FIGMAP_LINK.search(" ".join(row))
        if link and not (paths.NOTEBOOKS / link.group(1)).is_file():
            raise SystemExit(
                f"the figure map links notebooks/{link.group(1)}, which does not exist"
            )
        row[col] = code_column(paths.NOTEBOOKS / link.group(1)) if link else "—"
    lines = ["| " + " | ".join(r) + " |" for r in rows]
    lines[1] = "|" + "---|" * len(rows[0])
    table = "\n".join(lines)
    block = f"{FIGMAP_START}\n{table}\n{FIGMAP_END}"
    text = re.sub(
        re.escape(FIGMAP_START) + ".*?" + re.escape(FIGMAP_END), lambda _: block, text, flags=re.S
    )
    atomic_write_bytes(FIGMAP_FILE, text.encode())


GALLERY_START, GALLERY_END = "<!-- gallery:start -->", "<!-- gallery:end -->"


def update_readme(block: str, gallery_block: str | None = None) -> None:
    """Rewrite the README's results at a glance between its scorecard markers
    (:func:`inputspace.scorecard.at_a_glance` of the quick run's claims) and, when given, its
    gallery between the gallery markers (:func:`inputspace.scorecard.gallery`)."""
    readme = paths.ROOT / "README.md"
    text = readme.read_text()
    for start, end, content in (
        (README_START, README_END, block),
        (GALLERY_START, GALLERY_END, gallery_block),
    ):
        if content is None or start not in text:
            continue
        text = re.sub(
            re.escape(start) + ".*?" + re.escape(end),
            lambda _, c=content, a=start, b=end: f"{a}\n{c}\n{b}",
            text,
            flags=re.S,
        )
    atomic_write_bytes(readme, text.encode())


def gallery_items() -> list[tuple[str, str, str, str]]:
    """(notebook id, title, notebook path, figure path) of every notebook with a committed figure,
    in run order: the title is the notebook's first heading after its paper prefix."""
    items = []
    for nb_path in select(None):
        nid = notebook_id(nb_path)
        figure = paths.FIGURES_ROOT / f"{nid}.png"
        if not figure.exists():
            continue
        first = nbformat.read(nb_path, as_version=4).cells[0].source.splitlines()[0]
        title = re.sub(r"^#\s*(P\d|Cross-study \d)\s*—\s*", "", first).strip()
        items.append((nid, title, f"notebooks/{nb_path.name}", f"figures/{figure.name}"))
    return items


def scorecard(profile: str) -> dict[str, int]:
    ids = [notebook_id(p) for p in select(None)]
    out = paths.figures_dir(profile)
    totals = write_scorecard(profile, out, ids)
    if paths.run_name(profile) == "quick":
        rows = claims.load_scorecard(out / "claims.json")
        update_readme(at_a_glance(rows), gallery(rows, gallery_items()))
    print(f"scorecard ({profile}): {totals} -> {out / 'claims.md'}")
    return totals


def prepare(profile: str, only: str | None) -> list[Path]:
    """Parameterized copies (outputs kept, for NBVAL_CHECK_OUTPUT cells) in build/<profile>/nb/."""
    from papermill.iorw import load_notebook_node  # gives every cell a (possibly empty) tags list
    from papermill.parameterize import parameterize_notebook

    out_dir = paths.build_dir(profile) / "nb"
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.ipynb"):
        old.unlink()
    written = []
    for nb_path in select(only):
        nb = parameterize_notebook(load_notebook_node(str(nb_path)), {"profile": profile})
        target = out_dir / nb_path.name
        nbformat.write(strip_volatile(nb), target)
        written.append(target)
    print(f"prepared {len(written)} notebooks in {out_dir}")
    return written


def run_and_record(
    nid: str,
    profile: str,
    force: bool,
    record: Path | None = None,
    gpu_slots: int = 0,
    gpu_devices: list[str] | None = None,
    slot_dir: Path | None = None,
) -> str:
    """:func:`run_one` for one notebook id, as one workflow job: with ``gpu_slots`` it first takes
    a GPU slot (:func:`inputspace.workflow.slots.gpu_slot`; the kernel sees only that GPU), and it
    writes ``{"status", "seconds", "threads", "gpu"}`` to ``record`` (atomically) -- the per-notebook
    timing that ``aggregate`` collects. ``threads``/``gpu`` are the ``OMP_NUM_THREADS`` and
    ``CUDA_VISIBLE_DEVICES`` the notebook's kernel inherited."""
    from contextlib import nullcontext

    from .workflow.slots import gpu_slot

    nb_path = notebook_path(nid)
    slots = (
        gpu_slot(slot_dir or paths.build_dir(profile) / "gpu-slots", gpu_slots, gpu_devices or [])
        if gpu_slots
        else nullcontext()
    )
    with slots:
        t = time.time()
        status = run_one(nb_path, profile, force)
        rec = {
            "status": status,
            "seconds": round(time.time() - t, 1),
            "threads": os.environ.get("OMP_NUM_THREADS"),
            "gpu": os.environ.get("CUDA_VISIBLE_DEVICES"),
        }
    if record is not None:
        atomic_write_bytes(record, json.dumps(rec).encode())
    return status


def summarize(profile: str, runs: dict[str, dict], t0: float) -> int:
    """End of a run: scorecard (and README totals), timings files, the summary (ran / skipped /
    failed, total time, where the time went); the exit status (1 if a notebook failed)."""
    scorecard(profile)
    write_timings(profile, runs)
    remember_timings(profile, runs)
    print(summary_text(runs, time.time() - t0), flush=True)
    return 1 if any(r["status"] == "failed" for r in runs.values()) else 0


def summary_text(runs: dict[str, dict], wall: float, top: int = 5) -> str:
    """``N ran, M skipped, K failed [ids] in X min`` and the notebooks that took the most time."""
    statuses = [r["status"] for r in runs.values()]
    failed = [nid for nid, r in runs.items() if r["status"] == "failed"]
    head = (
        f"{statuses.count('ok')} ran, {statuses.count('skipped')} skipped, {len(failed)} failed"
        + (f": {failed}" if failed else "")
        + f" in {wall / 60:.1f} min"
    )
    spent = sorted(
        ((r["seconds"], nid) for nid, r in runs.items() if r["status"] != "skipped"), reverse=True
    )
    if not spent:
        return head
    busy = sum(sec for sec, _ in spent)
    where = ", ".join(
        f"{nid} {progress.duration(sec)} ({100 * sec / busy:.0f} %)"
        for sec, nid in spent[:top]
        if busy > 0
    )
    return head + (f"\nwhere the time went: {where}" if where else "")


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


CELL_TIMEOUT_ENV = "INPUTSPACE_CELL_TIMEOUT"
"""Seconds one cell may run before the notebook fails (``0``: no limit); overrides :func:`cell_timeout`."""
HANG_FACTOR = 10
MIN_CELL_TIMEOUT_S = 1800


def cell_timeout(
    expected: float | None, same_machine: bool, override: str | None = None
) -> int | None:
    """papermill's per-cell ``execution_timeout``: ``HANG_FACTOR`` (10) times the notebook's expected
    time, at least 30 min, when that time was measured on this machine kind; otherwise none (another
    machine may be far slower). A kernel that stops answering mid-cell (seen under a 4x overloaded
    CPU: papermill has no timeout of its own and waits forever) then fails the notebook, and the run
    goes on. ``override`` (``INPUTSPACE_CELL_TIMEOUT``) sets it in seconds, ``0`` for none."""
    if override is not None and override.strip():
        try:
            value = float(override)
        except ValueError:
            raise SystemExit(
                f"{CELL_TIMEOUT_ENV}={override!r}: give seconds (0: no limit)"
            ) from None
        return None if value <= 0 else int(value)
    if expected is None or not same_machine:
        return None
    return int(max(MIN_CELL_TIMEOUT_S, HANG_FACTOR * expected))


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


def aggregate(profile: str, records: Path, ids: list[str], t0: float) -> int:
    """:func:`summarize` over the per-notebook records ``records/<id>.json`` of one workflow run,
    in run order; a record that is missing (its job never ran) counts as failed."""
    runs = {}
    for nid in ids:
        rec = records / f"{nid}.json"
        runs[nid] = (
            json.loads(rec.read_text()) if rec.exists() else {"status": "failed", "seconds": 0.0}
        )
    return summarize(profile, runs, t0)


def write_timings(profile: str, seconds: dict[str, dict]) -> Path:
    """Record this run's wall time per notebook in ``build/<profile>/timings.json`` (the README's
    runtimes come from it; p0's time includes training any missing model)."""
    out = paths.build_dir(profile) / "timings.json"
    total = round(sum(v["seconds"] for v in seconds.values()), 1)
    atomic_write_bytes(
        out, json.dumps({"total_seconds": total, "notebooks": seconds}, indent=1).encode()
    )
    return out


SEEDS_MD = "claims-seeds.md"


def seed_scorecards() -> dict[int, Path]:
    """Quick scorecards by model seed: 0 is the committed ``figures/claims.json``, N the
    ``build/quick-seedN/figures/claims.json`` of ``make figures MODEL_SEED=N`` (whole or ``ONLY=``)."""
    found = {0: paths.FIGURES_ROOT / "claims.json"}
    for p in paths.BUILD.glob("quick-seed*/figures/claims.json"):
        tail = p.parts[-3].removeprefix("quick-seed")
        if tail.isdigit():
            found[int(tail)] = p
    return {s: found[s] for s in sorted(found) if found[s].exists()}


def compare() -> Path:
    """``figures/claims-seeds.md``: every quick claim's verdict and measured value under each model
    seed with a scorecard (:func:`seed_scorecards`, :func:`inputspace.scorecard.seeds_markdown`)."""
    cards = seed_scorecards()
    if len(cards) < 2 or 0 not in cards:
        raise SystemExit(
            "compare needs figures/claims.json and a run under another model seed: "
            "make figures MODEL_SEED=1 [ONLY=p2,p3] (writes build/quick-seed1/)"
        )
    out = paths.FIGURES_ROOT / SEEDS_MD
    atomic_write_bytes(
        out, seeds_markdown({s: claims.load_scorecard(p) for s, p in cards.items()}).encode()
    )
    print(f"model seeds {sorted(cards)} -> {out}")
    return out


def stale(nbs: list[Path], profile: str = "quick") -> list[str]:
    """Print, per notebook, whether its committed outputs come from the current sources (the
    ``sources`` line of its provenance cell against :func:`inputspace.provenance.sources_digest`);
    returns the ids of those that do not (or that record no digest)."""
    old = []
    for p in nbs:
        recorded, now = provenance.recorded_digest(p), provenance.sources_digest(p, profile)
        if recorded != now:
            old.append(notebook_id(p))
        state = "[ ok ]" if recorded == now else "[none]" if recorded is None else "[old ]"
        print(
            f"{state} {notebook_id(p)}"
            + (
                f": outputs from sources {recorded}, code now {now}"
                if recorded not in (None, now)
                else ""
            )
        )
    print(f"{len(nbs) - len(old)} of {len(nbs)} notebooks' outputs come from the current sources")
    return old


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m inputspace.pipeline",
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
    _kernel_env(args.profile)
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


if __name__ == "__main__":
    sys.exit(main())
