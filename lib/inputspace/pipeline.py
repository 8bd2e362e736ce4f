"""Execute the notebooks (``make figures`` / ``make smoke`` / ``make test``).

``python -m inputspace.pipeline run --profile quick [--only p2-fig04,p3] [--force]``
    executes each notebook with papermill into ``build/<profile>/``; in the quick profile a
    successful run is promoted into ``notebooks/`` (volatile papermill metadata stripped,
    execution counts kept) -- a failed run never overwrites the committed notebook. A notebook
    whose inputs (code cells, library sources, profile, data locations) did not change since
    its last successful run is skipped. The claims scorecard is rewritten at the end.
``python -m inputspace.pipeline prepare --profile smoke``
    writes parameterized copies into ``build/smoke/nb/`` for ``pytest --nbval-lax``.
``python -m inputspace.pipeline scorecard --profile quick``
    rewrites ``figures/claims.{md,json}`` (and the README totals) from the recorded claims.
``python -m inputspace.pipeline codemap``
    rewrites the README map's "code" column: the paper-package and ``methods`` functions each
    notebook calls (:func:`library_calls`; a test keeps the two in step).
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat

from . import claims, paths
from .cache import atomic_write_bytes
from .config import PROFILES
from .sources import library_dependencies, update_with_sources

DATA_ENV = ("INPUTSPACE_IMAGENET", "INPUTSPACE_CIFAR", "INPUTSPACE_SVHN", "INPUTSPACE_DATA")
README_START, README_END = "<!-- scorecard:start -->", "<!-- scorecard:end -->"
FIGMAP_START, FIGMAP_END = "<!-- figmap:start -->", "<!-- figmap:end -->"
_CODE_TARGET = re.compile(r"^inputspace\.(p\d|px|methods)\.")


def notebook_id(path: Path) -> str:
    """``p2-fig04-triangles.ipynb`` -> ``p2-fig04`` (the first two dash-separated parts)."""
    return "-".join(path.stem.split("-")[:2])


def select(only: str | None) -> list[Path]:
    """Notebooks in run order (``p0`` first), optionally filtered by comma-separated id prefixes."""
    nbs = sorted(paths.NOTEBOOKS.glob("p*.ipynb"))
    if not only:
        return nbs
    wanted = [w.strip() for w in only.split(",") if w.strip()]
    picked = [p for p in nbs if any(notebook_id(p).startswith(w) or p.stem == w for w in wanted)]
    if not picked:
        raise SystemExit(f"no notebook matches ONLY={only!r}; ids: {[notebook_id(p) for p in nbs]}")
    return picked


def inputs_hash(nb_path: Path, profile: str) -> str:
    """sha256 over what a run depends on: code cells, the library modules they import
    (transitively), the profile and the data locations."""
    h = hashlib.sha256()
    nb = nbformat.read(nb_path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    h.update(code.encode())
    clean = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))
    update_with_sources(h, library_dependencies(clean))
    h.update(profile.encode())
    h.update(json.dumps({k: os.environ.get(k, "") for k in DATA_ENV}).encode())
    return h.hexdigest()


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
    ``Agg``) must not reach them: the executed notebooks would carry no figures (only figures/ would)."""
    if profile != "paper":
        os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["MPLBACKEND"] = INLINE_BACKEND
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def run_one(nb_path: Path, profile: str, force: bool) -> str:
    """Execute one notebook; returns ``"ok"``, ``"skipped"`` or ``"failed"``."""
    import papermill as pm

    nid = notebook_id(nb_path)
    stamp = paths.BUILD / profile / "stamps" / f"{nid}.sha256"
    digest = inputs_hash(nb_path, profile)
    if not force and stamp.exists() and stamp.read_text() == digest:
        print(f"[skip] {nid}: inputs unchanged since its last successful {profile} run", flush=True)
        return "skipped"
    out = paths.BUILD / profile / nb_path.name
    out.parent.mkdir(parents=True, exist_ok=True)
    params = {} if profile == "quick" else {"profile": profile}
    print(f"[run ] {nid} ({profile})", flush=True)
    t0 = time.time()
    try:
        pm.execute_notebook(str(nb_path), str(out), parameters=params, kernel_name="python3",
                            progress_bar=sys.stderr.isatty(), cwd=str(paths.NOTEBOOKS))
    except Exception as exc:  # noqa: BLE001 - report and go on with the other notebooks
        print(f"[FAIL] {nid} after {time.time() - t0:.0f}s: {type(exc).__name__}: "
              f"{str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}\n       see {out}", flush=True)
        return "failed"
    if profile == "quick":
        nb = strip_volatile(nbformat.read(out, as_version=4))
        atomic_write_bytes(nb_path, (nbformat.writes(nb) + "\n").encode())
    atomic_write_bytes(stamp, inputs_hash(nb_path, profile).encode())
    print(f"[ ok ] {nid} in {time.time() - t0:.0f}s", flush=True)
    return "ok"


def library_calls(nb_path: Path) -> list[str]:
    """The paper-package and ``methods`` functions a notebook's code cells call, in order of
    first call, as ``p3.plots.fig11`` (what the README map's "code" column lists)."""
    nb = nbformat.read(nb_path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    tree = ast.parse("\n".join(ln for ln in code.splitlines() if not ln.lstrip().startswith(("%", "!"))))
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("inputspace"):
            aliases.update({a.asname or a.name: f"{node.module}.{a.name}" for a in node.names})
        elif isinstance(node, ast.Import):
            aliases.update({a.asname: a.name for a in node.names if a.asname and a.name.startswith("inputspace")})
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
    """The README map's "code" cell of one notebook."""
    calls = library_calls(nb_path)
    return ", ".join(f"`{c}`" for c in calls) if calls else "—"


def figmap_rows(text: str) -> list[list[str]]:
    """Cells of every row of the README's figure map (between the figmap markers)."""
    block = text.split(FIGMAP_START, 1)[1].split(FIGMAP_END, 1)[0]
    return [[c.strip() for c in line.strip().strip("|").split("|")] for line in block.strip().splitlines()]


def update_readme_code() -> None:
    """Rewrite the "code" column of the README map from the notebooks (``codemap`` command)."""
    readme = paths.ROOT / "README.md"
    text = readme.read_text()
    rows = figmap_rows(text)
    col = rows[0].index("code")
    for row in rows[2:]:
        link = re.search(r"\(notebooks/([^)]+\.ipynb)\)", " ".join(row))
        if link and not (paths.NOTEBOOKS / link.group(1)).is_file():
            raise SystemExit(f"README map links notebooks/{link.group(1)}, which does not exist")
        row[col] = code_column(paths.NOTEBOOKS / link.group(1)) if link else "—"
    lines = ["| " + " | ".join(r) + " |" for r in rows]
    lines[1] = "|" + "---|" * len(rows[0])
    table = "\n".join(lines)
    block = f"{FIGMAP_START}\n{table}\n{FIGMAP_END}"
    text = re.sub(re.escape(FIGMAP_START) + ".*?" + re.escape(FIGMAP_END), lambda _: block, text, flags=re.S)
    atomic_write_bytes(readme, text.encode())


def update_readme(totals: dict[str, int]) -> None:
    """Rewrite the scorecard totals between the README's scorecard markers."""
    readme = paths.ROOT / "README.md"
    text = readme.read_text()
    if README_START not in text:
        return
    line = (f"{README_START}\n**Claims scorecard (quick profile): {totals['PASS']} pass, "
            f"{totals['FAIL']} fail, {totals['N/A']} not evaluated** — "
            f"[figures/claims.md](figures/claims.md)\n{README_END}")
    text = re.sub(re.escape(README_START) + ".*?" + re.escape(README_END), line, text, flags=re.S)
    atomic_write_bytes(readme, text.encode())


def scorecard(profile: str) -> dict[str, int]:
    ids = [notebook_id(p) for p in select(None)]
    out = paths.figures_dir(profile)
    totals = claims.write_scorecard(profile, out, ids)
    if profile == "quick":
        update_readme(totals)
    print(f"scorecard ({profile}): {totals} -> {out / 'claims.md'}")
    return totals


def prepare(profile: str, only: str | None) -> list[Path]:
    """Parameterized copies (outputs kept, for NBVAL_CHECK_OUTPUT cells) in build/<profile>/nb/."""
    from papermill.iorw import load_notebook_node  # gives every cell a (possibly empty) tags list
    from papermill.parameterize import parameterize_notebook

    out_dir = paths.BUILD / profile / "nb"
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


def write_timings(profile: str, seconds: dict[str, dict]) -> Path:
    """Record this run's wall time per notebook in ``build/<profile>/timings.json`` (the README's
    runtimes come from it; p0's time includes training any missing model)."""
    out = paths.BUILD / profile / "timings.json"
    total = round(sum(v["seconds"] for v in seconds.values()), 1)
    atomic_write_bytes(out, json.dumps({"total_seconds": total, "notebooks": seconds}, indent=1).encode())
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m inputspace.pipeline", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=("run", "prepare", "scorecard", "list", "codemap"))
    ap.add_argument("--profile", default="quick", choices=PROFILES)
    ap.add_argument("--only", default=None, help="comma-separated notebook ids or id prefixes")
    ap.add_argument("--force", action="store_true", help="rerun even if inputs are unchanged")
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
    t0, runs = time.time(), {}
    for p in select(args.only):
        t = time.time()
        status = run_one(p, args.profile, args.force)
        runs[notebook_id(p)] = {"status": status, "seconds": round(time.time() - t, 1)}
    scorecard(args.profile)
    write_timings(args.profile, runs)
    statuses = [r["status"] for r in runs.values()]
    failed = [nid for nid, r in runs.items() if r["status"] == "failed"]
    print(f"{statuses.count('ok')} ran, {statuses.count('skipped')} skipped, {len(failed)} failed"
          + (f": {failed}" if failed else "") + f" in {(time.time() - t0) / 60:.1f} min")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
